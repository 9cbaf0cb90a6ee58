"""Domain layer: the decision and pricing logic, above agents/tools/knowledge and below graphs."""
