"""Per-pixel images in which a sheet of paper is bright and its surroundings are not.

"Paperness" is the minimum of B, G and R less twice the chroma, so wood, rugs and skin stay dark;
"coolness" is Lab lightness plus blue tint: on pale marble or grey tile, office paper differs from the
floor more in its blue dye than in its brightness.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

MIN_EDGE_GRADIENT = 32.0
EDGE_PERCENTILE = 88.0
COOLNESS_LIGHTNESS_WEIGHT = 0.3
COOLNESS_BLUE_WEIGHT = 10.0
COOLNESS_NEUTRAL_WEIGHT = 5.0
MAX_PAPER_BLUENESS = 6.0


def whiteness(image: np.ndarray) -> np.ndarray:
    """Per-pixel min(B, G, R): high only where a pixel is both bright and unsaturated, like paper."""
    blue, green, red = cv2.split(image)
    return cv2.min(cv2.min(blue, green), red)


def chroma(image: np.ndarray) -> np.ndarray:
    """Per-pixel max - min of B, G, R: near zero for white or grey paper, high for skin and wood."""
    blue, green, red = cv2.split(image)
    return cv2.max(cv2.max(blue, green), red) - cv2.min(cv2.min(blue, green), red)


def paperness(white: np.ndarray, colourfulness: np.ndarray) -> np.ndarray:
    """Whiteness less twice the chroma: brightly lit skin is nearly as bright as paper, but never as grey."""
    return cv2.subtract(white, cv2.multiply(colourfulness, 2))


def coolness(image: np.ndarray) -> np.ndarray:
    """Lab lightness plus how blue and neutral a pixel is (float32 BGR in 0-255 -> about 0-255).

    Office paper is brightened with blue dye and photographed next to floors that are warmer than it:
    on pale marble or grey tile the sheet differs from the floor by a few Lab units of blue-yellow (b*)
    more clearly than by its lightness. Blue beyond what dyed paper shows (a blue toy, jeans) earns
    nothing more.
    """
    lab = cv2.cvtColor(np.ascontiguousarray(image, np.float32) * np.float32(1 / 255), cv2.COLOR_BGR2Lab)
    lightness, red_green, blue_yellow = cv2.split(lab)
    return (
        COOLNESS_LIGHTNESS_WEIGHT * 2.55 * lightness
        - COOLNESS_BLUE_WEIGHT * np.maximum(blue_yellow, -MAX_PAPER_BLUENESS)
        - COOLNESS_NEUTRAL_WEIGHT * np.abs(red_green)
    )


def min_channel(image: np.ndarray) -> np.ndarray:
    """`whiteness` for float arrays of BGR samples: the feature a sheet's edges on a dark floor follow."""
    return np.asarray(image, np.float32).min(axis=-1)


Feature = Callable[[np.ndarray], np.ndarray]


def feature_maps(small_bgr: np.ndarray) -> list[tuple[np.ndarray, Feature]]:
    """Images in which paper is bright (uint8, smoothed), each with the per-pixel feature its edges follow."""
    colourfulness = chroma(small_bgr)
    paper_like = paperness(whiteness(small_bgr), colourfulness)
    cool = np.clip(coolness(small_bgr), 0, 255).astype(np.uint8)
    return [
        (cv2.GaussianBlur(paper_like, (5, 5), 0), min_channel),
        (cv2.GaussianBlur(cool, (9, 9), 0), coolness),
    ]


@dataclass(frozen=True)
class Features:
    """What candidate search needs of a downscaled photo, computed once."""

    maps: list[tuple[np.ndarray, Feature]]
    colourfulness: np.ndarray
    not_edge: np.ndarray

    @classmethod
    def of(cls, small_bgr: np.ndarray) -> Features:
        return cls(feature_maps(small_bgr), chroma(small_bgr), ~edge_lines(small_bgr))


def edge_lines(small_bgr: np.ndarray) -> np.ndarray:
    """Where brightness changes sharply (a boolean image).

    Cut out of the thresholded images, the sheet's own outline keeps it apart from patches of a pale
    floor that happen to be as bright as the paper and touch it.
    """
    gray = cv2.GaussianBlur(cv2.cvtColor(small_bgr, cv2.COLOR_BGR2GRAY), (0, 0), 1.0)
    magnitude = cv2.magnitude(
        cv2.Sobel(gray, cv2.CV_32F, 1, 0, ksize=3), cv2.Sobel(gray, cv2.CV_32F, 0, 1, ksize=3)
    )
    level = max(MIN_EDGE_GRADIENT, float(np.percentile(magnitude, EDGE_PERCENTILE)))
    return magnitude > level
