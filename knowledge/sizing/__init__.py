"""Size charts and the fit probabilities computed from them (footwear and apparel)."""
