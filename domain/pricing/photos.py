"""Does a listing photo plausibly show the item? Checked before the photo may move a price.

A photo's stains and marks say something about an item's condition only when the photo shows the item. No
model here knows what a handbag looks like, so the check is the other way round: it recognises what a photo
of an item is not, and lets everything else through.

- blank: almost no texture or edges at any scale (a wall, a ceiling, a lens cap);
- screenshot: large areas of exactly one colour (no sensor noise, which every camera photo has) holding
  rows of glyph-sized marks (text), or flat colour blocks that are not a studio's white or black backdrop;
- face: MediaPipe's face detector (bundled model) finds a face covering FACE_MIN_SHARE of the photo;
- hand or foot: MediaPipe's hand detector (bundled; it fires on bare feet as well as hands, toes reading as
  fingers) finds one whose landmarks span BODY_PART_MIN_SHARE of the photo: a photo of a body part, not of
  a product a hand merely holds;
- bare skin: the detectors miss many feet (and know nothing of an arm or a leg), so the photo is also read for
  skin itself. A pixel is skin-coloured in the chroma box of Chai & Ngan (YCrCb: Cr 133-173, Cb 77-127,
  independent of brightness above a floor) with a saturation band that leaves out the deeper orange of wood
  and tan leather. The largest connected skin-coloured region, after removing specks, is a body part when it
  is one coherent shape (solidity, its area over its convex hull's: wood grain or a print's scattered tan
  flecks are not) and either covers SKIN_MIN_SHARE of the photo and runs off the edge of the frame, as a leg,
  an arm or a close-up face does, where an item photographed for sale sits inside it; or is limb-shaped, at
  least LIMB_MIN_ELONGATION times as long as it is wide (a foot or a leg, where a bag or a box is squat), with
  LIMB_MIN_SOLIDITY and LIMB_MIN_SHARE. A camel or nude item on a skin-toned surface (a wooden table) can
  still read as skin: it is then ignored, and the cost of that is only that its photo does not move the
  price. Very dark skin falls outside the colour box (measured in evals/pricing/photo_checks.py).

A face is plausible for what is worn on or sold for the face (eyewear, make-up, earrings...), a hand or
foot for what is worn on them (rings, bangles, anklets, nail art, mehndi), and a face, a hand, a foot or bare
skin for what is worn on the body (clothes and shoes, WORN_ON_BODY: a dress photographed on its wearer shows
bare arms or legs running off the frame); nothing is plausible for a blank or a screenshot.
evals/pricing/photo_checks.py measures this on photos the project renders (and real foot photos from
../shared/data when present).
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import cv2
import numpy

SubjectKind = Literal["item", "blank", "screenshot", "face", "body_part"]

BLANK_MAX_TEXTURE = 2.5  # band-pass grey level standard deviation below which a photo shows nothing
BLANK_MAX_EDGES = 0.004  # share of edge pixels
FLAT_MIN_SHARE = 0.35  # share of pixels in exactly flat 3x3 neighbourhoods for a rendered (not camera) image
FLAT_COLOURED_MIN_SHARE = 0.30  # flat pixels that are neither near white nor near black
MIN_GLYPHS = 25
FACE_MIN_SHARE = 0.02
BODY_PART_MIN_SHARE = 0.015  # a hand holding a bag this close is ignored too: the cost is no adjustment
SKIN_CR = (133, 173)  # Chai & Ngan (1999), face segmentation using skin-colour map, YCrCb
SKIN_CB = (77, 127)
SKIN_MIN_LUMA = 60  # below it chroma is noise
SKIN_SATURATION = (25, 140)  # HSV saturation (0-255): grey is not skin, nor is wood's or tan leather's orange
SKIN_MIN_SHARE = 0.08  # the largest skin region's share of the photo, when it runs off the frame
SKIN_MIN_SOLIDITY = 0.5  # its area over its convex hull's
LIMB_MIN_ELONGATION = 2.0  # long side over short side of its smallest enclosing rotated rectangle
LIMB_MIN_SOLIDITY = 0.75
LIMB_MIN_SHARE = 0.04
SKIN_SPECK_PX = 5  # opening kernel on the working copy: removes flecks and noise
FACE_WORN = (
    "eyewear",
    "sunglass",
    "glasses",
    "spectacle",
    "makeup",
    "make-up",
    "beauty",
    "cosmetic",
    "lipstick",
    "earring",
    "nose pin",
    "hat",
    "cap",
    "mask",
    "skincare",
)
HAND_OR_FOOT_WORN = (
    "ring",
    "bangle",
    "bracelet",
    "anklet",
    "toe ring",
    "nail",
    "mehndi",
    "henna",
    "glove",
    "watch",
    "tattoo",
)
WORN_ON_BODY = re.compile(
    r"\b(?:cloth|clothing|clothes|apparel|\w*wear|ethnic|dress|gown|shirt|sweatshirt|top|blouse|tee|kurta|kurti"
    r"|saree|sari|lehenga|salwar|sherwani|dhoti|dupatta|shawl|stole|scarf|scarves|jean|trouser|pant|legging"
    r"|jegging|shorts|tights|skirt|jacket|coat|blazer|suit|sweater|cardigan|hoodie|jumper|vest|waistcoat"
    r"|uniform|lingerie|nightie|shoe|sneaker|sandal|boot|heel|slipper|chappal|flip-flop|loafer|jutti|mojari"
    r"|sock)(?:s|es)?\b"
)
"""Whole words (or their plurals) of what is worn on the body: clothes and shoes, whose photos show the
wearer, face, hands, arms and legs included. `suitcases`, `laptops` and `sockets` are not among them."""
WORKING_SIDE_PX = 512


@dataclass(frozen=True)
class PhotoSubject:
    """What the photo shows as far as the check can tell, and whether that fits the listing."""

    kind: SubjectKind
    plausible: bool
    reason: str


Detector = Callable[[numpy.ndarray], float]
"""The share of the (BGR) image the largest detection covers; 0 when there is none."""


def _working_copy(image: numpy.ndarray) -> numpy.ndarray:
    scale = WORKING_SIDE_PX / max(image.shape[:2])
    if scale >= 1:
        return image
    return cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)


def texture(grey: numpy.ndarray) -> float:
    """Standard deviation of a band-pass of the grey image (light smoothing minus heavy smoothing): sensor
    noise and flat gradients give almost nothing, any surface or object gives more."""
    fine = cv2.GaussianBlur(grey.astype(numpy.float32), (3, 3), 0)
    coarse = cv2.GaussianBlur(grey.astype(numpy.float32), (0, 0), 6)
    return float(numpy.std(fine - coarse))


def edge_share(grey: numpy.ndarray) -> float:
    return float((cv2.Canny(grey, 50, 150) > 0).mean())


def flat_shares(image: numpy.ndarray) -> tuple[float, float]:
    """(share of pixels whose 3x3 neighbourhood is one exact colour, the same counting only pixels that are
    neither near white nor near black): cameras never make the first large, apart from clipped backdrops."""
    spread = numpy.zeros(image.shape[:2], dtype=numpy.int32)
    kernel = numpy.ones((3, 3), numpy.uint8)
    for channel in cv2.split(image):
        spread += cv2.dilate(channel, kernel).astype(numpy.int32) - cv2.erode(channel, kernel).astype(
            numpy.int32
        )
    flat = spread == 0
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    coloured = flat & (grey > 24) & (grey < 232)
    return float(flat.mean()), float(coloured.mean())


def glyphs(grey: numpy.ndarray) -> int:
    """Connected marks of text size (dark on light or light on dark, 4-40 px tall, not too wide)."""
    count = 0
    for polarity in (cv2.THRESH_BINARY_INV, cv2.THRESH_BINARY):
        _, binary = cv2.threshold(grey, 0, 255, polarity | cv2.THRESH_OTSU)
        total, _, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
        for label in range(1, total):
            width, height = stats[label, cv2.CC_STAT_WIDTH], stats[label, cv2.CC_STAT_HEIGHT]
            area = stats[label, cv2.CC_STAT_AREA]
            if 4 <= height <= 40 and 1 <= width <= 3 * height and area >= 6:
                count += 1
    return count


def skin_mask(image: numpy.ndarray) -> numpy.ndarray:
    """Skin-coloured pixels of a BGR image (see the module notes), as 0/1, specks removed."""
    luma, cr, cb = cv2.split(cv2.cvtColor(image, cv2.COLOR_BGR2YCrCb))
    saturation = cv2.cvtColor(image, cv2.COLOR_BGR2HSV)[..., 1]
    mask = (
        (cr >= SKIN_CR[0])
        & (cr <= SKIN_CR[1])
        & (cb >= SKIN_CB[0])
        & (cb <= SKIN_CB[1])
        & (luma > SKIN_MIN_LUMA)
        & (saturation >= SKIN_SATURATION[0])
        & (saturation <= SKIN_SATURATION[1])
    ).astype(numpy.uint8)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (SKIN_SPECK_PX, SKIN_SPECK_PX))
    return cv2.morphologyEx(cv2.morphologyEx(mask, cv2.MORPH_OPEN, kernel), cv2.MORPH_CLOSE, kernel)


@dataclass(frozen=True)
class SkinRegion:
    """The largest connected skin-coloured region of a photo."""

    share: float  # of the photo's pixels
    solidity: float  # its area over its convex hull's
    at_edge: bool  # it reaches the edge of the frame
    elongation: float = 1.0  # long side over short side of its smallest enclosing rotated rectangle

    @property
    def body_part(self) -> bool:
        entering = self.share >= SKIN_MIN_SHARE and self.solidity >= SKIN_MIN_SOLIDITY and self.at_edge
        limb = (
            self.share >= LIMB_MIN_SHARE
            and self.solidity >= LIMB_MIN_SOLIDITY
            and self.elongation >= LIMB_MIN_ELONGATION
        )
        return entering or limb


def skin_region(image: numpy.ndarray) -> SkinRegion:
    """The largest connected skin-coloured region of a BGR image (share 0 when there is none)."""
    mask = skin_mask(image)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    if count <= 1:
        return SkinRegion(0.0, 0.0, at_edge=False)
    largest = 1 + int(numpy.argmax(stats[1:, cv2.CC_STAT_AREA]))
    region = (labels == largest).astype(numpy.uint8)
    contours, _ = cv2.findContours(region, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    outline = max(contours, key=cv2.contourArea)
    hull_area = float(cv2.contourArea(cv2.convexHull(outline)))
    solidity = float(stats[largest, cv2.CC_STAT_AREA]) / max(hull_area, 1.0)
    at_edge = bool(region[0].any() or region[-1].any() or region[:, 0].any() or region[:, -1].any())
    _, sides, _ = cv2.minAreaRect(outline)
    elongation = max(sides) / max(min(sides), 1.0)
    return SkinRegion(float(region.mean()), min(solidity, 1.0), at_edge, float(elongation))


def _wants(category: str, words: tuple[str, ...]) -> bool:
    text = category.replace("/", " ").replace("_", " ").lower()
    return any(word in text for word in words)


def _worn_on_body(category: str) -> bool:
    """Clothes and shoes: a photo of one being worn shows the person wearing it."""
    return WORN_ON_BODY.search(category.replace("/", " ").replace("_", " ").lower()) is not None


def photo_subject(
    image: numpy.ndarray,
    category: str,
    *,
    faces: Detector | None = None,
    hands: Detector | None = None,
) -> PhotoSubject:
    """Whether `image` (BGR) plausibly shows an item of `category` (see the module notes)."""
    small = _working_copy(image)
    grey = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
    flat, coloured_flat = flat_shares(small)
    if flat >= FLAT_MIN_SHARE and (glyphs(grey) >= MIN_GLYPHS or coloured_flat >= FLAT_COLOURED_MIN_SHARE):
        return PhotoSubject(
            "screenshot", False, "it is a screenshot or a rendered page, not a photo of the item"
        )
    if texture(grey) < BLANK_MAX_TEXTURE and edge_share(grey) < BLANK_MAX_EDGES:
        return PhotoSubject("blank", False, "it shows nothing but a plain surface (a wall or a blank)")
    worn = _worn_on_body(category)
    if faces is not None and faces(small) >= FACE_MIN_SHARE:
        if worn:
            return PhotoSubject("item", True, "a person, as photos of what is worn on the body show")
        if _wants(category, FACE_WORN):
            return PhotoSubject("item", True, "a face, as photos of what is worn on the face show")
        return PhotoSubject("face", False, f"it shows a face, not {_item(category)}")
    if hands is not None and hands(small) >= BODY_PART_MIN_SHARE:
        if worn or _wants(category, HAND_OR_FOOT_WORN):
            return PhotoSubject("item", True, "a hand or foot, as photos of what is worn on them show")
        return PhotoSubject("body_part", False, f"it shows a hand or a foot, not {_item(category)}")
    if skin_region(small).body_part:
        if worn or _wants(category, FACE_WORN + HAND_OR_FOOT_WORN):
            return PhotoSubject("item", True, "bare skin, as photos of what is worn on the body show")
        return PhotoSubject(
            "body_part", False, f"it is mostly bare skin (a foot, a hand or a face), not {_item(category)}"
        )
    return PhotoSubject("item", True, "nothing in it rules out the listed item")


def _item(category: str) -> str:
    leaf = category.rsplit("/", 1)[-1].replace("_", " ").strip() or "the item"
    return f"the listed {leaf}"


class BodyDetectors:
    """MediaPipe's face detector and hand landmarker (models bundled in the wheel), opened on first use and
    shared; a MediaPipe graph is not safe from two threads at once, so calls are serialised."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._face: object | None = None
        self._hands: object | None = None

    def _open(self) -> None:
        import mediapipe

        solutions = mediapipe.solutions
        self._face = solutions.face_detection.FaceDetection(model_selection=1, min_detection_confidence=0.6)
        self._hands = solutions.hands.Hands(
            static_image_mode=True, max_num_hands=2, min_detection_confidence=0.3
        )

    def faces(self, image: numpy.ndarray) -> float:
        """The share of the image the largest face's box covers."""
        rgb = cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
        with self._lock:
            if self._face is None:
                self._open()
            result = self._face.process(rgb)  # type: ignore[attr-defined]
        boxes = [d.location_data.relative_bounding_box for d in (result.detections or [])]
        return max((max(b.width, 0.0) * max(b.height, 0.0) for b in boxes), default=0.0)

    def hands(self, image: numpy.ndarray) -> float:
        """The share of the image the largest hand (or foot) landmark box covers."""
        rgb = cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
        with self._lock:
            if self._hands is None:
                self._open()
            result = self._hands.process(rgb)  # type: ignore[attr-defined]
        shares = []
        for hand in result.multi_hand_landmarks or []:
            xs = [point.x for point in hand.landmark]
            ys = [point.y for point in hand.landmark]
            shares.append((min(max(xs), 1) - max(min(xs), 0)) * (min(max(ys), 1) - max(min(ys), 0)))
        return max(shares, default=0.0)


@functools.cache
def body_detectors() -> BodyDetectors:
    """The process's detectors (loaded on the first photo that needs them)."""
    return BodyDetectors()
