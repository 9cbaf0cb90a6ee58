"""Apparel scoring: stored body measurements read for the charts, size labels matched, wear judged."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from core.schemas import Product
from domain.decision.apparel import (
    UNKNOWN_SIGMA_CM,
    ApparelFits,
    body_measurements,
    score_garment,
    size_row_for,
    wear_similarity,
)
from domain.decision.calibration import load_calibration
from domain.decision.feedback import SizeAdjustment
from domain.decision.size_model import BRAND_PRIOR_VAR, ITEM_PRIOR_VAR, Belief
from knowledge.sizing.apparel import ApparelSizeFit, Measurement

CALIBRATION = load_calibration()
NO_OFFSET = SizeAdjustment(
    mean=0.0,
    variance=ITEM_PRIOR_VAR + BRAND_PRIOR_VAR,
    item=Belief(0.0, ITEM_PRIOR_VAR),
    brand=Belief(0.0, BRAND_PRIOR_VAR),
    observations=0,
)
BODY = {
    "chest_cm": Measurement(value_cm=98.0, sigma_cm=1.0),
    "waist_cm": Measurement(value_cm=84.0, sigma_cm=1.0),
}


def garment(**overrides: Any) -> Product:
    fields: dict[str, Any] = {
        "id": "shirt-1",
        "tenant_id": "acme",
        "name": "Oxford Shirt",
        "brand": "Sutra Studio",
        "category": "apparel",
        "subcategory": "Shirts",
        "price_inr": Decimal("1999"),
        "sizes": ["S", "M", "L", "XL"],
        "attributes": {"gender": "men"},
        "metadata_quality": 0.9,
    }
    return Product(**{**fields, **overrides})


def always_in_stock(size: str | None) -> bool:
    return True


def size_fit(size: str, letter: str | None = None, numeric: str | None = None) -> ApparelSizeFit:
    return ApparelSizeFit(
        size=size,
        probability=0.5,
        fit_type="regular",
        dimension_probabilities={},
        row_id=f"chart:test:{size}",
        letter=letter,
        numeric=numeric,
        india=None,
    )


def test_stored_body_attributes_become_chart_measurements_with_their_sigmas() -> None:
    stored = {"height_cm": 170.0, "chest": 96.0, "chest_sigma": 2.0, "waist": 80.0, "shoulder_width": 42.0}

    assert body_measurements(stored) == {
        "chest_cm": Measurement(value_cm=96.0, sigma_cm=2.0),
        "waist_cm": Measurement(value_cm=80.0, sigma_cm=UNKNOWN_SIGMA_CM),
    }


def test_implausible_or_missing_measurements_are_left_out() -> None:
    assert body_measurements({"chest": 900.0, "waist": None, "hip": 98.0, "hip_sigma": 0}) == {
        "hip_cm": Measurement(value_cm=98.0, sigma_cm=UNKNOWN_SIGMA_CM)
    }
    assert body_measurements({"height_cm": 170.0}) == {}


def test_a_size_label_names_the_chart_size_before_its_other_columns() -> None:
    sizes = [size_fit("32", letter="M"), size_fit("M", letter="L"), size_fit("34", numeric="44")]

    assert size_row_for(" m ", sizes) == sizes[1]
    assert size_row_for("L", sizes) == sizes[1]
    assert size_row_for("44", sizes) == sizes[2]
    assert size_row_for("Free Size", sizes) is None


def test_wear_is_similar_when_the_size_would_wear_as_preferred() -> None:
    assert wear_similarity("regular") == 1.0
    assert wear_similarity("slim") == wear_similarity("relaxed") == 0.5
    assert wear_similarity("tight") == wear_similarity("oversized") == 0.0


def test_a_garment_is_scored_at_its_most_likely_size_on_its_brands_chart() -> None:
    scored = score_garment(garment(), ApparelFits(BODY), NO_OFFSET, always_in_stock, CALIBRATION)

    assert scored is not None
    assert (scored.size, scored.in_stock) == ("L", True)
    assert scored.citations == ("chart:sutra-studio-tops-men:l", "fit:type-slim")
    assert scored.reasons[0].startswith("size L is cut for chest 97-104 cm")
    assert not any("chart:" in reason for reason in scored.reasons)


def test_a_shopper_who_likes_a_looser_fit_is_sized_for_it() -> None:
    regular = score_garment(garment(), ApparelFits(BODY), NO_OFFSET, always_in_stock, CALIBRATION)
    relaxed = score_garment(
        garment(), ApparelFits(BODY, preferred_fit="relaxed"), NO_OFFSET, always_in_stock, CALIBRATION
    )

    assert regular is not None and relaxed is not None
    assert (regular.size, relaxed.size) == ("L", "XL")


def test_a_garment_without_a_subcategory_or_a_charted_size_is_not_scored() -> None:
    fits = ApparelFits(BODY)

    assert score_garment(garment(subcategory=""), fits, NO_OFFSET, always_in_stock, CALIBRATION) is None
    assert score_garment(garment(sizes=["Free Size"]), fits, NO_OFFSET, always_in_stock, CALIBRATION) is None
