"""Finding the reference sheet: sub-pixel corners, which sheet it is, and its scale, on rendered photos."""

from __future__ import annotations

import functools

import numpy as np
import pytest

from evals.vision.foot_render import Floor, PhotoSpec, RenderedPhoto, render_foot_photo
from tools.vision.foot import foot_extents_mm
from tools.vision.sheet import A4, LETTER, DetectedSheet, find_sheet, measured_aspect
from tools.vision.sheet_geometry import sheet_sizes

HD = (1280, 720)

TILTED = {
    "A4-on-tile": PhotoSpec(
        sheet="A4", floor=Floor.TILE, image_size=HD, roll_deg=-40, tilt_x_deg=18, tilt_y_deg=9
    ),
    "Letter-on-carpet": PhotoSpec(
        sheet="Letter", floor=Floor.CARPET, image_size=HD, roll_deg=75, tilt_x_deg=-10, tilt_y_deg=16
    ),
}


@functools.cache
def _rendered(spec: PhotoSpec) -> tuple[RenderedPhoto, DetectedSheet]:
    photo = render_foot_photo(spec)
    return photo, find_sheet(photo.image)


def _corner_error_px(found: np.ndarray, truth: np.ndarray) -> float:
    """Largest corner distance, over the four ways the same quadrilateral can be listed clockwise."""
    return min(
        float(np.linalg.norm(np.roll(found, shift, axis=0) - truth, axis=1).max()) for shift in range(4)
    )


@pytest.mark.parametrize("spec", TILTED.values(), ids=TILTED.keys())
def test_sheet_corners_are_found_within_a_pixel(spec: PhotoSpec) -> None:
    photo, sheet = _rendered(spec)

    assert _corner_error_px(sheet.corners_px, photo.sheet_corners_px) < 1.0


@pytest.mark.parametrize("spec", TILTED.values(), ids=TILTED.keys())
def test_a4_and_letter_are_told_apart_through_perspective(spec: PhotoSpec) -> None:
    _, sheet = _rendered(spec)

    assert sheet.size.name == spec.sheet
    assert sheet.aspect_measured == pytest.approx(sheet.size.aspect, rel=0.01)


def test_with_one_paper_configured_the_sheet_is_taken_for_it() -> None:
    photo, _ = _rendered(TILTED["Letter-on-carpet"])

    assert find_sheet(photo.image, (A4,)).size == A4
    assert find_sheet(photo.image, sheet_sizes("Letter")).size == LETTER
    assert sheet_sizes("auto") == (A4, LETTER) and sheet_sizes("A4") == (A4,)


@pytest.mark.parametrize("spec", TILTED.values(), ids=TILTED.keys())
def test_corners_start_on_a_short_side_and_run_clockwise(spec: PhotoSpec) -> None:
    _, sheet = _rendered(spec)
    corners = sheet.corners_px
    sides = np.linalg.norm(np.roll(corners, -1, axis=0) - corners, axis=1)
    edges = np.roll(corners, -1, axis=0) - corners
    turns = edges[:, 0] * np.roll(edges, -1, axis=0)[:, 1] - edges[:, 1] * np.roll(edges, -1, axis=0)[:, 0]

    assert sides[0] + sides[2] < sides[1] + sides[3]
    assert np.all(turns > 0)


@pytest.mark.parametrize(("true_size", "truth"), [(A4, 297 / 210), (LETTER, 279.4 / 215.9)])
def test_measured_aspect_of_a_face_on_rectangle_is_its_true_ratio(true_size: object, truth: float) -> None:
    width, height = 300.0, 300.0 * truth
    corners = np.array([[100, 50], [100 + width, 50], [100 + width, 50 + height], [100, 50 + height]])

    assert measured_aspect(corners, (1280, 720)) == pytest.approx(truth, rel=1e-6)


def test_sheet_brightness_and_edge_blur_are_measured() -> None:
    sharp = find_sheet(render_foot_photo(PhotoSpec(image_size=HD, noise_sigma=1, seed=3)).image)
    blurred = find_sheet(
        render_foot_photo(PhotoSpec(image_size=HD, noise_sigma=1, blur_sigma_px=3, seed=3)).image
    )

    assert blurred.edge_blur_px > sharp.edge_blur_px + 1.0
    assert 180 < sharp.brightness < 255


def test_foot_extents_of_an_axis_aligned_rectangle_are_its_sides() -> None:
    mask = np.zeros((400, 300), np.uint8)
    mask[50:350, 100:180] = 1

    length_mm, width_mm = foot_extents_mm(mask, px_per_mm=2.0)

    assert length_mm == pytest.approx(150.0)
    assert width_mm == pytest.approx(40.0)
