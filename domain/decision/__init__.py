"""The decision engine's deterministic core: confidence, calibration, filtering, guidance, size learning."""
