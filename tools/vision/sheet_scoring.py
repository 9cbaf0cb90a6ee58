"""How sheet-like a candidate quadrilateral is: its size, how much of it is paper, its contrast with a band
of floor around it and, softly, its aspect ratio with perspective undone.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from tools.vision.sheet_features import Feature
from tools.vision.sheet_geometry import SHEET_SIZES, measured_aspect, order_short_side_first

MIN_SHEET_AREA_FRACTION = 0.03
MIN_QUAD_FILL = 0.35
MIN_SIDE_RATIO = 0.2
MIN_BAND_IN_PHOTO = 0.6
MIN_SHEET_SCORE = 0.08
MIN_SHEET_CONTRAST = 12.0
FULL_CONTRAST = 30.0
SURROUND_BAND_FRACTION = 0.04
ASPECT_TOLERANCE = 0.25


@dataclass(frozen=True)
class Candidate:
    """A quadrilateral in downscaled pixels, the feature its edges stand out in, and how sheet-like it is."""

    quad: np.ndarray
    feature: Feature
    score: float


def sheet_score(quad: np.ndarray, bright: np.ndarray, maps: list[tuple[np.ndarray, Feature]]) -> Candidate:
    """The quadrilateral as a candidate, scored by how sheet-like it is (0 = not a sheet): its size,
    paper fill, contrast and shape; its edges are later traced in the first feature it stands out in
    (paperness is linear in the pixel values, so a blurred edge's steepest point stays where the edge is;
    in Lab-based coolness it shifts a little towards the darker side).

    A band of floor around the quad must be in the photo, beside every side and mostly whole.
    The contrast is the paper's level inside the quad less the median of that band, in whichever
    feature map the sheet stands out most (polished marble can be brighter than paper, yet is never
    as blue); a bright floor tile framed by grout has about none. The aspect ratio, with perspective
    undone for a typical phone lens, only weighs in softly: a photo taken from the side, or a cropped
    one, defeats the lens assumption, yet its sheet is still there.
    """
    rejected = Candidate(quad, maps[0][1], 0.0)
    height, width = bright.shape
    sides = np.linalg.norm(np.roll(quad, -1, axis=0) - quad, axis=1)
    if sides.min() < MIN_SIDE_RATIO * sides.max():
        return rejected
    x, y, w, h = cv2.boundingRect(np.round(quad).astype(np.int32))
    if x < 1 or y < 1 or x + w > width - 1 or y + h > height - 1:
        return rejected
    band = max(3, round(SURROUND_BAND_FRACTION * np.sqrt(w * h)))
    if _side_along_border(quad, band, (width, height)):
        return rejected
    inside = np.zeros((h + 2 * band, w + 2 * band), np.uint8)
    cv2.fillConvexPoly(inside, np.round(quad - (x - band, y - band)).astype(np.int32), 1)
    around = cv2.dilate(inside, cv2.getStructuringElement(cv2.MORPH_RECT, (2 * band + 1,) * 2)) - inside
    band_pixels = np.count_nonzero(around)
    x0, y0 = max(0, x - band), max(0, y - band)
    x1, y1 = min(width, x + w + band), min(height, y + h + band)
    window = (slice(y0 - y + band, y1 - y + band), slice(x0 - x + band, x1 - x + band))
    inside, around = inside[window], around[window]
    if np.count_nonzero(around) < MIN_BAND_IN_PHOTO * band_pixels:
        return rejected
    quad_pixels = np.count_nonzero(inside)
    share = quad_pixels / (height * width)
    paper = (inside > 0) & (bright[y0:y1, x0:x1] > 0)
    fill = np.count_nonzero(paper) / max(quad_pixels, 1)
    if share < MIN_SHEET_AREA_FRACTION or fill < MIN_QUAD_FILL:
        return rejected
    contrasts = [
        float(np.median(smooth[y0:y1, x0:x1][paper])) - float(np.median(smooth[y0:y1, x0:x1][around > 0]))
        for smooth, _ in maps
    ]
    contrast = max(contrasts)
    if contrast < MIN_SHEET_CONTRAST:
        return rejected
    traced = next(index for index, value in enumerate(contrasts) if value >= MIN_SHEET_CONTRAST)
    aspect = measured_aspect(order_short_side_first(quad), (width, height))
    aspect_error = min(abs(np.log(aspect / sheet.aspect)) for sheet in SHEET_SIZES)
    shape = float(np.exp(-((aspect_error / ASPECT_TOLERANCE) ** 2)))
    score = share * fill * (0.5 + 0.5 * shape) * min(1.0, contrast / FULL_CONTRAST)
    return Candidate(quad, maps[traced][1], float(score))


def _side_along_border(quad: np.ndarray, margin: float, size: tuple[int, int]) -> bool:
    """Whether a whole side of the quad runs within `margin` of one edge of the photo.

    A whole sheet shows floor beyond every side; a block of floor tiles cut by the photo's edge does not.
    """
    width, height = size
    near = np.column_stack(
        [quad[:, 0] < margin, quad[:, 1] < margin, quad[:, 0] > width - margin, quad[:, 1] > height - margin]
    )
    return bool((near & np.roll(near, -1, axis=0)).any())
