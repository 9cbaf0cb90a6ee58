"""Find the reference sheet (A4 or US Letter) in a photo and map it to a metric plane.

Candidates are found on a downscaled photo: quadrilaterals around paper-like regions and the straight
runs of their outlines (sheet_regions) and, where those find no sheet, quadrilaterals framed by
straight line segments with paper on their inner side (sheet_lines). Each is scored by how sheet-like
it is (sheet_scoring); the best one above a minimum wins. Its sides are then traced to sub-pixel
precision on the full-resolution photo (sheet_edges), and its aspect ratio with perspective undone
tells A4 from Letter (sheet_geometry).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from tools.vision.errors import ScanRejected
from tools.vision.sheet_edges import EDGE_SAMPLES_PER_SIDE, REFINE_PASSES, RETAKE_SHEET, refine_sides
from tools.vision.sheet_features import Features, chroma, edge_lines, feature_maps, whiteness
from tools.vision.sheet_geometry import (
    A4,
    LETTER,
    PHONE_FOCAL_PER_DIAGONAL,
    SHEET_SIZES,
    SheetSize,
    measured_aspect,
    order_short_side_first,
)
from tools.vision.sheet_lines import line_candidates
from tools.vision.sheet_regions import region_candidates
from tools.vision.sheet_scoring import Candidate

__all__ = [
    "A4",
    "EDGE_SAMPLES_PER_SIDE",
    "LETTER",
    "PHONE_FOCAL_PER_DIAGONAL",
    "SHEET_SIZES",
    "DetectedSheet",
    "SheetSize",
    "find_sheet",
    "measured_aspect",
    "rectify",
    "whiteness",
]

DETECTION_LONG_SIDE_PX = 480

_RETAKE_CUT_OFF = [
    "Step back or zoom out so all four corners of the sheet are inside the photo.",
    "Leave a small gap of floor around the sheet on every side.",
]


@dataclass(frozen=True)
class DetectedSheet:
    """A sheet located in a photo. `corners_px` run tl, tr, br, bl with tl->tr along the short side."""

    size: SheetSize
    corners_px: np.ndarray
    px_per_mm: float
    edge_blur_px: float
    edge_residual_px: float
    brightness: float
    aspect_measured: float


def find_sheet(image: np.ndarray) -> DetectedSheet:
    """Locate the sheet in a BGR photo or raise `ScanRejected` (NO_SHEET, SHEET_CUT_OFF)."""
    scale = min(1.0, DETECTION_LONG_SIDE_PX / max(image.shape[:2]))
    small_bgr = (
        cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else image
    )
    best = _best_candidate(small_bgr)
    corners = best.quad / scale
    for _ in range(REFINE_PASSES):
        corners, blur_px, residual_px = refine_sides(image, corners, best.feature)
    corners = order_short_side_first(corners)
    height, width = image.shape[:2]
    if corners.min() < 1 or corners[:, 0].max() > width - 2 or corners[:, 1].max() > height - 2:
        raise ScanRejected("SHEET_CUT_OFF", "a corner of the sheet is outside the photo", _RETAKE_CUT_OFF)
    aspect = measured_aspect(corners, (width, height))
    size = min(SHEET_SIZES, key=lambda sheet: abs(np.log(aspect / sheet.aspect)))
    area_px = cv2.contourArea(corners.astype(np.float32))
    px_per_mm = float(np.sqrt(area_px / (size.width_mm * size.height_mm)))
    small_white = whiteness(small_bgr)
    inside = np.zeros_like(small_white)
    cv2.fillConvexPoly(inside, np.round(best.quad).astype(np.int32), 255)
    brightness = float(np.median(small_white[inside > 0]))
    return DetectedSheet(size, corners, px_per_mm, blur_px, residual_px, brightness, aspect)


def _best_candidate(small_bgr: np.ndarray) -> Candidate:
    """The most sheet-like quadrilateral, or `ScanRejected` (SHEET_CUT_OFF, NO_SHEET) when none is.

    Quadrilaterals from region hulls come first; straight runs of region outlines (slower) are only
    looked for when no hull gives a sheet, and quadrilaterals framed by line segments (slower still)
    when neither does. A candidate must score MIN_SHEET_SCORE: on the real photos and on floor crops
    without a sheet (evals/vision/foot.py) that keeps every floor out while losing no sheet that a
    lower bar would find.
    """
    features = Features(feature_maps(small_bgr), chroma(small_bgr), ~edge_lines(small_bgr))
    candidates, cut_off_seen = region_candidates(features, with_lines=False)
    if not candidates:
        candidates, cut_off_seen = region_candidates(features, with_lines=True)
    if not candidates:
        candidates = line_candidates(small_bgr, features)
    if candidates:
        return max(candidates, key=lambda candidate: candidate.score)
    if cut_off_seen:
        raise ScanRejected("SHEET_CUT_OFF", "the sheet runs off the edge of the photo", _RETAKE_CUT_OFF)
    raise ScanRejected("NO_SHEET", "no white A4 or Letter sheet was found in the photo", RETAKE_SHEET)


def rectify(image: np.ndarray, sheet: DetectedSheet, px_per_mm: float) -> np.ndarray:
    """The sheet seen face-on at `px_per_mm`, short side horizontal."""
    width = round(sheet.size.width_mm * px_per_mm)
    height = round(sheet.size.height_mm * px_per_mm)
    target = np.array([[0, 0], [width, 0], [width, height], [0, height]], np.float32)
    homography = cv2.getPerspectiveTransform(sheet.corners_px.astype(np.float32), target)
    return cv2.warpPerspective(image, homography, (width, height), flags=cv2.INTER_LINEAR)
