"""The floor-level outline model (tools/vision/foot_floor.py) on silhouettes cast by a 3D foot and shin.

A flat drawing of a foot has no height, so the rendered photos cannot show what a real one does: seen at an
angle, everything above the floor slides away from the camera. Here the silhouette on the sheet is cast as
a shadow from a lamp at the camera: a footprint (the project's foot outline) with a dorsal height field and
a shin standing above the ankle. What the outline model must get from it is the footprint's length, which
is known exactly.
"""

from __future__ import annotations

import functools

import cv2
import numpy as np
import pytest

from evals.vision.foot_render import foot_outline_mm
from tools.vision.errors import ScanRejected
from tools.vision.foot_front import estimate_from_front
from tools.vision.foot_outline import Camera, camera_over_sheet, foot_outline

PX_PER_MM = 3.0
SHEET_MM = (210.0, 297.0)
LENGTH_MM = 250.0
WIDTH_MM = 95.0
CAMERA_HEIGHT_MM = 320.0


def _dorsal_height_mm(along: np.ndarray) -> np.ndarray:
    """Height of the top of the foot along it (0 heel, 1 toes): heel, instep, forefoot, toes."""
    return np.interp(along, [0.0, 0.15, 0.35, 0.6, 0.8, 1.0], [35.0, 55.0, 65.0, 45.0, 25.0, 12.0])


@functools.cache
def _cast(nadir_mm: tuple[float, float], heel_mm: tuple[float, float] = (105.0, 270.0)) -> np.ndarray:
    """The silhouette (uint8 mask on the sheet, PX_PER_MM) of a foot pointing up the sheet (toes towards
    y = 0) with its heel's back at `heel_mm`, and its shin, seen from a camera CAMERA_HEIGHT_MM above
    `nadir_mm`."""
    width_px, height_px = (round(size * PX_PER_MM) for size in SHEET_MM)
    mask = np.zeros((height_px, width_px), np.uint8)
    outline = foot_outline_mm(LENGTH_MM, WIDTH_MM) + np.array([LENGTH_MM / 2, 0.0])  # heel at x = 0
    grid = 0.5  # mm per footprint sample
    footprint = np.zeros((int((WIDTH_MM + 40) / grid), int((LENGTH_MM + 40) / grid)), np.uint8)
    offset = np.array([20.0, WIDTH_MM / 2 + 20.0])
    cv2.fillPoly(footprint, [np.round((outline + offset) / grid * 16).astype(np.int32)], 1, shift=4)
    inside = cv2.distanceTransform(footprint, cv2.DIST_L2, 5) * grid
    ys, xs = np.nonzero(footprint)
    local = np.column_stack([xs, ys]).astype(np.float64) * grid - offset
    # The sides stand as walls 40 % of the dorsal height, rounding up to the full height 15 mm in.
    heights = _dorsal_height_mm(local[:, 0] / LENGTH_MM) * np.minimum(1.0, 0.4 + inside[ys, xs] / 25.0)
    # On the sheet: heel at heel_mm, toes towards -y.
    floor = np.column_stack([heel_mm[0] + local[:, 1], heel_mm[1] - local[:, 0]])
    ankle = np.array([heel_mm[0], heel_mm[1] - 0.22 * LENGTH_MM])
    angles = np.linspace(0.0, 2 * np.pi, 72, endpoint=False)
    shin = ankle + 32.0 * np.column_stack([np.cos(angles), np.sin(angles)])
    nadir = np.array(nadir_mm)

    def shadow(points: np.ndarray, height: np.ndarray | float) -> np.ndarray:
        stretch = CAMERA_HEIGHT_MM / (CAMERA_HEIGHT_MM - np.asarray(height))
        return nadir + (points - nadir) * stretch[..., None]

    for start, end in zip(floor * PX_PER_MM, shadow(floor, heights) * PX_PER_MM, strict=True):
        cv2.line(mask, tuple(np.round(start).astype(int)), tuple(np.round(end).astype(int)), 1, 1)
    low, high = shadow(shin, 60.0) * PX_PER_MM, shadow(shin, 260.0) * PX_PER_MM
    for index in range(len(shin)):
        band = np.array([low[index - 1], low[index], high[index], high[index - 1]])
        cv2.fillConvexPoly(mask, np.round(band).astype(np.int32), 1)
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((5, 5), np.uint8))
    edge = round(1.5 * PX_PER_MM)  # as segmentation leaves the sheet's outermost 1.5 mm
    mask[:edge] = mask[-edge:] = mask[:, :edge] = mask[:, -edge:] = 0
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    filled = np.zeros_like(mask)
    cv2.drawContours(filled, [max(contours, key=cv2.contourArea)], -1, 1, thickness=cv2.FILLED)
    return filled


def _camera(nadir_mm: tuple[float, float]) -> Camera:
    return Camera(nadir=np.array(nadir_mm) * PX_PER_MM, height=CAMERA_HEIGHT_MM * PX_PER_MM)


# Camera positions (nadir on the sheet's plane, mm) around a foot whose heel is at (105, 270) and toes at
# (105, 20): beside the arch, beside and a little behind or ahead of the middle of the foot.
SIDE_VIEWS = {
    "side": (330.0, 150.0),
    "side-behind": (330.0, 240.0),
    "side-ahead": (320.0, 100.0),
    "other-side": (-120.0, 150.0),
}


@pytest.mark.parametrize("nadir", SIDE_VIEWS.values(), ids=SIDE_VIEWS.keys())
def test_seen_from_the_side_the_footprint_length_is_found_within_its_sigma(
    nadir: tuple[float, float],
) -> None:
    found = foot_outline(_cast(nadir), PX_PER_MM, _camera(nadir))

    # The silhouette reaches far past the foot (its top and the shin slide away from the camera), yet the
    # length is the footprint's.
    assert abs(found.length_mm - LENGTH_MM) <= max(3.0, 2 * found.length_extra_sigma_mm)
    assert found.protocol == "foot_on_sheet"
    assert "width_estimated" in found.issues


# Camera positions in front of the toes (toes at y = 20): the shin hides the heel.
FRONT_VIEWS = {
    "front": (105.0, -150.0),
    "front-right": (180.0, -120.0),
    "far-front": (105.0, -300.0),
}


@pytest.mark.parametrize("nadir", FRONT_VIEWS.values(), ids=FRONT_VIEWS.keys())
def test_seen_from_in_front_of_the_toes_the_length_comes_from_the_breadth_with_a_wide_sigma(
    nadir: tuple[float, float],
) -> None:
    found = foot_outline(_cast(nadir), PX_PER_MM, _camera(nadir))

    assert "length_from_breadth" in found.issues
    # As uncertain as breadth / length is among adults (ANSUR II: 4.7 % of the length), and honest about it.
    assert found.length_extra_sigma_mm >= 0.045 * found.length_mm
    assert abs(found.length_mm - LENGTH_MM) <= 2 * found.length_extra_sigma_mm
    assert abs(found.width_mm - WIDTH_MM) <= 2 * found.width_extra_sigma_mm


# Cameras swept from beside the arch to in front of the toes: the heel's rim steepens (its outline has turned
# 45 to 90 degrees at the end of the floor-level run) until the shin hides it.
TURNING_TO_THE_FRONT = [(330.0, 90.0), (330.0, 30.0), (320.0, -30.0), (290.0, -90.0), (240.0, -130.0)]


@pytest.mark.parametrize(
    "nadir", TURNING_TO_THE_FRONT, ids=[f"{x:.0f},{y:.0f}" for x, y in TURNING_TO_THE_FRONT]
)
def test_as_the_heel_turns_out_of_view_the_stated_sigma_still_covers_the_error(
    nadir: tuple[float, float],
) -> None:
    found = foot_outline(_cast(nadir), PX_PER_MM, _camera(nadir))

    # Past a steep rim the heel's hidden part is longer than a circle of half the heel's breadth makes it (the
    # rearfoot's outline flattens towards the sides): a heel read that far past its rim would be short by
    # more than its sigma, so there the length comes from the breadth instead (foot_floor.MAX_END_SIGMA_MM).
    assert abs(found.length_mm - LENGTH_MM) <= 3 * found.length_extra_sigma_mm


# Cameras behind the heel (heel at y = 270): the heel faces the camera and the shin's band runs forward over
# the toes.
BACK_VIEWS = {"behind": (105.0, 450.0), "behind-side": (250.0, 400.0)}


@pytest.mark.xfail(
    strict=True,
    reason="known: foot_floor.heel_end_sign and foot_front._toe_direction take the end nearer where the "
    "silhouette crosses the sheet's edge for the heel; seen from behind, the leg's band crosses it past "
    "the toes",
)
@pytest.mark.parametrize("nadir", BACK_VIEWS.values(), ids=BACK_VIEWS.keys())
def test_seen_from_behind_the_heel_is_not_taken_for_the_toes(nadir: tuple[float, float]) -> None:
    try:
        found = foot_outline(_cast(nadir), PX_PER_MM, _camera(nadir))
    except ScanRejected as rejected:
        assert rejected.reason == "TOES_HIDDEN"  # the shin's band over the toes
        return

    assert "length_from_breadth" not in found.issues  # a front view's estimate: the heel read as the toes
    assert abs(found.length_mm - LENGTH_MM) <= 3 * found.length_extra_sigma_mm


def test_a_front_view_of_a_foot_too_broad_for_the_sheet_is_refused_as_heel_hidden() -> None:
    nadir = FRONT_VIEWS["front"]
    mask = _cast(nadir)
    # The same silhouette 20 % broader about the foot's axis (x = 105 mm): a foot that broad is about 290 mm
    # long, and its heel would lie past the sheet's edge.
    height, width = mask.shape
    centre = 105.0 * PX_PER_MM
    stretch = np.float32([[1.2, 0.0, centre - 1.2 * centre], [0.0, 1.0, 0.0]])
    broad = cv2.warpAffine(mask, stretch, (width, height), flags=cv2.INTER_NEAREST)

    camera = _camera(nadir)

    with pytest.raises(ScanRejected) as rejected:
        estimate_from_front(broad, PX_PER_MM, camera.nadir, camera.height)

    assert rejected.value.reason == "HEEL_HIDDEN"
    assert any("side" in advice for advice in rejected.value.suggestions)


@pytest.mark.parametrize("nadir", SIDE_VIEWS.values(), ids=SIDE_VIEWS.keys())
def test_seen_from_beside_the_foot_no_length_is_guessed_from_the_breadth(nadir: tuple[float, float]) -> None:
    camera = _camera(nadir)

    assert estimate_from_front(_cast(nadir), PX_PER_MM, camera.nadir, camera.height) is None


def test_no_length_is_guessed_from_the_breadth_of_a_silhouette_inside_the_sheet() -> None:
    mask = np.zeros((round(297 * PX_PER_MM), round(210 * PX_PER_MM)), np.uint8)
    cv2.ellipse(mask, (315, 445), (140, 370), 0, 0, 360, 1, -1)
    camera = _camera(FRONT_VIEWS["front"])

    assert estimate_from_front(mask, PX_PER_MM, camera.nadir, camera.height) is None


def test_the_length_does_not_depend_on_how_the_sheet_image_is_turned_or_mirrored() -> None:
    nadir = SIDE_VIEWS["side"]
    mask = _cast(nadir)
    height, width = mask.shape
    reference = foot_outline(mask, PX_PER_MM, _camera(nadir)).length_mm
    centre = np.array([width - 1, height - 1], np.float64)
    turned = {
        "half turn": (cv2.rotate(mask, cv2.ROTATE_180), centre - np.array(nadir) * PX_PER_MM),
        "mirrored": (
            cv2.flip(mask, 1),
            np.array([width - 1 - nadir[0] * PX_PER_MM, nadir[1] * PX_PER_MM]),
        ),
    }
    for image, moved_nadir in turned.values():
        found = foot_outline(image, PX_PER_MM, Camera(nadir=moved_nadir, height=CAMERA_HEIGHT_MM * PX_PER_MM))

        assert abs(found.length_mm - reference) < 0.5


def test_the_camera_estimate_turns_with_the_sheet_whichever_corner_comes_first() -> None:
    # A sheet photographed at an angle: its corners (tl, tr, br, bl) in a 1280 x 960 photo.
    corners = np.array([[1025.8, 350.9], [1194.1, 725.1], [252.4, 789.7], [377.0, 358.8]])
    width_mm, height_mm = SHEET_MM
    camera = camera_over_sheet(corners, SHEET_MM, (1280, 960), 1.0)
    half_turned = camera_over_sheet(np.roll(corners, 2, axis=0), SHEET_MM, (1280, 960), 1.0)
    mirrored = camera_over_sheet(corners[[1, 0, 3, 2]], SHEET_MM, (1280, 960), 1.0)

    assert np.allclose(half_turned.nadir, [width_mm, height_mm] - camera.nadir, atol=0.5)
    assert np.allclose(mirrored.nadir, [width_mm - camera.nadir[0], camera.nadir[1]], atol=0.5)
    assert abs(half_turned.height - camera.height) < 0.5
