"""The pricing agents: analyst (adjusts within +/-15%), validator (rules + agent) and explainer."""
