"""The line-based sheet candidates (sheet_lines) on rendered photos at detection size: a sheet framed by
its straight edges on a pale floor, with a foot over one side, with a curled side, on a patterned floor,
and floors without a sheet, which must give no candidate."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from tools.vision.sheet_features import Features
from tools.vision.sheet_lines import line_candidates, paper_edges
from tools.vision.sheet_scoring import Candidate

SIZE = (480, 270)
PALE_FLOOR_BGR = (214, 222, 228)
BLUISH_PAPER_BGR = (226, 222, 216)
WHITE_PAPER_BGR = (236, 240, 242)
SKIN_BGR = (105, 140, 190)
GREEN_TILE_BGR = (120, 160, 110)
PALE_TILE_BGR = (150, 170, 160)
GROUT_BGR = (90, 100, 95)
TILE_PX = 45
TILE_OFFSET_PX = 25
# An A4 sheet seen a little from the side: its far side (top) is shorter than its near one.
SHEET = np.array([[170.0, 40.0], [318.0, 48.0], [332.0, 235.0], [150.0, 228.0]])


def _floor(floor_bgr: tuple[int, int, int], seed: int, veins: bool = False) -> np.ndarray:
    """A softly shaded floor, with grey veins like marble if asked."""
    rng = np.random.default_rng(seed)
    width, height = SIZE
    shading = cv2.resize(rng.normal(0, 1, (5, 8)).astype(np.float32), SIZE, interpolation=cv2.INTER_CUBIC)
    image = np.float32(floor_bgr) * (1 + 0.03 * shading[..., None])
    if veins:
        for _ in range(10):
            points = np.cumsum(rng.normal(0, 20, (6, 2)), axis=0) + rng.uniform((0, 0), (width, height))
            cv2.polylines(image, [points.astype(np.int32)], False, (170, 176, 182), 1, cv2.LINE_AA)
    return image


def _tiles() -> np.ndarray:
    """Green and pale square tiles in a checkerboard, with dark grout lines between them (none of them
    within a few pixels of the sheet's sides, which would blur into them at this scale)."""
    width, height = SIZE
    rows, cols = (np.mgrid[0:height, 0:width] + TILE_OFFSET_PX) // TILE_PX
    image = np.where(((rows + cols) % 2 == 0)[..., None], GREEN_TILE_BGR, PALE_TILE_BGR).astype(np.float32)
    for x in range(TILE_PX - TILE_OFFSET_PX, width, TILE_PX):
        cv2.line(image, (x, 0), (x, height), GROUT_BGR, 2)
    for y in range(TILE_PX - TILE_OFFSET_PX, height, TILE_PX):
        cv2.line(image, (0, y), (width, y), GROUT_BGR, 2)
    return image


def _photo(
    floor: np.ndarray, sheet: np.ndarray | None, paper_bgr: tuple[int, int, int], *shapes: np.ndarray
) -> np.ndarray:
    """The floor with the sheet outline filled in paper colour, skin-coloured shapes over it, then blur
    and noise like a downscaled phone photo."""
    image = floor.copy()
    if sheet is not None:
        cv2.fillPoly(image, [np.round(sheet * 16).astype(np.int32)], paper_bgr, cv2.LINE_AA, shift=4)
    for shape in shapes:
        cv2.fillPoly(image, [np.round(shape * 16).astype(np.int32)], SKIN_BGR, cv2.LINE_AA, shift=4)
    rng = np.random.default_rng(7)
    image = cv2.GaussianBlur(image, (0, 0), 0.7) + rng.normal(0, 1.5, image.shape).astype(np.float32)
    return np.clip(image, 0, 255).astype(np.uint8)


def _iou(quad: np.ndarray, truth: np.ndarray) -> float:
    width, height = SIZE
    found = np.zeros((height, width), np.uint8)
    expected = np.zeros((height, width), np.uint8)
    cv2.fillPoly(found, [np.round(quad).astype(np.int32)], 1)
    cv2.fillPoly(expected, [np.round(truth).astype(np.int32)], 1)
    return float((found & expected).sum() / (found | expected).sum())


def _best(image: np.ndarray) -> Candidate:
    candidates = line_candidates(image, Features.of(image))
    assert candidates, "no line candidate was found"
    return candidates[0]


def _corner_error_px(found: np.ndarray, truth: np.ndarray) -> float:
    """Largest corner distance, over the ways the same quadrilateral can be listed in either direction."""
    listings = [np.roll(order, shift, axis=0) for order in (found, found[::-1]) for shift in range(4)]
    return min(float(np.linalg.norm(listing - truth, axis=1).max()) for listing in listings)


def test_a_sheet_on_a_floor_as_bright_as_the_paper_is_framed_at_its_corners() -> None:
    image = _photo(_floor(PALE_FLOOR_BGR, seed=1, veins=True), SHEET, BLUISH_PAPER_BGR)

    assert _corner_error_px(_best(image).quad, SHEET) < 2.5


FOOT_OVER_THE_NEAR_SIDE = np.array([[205.0, 170.0], [275.0, 165.0], [290.0, 269.0], [200.0, 269.0]])


def test_a_foot_across_one_side_leaves_that_side_framed_by_its_visible_ends() -> None:
    image = _photo(_floor(PALE_FLOOR_BGR, seed=2), SHEET, BLUISH_PAPER_BGR, FOOT_OVER_THE_NEAR_SIDE)

    assert _corner_error_px(_best(image).quad, SHEET) < 2.5


def _curled(sheet: np.ndarray, bulge_px: float) -> np.ndarray:
    """The sheet's outline with its far side bent outwards into three straight runs (a curled edge)."""
    top_left, top_right = sheet[0], sheet[1]
    normal = np.array([(top_right - top_left)[1], -(top_right - top_left)[0]])
    normal /= np.linalg.norm(normal)
    bend = [top_left + fraction * (top_right - top_left) + bulge_px * normal for fraction in (0.3, 0.7)]
    return np.array([top_left, *bend, top_right, sheet[2], sheet[3]])


def test_a_curled_side_is_fitted_to_its_straight_runs_and_the_sheet_still_found() -> None:
    outline = _curled(SHEET, bulge_px=4.0)
    image = _photo(_floor(PALE_FLOOR_BGR, seed=4), outline, BLUISH_PAPER_BGR)

    assert _iou(_best(image).quad, SHEET) > 0.95


def test_a_sheet_on_a_patterned_tile_floor_is_told_from_the_tiles() -> None:
    image = _photo(_tiles(), SHEET, WHITE_PAPER_BGR)

    assert _iou(_best(image).quad, SHEET) > 0.95


@pytest.mark.parametrize(
    "image",
    [
        _photo(_floor(PALE_FLOOR_BGR, seed=5, veins=True), None, BLUISH_PAPER_BGR),
        _photo(_tiles(), None, WHITE_PAPER_BGR),
        _photo(_floor(PALE_FLOOR_BGR, seed=6), None, BLUISH_PAPER_BGR, FOOT_OVER_THE_NEAR_SIDE),
    ],
    ids=["marbled-floor", "tile-floor", "pale-floor-with-a-foot"],
)
def test_a_floor_without_a_sheet_gives_no_line_candidate(image: np.ndarray) -> None:
    assert line_candidates(image, Features.of(image)) == []


def test_the_pieces_of_a_side_either_side_of_a_foot_make_one_edge_with_paper_inwards() -> None:
    image = _photo(_floor(PALE_FLOOR_BGR, seed=2), SHEET, BLUISH_PAPER_BGR, FOOT_OVER_THE_NEAR_SIDE)
    near_side_middle = (SHEET[2] + SHEET[3]) / 2

    edges = paper_edges(image, Features.of(image))
    near_side = [edge for edge in edges if abs(float(edge.signed_distance(near_side_middle))) < 2.0]

    assert len(near_side) == 1
    assert len(near_side[0].segments) >= 2
    assert near_side[0].signed_distance(SHEET.mean(axis=0)) > 0
