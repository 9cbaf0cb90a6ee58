"""The real-photo parts of the foot eval: which photos show a whole sheet, how a found sheet is scored,
and which floor crops serve as photos without a sheet."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from evals.vision.foot import PAPER_LABEL, floor_crops, sheet_iou, whole_sheet_hull

FOOT_LABEL = 136


def _mask(paper_box: tuple[int, int, int, int], shape: tuple[int, int] = (600, 800)) -> np.ndarray:
    """A mask with a paper rectangle (x0, y0, x1, y1) and a foot label inside it."""
    mask = np.zeros(shape, np.uint8)
    x0, y0, x1, y1 = paper_box
    mask[y0:y1, x0:x1] = PAPER_LABEL
    mask[y0 + 40 : y1 - 40, x0 + 30 : x0 + 90] = FOOT_LABEL
    return mask


def test_the_hull_of_a_whole_sheet_covers_the_paper_and_the_foot_on_it() -> None:
    mask = _mask((200, 100, 420, 500))

    hull = whole_sheet_hull(mask)

    assert hull is not None
    assert cv2.contourArea(hull) == pytest.approx(219 * 399, rel=0.02)


def test_a_sheet_touching_the_photo_edge_is_not_a_whole_sheet() -> None:
    assert whole_sheet_hull(_mask((200, 0, 420, 400))) is None


def test_the_iou_of_a_found_quad_is_one_on_the_hull_and_falls_with_its_offset() -> None:
    mask = _mask((200, 100, 420, 500))
    hull = whole_sheet_hull(mask)
    assert hull is not None
    corners = hull.reshape(-1, 2).astype(np.float64)
    box = np.array([[200.0, 100.0], [419.0, 100.0], [419.0, 499.0], [200.0, 499.0]])

    assert sheet_iou(mask, hull, box) == pytest.approx(1.0, abs=0.01)
    assert sheet_iou(mask, hull, box + (110.0, 0.0)) == pytest.approx(110 / 330, abs=0.02)
    assert sheet_iou(mask, hull, corners + (600.0, 0.0)) == 0.0


def test_floor_crops_are_the_bands_beside_the_paper_that_are_large_enough() -> None:
    image = np.zeros((600, 800, 3), np.uint8)
    mask = _mask((200, 100, 420, 500))

    crops = floor_crops(image, mask)

    assert sorted(crop.shape[:2] for crop in crops) == [(600, 380)]
