"""Retrieval evaluations: ESCI product search (recall@10, nDCG@10) and the KB question set (hit rate@5)."""
