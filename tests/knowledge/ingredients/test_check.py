"""ingredient_check: per-ingredient verdicts with reasons and an overall compatibility score."""

from __future__ import annotations

from core.catalog.demo_assortment import FORMULAS
from knowledge.ingredients import SkinProfile, curated_table, ingredient_check
from knowledge.ingredients.check import SENSITIVE_CAUTION_FACTOR
from knowledge.ingredients.sensitivity import sensitivity_rules

OILY = SkinProfile(skin_type="oily", concerns=["acne"])
DRY = SkinProfile(skin_type="dry")
SENSITIVE = SkinProfile(skin_type="sensitive")


def _formula(name: str) -> str:
    return next(formula.inci for formula in FORMULAS if formula.name == name)


def test_an_empty_list_is_unknown_not_compatible() -> None:
    result = ingredient_check(DRY, "")
    assert result.verdict == "unknown"
    assert result.score is None
    assert result.ingredients == []


def test_a_list_of_unknown_names_is_unknown() -> None:
    result = ingredient_check(DRY, "Zorblax Extract, Quibbleweed Oil, Aqua")
    assert result.verdict == "unknown"
    assert [verdict.status for verdict in result.ingredients] == ["unknown", "unknown", "compatible"]


def test_a_gentle_formula_is_compatible_with_a_full_score() -> None:
    result = ingredient_check(SENSITIVE, _formula("Ceramide Barrier Repair Moisturiser"))
    assert result.verdict == "compatible"
    assert result.score == 1.0


def test_fragrance_is_avoided_on_sensitive_skin_with_a_reason_and_source() -> None:
    result = ingredient_check(SENSITIVE, "Aqua, Glycerin, Parfum")
    parfum = result.ingredients[2]
    assert parfum.status == "avoid"
    assert "not suited to sensitive skin" in parfum.reasons
    assert parfum.source_id == "ingredient:parfum"
    assert result.verdict == "avoid"
    assert result.score is not None and 0 < result.score < 1


def test_synonyms_and_slashed_names_resolve_to_one_inci_entry() -> None:
    result = ingredient_check(DRY, "Aqua/Water/Eau, Hyaluronic Acid, Vitamin B3, Shea Butter")
    assert [verdict.inci for verdict in result.ingredients] == [
        "Water",
        "Sodium Hyaluronate",
        "Niacinamide",
        "Butyrospermum Parkii Butter",
    ]


def test_highly_comedogenic_oils_are_avoided_for_acne_prone_skin_but_fine_for_dry() -> None:
    butter = _formula("Coconut & Shea Body Butter")
    assert ingredient_check(OILY, butter).verdict == "avoid"
    assert ingredient_check(DRY, butter).verdict == "compatible"
    coconut = next(v for v in ingredient_check(OILY, butter).ingredients if v.inci == "Cocos Nucifera Oil")
    assert any("comedogenic (4/5)" in reason for reason in coconut.reasons)


def test_climate_adds_caution_for_heavy_ingredients_in_humid_weather() -> None:
    humid = SkinProfile(skin_type="dry", climate="humid")
    result = ingredient_check(humid, "Aqua, Butyrospermum Parkii Butter")
    assert result.verdict == "caution"
    assert "heavy or unsuitable in a humid climate" in result.ingredients[1].reasons


def test_a_listed_allergy_is_avoided_whatever_the_skin_type() -> None:
    allergic = SkinProfile(skin_type="normal", allergies=["tea tree oil"])
    result = ingredient_check(allergic, "Aqua, Melaleuca Alternifolia Leaf Oil")
    assert result.ingredients[1].status == "avoid"
    assert "listed in your allergies" in result.ingredients[1].reasons


def test_known_conflicts_in_one_list_are_reported() -> None:
    result = ingredient_check(SkinProfile(skin_type="normal"), "Aqua, Retinol, Glycolic Acid, Glycerin")
    assert [(c.first, c.second) for c in result.conflicts] == [("Retinol", "Glycolic Acid")]
    assert result.verdict == "caution"


def test_an_avoid_only_in_the_may_contain_section_gives_caution() -> None:
    result = ingredient_check(SENSITIVE, "Aqua, Glycerin, Dimethicone, Squalane. May contain: Parfum")
    assert result.ingredients[-1].status == "avoid"
    assert result.verdict == "caution"


def test_fallback_mit_table_rates_names_missing_from_the_curated_table() -> None:
    result = ingredient_check(OILY, "Aqua, Acetylated Lanolin, Glycerin")
    lanolin = result.ingredients[1]
    assert lanolin.status == "avoid"
    assert lanolin.source is not None and lanolin.source.startswith("MIT: papitosu")
    assert lanolin.source_id is None


def test_colour_index_colourants_are_recognised() -> None:
    result = ingredient_check(DRY, "Aqua, Glycerin, CI 77491")
    assert result.ingredients[2].status == "compatible"


def test_earlier_ingredients_weigh_more_in_the_score() -> None:
    early = ingredient_check(DRY, "Alcohol Denat., Aqua, Glycerin, Panthenol, Allantoin").score
    late = ingredient_check(DRY, "Aqua, Glycerin, Panthenol, Allantoin, Alcohol Denat.").score
    assert early is not None and late is not None and early < late


def test_every_curated_row_has_provenance_and_unique_names() -> None:
    table = curated_table()
    names = [name.lower() for info in table.curated for name in (info.inci, *info.synonyms)]
    assert len(names) == len(set(names))
    assert all(info.source.startswith("pakka curated") for info in table.curated)


def test_every_sensitivity_rule_names_its_sources() -> None:
    rules = sensitivity_rules().rules

    assert {rule.id for rule in rules} == {
        "retinoids",
        "exfoliating-acids",
        "benzoyl-peroxide",
        "fragrance",
        "denatured-alcohol",
    }
    assert all(
        rule.sources and all(source.url or source.citation for source in rule.sources) for rule in rules
    )


def test_high_sensitivity_avoids_each_class_of_actives_even_one_the_table_does_not_know() -> None:
    profile = SkinProfile(skin_type="oily", sensitivity="high")

    result = ingredient_check(profile, "Aqua, Glycerin, Tretinoin, Glycolic Acid, Parfum, Alcohol Denat.")

    flagged = {verdict.listed_as: (verdict.status, verdict.rules) for verdict in result.ingredients[2:]}
    assert flagged == {
        "Tretinoin": ("avoid", ["skin-rule:retinoids"]),
        "Glycolic Acid": ("avoid", ["skin-rule:exfoliating-acids"]),
        "Parfum": ("avoid", ["skin-rule:fragrance"]),
        "Alcohol Denat.": ("avoid", ["skin-rule:denatured-alcohol"]),
    }
    assert result.verdict == "avoid"


def test_medium_sensitivity_takes_actives_with_caution_and_lowers_the_score_per_class() -> None:
    low = ingredient_check(SkinProfile(skin_type="normal", sensitivity="low"), "Aqua, Glycerin, Retinol")
    one = ingredient_check(SkinProfile(skin_type="normal", sensitivity="medium"), "Aqua, Glycerin, Retinol")
    two = ingredient_check(
        SkinProfile(skin_type="normal", sensitivity="medium"), "Aqua, Glycerin, Retinol, Lactic Acid"
    )

    assert low.verdict == "compatible" and one.verdict == "caution"
    assert one.ingredients[2].status == "caution"
    assert (
        one.score is not None
        and low.score is not None
        and one.score < low.score * SENSITIVE_CAUTION_FACTOR + 1e-9
    )
    assert two.score is not None and two.score < one.score


def test_a_stated_dryness_concern_takes_drying_alcohol_with_caution() -> None:
    result = ingredient_check(SkinProfile(skin_type="normal", concerns=["dryness"]), "Aqua, Alcohol Denat.")

    assert result.ingredients[1].status == "caution"
    assert any("you mentioned dryness" in reason for reason in result.ingredients[1].reasons)
