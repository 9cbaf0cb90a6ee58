"""Evaluation against Sephora's brand "suitable for" flags (evaluation-only data, not shipped)."""

from __future__ import annotations

import csv
from collections import Counter

import pytest

from evals.shared_data import shared_data_dir
from knowledge.ingredients import SkinProfile, ingredient_check

SEPHORA = shared_data_dir() / "sephora" / "cosmetics_dev.csv"
SKIN_TYPES = ("combination", "dry", "normal", "oily", "sensitive")


def _counts() -> Counter[tuple[bool, str]]:
    counts: Counter[tuple[bool, str]] = Counter()
    with SEPHORA.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            flags = {skin: row[skin.capitalize()] == "1" for skin in SKIN_TYPES}
            if not any(flags.values()):  # all-zero rows mean "not stated"
                continue
            for skin, suitable in flags.items():
                verdict = ingredient_check(SkinProfile(skin_type=skin), row["Ingredients"]).verdict
                counts[(suitable, verdict)] += 1
    return counts


@pytest.mark.skipif(not SEPHORA.exists(), reason="Sephora evaluation data is not on this machine")
def test_verdicts_agree_with_brand_skin_type_flags() -> None:
    counts = _counts()
    judged = {key: n for key, n in counts.items() if key[1] != "unknown"}
    flagged = sum(n for (suitable, _), n in judged.items() if suitable)
    unflagged = sum(n for (suitable, _), n in judged.items() if not suitable)
    agreement = (
        sum(n for (suitable, verdict), n in judged.items() if suitable and verdict != "avoid") / flagged
    )
    avoid_when_flagged = counts[(True, "avoid")] / flagged
    avoid_when_unflagged = counts[(False, "avoid")] / unflagged
    print(
        f"\nSephora: {flagged} suitable and {unflagged} unsuitable (product, skin) pairs judged; "
        f"{sum(n for (_, v), n in counts.items() if v == 'unknown')} unknown. Not 'avoid' when the brand "
        f"says suitable: {agreement:.1%}; 'avoid' rate {avoid_when_flagged:.1%} (suitable) vs "
        f"{avoid_when_unflagged:.1%} (not suitable)"
    )
    assert agreement >= 0.7
    assert avoid_when_unflagged > avoid_when_flagged
