"""Knowledge search: document model, backend protocol, embedded and OpenSearch backends."""
