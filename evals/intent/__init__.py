"""Evaluation of the rule-based intent parser (see evaluate.py)."""
