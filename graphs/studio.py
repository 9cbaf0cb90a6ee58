"""The graphs as langgraph.json serves them to `langgraph dev`, LangGraph Studio and the LangGraph server.

The server imports this module in a worker thread, so this is where the process's services are opened (the
store, the model router: `graphs.services.process_services`), on an empty store the demo catalog seeded as
`pakka serve` does, and the curated data files read (`warm_caches`). A run then finds all of it in memory: the
server forbids blocking calls on its event loop, where the context is built and async nodes run."""

from __future__ import annotations

from graphs.demo import seed_demo
from graphs.registry import GRAPHS
from graphs.services import process_services, warm_caches

_services = process_services()
if _services.settings.seed_demo_data:
    seed_demo(_services.store, _services.settings.default_tenant)
warm_caches()

decision = GRAPHS["decision"].graph
pricing = GRAPHS["pricing"].graph
checkout = GRAPHS["checkout"].graph
chat = GRAPHS["chat"].graph
sitegen = GRAPHS["sitegen"].graph
