"""Measure a foot standing on an A4 or US Letter sheet, from one photo taken from above or at an angle.

sheet (find, rectify to millimetres) -> segmentation (the foot, and any leg above it, on the paper) ->
foot_outline (the camera's place over the sheet; the foot told apart from the leg, and its length from the
part of the outline that lies on the floor, foot_floor; which capture protocol the photo follows) ->
quality (refusals, sigma, score).
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from tools.vision.foot_outline import camera_over_sheet, foot_outline, whole_foot_extents
from tools.vision.quality import assess, reject_dark_photo, reject_unusable, uncertainty
from tools.vision.schemas import FootScan
from tools.vision.segmentation import segment_foot
from tools.vision.sheet import DetectedSheet, find_sheet, rectify
from tools.vision.sheet_geometry import SHEET_SIZES, SheetSize

MIN_RECTIFIED_PX_PER_MM = 2.0
MAX_RECTIFIED_PX_PER_MM = 4.0
RECTIFIED_OVERSAMPLING = 1.25  # a little finer than the photo, so resampling adds no quantisation of its own

__all__ = ["foot_extents_mm", "measure_foot", "rectified_scale"]


def measure_foot(image: np.ndarray, sheet_sizes: Sequence[SheetSize] = SHEET_SIZES) -> FootScan:
    """Foot length (heel to longest toe) and width (widest breadth) in mm from a BGR photo, the sheet taken
    for one of `sheet_sizes` (`sheet_sizes(Settings.scan_sheet)`: A4 unless configured).

    Raises `ScanRejected` with reason TOO_DARK, NO_SHEET, SHEET_CUT_OFF, TOO_BLURRED, NO_FOOT,
    MULTIPLE_FEET, FOOT_OFF_SHEET, HEEL_HIDDEN or TOES_HIDDEN.
    """
    reject_dark_photo(image)
    sheet = find_sheet(image, sheet_sizes)
    reject_unusable(sheet)
    px_per_mm = rectified_scale(sheet)
    sheet_image = rectify(image, sheet, px_per_mm)
    region = segment_foot(sheet_image, px_per_mm)
    camera = camera_over_sheet(
        sheet.corners_px,
        (sheet.size.width_mm, sheet.size.height_mm),
        (image.shape[1], image.shape[0]),
        px_per_mm,
    )
    outline = foot_outline(region.mask, px_per_mm, camera)
    sigma = uncertainty(sheet, region.contrast, outline.length_mm, outline.width_mm)
    sharpness = float(cv2.Laplacian(cv2.cvtColor(sheet_image, cv2.COLOR_BGR2GRAY), cv2.CV_32F).var())
    quality = assess(sheet, region.contrast, sharpness)
    quality.issues.extend(outline.issues)
    return FootScan(
        length_mm=round(outline.length_mm, 1),
        width_mm=round(outline.width_mm, 1),
        length_sigma_mm=round(float(np.hypot(sigma.length_mm, outline.length_extra_sigma_mm)), 2),
        width_sigma_mm=round(float(np.hypot(sigma.width_mm, outline.width_extra_sigma_mm)), 2),
        sheet=sheet.size.name,
        protocol=outline.protocol,
        quality=quality,
    )


def rectified_scale(sheet: DetectedSheet) -> float:
    """Pixels per millimetre of the rectified sheet image the foot is measured on."""
    return float(
        np.clip(sheet.px_per_mm * RECTIFIED_OVERSAMPLING, MIN_RECTIFIED_PX_PER_MM, MAX_RECTIFIED_PX_PER_MM)
    )


def foot_extents_mm(mask: np.ndarray, px_per_mm: float) -> tuple[float, float]:
    """Extent of a whole-foot mask along its principal axis (length) and across it (width), in mm."""
    return whole_foot_extents(mask, px_per_mm)
