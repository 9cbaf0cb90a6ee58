"""The foot told apart from the leg and from a second foot, and the capture protocol, on rendered photos.

evals/vision/foot_render.py draws the shin as the sheet's plane sees it from a phone held at an angle: a band
of skin from the ankle running away from the camera, past the sheet's edge.
"""

from __future__ import annotations

import functools

import pytest

from evals.vision.foot_render import PhotoSpec, render_foot_photo
from tools.vision.errors import ScanRejected
from tools.vision.foot import measure_foot
from tools.vision.image import decode_image
from tools.vision.schemas import FootScan

HD = (1280, 720)
SMALL = (960, 540)
# The shin's band skews the axis a little when seen at 25 degrees; the flat photos keep the 2 mm of
# test_foot_measurement.
LEG_TOLERANCE_MM = 3.0
HEEL_AT_TOP_EDGE_MM = (0.0, -(297.0 - 250.0) / 2)


@functools.cache
def _scan(spec: PhotoSpec) -> FootScan:
    return measure_foot(decode_image(render_foot_photo(spec).jpeg))


def _rejection(spec: PhotoSpec) -> ScanRejected:
    with pytest.raises(ScanRejected) as rejected:
        _scan(spec)
    return rejected.value


# Camera tilted to one side of the foot (tilt_y -25: the camera to the sheet's left), the shin's band running
# away from it across the sheet's right edge.
LEG_PAST_THE_SIDE = {
    "camera-left-leg-right": PhotoSpec(image_size=HD, leg_direction_deg=0, tilt_y_deg=-25, seed=11),
    "camera-right-leg-left": PhotoSpec(image_size=HD, leg_direction_deg=180, tilt_y_deg=25, seed=12),
    "rotated-photo-dark-skin": PhotoSpec(
        image_size=HD, leg_direction_deg=0, tilt_y_deg=-25, roll_deg=70, skin="dark", seed=16
    ),
}


@pytest.mark.parametrize("spec", LEG_PAST_THE_SIDE.values(), ids=LEG_PAST_THE_SIDE.keys())
def test_a_foot_with_its_shin_rising_past_the_sheet_is_measured_heel_to_toe(spec: PhotoSpec) -> None:
    scan = _scan(spec)

    assert abs(scan.length_mm - spec.foot_length_mm) < LEG_TOLERANCE_MM
    assert scan.protocol == "foot_on_sheet"


def test_seen_from_the_side_the_width_is_estimated_from_the_length_with_a_wider_sigma() -> None:
    spec = LEG_PAST_THE_SIDE["camera-right-leg-left"]
    scan = _scan(spec)
    flat = _scan(PhotoSpec(image_size=HD, seed=12))

    assert "width_estimated" in scan.quality.issues
    assert scan.width_sigma_mm > 3 * flat.width_sigma_mm
    assert abs(scan.width_mm - spec.foot_width_mm) <= 2 * scan.width_sigma_mm


def test_a_heel_against_the_sheets_edge_is_the_wall_protocol_measured_from_that_edge() -> None:
    for spec in (
        PhotoSpec(image_size=HD, foot_offset_mm=HEEL_AT_TOP_EDGE_MM, seed=15),
        PhotoSpec(
            image_size=HD, foot_offset_mm=HEEL_AT_TOP_EDGE_MM, leg_direction_deg=0, tilt_y_deg=-25, seed=14
        ),
    ):
        scan = _scan(spec)

        assert scan.protocol == "heel_against_wall"
        assert abs(scan.length_mm - spec.foot_length_mm) < LEG_TOLERANCE_MM
        assert abs(scan.length_mm - spec.foot_length_mm) <= 2 * scan.length_sigma_mm


def test_a_foot_standing_inside_the_sheet_follows_the_foot_on_sheet_protocol() -> None:
    assert _scan(PhotoSpec(image_size=HD, seed=1)).protocol == "foot_on_sheet"


def test_a_shin_hiding_the_heel_from_a_camera_in_front_of_the_toes_leaves_a_length_from_the_breadth() -> None:
    # tilt_x -25: the camera in front of the toes; the shin's band runs back over the heel and past the edge.
    scan = _scan(PhotoSpec(image_size=HD, leg_direction_deg=-90, tilt_x_deg=-25, seed=13))

    assert "length_from_breadth" in scan.quality.issues
    assert scan.length_sigma_mm >= 0.045 * scan.length_mm
    assert abs(scan.length_mm - 250.0) <= 2 * scan.length_sigma_mm


def test_the_side_of_a_foot_running_off_the_sheet_towards_the_camera_is_foot_off_sheet() -> None:
    rejection = _rejection(PhotoSpec(image_size=HD, foot_offset_mm=(-80.0, 0.0), tilt_y_deg=-25, seed=17))

    assert rejection.reason == "FOOT_OFF_SHEET"


@pytest.mark.parametrize("offset_mm", [45.0, -45.0], ids=["toes-off", "heel-off"])
def test_a_foot_running_past_either_end_seen_from_above_is_foot_off_sheet(offset_mm: float) -> None:
    rejection = _rejection(PhotoSpec(foot_offset_mm=(0.0, offset_mm), image_size=SMALL))

    assert rejection.reason == "FOOT_OFF_SHEET"


def test_two_feet_on_the_sheet_are_multiple_feet_and_one_foot_with_its_shin_is_not() -> None:
    assert (
        _rejection(PhotoSpec(second_foot=True, foot_width_mm=88.0, image_size=SMALL)).reason
        == "MULTIPLE_FEET"
    )
    _scan(LEG_PAST_THE_SIDE["camera-left-leg-right"])
