"""The raw confidence weighting."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from domain.decision.confidence import ConfidenceFactors, raw_confidence


def test_confidence_weights_fit_attributes_metadata_and_brand_as_4_3_2_1() -> None:
    only_fit = ConfidenceFactors(fit=1, attribute_similarity=0, metadata_quality=0, brand_reliability=0)
    only_attributes = ConfidenceFactors(
        fit=0, attribute_similarity=1, metadata_quality=0, brand_reliability=0
    )
    assert raw_confidence(only_fit) == pytest.approx(0.4)
    assert raw_confidence(only_attributes) == pytest.approx(0.3)
    factors = ConfidenceFactors(
        fit=0.9, attribute_similarity=0.8, metadata_quality=0.5, brand_reliability=0.7
    )
    assert raw_confidence(factors) == pytest.approx(0.4 * 0.9 + 0.3 * 0.8 + 0.2 * 0.5 + 0.1 * 0.7)


def test_perfect_factors_give_full_confidence() -> None:
    assert raw_confidence(
        ConfidenceFactors(fit=1, attribute_similarity=1, metadata_quality=1, brand_reliability=1)
    ) == pytest.approx(1.0)


def test_a_factor_outside_zero_to_one_is_rejected() -> None:
    with pytest.raises(ValidationError):
        ConfidenceFactors(fit=1.2, attribute_similarity=0, metadata_quality=0, brand_reliability=0)
