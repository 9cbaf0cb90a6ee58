"""The suites of `pakka eval`, one module each, listed in registry.py (how to write one: runner/suite.py)."""
