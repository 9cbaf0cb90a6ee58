"""Photo condition heuristics: blur by Laplacian variance, stains and defects by off-colour blobs."""

from __future__ import annotations

import math

import cv2
import numpy
import pytest

from domain.pricing.condition import assess_condition, inspect_photo
from tools.vision.errors import ScanRejected


def png(image: numpy.ndarray) -> bytes:
    ok, encoded = cv2.imencode(".png", image)
    assert ok
    return encoded.tobytes()


@pytest.fixture
def clean_fabric() -> numpy.ndarray:
    """A denim-blue fabric with sensor-like noise (texture, but no marks)."""
    rng = numpy.random.default_rng(7)
    base = numpy.full((400, 400, 3), (170, 120, 60), numpy.float64)
    return numpy.clip(base + rng.normal(0, 12, base.shape), 0, 255).astype(numpy.uint8)


@pytest.fixture
def stained_fabric(clean_fabric: numpy.ndarray) -> numpy.ndarray:
    stained = clean_fabric.copy()
    cv2.circle(stained, (120, 150), 25, (40, 60, 90), -1)
    cv2.circle(stained, (280, 260), 18, (30, 50, 70), -1)
    return stained


def test_a_clean_sharp_photo_changes_nothing(clean_fabric: numpy.ndarray) -> None:
    assessment = assess_condition([png(clean_fabric)])

    assert assessment.log_factor == 0.0
    assert assessment.photos[0].stains == 0 and not assessment.photos[0].blurry
    assert assessment.reasons == ("photos show no visible stains or defects",)


def test_stains_are_found_and_lower_the_price(stained_fabric: numpy.ndarray) -> None:
    findings = inspect_photo(png(stained_fabric))
    assessment = assess_condition([png(stained_fabric)])

    assert findings.stains == 2
    assert 0.01 < findings.stain_share < 0.03  # two discs of r=25 and r=18 cover ~1.6% of the photo
    assert -math.log(1 / 0.85) <= assessment.log_factor < 0
    assert any("stains" in reason for reason in assessment.reasons)


def test_small_marks_count_as_defects(clean_fabric: numpy.ndarray) -> None:
    marked = clean_fabric.copy()
    for x in (60, 140, 220, 300):
        cv2.circle(marked, (x, 80), 5, (20, 20, 20), -1)

    findings = inspect_photo(png(marked))

    assert findings.defects == 4 and findings.stains == 0
    assert assess_condition([png(marked)]).log_factor < 0


def test_a_blurry_photo_is_reported_and_ignored(stained_fabric: numpy.ndarray) -> None:
    blurry = cv2.GaussianBlur(stained_fabric, (31, 31), 12)

    assessment = assess_condition([png(blurry)])

    assert assessment.photos[0].blurry
    assert assessment.log_factor == 0.0
    assert assessment.reasons == ("1 photo(s) too blurry to judge condition",)


def test_the_worst_sharp_photo_decides(clean_fabric: numpy.ndarray, stained_fabric: numpy.ndarray) -> None:
    both = assess_condition([png(clean_fabric), png(stained_fabric)])
    stained_only = assess_condition([png(stained_fabric)])

    assert both.log_factor == stained_only.log_factor < 0


def test_bytes_that_are_not_an_image_are_rejected() -> None:
    with pytest.raises(ScanRejected):
        assess_condition([b"not a photo at all"])
