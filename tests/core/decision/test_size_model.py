"""The latent true-size model: ordinal fit reports move Gaussian beliefs about item and brand offsets."""

from __future__ import annotations

import math
import random

import pytest

from core.decision.schemas import FitReport
from core.decision.size_model import (
    BRAND_PRIOR_VAR,
    ITEM_PRIOR_VAR,
    NOISE_VAR,
    THRESHOLD,
    Belief,
    reliability,
    truncated_moments,
    update,
)

PRIOR_ITEM = Belief(0.0, ITEM_PRIOR_VAR)
PRIOR_BRAND = Belief(0.0, BRAND_PRIOR_VAR)


def test_truncated_moments_match_a_half_normal() -> None:
    mean, variance = truncated_moments(0.0, 1.0, 0.0, math.inf)

    assert mean == pytest.approx(math.sqrt(2 / math.pi))
    assert variance == pytest.approx(1 - 2 / math.pi)


def test_too_small_moves_the_item_towards_running_small_and_too_large_the_other_way() -> None:
    assert update(PRIOR_ITEM, PRIOR_BRAND, FitReport.SMALL).mean > 0
    assert update(PRIOR_ITEM, PRIOR_BRAND, FitReport.LARGE).mean < 0
    assert update(PRIOR_ITEM, PRIOR_BRAND, FitReport.FIT).mean == pytest.approx(0.0)


def test_every_report_makes_the_belief_more_certain() -> None:
    for report in FitReport:
        assert update(PRIOR_ITEM, PRIOR_BRAND, report).variance < ITEM_PRIOR_VAR


def test_the_offset_of_an_item_that_runs_a_size_small_is_learned_from_reports() -> None:
    rng = random.Random(7)
    true_offset = 1.0
    item, brand = PRIOR_ITEM, PRIOR_BRAND
    for _ in range(300):
        mismatch = true_offset + rng.gauss(0.0, math.sqrt(NOISE_VAR))
        report = (
            FitReport.SMALL
            if mismatch > THRESHOLD
            else FitReport.LARGE
            if mismatch < -THRESHOLD
            else FitReport.FIT
        )
        item, brand = update(item, brand, report), update(brand, item, report)

    assert item.mean + brand.mean == pytest.approx(true_offset, abs=0.2)


def test_a_brand_we_know_well_is_more_reliable_than_an_unknown_one() -> None:
    unknown = reliability(PRIOR_BRAND)

    assert reliability(Belief(0.0, 0.01)) > unknown
    assert 0.85 < unknown < 0.95
    assert reliability(Belief(0.0, 0.0)) == pytest.approx(1.0)
