"""Photo quality for the foot scan: when to refuse, the uncertainty of each measurement, and a 0-1 score.

Uncertainty model (one standard deviation, millimetres), for a measurement between two foot boundaries:
- each boundary is located to about 0.3 of a source pixel plus 0.4 of the edge blur;
- the sheet's scale is known as well as its edges fit straight lines (residual over the fitted points);
- a foot that barely stands out from the paper (low contrast) loses or gains boundary pixels;
- a floor for what a flat silhouette cannot see: the foot stands above the sheet (parallax of toe and
  heel tips) and posture varies between photos.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from tools.vision.errors import ScanRejected
from tools.vision.schemas import ScanQuality
from tools.vision.sheet import EDGE_SAMPLES_PER_SIDE, DetectedSheet, whiteness

MIN_PAPER_BRIGHTNESS = 70.0
DIM_PAPER_BRIGHTNESS = 140.0
MAX_BLUR_MM = 1.6
NOTICEABLE_BLUR_MM = 0.7
LOW_RESOLUTION_PX_PER_MM = 1.5
LOW_CONTRAST = 2.0
LOW_CONTRAST_MM = 1.0  # extra sigma per unit of contrast below LOW_CONTRAST
DARK_PHOTO_LEVEL = 60
LENGTH_FLOOR_MM = 1.2
WIDTH_FLOOR_MM = 1.0

_RETAKE_LIGHT = ["Turn on a light or move near a window; avoid standing in your own shadow."]
_RETAKE_STEADY = ["Hold the phone steady and tap the screen to focus on the sheet before taking the photo."]


@dataclass(frozen=True)
class Uncertainty:
    length_mm: float
    width_mm: float


def reject_dark_photo(image: np.ndarray) -> None:
    """A sheet is the brightest thing in a usable photo; if even that is dim, no detection is worth trying."""
    small = cv2.resize(whiteness(image), (160, 120), interpolation=cv2.INTER_AREA)
    if np.percentile(small, 99) < DARK_PHOTO_LEVEL:
        raise ScanRejected("TOO_DARK", "the photo is too dark to see the sheet", _RETAKE_LIGHT)


def reject_unusable(sheet: DetectedSheet) -> None:
    """Refuse photos whose sheet is too dark or too blurred to measure (`ScanRejected`)."""
    if sheet.brightness < MIN_PAPER_BRIGHTNESS:
        raise ScanRejected("TOO_DARK", "the photo is too dark to find the foot's outline", _RETAKE_LIGHT)
    if blur_mm(sheet) > MAX_BLUR_MM:
        raise ScanRejected(
            "TOO_BLURRED", "the photo is too blurred to measure to the millimetre", _RETAKE_STEADY
        )


def blur_mm(sheet: DetectedSheet) -> float:
    return sheet.edge_blur_px / sheet.px_per_mm


def uncertainty(sheet: DetectedSheet, contrast: float, length_mm: float, width_mm: float) -> Uncertainty:
    """One-sigma uncertainty of length and width (the model in this module's docstring)."""
    pixel_mm = 1.0 / sheet.px_per_mm
    boundary_mm = float(np.hypot(0.3 * pixel_mm, 0.4 * blur_mm(sheet)))
    fitted_points = 0.8 * EDGE_SAMPLES_PER_SIDE
    edge_line_mm = sheet.edge_residual_px / np.sqrt(fitted_points) * pixel_mm
    scale_relative = np.sqrt(2) * edge_line_mm / sheet.size.width_mm
    contrast_mm = max(0.0, LOW_CONTRAST - contrast) * LOW_CONTRAST_MM

    def combined(value_mm: float, floor_mm: float) -> float:
        return float(
            np.sqrt(floor_mm**2 + 2 * boundary_mm**2 + (value_mm * scale_relative) ** 2 + contrast_mm**2)
        )

    return Uncertainty(combined(length_mm, LENGTH_FLOOR_MM), combined(width_mm, WIDTH_FLOOR_MM))


def assess(sheet: DetectedSheet, contrast: float, sharpness: float) -> ScanQuality:
    """The 0-1 quality score (product of per-cause factors) and the issues that lowered it."""
    blurred = blur_mm(sheet)
    factors = {
        "blurred": float(np.exp(-2 * (blurred / MAX_BLUR_MM) ** 2)),  # 0.14 at the refusal limit
        "low_resolution": min(1.0, sheet.px_per_mm / LOW_RESOLUTION_PX_PER_MM) ** 0.5,
        "dim_lighting": min(1.0, sheet.brightness / DIM_PAPER_BRIGHTNESS),
        "low_contrast": min(1.0, contrast / LOW_CONTRAST),
    }
    issues = [
        issue
        for issue, flagged in (
            ("blurred", blurred > NOTICEABLE_BLUR_MM),
            ("low_resolution", sheet.px_per_mm < LOW_RESOLUTION_PX_PER_MM),
            ("dim_lighting", sheet.brightness < DIM_PAPER_BRIGHTNESS),
            ("low_contrast", contrast < LOW_CONTRAST),
        )
        if flagged
    ]
    return ScanQuality(
        score=round(float(np.prod(list(factors.values()))), 3),
        blur=round(sharpness, 1),
        brightness=round(sheet.brightness, 1),
        resolution=round(sheet.px_per_mm, 2),
        issues=issues,
    )
