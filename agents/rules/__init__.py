"""The rule-based tier: deterministic parsers and templates behind a LangChain chat model."""

from agents.rules.model import RuleBasedChatModel

__all__ = ["RuleBasedChatModel"]
