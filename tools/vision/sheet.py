"""Find the reference sheet (A4 or US Letter) in a photo and map it to a metric plane.

Candidates are found on a downscaled photo, in two feature images where paper is bright: "paperness"
(the minimum of B, G and R less twice the chroma, so wood, rugs and skin stay dark) and "coolness"
(Lab lightness plus blue tint: on pale marble or grey tile, office paper differs from the floor more in
its blue dye than in its brightness). Each is cut at several threshold levels, also split along sharp
edges, and every paper-like region gives quadrilaterals: its convex hull when that is one (a foot
standing on the sheet dents the region, not its hull), the hull's four longest sides extended when a
foot or leg hides a corner, and, where no hull works, the straight runs of the region outlines found
with a Hough transform. Candidates are scored by their size, how much of them is paper, their contrast
with a band of floor around them and, softly, their aspect ratio; the best one above a minimum wins.

Each side is then re-located to sub-pixel precision on the full-resolution photo from profiles of the
winning feature across the edge, and a robust line fit through them gives the corners. The profiles
also tell how blurred the photo is (10-90 % edge rise) and how well the edges fit a straight line.

Which sheet it is comes from its aspect ratio with perspective undone (Zhang & He, "Whiteboard scanning
and image enhancement", 2007), assuming a phone camera's focal length.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from tools.vision.errors import ScanRejected

DETECTION_LONG_SIDE_PX = 480
MIN_SHEET_AREA_FRACTION = 0.03
MIN_PIECE_AREA_FRACTION = 0.005
MAX_SHEET_AREA_FRACTION = 0.85
MIN_HULL_FILL = 0.35
MAX_PIECE_GAP_FRACTION = 0.4
MAX_PAPER_CHROMA = 45
MAX_QUAD_STRAY = 0.03
MAX_CUT_OFF_HULL_FRACTION = 0.6
THRESHOLD_LEVELS = 5
MIN_QUAD_FILL = 0.35
MIN_SIDE_RATIO = 0.2
MIN_BAND_IN_PHOTO = 0.6
MIN_SHEET_SCORE = 0.08
MIN_EDGE_GRADIENT = 32.0
EDGE_PERCENTILE = 88.0
MAX_EXTENDED_AREA_RATIO = 1.3
MAX_OPPOSITE_SIDE_ANGLE_DEG = 30.0
MIN_ADJACENT_SIDE_ANGLE_DEG = 45.0
LINE_MIN_VOTES = 27
LINE_MERGE_PX = 8.0
LINE_MERGE_DEG = 8.0
MAX_LINES = 8
MIN_SIDE_SEEN = 0.3
MIN_SHEET_CONTRAST = 12.0
FULL_CONTRAST = 30.0
SURROUND_BAND_FRACTION = 0.04
ASPECT_TOLERANCE = 0.25
COOLNESS_LIGHTNESS_WEIGHT = 0.3
COOLNESS_BLUE_WEIGHT = 10.0
COOLNESS_NEUTRAL_WEIGHT = 5.0
MAX_PAPER_BLUENESS = 6.0
OUTLIER_MIN_PX = 1.5
OUTLIER_MADS = 4.0
EDGE_SAMPLES_PER_SIDE = 48
REFINE_PASSES = 2  # the second pass samples across the edges where the first one found them
EDGE_RISE_TO_SIGMA = 2.563  # 10-90 % rise of a Gaussian-blurred step is 2.563 sigma
PHONE_FOCAL_PER_DIAGONAL = 26.0 / 43.27  # 26 mm lens over a full-frame sensor's 43.27 mm diagonal

_RETAKE_SHEET = [
    "Put a plain white A4 sheet on a darker, plain floor.",
    "Hold the phone directly above the sheet so all four corners are in the photo.",
]
_RETAKE_CUT_OFF = [
    "Step back or zoom out so all four corners of the sheet are inside the photo.",
    "Leave a small gap of floor around the sheet on every side.",
]


@dataclass(frozen=True)
class SheetSize:
    name: str
    width_mm: float
    height_mm: float

    @property
    def aspect(self) -> float:
        return self.height_mm / self.width_mm


A4 = SheetSize("A4", 210.0, 297.0)
LETTER = SheetSize("Letter", 215.9, 279.4)
SHEET_SIZES = (A4, LETTER)


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


def whiteness(image: np.ndarray) -> np.ndarray:
    """Per-pixel min(B, G, R): high only where a pixel is both bright and unsaturated, like paper."""
    blue, green, red = cv2.split(image)
    return cv2.min(cv2.min(blue, green), red)


def find_sheet(image: np.ndarray) -> DetectedSheet:
    """Locate the sheet in a BGR photo or raise `ScanRejected` (NO_SHEET, SHEET_CUT_OFF)."""
    scale = min(1.0, DETECTION_LONG_SIDE_PX / max(image.shape[:2]))
    small_bgr = (
        cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else image
    )
    best = _best_candidate(small_bgr)
    corners = best.quad / scale
    for _ in range(REFINE_PASSES):
        corners, blur_px, residual_px = _refine_sides(image, corners, best.feature)
    corners = _order_short_side_first(corners)
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


@dataclass(frozen=True)
class _Candidate:
    """A quadrilateral in downscaled pixels, the feature its edges stand out in, and how sheet-like it is."""

    quad: np.ndarray
    feature: Feature
    score: float


def _feature_maps(small_bgr: np.ndarray) -> list[tuple[np.ndarray, Feature]]:
    """Images in which paper is bright (uint8, smoothed), each with the per-pixel feature its edges follow."""
    colourfulness = chroma(small_bgr)
    paper_like = paperness(whiteness(small_bgr), colourfulness)
    cool = np.clip(coolness(small_bgr), 0, 255).astype(np.uint8)
    return [
        (cv2.GaussianBlur(paper_like, (5, 5), 0), min_channel),
        (cv2.GaussianBlur(cool, (9, 9), 0), coolness),
    ]


@dataclass(frozen=True)
class _Features:
    """What candidate search needs of a downscaled photo, computed once."""

    maps: list[tuple[np.ndarray, Feature]]
    colourfulness: np.ndarray
    not_edge: np.ndarray


def _best_candidate(small_bgr: np.ndarray) -> _Candidate:
    """The most sheet-like quadrilateral, or `ScanRejected` (SHEET_CUT_OFF, NO_SHEET) when none is.

    Quadrilaterals from region hulls come first; straight lines along region outlines (slower) are
    only looked for when no hull gives a sheet. A candidate must score MIN_SHEET_SCORE: on the real
    photos and on floor crops without a sheet (evals/vision/foot.py) that keeps every floor out while
    losing no sheet that a lower bar would find.
    """
    features = _Features(_feature_maps(small_bgr), chroma(small_bgr), ~_edge_lines(small_bgr))
    candidates, cut_off_seen = _candidates(features, with_lines=False)
    if not candidates:
        candidates, cut_off_seen = _candidates(features, with_lines=True)
    if candidates:
        return max(candidates, key=lambda candidate: candidate.score)
    if cut_off_seen:
        raise ScanRejected("SHEET_CUT_OFF", "the sheet runs off the edge of the photo", _RETAKE_CUT_OFF)
    raise ScanRejected("NO_SHEET", "no white A4 or Letter sheet was found in the photo", _RETAKE_SHEET)


def _candidates(features: _Features, with_lines: bool) -> tuple[list[_Candidate], bool]:
    """Sheet-like quadrilaterals over the feature maps and threshold levels (from region hulls, or
    only from straight runs of region outlines), and whether a large paper-like region ran off the photo.

    Regions are cut at Otsu's threshold and at a few higher levels (on a pale floor the sheet only
    separates from the floor at a level close to the paper's own brightness), as they are and, where
    that finds no sheet, split along sharp edges (so that a patch of floor as bright as the paper,
    touching it, stays apart from it).
    """
    opening = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5))
    cut_off_seen = False
    found: list[_Candidate] = []
    for smooth, _ in features.maps:
        otsu, _ = cv2.threshold(smooth, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
        top = float(np.percentile(smooth, 99.5))
        for level in np.linspace(otsu, top, THRESHOLD_LEVELS, endpoint=False):
            above = smooth > level
            for paper_like in (above, above & features.not_edge):
                bright = cv2.morphologyEx(paper_like.astype(np.uint8), cv2.MORPH_OPEN, opening)
                quads, cut_off = _quad_regions(bright, features.colourfulness, with_lines)
                cut_off_seen |= cut_off
                scored = [_sheet_score(quad, bright, features.maps) for quad in quads]
                found.extend(candidate for candidate in scored if candidate.score >= MIN_SHEET_SCORE)
                if any(candidate.score >= MIN_SHEET_SCORE for candidate in scored):
                    break
    return found, cut_off_seen


def _edge_lines(small_bgr: np.ndarray) -> np.ndarray:
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


def _sheet_score(quad: np.ndarray, bright: np.ndarray, maps: list[tuple[np.ndarray, Feature]]) -> _Candidate:
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
    rejected = _Candidate(quad, maps[0][1], 0.0)
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
    aspect = measured_aspect(_order_short_side_first(quad), (width, height))
    aspect_error = min(abs(np.log(aspect / sheet.aspect)) for sheet in SHEET_SIZES)
    shape = float(np.exp(-((aspect_error / ASPECT_TOLERANCE) ** 2)))
    score = share * fill * (0.5 + 0.5 * shape) * min(1.0, contrast / FULL_CONTRAST)
    return _Candidate(quad, maps[traced][1], float(score))


def _side_along_border(quad: np.ndarray, margin: float, size: tuple[int, int]) -> bool:
    """Whether a whole side of the quad runs within `margin` of one edge of the photo.

    A whole sheet shows floor beyond every side; a block of floor tiles cut by the photo's edge does not.
    """
    width, height = size
    near = np.column_stack(
        [quad[:, 0] < margin, quad[:, 1] < margin, quad[:, 0] > width - margin, quad[:, 1] > height - margin]
    )
    return bool((near & np.roll(near, -1, axis=0)).any())


def _quad_regions(
    bright: np.ndarray, colourfulness: np.ndarray, with_lines: bool
) -> tuple[list[np.ndarray], bool]:
    """Quadrilaterals around sheet-like regions of a binary image, and whether one ran off the photo.

    From each region's convex hull or, `with_lines`, from straight runs of region outlines where the
    hull is no quadrilateral. Each grey region is tried alone, and all of them together: a foot or leg
    laid across the sheet splits its paper into pieces whose joint hull, and whose outlines' straight
    runs, still frame it.
    """
    count, labels, stats, _ = cv2.connectedComponentsWithStats(bright, connectivity=4)
    height, width = bright.shape
    image_area = float(height * width)
    found: list[np.ndarray] = []
    cut_off = False
    pieces: list[tuple[float, np.ndarray]] = []
    outlines: list[np.ndarray] = []
    for label in range(1, count):
        x, y, w, h, area = stats[label]
        if area < MIN_PIECE_AREA_FRACTION * image_area or area > MAX_SHEET_AREA_FRACTION * image_area:
            continue
        region = (labels[y : y + h, x : x + w] == label).astype(np.uint8)
        if np.median(colourfulness[y : y + h, x : x + w][region > 0]) > MAX_PAPER_CHROMA:
            continue
        contours, _ = cv2.findContours(region, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
        outline = max(contours, key=cv2.contourArea)
        hull = cv2.convexHull(outline).astype(np.float32) + np.float32([x, y])
        outlines.append(outline + np.int32([x, y]))
        large = area >= MIN_SHEET_AREA_FRACTION * image_area
        if x <= 1 or y <= 1 or x + w >= width - 1 or y + h >= height - 1:
            cut_off |= bool(large and cv2.contourArea(hull) <= MAX_CUT_OFF_HULL_FRACTION * image_area)
            hull_quads = []
        else:
            pieces.append((float(area), hull))
            hull_quads = _as_sheet(hull, float(area), image_area)
        if not with_lines:
            found.extend(hull_quads)
        elif large and not hull_quads:
            found.extend(_line_quads(outline + np.int32([x, y]), bright.shape))
    joint_quads = _joint_sheet(pieces, image_area)
    if not with_lines:
        found.extend(joint_quads)
    elif len(outlines) > 1 and not joint_quads:
        found.extend(_line_quads(np.vstack(outlines), bright.shape))
    return found, cut_off


def _joint_sheet(pieces: list[tuple[float, np.ndarray]], image_area: float) -> list[np.ndarray]:
    """The quad around the largest piece and the pieces next to it (a leg's width away at most).

    Pieces further off are patches of floor, which would stretch the hull into the floor.
    """
    if len(pieces) < 2:
        return []
    largest_area, largest = max(pieces, key=lambda piece: piece[0])
    reach = MAX_PIECE_GAP_FRACTION * np.sqrt(largest_area)
    near = [
        (area, hull)
        for area, hull in pieces
        if max(cv2.pointPolygonTest(largest, (float(x), float(y)), True) for x, y in hull.reshape(-1, 2))
        >= -reach
    ]
    if len(near) < 2:
        return []
    joint_hull = cv2.convexHull(np.vstack([hull for _, hull in near]))
    return _as_sheet(joint_hull, sum(area for area, _ in near), image_area)


def _line_quads(outline: np.ndarray, shape: tuple[int, int]) -> list[np.ndarray]:
    """Quadrilaterals framed by the straight parts of a region's outline (Hough lines), each side seen.

    For a sheet whose region leaks into a patch of pale floor, or whose outline a foot and leg bend:
    the sheet's sides stay the longest straight runs of the outline. Points on the photo's border are
    left out, so a sheet running off the photo gets no side there. Each side must follow the outline
    for part of its length (a foot may hide the rest).
    """
    height, width = shape
    points = outline.reshape(-1, 2)
    inner = (points[:, 0] > 1) & (points[:, 1] > 1) & (points[:, 0] < width - 2) & (points[:, 1] < height - 2)
    if np.count_nonzero(inner) < 4 * LINE_MIN_VOTES:
        return []
    drawn = np.zeros(shape, np.uint8)
    drawn[points[inner, 1], points[inner, 0]] = 255
    found = cv2.HoughLines(drawn, 1, np.pi / 180, LINE_MIN_VOTES)
    if found is None:
        return []
    lines = _distinct_lines(found.reshape(-1, 2))
    near = cv2.dilate(drawn, np.ones((5, 5), np.uint8)) > 0
    quads = []
    for first, second in itertools.combinations(range(len(lines)), 2):
        if _angle_between(lines[first][1], lines[second][1]) > MAX_OPPOSITE_SIDE_ANGLE_DEG:
            continue
        for third, fourth in itertools.combinations(range(len(lines)), 2):
            if len({first, second, third, fourth}) < 4 or third < first:
                continue
            if _angle_between(lines[third][1], lines[fourth][1]) > MAX_OPPOSITE_SIDE_ANGLE_DEG:
                continue
            if _angle_between(lines[first][1], lines[third][1]) < MIN_ADJACENT_SIDE_ANGLE_DEG:
                continue
            quad = _quad_of_lines([lines[first], lines[third], lines[second], lines[fourth]])
            if quad is not None and _sides_seen(quad, near) >= MIN_SIDE_SEEN:
                quads.append(quad)
    return quads


def _distinct_lines(lines: np.ndarray) -> list[tuple[float, float]]:
    """The strongest Hough lines (rho, theta), at most MAX_LINES, less near-duplicates of stronger ones."""
    kept: list[tuple[float, float]] = []
    for rho, theta in lines:
        if all(
            abs(rho - other_rho) > LINE_MERGE_PX or _angle_between(theta, other_theta) > LINE_MERGE_DEG
            for other_rho, other_theta in kept
        ) and all(
            abs(rho + other_rho) > LINE_MERGE_PX or _angle_between(theta, other_theta) > LINE_MERGE_DEG
            for other_rho, other_theta in kept
        ):
            kept.append((float(rho), float(theta)))
        if len(kept) == MAX_LINES:
            break
    return kept


def _angle_between(theta: float, other: float) -> float:
    """Angle in degrees between two undirected lines given by their normal angles."""
    difference = abs(np.degrees(theta - other)) % 180.0
    return float(min(difference, 180.0 - difference))


def _quad_of_lines(lines: list[tuple[float, float]]) -> np.ndarray | None:
    """Corners where consecutive (rho, theta) lines meet, or None if they do not make a convex quad."""
    rho = np.array([line[0] for line in lines])
    theta = np.array([line[1] for line in lines])
    cos, sin = np.cos(theta), np.sin(theta)
    cos_next, sin_next, rho_next = np.roll(cos, -1), np.roll(sin, -1), np.roll(rho, -1)
    determinant = cos * sin_next - sin * cos_next
    if np.abs(determinant).min() < 1e-6:
        return None
    quad = np.column_stack(
        [(rho * sin_next - rho_next * sin) / determinant, (cos * rho_next - cos_next * rho) / determinant]
    )
    return quad if cv2.isContourConvex(quad.astype(np.float32)) else None


_SIDE_SAMPLES = np.linspace(0.05, 0.95, 24)


def _sides_seen(quad: np.ndarray, near: np.ndarray) -> float:
    """The smallest share, over the four sides, of points along a side that lie on the outline."""
    height, width = near.shape
    ends = np.roll(quad, -1, axis=0)
    samples = np.round(quad[:, None, :] + _SIDE_SAMPLES[None, :, None] * (ends - quad)[:, None, :])
    samples = samples.astype(np.int32)
    if samples.min() < 0 or samples[..., 0].max() >= width or samples[..., 1].max() >= height:
        return 0.0
    return float(near[samples[..., 1], samples[..., 0]].mean(axis=1).min())


def _as_sheet(hull: np.ndarray, area: float, image_area: float) -> list[np.ndarray]:
    hull_area = cv2.contourArea(hull)
    if area < MIN_SHEET_AREA_FRACTION * image_area or area < MIN_HULL_FILL * hull_area:
        return []
    quad = _quad_from_hull(hull)
    return [] if quad is None else [quad]


def _quad_from_hull(hull: np.ndarray) -> np.ndarray | None:
    """Four corners for a convex hull, or None if the hull strays from every such quadrilateral.

    A hull with five or six corners is a sheet with a corner or two cut off (by a foot or the leg
    above it): its four longest sides are extended until they meet.
    """
    perimeter = cv2.arcLength(hull, True)
    hull_area = max(cv2.contourArea(hull), 1.0)
    for fraction in (0.01, 0.02, 0.03, 0.04):
        approx = cv2.approxPolyDP(hull, fraction * perimeter, True).reshape(-1, 2).astype(np.float64)
        if len(approx) < 4:
            return None
        quad = approx if len(approx) == 4 else _four_longest_sides(approx)
        if quad is None:
            continue
        straying = max(
            cv2.pointPolygonTest(quad.astype(np.float32), (float(x), float(y)), True)
            for x, y in hull.reshape(-1, 2)
        )
        outside = -min(
            cv2.pointPolygonTest(quad.astype(np.float32), (float(x), float(y)), True)
            for x, y in hull.reshape(-1, 2)
        )
        area_ratio = cv2.contourArea(quad.astype(np.float32)) / hull_area
        if len(approx) == 4:
            return quad if abs(straying) <= MAX_QUAD_STRAY * perimeter and 0.9 <= area_ratio <= 1.1 else None
        if outside <= MAX_QUAD_STRAY * perimeter and 1.0 <= area_ratio <= MAX_EXTENDED_AREA_RATIO:
            return quad
    return None


def _four_longest_sides(polygon: np.ndarray) -> np.ndarray | None:
    """Corners where a convex polygon's four longest sides, extended, meet (in order); None if they do not.

    Only for polygons of up to six corners, whose short sides are where something hides a sheet's corner,
    and only where opposite sides stay nearly parallel, as a sheet's do in any photo taken from above
    (a long outline of a leg across a corner is not a side of the sheet).
    """
    if len(polygon) > 6:
        return None
    ends = np.roll(polygon, -1, axis=0)
    keep = np.sort(np.argsort(-np.linalg.norm(ends - polygon, axis=1))[:4])
    lines = [(polygon[index], ends[index] - polygon[index]) for index in keep]
    corners = np.array([_intersect(lines[index - 1], lines[index]) for index in range(4)])
    if not np.all(np.isfinite(corners)) or not cv2.isContourConvex(corners.astype(np.float32)):
        return None
    sides = np.roll(corners, -1, axis=0) - corners
    for first, second in ((sides[0], sides[2]), (sides[1], sides[3])):
        cosine = -float(first @ second) / float(np.linalg.norm(first) * np.linalg.norm(second))
        if cosine < np.cos(np.radians(MAX_OPPOSITE_SIDE_ANGLE_DEG)):
            return None
    return corners


def _refine_sides(image: np.ndarray, coarse: np.ndarray, feature: Feature) -> tuple[np.ndarray, float, float]:
    """Sub-pixel corners from line fits to the strongest edge along profiles across each side.

    Profiles are sampled from the full-resolution BGR photo and turned into `feature` (the quantity
    the sheet stood out in). Returns the corners, the median edge blur (Gaussian sigma, pixels) and
    the median line-fit residual.
    """
    search = max(6.0, 0.012 * float(np.linalg.norm(coarse[0] - coarse[2])))
    centre = coarse.mean(axis=0)
    lines, blurs, residuals = [], [], []
    for index in range(4):
        start, end = coarse[index], coarse[(index + 1) % 4]
        line, blur, residual = _fit_side(image, feature, start, end, centre, search)
        lines.append(line)
        blurs.extend(blur)
        residuals.append(residual)
    corners = np.array([_intersect(lines[index - 1], lines[index]) for index in range(4)])
    if not np.all(np.isfinite(corners)) or np.abs(corners - coarse).max() > 4 * search:
        corners = coarse
    return corners, float(np.median(blurs)) if blurs else 0.0, float(np.median(residuals))


def _fit_side(
    image: np.ndarray, feature: Feature, start: np.ndarray, end: np.ndarray, centre: np.ndarray, search: float
) -> tuple[tuple[np.ndarray, np.ndarray], list[float], float]:
    """Robust line (point, direction) through one side's edge, with per-profile blurs and the fit residual.

    Profiles where the edge is weak (a foot or leg over the sheet's edge) are left out of the fit, and
    so are edge points far from a first robust fit (the outline of a foot standing over a corner).
    """
    direction = (end - start) / np.linalg.norm(end - start)
    normal = np.array([-direction[1], direction[0]])
    if np.dot(normal, (start + end) / 2 - centre) < 0:
        normal = -normal
    along = np.linspace(0.1, 0.9, EDGE_SAMPLES_PER_SIDE)
    offsets = np.linspace(-search, search, int(4 * search) + 1)
    points = start + np.outer(along, end - start)
    grid = points[:, None, :] + offsets[None, :, None] * normal[None, None, :]
    samples = cv2.remap(
        image,
        grid[..., 0].astype(np.float32),
        grid[..., 1].astype(np.float32),
        cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_REPLICATE,
    )
    profiles = cv2.GaussianBlur(feature(samples.astype(np.float32)), (0, 0), sigmaX=1.5, sigmaY=0.01)
    step = offsets[1] - offsets[0]
    # Paper inside, floor outside: the edge is where the feature falls fastest going outwards.
    gradient = -np.diff(profiles, axis=1)
    rows = np.arange(len(gradient))
    peak = np.clip(np.argmax(gradient, axis=1), 1, gradient.shape[1] - 2)
    strength = gradient[rows, peak]
    left, mid, right = gradient[rows, peak - 1], strength, gradient[rows, peak + 1]
    curvature = left - 2 * mid + right
    shift = np.where(curvature < 0, 0.5 * (left - right) / np.where(curvature < 0, curvature, -1.0), 0.0)
    offset = offsets[0] + (peak + 0.5 + np.clip(shift, -1, 1)) * step
    strong = strength > 0.4 * np.median(strength)
    edge_points = (points + offset[:, None] * normal)[strong]
    rise = _rise_10_90(profiles[strong], peak[strong])
    blurs = np.sqrt(np.maximum(0.0, (rise * step) ** 2 / EDGE_RISE_TO_SIGMA**2 - (1.5 * step) ** 2))
    if len(edge_points) < 6:
        raise ScanRejected("NO_SHEET", "the sheet's edges could not be traced", _RETAKE_SHEET)
    fitted = np.array(edge_points, np.float32)
    point, vector = _robust_line(fitted)
    distances = np.abs((fitted - point) @ np.array([-vector[1], vector[0]]))
    inliers = distances <= max(OUTLIER_MIN_PX, OUTLIER_MADS * float(np.median(distances)))
    if np.count_nonzero(inliers) >= 6 and not inliers.all():
        point, vector = _robust_line(fitted[inliers])
        distances = np.abs((fitted - point) @ np.array([-vector[1], vector[0]]))[inliers]
    return (
        (point, vector),
        [float(blur) for blur in blurs[np.isfinite(blurs)]],
        float(np.sqrt(np.median(distances**2))),
    )


def _robust_line(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A Huber line fit as (point, unit direction)."""
    vx, vy, x0, y0 = cv2.fitLine(points, cv2.DIST_HUBER, 0, 0.01, 0.01).ravel()
    return np.array([x0, y0], np.float64), np.array([vx, vy], np.float64)


def _rise_10_90(profiles: np.ndarray, peaks: np.ndarray) -> np.ndarray:
    """Per profile, samples between the 90 % (paper side) and 10 % (floor side) levels around its edge.

    NaN where the edge is too faint or its levels are not reached within the profile.
    """
    quarter = max(2, profiles.shape[1] // 6)
    high = np.median(profiles[:, :quarter], axis=1)
    low = np.median(profiles[:, -quarter:], axis=1)
    level_90 = (low + 0.9 * (high - low))[:, None]
    level_10 = (low + 0.1 * (high - low))[:, None]
    index = np.arange(profiles.shape[1])[None, :]
    paper_side = (profiles >= level_90) & (index <= peaks[:, None])
    floor_side = (profiles <= level_10) & (index >= peaks[:, None])
    last_paper = np.where(paper_side.any(axis=1), np.where(paper_side, index, -1).max(axis=1), np.nan)
    first_floor = np.where(floor_side.any(axis=1), np.where(floor_side, index, 1 << 30).min(axis=1), np.nan)
    rise = first_floor - last_paper
    return np.where(high - low >= 10, rise, np.nan)


def _intersect(first: tuple[np.ndarray, np.ndarray], second: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """Where two (point, direction) lines cross; NaN for parallel lines."""
    (p, r), (q, s) = first, second
    cross = r[0] * s[1] - r[1] * s[0]
    if abs(cross) < 1e-9:
        return np.array([np.nan, np.nan])
    t = ((q - p)[0] * s[1] - (q - p)[1] * s[0]) / cross
    return p + t * r


def _order_short_side_first(corners: np.ndarray) -> np.ndarray:
    """Reorder a convex quad to run clockwise in the image, starting on a short side (corners 0 -> 1)."""
    centre = corners.mean(axis=0)
    angles = np.arctan2(corners[:, 1] - centre[1], corners[:, 0] - centre[0])
    ordered = corners[np.argsort(angles)]
    side = np.linalg.norm(np.roll(ordered, -1, axis=0) - ordered, axis=1)
    if side[0] + side[2] > side[1] + side[3]:
        ordered = np.roll(ordered, -1, axis=0)
    return ordered


def _triple(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> float:
    """(a x b) . c, the determinant of the three rows."""
    return float(np.linalg.det(np.array([a, b, c])))


def measured_aspect(corners: np.ndarray, image_size: tuple[int, int]) -> float:
    """Long/short side ratio of the real rectangle imaged as `corners` (tl, tr, br, bl; short side first).

    Zhang & He's construction with square pixels, the principal point at the image centre and a phone
    main camera's focal length (about 26 mm full-frame equivalent): the focal length cannot be recovered
    from the sheet alone when a pair of its sides looks parallel, and phones barely differ in it.
    """
    u0, v0 = image_size[0] / 2.0, image_size[1] / 2.0
    focal = PHONE_FOCAL_PER_DIAGONAL * float(np.hypot(*image_size))
    m1, m2, m4, m3 = (np.array([x, y, 1.0]) for x, y in corners)  # m1 tl, m2 tr, m3 bl, m4 br
    k2 = _triple(m1, m4, m3) / _triple(m2, m4, m3)
    k3 = _triple(m1, m4, m2) / _triple(m3, m4, m2)
    n2 = k2 * m2 - m1
    n3 = k3 * m3 - m1
    inverse = np.linalg.inv(np.array([[focal, 0, u0], [0, focal, v0], [0, 0, 1]]))
    metric = inverse.T @ inverse
    ratio = float(np.sqrt((n3 @ metric @ n3) / (n2 @ metric @ n2)))
    if np.isfinite(ratio) and ratio > 0:
        return ratio
    sides = np.linalg.norm(np.roll(corners, -1, axis=0) - corners, axis=1)
    return float((sides[1] + sides[3]) / (sides[0] + sides[2]))


def rectify(image: np.ndarray, sheet: DetectedSheet, px_per_mm: float) -> np.ndarray:
    """The sheet seen face-on at `px_per_mm`, short side horizontal."""
    width = round(sheet.size.width_mm * px_per_mm)
    height = round(sheet.size.height_mm * px_per_mm)
    target = np.array([[0, 0], [width, 0], [width, height], [0, height]], np.float32)
    homography = cv2.getPerspectiveTransform(sheet.corners_px.astype(np.float32), target)
    return cv2.warpPerspective(image, homography, (width, height), flags=cv2.INTER_LINEAR)
