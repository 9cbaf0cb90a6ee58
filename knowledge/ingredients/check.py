"""ingredient_check: per-ingredient verdicts for one shopper's skin, and an overall compatibility score.

Rules, strongest first: a listed allergy, the table's avoid list for the skin type, high comedogenicity
for oily/combination or acne-prone skin, irritants and allergens for sensitive skin, the sensitivity rules
(knowledge/ingredients/sensitivity.py: retinoids, exfoliating acids, benzoyl peroxide, fragrance and
denatured alcohol, avoided or taken with caution as the shopper's stated sensitivity and concerns ask, each
cited), then climate. An ingredient pakka does not know is "unknown", never "compatible", and a list with
too little known is "unknown" overall. Every class of actives a sensitivity rule cautions against lowers the
score by a further factor (SENSITIVE_CAUTION_FACTOR), so such products rank below gentler ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, Field

from knowledge.ingredients.parse import ParsedIngredient, normalise, parse_ingredient_list
from knowledge.ingredients.sensitivity import Sensitivity, SensitivityRules, sensitivity_rules
from knowledge.ingredients.table import Climate, IngredientInfo, IngredientTable, SkinType, curated_table

Status = Literal["compatible", "caution", "avoid", "unknown"]
STATUS_VALUE: dict[str, float] = {"compatible": 1.0, "caution": 0.5, "avoid": 0.0}
MAY_CONTAIN_WEIGHT = 0.3
MIN_KNOWN_SHARE = 0.5  # below this share of (weighted) known ingredients the verdict is "unknown"
ACNE_CONCERNS = {"acne", "blackheads", "body acne", "open pores"}
SENSITIVE_CAUTION_FACTOR = 0.8
"""The score is multiplied by this once per class of actives a sensitivity rule cautions against."""


class SkinProfile(BaseModel):
    skin_type: SkinType
    sensitivity: Sensitivity | None = Field(default=None, description="What the shopper says: low-high")
    concerns: list[str] = Field(default_factory=list)
    climate: Climate | None = None
    allergies: list[str] = Field(default_factory=list, description="INCI names or synonyms to avoid")


class IngredientVerdict(BaseModel):
    listed_as: str
    inci: str | None
    status: Status
    reasons: list[str]
    source: str | None
    source_id: str | None = Field(description="Citation id of the curated entry, None for fallback data")
    may_contain: bool
    rules: list[str] = Field(
        default_factory=list, description="Citation ids of the sensitivity rules applied (skin-rule:...)"
    )


class Conflict(BaseModel):
    first: str
    second: str
    reason: str


class IngredientCheck(BaseModel):
    verdict: Status
    score: float | None = Field(description="0-1, label-order weighted; None when the verdict is unknown")
    known_share: float
    ingredients: list[IngredientVerdict]
    conflicts: list[Conflict]
    summary: str


def ingredient_check(
    profile: SkinProfile, ingredients: str | Sequence[str], *, table: IngredientTable | None = None
) -> IngredientCheck:
    """Check a printed INCI list (or its entries) against a skin profile."""
    reference = table or curated_table()
    rules = sensitivity_rules()
    parsed = parse_ingredient_list(ingredients)
    matched = [(item, reference.find(item)) for item in parsed]
    verdicts = [_verdict(profile, item, info, rules) for item, info in matched]
    conflicts = _conflicts([info for _, info in matched if info is not None])
    weights = [_weight(item) for item in parsed]
    known_weight = sum(w for w, v in zip(weights, verdicts, strict=True) if v.status != "unknown")
    known_share = known_weight / sum(weights) if weights else 0.0
    if not parsed or known_share < MIN_KNOWN_SHARE:
        summary = (
            "No ingredients were given."
            if not parsed
            else f"Only {known_share:.0%} of the list is known to pakka; not enough to judge."
        )
        return IngredientCheck(
            verdict="unknown",
            score=None,
            known_share=round(known_share, 3),
            ingredients=verdicts,
            conflicts=conflicts,
            summary=summary,
        )
    score = (
        sum(
            w * STATUS_VALUE[v.status]
            for w, v in zip(weights, verdicts, strict=True)
            if v.status != "unknown"
        )
        / known_weight
    )
    cautioned_classes = {rule for v in verdicts if v.status == "caution" for rule in v.rules}
    score *= SENSITIVE_CAUTION_FACTOR ** len(cautioned_classes)
    overall = _overall(verdicts, conflicts)
    return IngredientCheck(
        verdict=overall,
        score=round(score, 3),
        known_share=round(known_share, 3),
        ingredients=verdicts,
        conflicts=conflicts,
        summary=_summary(overall, verdicts, profile),
    )


def _verdict(
    profile: SkinProfile, item: ParsedIngredient, info: IngredientInfo | None, rules: SensitivityRules
) -> IngredientVerdict:
    names = [item.name, *item.aliases] + ([info.inci, *info.synonyms] if info is not None else [])
    rule = rules.rule_for(*names)
    asked = None if rule is None else rule.action(profile.sensitivity, profile.skin_type, profile.concerns)
    applied = [] if rule is None or asked is None else [rule.citation]
    if info is None:
        if asked is not None:
            action, why = asked
            return IngredientVerdict(
                listed_as=item.raw,
                inci=None,
                status=action,
                reasons=[why],
                source=rule.title if rule is not None else None,
                source_id=None,
                may_contain=item.may_contain,
                rules=applied,
            )
        return IngredientVerdict(
            listed_as=item.raw,
            inci=None,
            status="unknown",
            reasons=["not in pakka's ingredient tables"],
            source=None,
            source_id=None,
            may_contain=item.may_contain,
        )
    avoid, caution, good = _rules(profile, info)
    if asked is not None:
        action, why = asked
        (avoid if action == "avoid" else caution).insert(0, why)
    status: Status = "avoid" if avoid else "caution" if caution else "compatible"
    return IngredientVerdict(
        listed_as=item.raw,
        inci=info.inci,
        status=status,
        reasons=avoid + caution + good,
        source=info.source,
        source_id=info.id if info.curated else None,
        may_contain=item.may_contain,
        rules=applied,
    )


def _rules(profile: SkinProfile, info: IngredientInfo) -> tuple[list[str], list[str], list[str]]:
    skin = profile.skin_type
    acne_prone = skin in ("oily", "combination") or bool(ACNE_CONCERNS & set(profile.concerns))
    allergies = {normalise(name) for name in profile.allergies}
    avoid: list[str] = []
    caution: list[str] = []
    if allergies & {normalise(name) for name in (info.inci, *info.synonyms)}:
        avoid.append("listed in your allergies")
    if skin in info.avoid_for:
        avoid.append(f"not suited to {skin} skin")
    if info.comedogenic is not None and info.comedogenic >= 4 and acne_prone:
        avoid.append(f"highly comedogenic ({info.comedogenic}/5) for acne-prone or oily skin")
    elif info.comedogenic == 3 and acne_prone:
        caution.append("moderately comedogenic (3/5) for acne-prone or oily skin")
    if skin == "sensitive" and info.irritancy == "high":
        avoid.append("a strong irritant for sensitive skin")
    elif skin == "sensitive" and info.irritancy == "medium":
        caution.append("can irritate sensitive skin")
    if skin == "sensitive" and info.allergen:
        caution.append("a known allergen")
    if skin in info.caution_for:
        caution.append(f"use with care on {skin} skin")
    if profile.climate in info.climate_caution:
        caution.append(f"heavy or unsuitable in a {profile.climate} climate")
    good = [f"helps with {concern}" for concern in info.concerns if concern in profile.concerns]
    if profile.climate in info.climate_good:
        good.append(f"suits a {profile.climate} climate")
    if skin in info.good_for and not avoid and not caution:
        good.append(f"suits {skin} skin")
    return avoid, caution, good


def _conflicts(infos: list[IngredientInfo]) -> list[Conflict]:
    """Pairs in one list that the table says should not be combined, each pair reported once."""
    present = {normalise(info.inci): info for info in infos}
    reported: set[frozenset[str]] = set()
    found: list[Conflict] = []
    for key, info in present.items():
        for other_key in map(normalise, info.conflicts):
            pair = frozenset((key, other_key))
            if other_key in present and pair not in reported:
                reported.add(pair)
                other = present[other_key].inci
                found.append(
                    Conflict(
                        first=info.inci, second=other, reason=f"{info.inci} and {other} irritate together"
                    )
                )
    return found


def _overall(verdicts: list[IngredientVerdict], conflicts: list[Conflict]) -> Status:
    if any(v.status == "avoid" and not v.may_contain for v in verdicts):
        return "avoid"
    if conflicts or any(v.status in ("avoid", "caution") for v in verdicts):
        return "caution"
    return "compatible"


def _weight(item: ParsedIngredient) -> float:
    """Earlier ingredients are present at higher concentration and weigh more."""
    weight = 1.0 / (1.0 + 0.15 * item.position)
    return weight * MAY_CONTAIN_WEIGHT if item.may_contain else weight


def _summary(overall: Status, verdicts: list[IngredientVerdict], profile: SkinProfile) -> str:
    flagged = [v.inci or v.listed_as for v in verdicts if v.status in ("avoid", "caution")]
    if overall == "compatible":
        return f"Every known ingredient suits {profile.skin_type} skin."
    return (
        f"{overall.capitalize()} for {profile.skin_type} skin because of: {', '.join(flagged).rstrip('.')}."
    )
