"""measure_foot on rendered phone photos of known foot length and width (evals/vision/foot_render.py)."""

from __future__ import annotations

import functools
from dataclasses import replace

import pytest

from evals.vision.foot_render import Floor, PhotoSpec, render_foot_photo
from tools.vision.errors import ScanRejected
from tools.vision.foot import measure_foot
from tools.vision.image import decode_image
from tools.vision.schemas import FootScan

HD = (1280, 720)
SMALL = (960, 540)
TOLERANCE_MM = 2.0


@functools.cache
def _scan(spec: PhotoSpec) -> FootScan:
    return measure_foot(decode_image(render_foot_photo(spec).jpeg))


def _rejection(spec: PhotoSpec) -> ScanRejected:
    with pytest.raises(ScanRejected) as rejected:
        _scan(spec)
    return rejected.value


ACCURACY_CASES = {
    "wood-floor-light-skin-face-on": PhotoSpec(floor=Floor.WOOD, skin="light", image_size=HD, seed=1),
    "tile-floor-rotated-and-tilted": PhotoSpec(
        floor=Floor.TILE, skin="medium", image_size=HD, roll_deg=35, tilt_x_deg=12, tilt_y_deg=-8, seed=2
    ),
    "carpet-dark-skin-upside-down": PhotoSpec(
        floor=Floor.CARPET,
        skin="dark",
        image_size=HD,
        roll_deg=170,
        tilt_y_deg=10,
        foot_length_mm=228,
        foot_width_mm=88,
        seed=3,
    ),
    "concrete-letter-sheet-small-foot": PhotoSpec(
        floor=Floor.CONCRETE,
        skin="brown",
        sheet="Letter",
        image_size=HD,
        roll_deg=-70,
        foot_length_mm=215,
        foot_width_mm=84,
        foot_angle_deg=6,
        seed=4,
    ),
    "steep-angle-1080p": PhotoSpec(
        floor=Floor.WOOD,
        skin="medium",
        image_size=(1920, 1080),
        tilt_x_deg=22,
        tilt_y_deg=14,
        roll_deg=100,
        foot_length_mm=268,
        foot_width_mm=104,
        seed=5,
    ),
    "blurred-noisy-low-quality-jpeg": PhotoSpec(
        floor=Floor.TILE,
        skin="light",
        image_size=HD,
        roll_deg=15,
        blur_sigma_px=1.5,
        noise_sigma=6,
        jpeg_quality=60,
        foot_angle_deg=-7,
        seed=6,
    ),
}


@pytest.mark.parametrize("spec", ACCURACY_CASES.values(), ids=ACCURACY_CASES.keys())
def test_length_and_width_are_within_two_millimetres_of_the_truth(spec: PhotoSpec) -> None:
    scan = _scan(spec)

    assert abs(scan.length_mm - spec.foot_length_mm) < TOLERANCE_MM
    assert abs(scan.width_mm - spec.foot_width_mm) < TOLERANCE_MM
    assert scan.sheet == spec.sheet


@pytest.mark.parametrize("spec", ACCURACY_CASES.values(), ids=ACCURACY_CASES.keys())
def test_the_stated_sigma_covers_the_actual_error(spec: PhotoSpec) -> None:
    scan = _scan(spec)

    assert abs(scan.length_mm - spec.foot_length_mm) <= 3 * scan.length_sigma_mm
    assert abs(scan.width_mm - spec.foot_width_mm) <= 3 * scan.width_sigma_mm


BASELINE = PhotoSpec(image_size=HD, noise_sigma=1.0, seed=7)


def test_a_blurred_photo_gets_a_larger_sigma_and_a_lower_quality_score() -> None:
    sharp = _scan(BASELINE)
    blurred = _scan(replace(BASELINE, blur_sigma_px=2.5))

    assert blurred.length_sigma_mm > sharp.length_sigma_mm
    assert blurred.width_sigma_mm > sharp.width_sigma_mm
    assert blurred.quality.score < sharp.quality.score
    assert "blurred" in blurred.quality.issues
    assert blurred.quality.blur < sharp.quality.blur


def test_a_dim_photo_is_measured_but_flagged_with_lower_quality() -> None:
    bright = _scan(BASELINE)
    dim = _scan(replace(BASELINE, brightness=0.5))

    assert abs(dim.length_mm - BASELINE.foot_length_mm) < TOLERANCE_MM
    assert "dim_lighting" in dim.quality.issues
    assert dim.quality.brightness < bright.quality.brightness
    assert dim.quality.score < bright.quality.score


def test_quality_reports_resolution_in_pixels_per_millimetre() -> None:
    large = _scan(BASELINE)
    small = _scan(replace(BASELINE, image_size=SMALL))

    assert large.quality.resolution == pytest.approx(HD[0] / SMALL[0] * small.quality.resolution, rel=0.05)
    assert small.length_sigma_mm > large.length_sigma_mm


REJECTIONS = {
    "NO_SHEET": PhotoSpec(sheet=None, image_size=SMALL),
    "SHEET_CUT_OFF": PhotoSpec(sheet_shift=(0.0, 0.35), image_size=SMALL),
    "FOOT_OFF_SHEET": PhotoSpec(foot_offset_mm=(0.0, 45.0), image_size=SMALL),
    "TOO_BLURRED": PhotoSpec(blur_sigma_px=6.0, image_size=SMALL),
    "TOO_DARK": PhotoSpec(brightness=0.2, image_size=SMALL),
    "MULTIPLE_FEET": PhotoSpec(second_foot=True, foot_width_mm=88.0, image_size=SMALL),
}


@pytest.mark.parametrize(("reason", "spec"), REJECTIONS.items(), ids=REJECTIONS.keys())
def test_an_unmeasurable_photo_is_refused_with_its_reason_and_retake_advice(
    reason: str, spec: PhotoSpec
) -> None:
    rejection = _rejection(spec)

    assert rejection.reason == reason
    assert rejection.details["reason"] == reason
    assert rejection.suggestions and all(
        isinstance(advice, str) and advice for advice in rejection.suggestions
    )


def test_a_dark_photo_whose_sheet_is_still_visible_is_refused_as_too_dark() -> None:
    rejection = _rejection(PhotoSpec(brightness=0.3, image_size=SMALL))

    assert rejection.reason == "TOO_DARK"


def test_two_feet_side_by_side_touching_are_refused_as_more_than_one_foot() -> None:
    rejection = _rejection(
        PhotoSpec(second_foot=True, foot_width_mm=80.0, foot_length_mm=235.0, image_size=SMALL)
    )

    assert rejection.reason == "MULTIPLE_FEET"
