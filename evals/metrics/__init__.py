"""Metric helpers of the eval suites: ragas retrieval metrics, and the code check that an explanation's
numbers and citations come from its evidence."""
