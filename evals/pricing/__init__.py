"""Pricing accuracy eval (k-fold on Mercari and thredUP resale) and the lexical similarity calibration."""
