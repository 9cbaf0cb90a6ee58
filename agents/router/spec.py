"""Tier specs as settings write them: `bedrock:<model-id>`, `llamacpp:<path.gguf>`, `rules`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

TierKind = Literal["bedrock", "llamacpp", "rules"]
KINDS: tuple[TierKind, ...] = ("bedrock", "llamacpp", "rules")


@dataclass(frozen=True)
class TierSpec:
    kind: TierKind
    target: str = ""

    @property
    def name(self) -> str:
        return f"{self.kind}:{self.target}" if self.target else self.kind


def parse_tier(text: str) -> TierSpec:
    """Parse one entry of PAKKA_MODEL_TIERS; raises ValueError naming the bad entry."""
    kind, _, target = text.strip().partition(":")
    if kind == "rules" and not target:
        return TierSpec("rules")
    if kind in ("bedrock", "llamacpp") and target.strip():
        return TierSpec(kind, target.strip())  # type: ignore[arg-type]
    raise ValueError(f"bad model tier {text!r}: expected bedrock:<model-id>, llamacpp:<path.gguf> or rules")


def parse_tiers(entries: list[str]) -> list[TierSpec]:
    specs = [parse_tier(entry) for entry in entries]
    names = [spec.name for spec in specs]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ValueError(f"model tiers listed twice: {', '.join(duplicates)}")
    if not specs:
        raise ValueError("PAKKA_MODEL_TIERS is empty: list at least `rules`")
    return specs
