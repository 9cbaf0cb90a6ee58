"""Visual condition of a listing from its photos, offline: blur, stains and small defects.

Photos arrive as bytes and are decoded in memory (tools/vision/image.py); nothing is written anywhere.
- Subject: a photo that does not plausibly show the listed kind of item (a blank, a screenshot, a face or a
  foot attached to a handbag: domain/pricing/photos.py) is ignored, and the reasons say so.
- Blur: variance of the Laplacian of the grey image at a fixed working size; a blurry photo cannot show
  wear, so it changes nothing and says so.
- Stains and defects: pixels whose Lab colour differs strongly from their wide median-filtered surroundings
  form blobs; mid-sized blobs are stains, small ones are defects (holes, pills, marks). Patterned fabric
  also makes such blobs, which is why the effect on price is capped and only a model tier may go further.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy

from domain.pricing.photos import Detector, PhotoSubject, photo_subject
from tools.vision.image import decode_image

WORKING_SIDE_PX = 512
SHARPNESS_MIN = 60.0  # Laplacian variance below this: too blurry to judge wear
COLOUR_DISTANCE_MIN = 28.0  # Lab distance from the surroundings that marks a pixel as off-colour
BACKGROUND_KERNEL = 61
STAIN_MIN_SHARE = 0.002  # of the image, per blob
STAIN_MAX_SHARE = 0.08
DEFECT_MIN_SHARE = 0.0002
MAX_PHOTO_PENALTY = 0.15


@dataclass(frozen=True)
class PhotoFindings:
    sharpness: float
    blurry: bool
    stain_share: float
    stains: int
    defects: int
    subject: PhotoSubject | None = None  # None: not checked (no listing category given)

    @property
    def usable(self) -> bool:
        return not self.blurry and (self.subject is None or self.subject.plausible)


@dataclass(frozen=True)
class ConditionAssessment:
    """What the photos show and the price multiplier (as a log factor, 0 = none) it justifies."""

    photos: tuple[PhotoFindings, ...]
    log_factor: float
    reasons: tuple[str, ...]


def _working_copy(image: numpy.ndarray) -> numpy.ndarray:
    scale = WORKING_SIDE_PX / max(image.shape[:2])
    if scale >= 1:
        return image
    return cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)


def sharpness(image: numpy.ndarray) -> float:
    """Variance of the Laplacian of the grey image (higher = sharper)."""
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    return float(cv2.Laplacian(grey, cv2.CV_64F).var())


def off_colour_blobs(image: numpy.ndarray) -> tuple[list[float], int]:
    """(area shares of stain-sized blobs, count of defect-sized blobs)."""
    lab = cv2.cvtColor(image, cv2.COLOR_BGR2LAB).astype(numpy.float32)
    background = cv2.medianBlur(cv2.cvtColor(image, cv2.COLOR_BGR2LAB), BACKGROUND_KERNEL).astype(
        numpy.float32
    )
    distance = numpy.linalg.norm(lab - background, axis=2)
    mask = (distance > COLOUR_DISTANCE_MIN).astype(numpy.uint8)
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, numpy.ones((3, 3), numpy.uint8))
    count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    total = float(image.shape[0] * image.shape[1])
    stains: list[float] = []
    defects = 0
    for label in range(1, count):
        share = stats[label, cv2.CC_STAT_AREA] / total
        if STAIN_MIN_SHARE <= share <= STAIN_MAX_SHARE:
            stains.append(share)
        elif DEFECT_MIN_SHARE <= share < STAIN_MIN_SHARE:
            defects += 1
    return stains, defects


def inspect_photo(
    data: bytes,
    category: str | None = None,
    *,
    faces: Detector | None = None,
    hands: Detector | None = None,
) -> PhotoFindings:
    """Findings for one photo (raises ScanRejected for bytes that are not a usable image); with the listing's
    `category`, whether the photo plausibly shows such an item."""
    image = _working_copy(decode_image(data))
    subject = photo_subject(image, category, faces=faces, hands=hands) if category is not None else None
    if subject is not None and not subject.plausible:
        return PhotoFindings(
            sharpness=0.0, blurry=False, stain_share=0.0, stains=0, defects=0, subject=subject
        )
    sharp = sharpness(image)
    stains, defects = off_colour_blobs(image)
    return PhotoFindings(
        sharpness=round(sharp, 1),
        blurry=sharp < SHARPNESS_MIN,
        stain_share=round(float(sum(stains)), 4),
        stains=len(stains),
        defects=defects,
        subject=subject,
    )


def assess_condition(
    photos: Sequence[bytes],
    category: str | None = None,
    *,
    faces: Detector | None = None,
    hands: Detector | None = None,
) -> ConditionAssessment:
    """Combine the usable photos' findings into one multiplier: stains cost up to 10%, defects up to 5%, at
    most 15% together. Blurry photos, and (with the listing's `category`) photos that do not plausibly show
    such an item, are reported and ignored."""
    findings = tuple(inspect_photo(photo, category, faces=faces, hands=hands) for photo in photos)
    usable = [finding for finding in findings if finding.usable]
    reasons: list[str] = []
    for number, finding in enumerate(findings, start=1):
        if finding.subject is not None and not finding.subject.plausible:
            reasons.append(f"photo {number} ignored: {finding.subject.reason}")
    blurry = sum(finding.blurry for finding in findings)
    if blurry:
        reasons.append(f"{blurry} photo(s) too blurry to judge condition")
    if not usable:
        return ConditionAssessment(photos=findings, log_factor=0.0, reasons=tuple(reasons))
    stain_share = max(finding.stain_share for finding in usable)
    defects = max(finding.defects for finding in usable)
    stain_penalty = min(0.10, stain_share * 2.0)
    defect_penalty = min(0.05, 0.01 * defects)
    penalty = min(stain_penalty + defect_penalty, MAX_PHOTO_PENALTY)
    if stain_penalty >= 0.01:
        reasons.append(f"visible stains cover about {stain_share:.1%} of a photo")
    if defect_penalty >= 0.01:
        reasons.append(f"{defects} small mark(s) or defect(s) visible")
    if penalty < 0.01:
        reasons.append("photos show no visible stains or defects")
        return ConditionAssessment(photos=findings, log_factor=0.0, reasons=tuple(reasons))
    return ConditionAssessment(photos=findings, log_factor=math.log(1 - penalty), reasons=tuple(reasons))
