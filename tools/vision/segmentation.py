"""Separate the foot from the paper on a rectified (face-on, metric) sheet image.

Paper is identified by colour, not by a fixed brightness: a pixel's score is its chroma distance from
the paper's own colour (measured on a band just inside the sheet's edge) plus how much darker it is
than the paper's smoothly varying lightness there. Skin of any tone scores high on one or both, while
the foot's soft shadow is only slightly darker and stays below the threshold.

A leg's cast shadow can be dark enough to pass that threshold (a lamp or window behind the shopper throws the
shin's shadow across the sheet, often beside the foot). It is told apart by hue: a shadow on paper is the
paper's own colour, darker, while skin of every tone is redder than white paper (CIELAB a*). A region of the
silhouette that is as neutral as the paper on the red-green axis, reaches its outside and is large is cast
shadow, and is cut away (`_without_cast_shadow`), unless the silhouette would then no longer leave the sheet:
a shadow lies beside the leg, while neutral cloth over the leg (a navy trouser hem) is the leg. The bar for
"neutral" is a share of the silhouette's own redness, so it follows skin tone and white balance; where the
silhouette is barely redder than the paper (a sock, a grey render) nothing is cut.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from tools.vision.errors import ScanRejected
from tools.vision.foot_floor import EDGE_TOUCH_MM

MIN_THRESHOLD = 18.0
DARKNESS_WEIGHT = 0.4
EDGE_IGNORED_MM = 1.5
REFERENCE_BAND_MM = (4.0, 14.0)
SPECK_AREA_MM2 = 300.0
MIN_FOOT_AREA_MM2 = 5000.0
SECOND_FOOT_SHARE = 0.3
# Cast shadow: a* (red-green) above the paper's, as a share of the silhouette's 75th percentile of it. Skin on
# the development photos reads 9-18 at that percentile and a leg's shadow 1-2 (medians), so a third sits
# between them with room on both sides.
NEUTRAL_SHARE = 0.33
REDNESS_BLUR_MM = 1.0  # redness is read smoothed over about a millimetre (2 mm moved side views; measured)
EDGE_SHARE = 0.5  # the shadow's edge: half-way from the paper's redness to the skin's
MIN_SKIN_REDNESS = 6.0  # below this the silhouette is too little redder than paper to tell skin by hue
SHADOW_AREA_MM2 = 300.0  # smaller neutral patches are left (creases, toenails, a dark gap between toes)
# never cut more than this share of the silhouette: then hue is not what tells them apart
MAX_SHADOW_SHARE = 0.5

_RETAKE_FOOT = ["Stand with one bare foot on the middle of the sheet, heel and toes on the paper."]
_RETAKE_ONE_FOOT = ["Measure one foot at a time: keep the other foot off the sheet and out of the photo."]


@dataclass(frozen=True)
class FootRegion:
    """The foot as a filled mask on the rectified sheet, and how clearly it stood out (score / threshold)."""

    mask: np.ndarray
    contrast: float


def foot_score(sheet_image: np.ndarray, px_per_mm: float) -> np.ndarray:
    """How unlike paper each pixel is (0 = paper), in Lab units."""
    lab = cv2.cvtColor(sheet_image, cv2.COLOR_BGR2Lab).astype(np.float32)
    lightness, chroma_a, chroma_b = cv2.split(lab)
    band = _reference_band(sheet_image.shape[:2], px_per_mm)
    paper_a, paper_b = float(np.median(chroma_a[band])), float(np.median(chroma_b[band]))
    chroma = cv2.magnitude(chroma_a - paper_a, chroma_b - paper_b)
    paper_lightness = _paper_lightness(lightness, chroma)
    return chroma + DARKNESS_WEIGHT * np.maximum(paper_lightness - lightness, 0)


def _reference_band(shape: tuple[int, int], px_per_mm: float) -> np.ndarray:
    height, width = shape
    inner, outer = (round(mm * px_per_mm) for mm in REFERENCE_BAND_MM)
    band = np.zeros(shape, bool)
    band[inner:outer, inner : width - inner] = True
    band[height - outer : height - inner, inner : width - inner] = True
    band[inner : height - inner, inner:outer] = True
    band[inner : height - inner, width - outer : width - inner] = True
    return band


def _paper_lightness(lightness: np.ndarray, chroma: np.ndarray) -> np.ndarray:
    """A quadratic surface fitted to the lightness of paper-coloured pixels (uneven light across the sheet).

    Fitted and evaluated on an 8x smaller grid, then enlarged: the light varies slowly.
    """
    height, width = lightness.shape
    coarse_size = (max(8, width // 8), max(8, height // 8))
    coarse_l = cv2.resize(lightness, coarse_size, interpolation=cv2.INTER_AREA)
    coarse_chroma = cv2.resize(chroma, coarse_size, interpolation=cv2.INTER_AREA)
    ys, xs = np.mgrid[0 : coarse_size[1], 0 : coarse_size[0]].astype(np.float32)
    xs /= coarse_size[0]
    ys /= coarse_size[1]
    design = np.stack([np.ones_like(xs), xs, ys, xs * xs, xs * ys, ys * ys], axis=-1)
    paper = (coarse_chroma < 8) & (coarse_l > np.percentile(coarse_l, 50) - 40)
    if np.count_nonzero(paper) < 4 * design.shape[-1]:
        return np.full_like(lightness, float(np.percentile(lightness, 90)))
    coefficients, *_ = np.linalg.lstsq(design[paper], coarse_l[paper], rcond=None)
    surface = (design @ coefficients.astype(np.float32)).astype(np.float32)
    return cv2.resize(surface, (width, height), interpolation=cv2.INTER_LINEAR)


def segment_foot(sheet_image: np.ndarray, px_per_mm: float) -> FootRegion:
    """The one foot (with any leg above it) on the sheet, or `ScanRejected` (NO_FOOT, MULTIPLE_FEET).

    The silhouette may reach the sheet's edge: whether that is the leg or the foot off the sheet is
    foot_outline's to tell.
    """
    score = foot_score(sheet_image, px_per_mm)
    ignored = max(1, round(EDGE_IGNORED_MM * px_per_mm))
    score[:ignored, :] = score[-ignored:, :] = score[:, :ignored] = score[:, -ignored:] = 0
    score_u8 = np.clip(score * 2, 0, 255).astype(np.uint8)
    otsu, _ = cv2.threshold(score_u8, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    threshold = max(MIN_THRESHOLD, otsu / 2)
    mask = (score > threshold).astype(np.uint8)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (max(3, int(2 * px_per_mm) | 1),) * 2)
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, kernel)
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, kernel)
    regions = _filled_regions(mask, SPECK_AREA_MM2 * px_per_mm**2)
    if not regions or regions[0][0] < MIN_FOOT_AREA_MM2 * px_per_mm**2:
        raise ScanRejected("NO_FOOT", "no foot was found on the sheet", _RETAKE_FOOT)
    largest_area, foot, _ = regions[0]
    if len(regions) > 1 and regions[1][0] >= max(
        SECOND_FOOT_SHARE * largest_area, MIN_FOOT_AREA_MM2 * px_per_mm**2
    ):
        raise ScanRejected("MULTIPLE_FEET", "more than one foot is on the sheet", _RETAKE_ONE_FOOT)
    foot_level = float(np.median(score[foot > 0]))
    mask = _without_cast_shadow(sheet_image, _half_level_mask(score, foot, foot_level, px_per_mm), px_per_mm)
    return FootRegion(mask=mask, contrast=foot_level / threshold)


def _without_cast_shadow(sheet_image: np.ndarray, mask: np.ndarray, px_per_mm: float) -> np.ndarray:
    """`mask` less the large regions at its outside that are as neutral as the paper (see the module notes),
    as one filled region; `mask` itself where there are none, or where hue cannot tell skin from shadow."""
    silhouette = mask > 0
    red_green = cv2.cvtColor(sheet_image, cv2.COLOR_BGR2Lab)[..., 1].astype(np.float32)
    paper = float(np.median(red_green[_reference_band(mask.shape, px_per_mm)]))
    redness = cv2.GaussianBlur(red_green, (0, 0), REDNESS_BLUR_MM * px_per_mm) - paper
    skin = float(np.percentile(redness[silhouette], 75))
    if skin < MIN_SKIN_REDNESS:
        return mask
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (int(3 * px_per_mm) | 1,) * 2)
    neutral = cv2.morphologyEx(
        (silhouette & (redness < NEUTRAL_SHARE * skin)).astype(np.uint8), cv2.MORPH_OPEN, kernel
    )
    count, labels, stats, _ = cv2.connectedComponentsWithStats(neutral)
    outside = cv2.dilate((~silhouette).astype(np.uint8), kernel) > 0
    shadow = np.zeros_like(silhouette)
    for label in range(1, count):
        region = labels == label
        if stats[label, cv2.CC_STAT_AREA] >= SHADOW_AREA_MM2 * px_per_mm**2 and (region & outside).any():
            shadow |= region
    if shadow.any():  # its edge where the redness is half the skin's: the middle of the step, however blurred
        near = cv2.dilate(shadow.astype(np.uint8), kernel) > 0
        shadow |= near & silhouette & (redness < EDGE_SHARE * skin)
    if not shadow.any() or shadow.sum() > MAX_SHADOW_SHARE * silhouette.sum():
        return mask
    regions = _filled_regions((silhouette & ~shadow).astype(np.uint8), 0.0)
    if not regions or (
        _reaches_edge(silhouette, px_per_mm) and not _reaches_edge(regions[0][1] > 0, px_per_mm)
    ):
        return mask  # what left the sheet was cloth over the leg (a trouser leg), not a shadow beside it
    return regions[0][1]


def _reaches_edge(mask: np.ndarray, px_per_mm: float) -> bool:
    """Whether the mask reaches the sheet's edge, within EDGE_TOUCH_MM as foot_outline tells it."""
    margin = max(1, round(EDGE_TOUCH_MM * px_per_mm))
    return bool(
        mask[:margin].any() or mask[-margin:].any() or mask[:, :margin].any() or mask[:, -margin:].any()
    )


def _half_level_mask(score: np.ndarray, foot: np.ndarray, foot_level: float, px_per_mm: float) -> np.ndarray:
    """Re-cut the foot at half its own score: where a blurred skin-to-paper step crosses its midpoint.

    The detection threshold sits nearer the paper than the foot, which would grow the outline by the
    blur width on every side.
    """
    near_foot = cv2.dilate(foot, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (int(4 * px_per_mm) | 1,) * 2))
    mask = ((score > 0.5 * foot_level) & (near_foot > 0)).astype(np.uint8)
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    filled = np.zeros_like(mask)
    cv2.drawContours(filled, [max(contours, key=cv2.contourArea)], -1, 1, thickness=cv2.FILLED)
    return filled


def _filled_regions(mask: np.ndarray, min_area_px: float) -> list[tuple[float, np.ndarray, np.ndarray]]:
    """Connected regions with their holes filled, largest first, ignoring specks below `min_area_px`."""
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    regions = []
    for contour in contours:
        area = cv2.contourArea(contour)
        if area < min_area_px:
            continue
        filled = np.zeros_like(mask)
        cv2.drawContours(filled, [contour], -1, 1, thickness=cv2.FILLED)
        regions.append((area, filled, contour))
    return sorted(regions, key=lambda region: region[0], reverse=True)
