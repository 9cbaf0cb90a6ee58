"""Segmentation on a rectified sheet: the foot and leg are kept, a leg's cast shadow on the paper is not."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from tools.vision.segmentation import segment_foot

PX_PER_MM = 3.0
PAPER = (236, 238, 240)  # BGR, a faintly warm white
SKIN = {"light": (150, 178, 222), "brown": (88, 118, 168), "dark": (52, 70, 105)}
NAVY = (80, 62, 45)  # a slate navy: CIELAB a* -1, as neutral as the paper on the red-green axis


def _sheet() -> np.ndarray:
    height, width = round(297 * PX_PER_MM), round(210 * PX_PER_MM)
    image = np.empty((height, width, 3), np.uint8)
    image[:] = PAPER
    noise = np.random.default_rng(0).normal(0, 1.5, image.shape)
    return np.clip(image + noise, 0, 255).astype(np.uint8)


def _foot_and_leg(image: np.ndarray, colour: tuple[int, int, int]) -> np.ndarray:
    """A foot (an ellipse, toes down) with the shin's band running off the top edge; returns its mask."""
    mask = np.zeros(image.shape[:2], np.uint8)
    centre = (round(105 * PX_PER_MM), round(170 * PX_PER_MM))
    cv2.ellipse(mask, centre, (round(48 * PX_PER_MM), round(120 * PX_PER_MM)), 0, 0, 360, 1, -1)
    left, right = round(75 * PX_PER_MM), round(135 * PX_PER_MM)
    mask[: round(120 * PX_PER_MM), left:right] = 1
    image[mask > 0] = colour
    return mask > 0


def _cast_shadow(image: np.ndarray, share_of_paper: float) -> np.ndarray:
    """The leg's shadow: a band of darker paper beside the shin and along the foot, to the sheet's edge."""
    shadow = np.zeros(image.shape[:2], bool)
    shadow[: round(200 * PX_PER_MM), round(20 * PX_PER_MM) : round(75 * PX_PER_MM)] = True
    image[shadow] = (np.asarray(PAPER) * share_of_paper).astype(np.uint8)
    return shadow


def _iou(found: np.ndarray, truth: np.ndarray) -> float:
    return float((found & truth).sum() / (found | truth).sum())


@pytest.mark.parametrize("skin", sorted(SKIN))
def test_a_dark_cast_shadow_beside_the_leg_is_not_taken_for_the_foot(skin: str) -> None:
    image = _sheet()
    shadow = _cast_shadow(image, 0.45)
    truth = _foot_and_leg(image, SKIN[skin])
    found = segment_foot(cv2.GaussianBlur(image, (5, 5), 0), PX_PER_MM).mask > 0
    assert _iou(found, truth) > 0.97
    assert not (found & shadow & ~truth).sum() > 0.02 * shadow.sum()


def test_without_a_shadow_the_silhouette_is_the_foot_and_leg() -> None:
    image = _sheet()
    truth = _foot_and_leg(image, SKIN["brown"])
    assert _iou(segment_foot(image, PX_PER_MM).mask > 0, truth) > 0.98


def test_neutral_cloth_over_the_leg_stays_part_of_the_leg() -> None:
    """A navy trouser leg is as neutral as a shadow on the red-green axis, but it is what leaves the sheet:
    cut away, the foot would seem to stand whole on the paper with its heel at the hem."""
    image = _sheet()
    truth = _foot_and_leg(image, SKIN["light"])
    trouser = truth.copy()
    trouser[round(110 * PX_PER_MM) :] = False
    image[trouser] = NAVY
    found = segment_foot(image, PX_PER_MM).mask > 0
    assert found[: round(5 * PX_PER_MM)].any()  # still reaches the top edge
    assert _iou(found, truth) > 0.97


def test_a_silhouette_no_redder_than_the_paper_is_left_whole() -> None:
    """A grey sock or render: hue cannot tell it from a shadow, so nothing is cut."""
    image = _sheet()
    _cast_shadow(image, 0.45)
    truth = _foot_and_leg(image, (110, 110, 110))
    found = segment_foot(image, PX_PER_MM).mask > 0
    assert (found & truth).sum() > 0.98 * truth.sum()
