"""The offline eval runner behind `pakka eval`: suites (suite.py), runs as records, reports and gates."""
