"""Actives that sensitive skin should skip or take with care: retinoids, exfoliating acids (AHAs and BHAs),
benzoyl peroxide, fragrance and denatured alcohol (knowledge/data/ingredients/sensitivity_rules.yaml, each
rule with its sources).

How much a rule weighs follows what the shopper told us: a high sensitivity (or the skin type "sensitive")
avoids the class, a medium one takes it with caution, and a stated concern that signals reactive or
barrier-damaged skin (redness, rosacea, eczema...) takes it with caution too."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from knowledge.data import DATA_DIR
from knowledge.ingredients.parse import normalise

RULES_FILE = DATA_DIR / "ingredients" / "sensitivity_rules.yaml"
Sensitivity = Literal["low", "medium", "high"]
Action = Literal["avoid", "caution"]


class RuleSource(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = Field(min_length=3)
    url: str | None = Field(default=None, pattern=r"^https?://\S+$")
    citation: str | None = Field(default=None, description="A knowledge-base id, when the source is ours")


class SensitivityRule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9-]+$")
    title: str = Field(min_length=3)
    members: list[str] = Field(min_length=1)
    high: Action
    medium: Action
    concerns: list[str] = Field(default_factory=list)
    why: str = Field(min_length=3)
    sources: list[RuleSource] = Field(min_length=1)

    @property
    def citation(self) -> str:
        """The citation id, e.g. "skin-rule:retinoids"."""
        return f"skin-rule:{self.id}"

    def action(
        self, sensitivity: Sensitivity | None, skin_type: str, concerns: Iterable[str]
    ) -> tuple[Action, str] | None:
        """What this rule asks of the shopper (avoid or caution) and why, or None when it does not apply."""
        if sensitivity == "high" or skin_type == "sensitive":
            return self.high, f"{self.why} (you said your skin is sensitive)"
        if sensitivity == "medium":
            return self.medium, f"{self.why} (you said your skin is somewhat sensitive)"
        stated = [concern for concern in concerns if concern in self.concerns]
        if stated:
            return "caution", f"{self.why} (you mentioned {' and '.join(stated)})"
        return None


class SensitivityRules:
    """The rules, looked up by ingredient name (INCI or synonym, case- and punctuation-insensitive)."""

    def __init__(self, rules: Iterable[SensitivityRule]) -> None:
        self.rules = list(rules)
        self._by_member = {normalise(member): rule for rule in self.rules for member in rule.members}

    def rule_for(self, *names: str) -> SensitivityRule | None:
        """The first rule naming any of `names` as a member."""
        return next((rule for name in names if (rule := self._by_member.get(normalise(name)))), None)

    def by_citation(self, citation: str) -> SensitivityRule | None:
        return next((rule for rule in self.rules if rule.citation == citation), None)


@lru_cache(maxsize=1)
def sensitivity_rules() -> SensitivityRules:
    """The curated rules, read once."""
    rows = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
    return SensitivityRules(SensitivityRule.model_validate(row) for row in rows)
