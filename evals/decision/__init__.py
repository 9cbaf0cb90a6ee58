"""Evaluations of the decision engine (fit prediction, confidence calibration)."""
