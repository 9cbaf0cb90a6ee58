"""Evaluations of the photo scans in tools/vision."""
