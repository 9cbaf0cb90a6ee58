"""Measure a foot standing on an A4 or US Letter sheet, from one photo taken from above.

sheet (find, rectify to millimetres) -> segmentation (the foot on the paper) -> this module (length
along the foot's principal axis, width across it) -> quality (refusals, sigma, score).
"""

from __future__ import annotations

import cv2
import numpy as np

from tools.vision.quality import assess, reject_dark_photo, reject_unusable, uncertainty
from tools.vision.schemas import FootScan
from tools.vision.segmentation import segment_foot
from tools.vision.sheet import find_sheet, rectify

MIN_RECTIFIED_PX_PER_MM = 2.0
MAX_RECTIFIED_PX_PER_MM = 4.0
RECTIFIED_OVERSAMPLING = 1.25  # a little finer than the photo, so resampling adds no quantisation of its own


def measure_foot(image: np.ndarray) -> FootScan:
    """Foot length (heel to longest toe) and width (widest breadth) in mm from a BGR photo.

    Raises `ScanRejected` with reason TOO_DARK, NO_SHEET, SHEET_CUT_OFF, TOO_BLURRED, NO_FOOT,
    MULTIPLE_FEET or FOOT_OFF_SHEET.
    """
    reject_dark_photo(image)
    sheet = find_sheet(image)
    reject_unusable(sheet)
    px_per_mm = float(
        np.clip(sheet.px_per_mm * RECTIFIED_OVERSAMPLING, MIN_RECTIFIED_PX_PER_MM, MAX_RECTIFIED_PX_PER_MM)
    )
    sheet_image = rectify(image, sheet, px_per_mm)
    region = segment_foot(sheet_image, px_per_mm)
    length_mm, width_mm = foot_extents_mm(region.mask, px_per_mm)
    sigma = uncertainty(sheet, region.contrast, length_mm, width_mm)
    sharpness = float(cv2.Laplacian(cv2.cvtColor(sheet_image, cv2.COLOR_BGR2GRAY), cv2.CV_32F).var())
    return FootScan(
        length_mm=round(length_mm, 1),
        width_mm=round(width_mm, 1),
        length_sigma_mm=round(sigma.length_mm, 2),
        width_sigma_mm=round(sigma.width_mm, 2),
        sheet=sheet.size.name,
        quality=assess(sheet, region.contrast, sharpness),
    )


def foot_extents_mm(mask: np.ndarray, px_per_mm: float) -> tuple[float, float]:
    """Extent of the mask along its principal axis (length) and across it (width), in mm.

    The axis comes from the mask's second moments. Extents are measured on boundary pixel centres,
    plus one pixel for the half pixel each side of them.
    """
    moments = cv2.moments(mask, binaryImage=True)
    angle = 0.5 * np.arctan2(2 * moments["mu11"], moments["mu20"] - moments["mu02"])
    axis = np.array([np.cos(angle), np.sin(angle)])
    across = np.array([-axis[1], axis[0]])
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    boundary = np.vstack([contour.reshape(-1, 2) for contour in contours]).astype(np.float64)
    along_axis, across_axis = boundary @ axis, boundary @ across
    length_px = along_axis.max() - along_axis.min() + 1.0
    width_px = across_axis.max() - across_axis.min() + 1.0
    return float(length_px / px_per_mm), float(width_px / px_per_mm)
