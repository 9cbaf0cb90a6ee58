"""Find the reference sheet (A4 or US Letter) in a photo and map it to a metric plane.

The sheet is the brightest, least coloured large region: it is found on a downscaled "paperness" image
(the minimum of B, G and R, less twice the chroma, so wood, rugs and skin stay dark) as a connected
region whose convex hull is a quadrilateral (a foot standing on the sheet dents the region, not its
hull). Each side is then
re-located to sub-pixel precision on the full-resolution photo from intensity profiles across the
edge, and a robust line fit through them gives the corners. The profiles also tell how blurred the
photo is (10-90 % edge rise) and how well the edges fit a straight line.

Which sheet it is comes from its aspect ratio with perspective undone (Zhang & He, "Whiteboard scanning
and image enhancement", 2007), assuming a phone camera's focal length.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from tools.vision.errors import ScanRejected

DETECTION_LONG_SIDE_PX = 720
MIN_SHEET_AREA_FRACTION = 0.03
MIN_PIECE_AREA_FRACTION = 0.005
MAX_SHEET_AREA_FRACTION = 0.85
MIN_HULL_FILL = 0.35
MAX_PAPER_CHROMA = 45
MAX_QUAD_STRAY = 0.03
MAX_CUT_OFF_HULL_FRACTION = 0.6
THRESHOLD_LEVELS = 5
EDGE_SAMPLES_PER_SIDE = 48
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
    white = whiteness(image)
    scale = min(1.0, DETECTION_LONG_SIDE_PX / max(image.shape[:2]))
    small_bgr = (
        cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else image
    )
    small = whiteness(small_bgr)
    colourfulness = chroma(small_bgr)
    quad_small = _coarse_quad(paperness(small, colourfulness), colourfulness)
    corners, blur_px, residual_px = _refine_sides(white, quad_small / scale)
    corners = _order_short_side_first(corners)
    height, width = white.shape
    if corners.min() < 1 or corners[:, 0].max() > width - 2 or corners[:, 1].max() > height - 2:
        raise ScanRejected("SHEET_CUT_OFF", "a corner of the sheet is outside the photo", _RETAKE_CUT_OFF)
    aspect = measured_aspect(corners, (width, height))
    size = min(SHEET_SIZES, key=lambda sheet: abs(np.log(aspect / sheet.aspect)))
    area_px = cv2.contourArea(corners.astype(np.float32))
    px_per_mm = float(np.sqrt(area_px / (size.width_mm * size.height_mm)))
    inside = np.zeros_like(small)
    cv2.fillConvexPoly(inside, np.round(quad_small).astype(np.int32), 255)
    brightness = float(np.median(small[inside > 0]))
    return DetectedSheet(size, corners, px_per_mm, blur_px, residual_px, brightness, aspect)


def chroma(image: np.ndarray) -> np.ndarray:
    """Per-pixel max - min of B, G, R: near zero for white or grey paper, high for skin and wood."""
    blue, green, red = cv2.split(image)
    return cv2.max(cv2.max(blue, green), red) - cv2.min(cv2.min(blue, green), red)


def paperness(white: np.ndarray, colourfulness: np.ndarray) -> np.ndarray:
    """Whiteness less twice the chroma: brightly lit skin is nearly as bright as paper, but never as grey."""
    return cv2.subtract(white, cv2.multiply(colourfulness, 2))


def _coarse_quad(paper_like: np.ndarray, colourfulness: np.ndarray) -> np.ndarray:
    """The sheet's four corners in downscaled pixels, from the largest quadrilateral paper-like region.

    Regions are cut at Otsu's threshold and at a few higher levels: on a pale floor the sheet only
    separates from the floor at a level close to the paper's own brightness.
    """
    smooth = cv2.GaussianBlur(paper_like, (5, 5), 0)
    otsu, _ = cv2.threshold(smooth, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    top = float(np.percentile(smooth, 99.5))
    opening = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5))
    cut_off_seen = False
    best: tuple[float, np.ndarray] | None = None
    for level in np.linspace(otsu, top, THRESHOLD_LEVELS, endpoint=False):
        bright = cv2.morphologyEx((smooth > level).astype(np.uint8), cv2.MORPH_OPEN, opening)
        for area, quad, cut_off in _quad_regions(bright, colourfulness):
            cut_off_seen |= cut_off
            if quad is not None and (best is None or area > best[0]):
                best = (area, quad)
    if best is not None:
        return best[1]
    if cut_off_seen:
        raise ScanRejected("SHEET_CUT_OFF", "the sheet runs off the edge of the photo", _RETAKE_CUT_OFF)
    raise ScanRejected("NO_SHEET", "no white A4 or Letter sheet was found in the photo", _RETAKE_SHEET)


def _quad_regions(
    bright: np.ndarray, colourfulness: np.ndarray
) -> list[tuple[float, np.ndarray | None, bool]]:
    """Sheet-like regions of a binary image: (area, quad or None, cut off by the photo's edge).

    Each grey region is tried alone, and all of them together: a foot or leg laid across the sheet
    splits its paper into pieces whose joint hull is still the sheet.
    """
    count, labels, stats, _ = cv2.connectedComponentsWithStats(bright, connectivity=4)
    height, width = bright.shape
    image_area = float(height * width)
    found: list[tuple[float, np.ndarray | None, bool]] = []
    pieces: list[np.ndarray] = []
    pieces_area = 0.0
    for label in range(1, count):
        x, y, w, h, area = stats[label]
        if area < MIN_PIECE_AREA_FRACTION * image_area or area > MAX_SHEET_AREA_FRACTION * image_area:
            continue
        region = (labels[y : y + h, x : x + w] == label).astype(np.uint8)
        if np.median(colourfulness[y : y + h, x : x + w][region > 0]) > MAX_PAPER_CHROMA:
            continue
        contours, _ = cv2.findContours(region, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        hull = cv2.convexHull(max(contours, key=cv2.contourArea)).astype(np.float32) + np.float32([x, y])
        if x <= 1 or y <= 1 or x + w >= width - 1 or y + h >= height - 1:
            if (
                area >= MIN_SHEET_AREA_FRACTION * image_area
                and cv2.contourArea(hull) <= MAX_CUT_OFF_HULL_FRACTION * image_area
            ):
                found.append((float(area), None, True))
            continue
        pieces.append(hull)
        pieces_area += float(area)
        found.append(_as_sheet(hull, float(area), image_area))
    if len(pieces) > 1:
        found.append(_as_sheet(cv2.convexHull(np.vstack(pieces)), pieces_area, image_area))
    return found


def _as_sheet(hull: np.ndarray, area: float, image_area: float) -> tuple[float, np.ndarray | None, bool]:
    hull_area = cv2.contourArea(hull)
    if area < MIN_SHEET_AREA_FRACTION * image_area or area < MIN_HULL_FILL * hull_area:
        return area, None, False
    quad = _quad_from_hull(hull)
    return area, None if quad is None else quad.reshape(4, 2).astype(np.float64), False


def _quad_from_hull(hull: np.ndarray) -> np.ndarray | None:
    """Simplify a convex hull to four corners, or None if the hull strays from every such quadrilateral."""
    perimeter = cv2.arcLength(hull, True)
    for fraction in (0.01, 0.02, 0.03, 0.04):
        approx = cv2.approxPolyDP(hull, fraction * perimeter, True)
        if len(approx) < 4:
            return None
        if len(approx) > 4:
            continue
        quad = approx.astype(np.float32)
        straying = max(
            abs(cv2.pointPolygonTest(quad, (float(x), float(y)), True)) for x, y in hull.reshape(-1, 2)
        )
        area_ratio = cv2.contourArea(quad) / max(cv2.contourArea(hull), 1.0)
        return quad if straying <= MAX_QUAD_STRAY * perimeter and 0.9 <= area_ratio <= 1.1 else None
    return None


def _refine_sides(white: np.ndarray, coarse: np.ndarray) -> tuple[np.ndarray, float, float]:
    """Sub-pixel corners from line fits to the strongest edge along profiles across each side.

    Returns the corners, the median edge blur (Gaussian sigma, pixels) and the median line-fit residual.
    """
    gray = white.astype(np.float32)
    search = max(6.0, 0.012 * float(np.linalg.norm(coarse[0] - coarse[2])))
    centre = coarse.mean(axis=0)
    lines, blurs, residuals = [], [], []
    for index in range(4):
        start, end = coarse[index], coarse[(index + 1) % 4]
        line, blur, residual = _fit_side(gray, start, end, centre, search)
        lines.append(line)
        blurs.extend(blur)
        residuals.append(residual)
    corners = np.array([_intersect(lines[index - 1], lines[index]) for index in range(4)])
    if not np.all(np.isfinite(corners)) or np.abs(corners - coarse).max() > 4 * search:
        corners = coarse
    return corners, float(np.median(blurs)) if blurs else 0.0, float(np.median(residuals))


def _fit_side(
    gray: np.ndarray, start: np.ndarray, end: np.ndarray, centre: np.ndarray, search: float
) -> tuple[tuple[np.ndarray, np.ndarray], list[float], float]:
    """Robust line (point, direction) through one side's edge, with per-profile blurs and the fit residual.

    Profiles where the edge is weak (a foot or leg over the sheet's edge) are left out of the fit.
    """
    direction = (end - start) / np.linalg.norm(end - start)
    normal = np.array([-direction[1], direction[0]])
    if np.dot(normal, (start + end) / 2 - centre) < 0:
        normal = -normal
    along = np.linspace(0.1, 0.9, EDGE_SAMPLES_PER_SIDE)
    offsets = np.linspace(-search, search, int(4 * search) + 1)
    points = start + np.outer(along, end - start)
    grid = points[:, None, :] + offsets[None, :, None] * normal[None, None, :]
    profiles = cv2.remap(
        gray,
        grid[..., 0].astype(np.float32),
        grid[..., 1].astype(np.float32),
        cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_REPLICATE,
    )
    profiles = cv2.GaussianBlur(profiles, (0, 0), sigmaX=1.5, sigmaY=0.01)
    step = offsets[1] - offsets[0]
    # Paper inside, floor outside: the edge is where brightness falls fastest going outwards.
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
    vx, vy, x0, y0 = cv2.fitLine(fitted, cv2.DIST_HUBER, 0, 0.01, 0.01).ravel()
    point, vector = np.array([x0, y0]), np.array([vx, vy])
    distances = np.abs((fitted - point) @ np.array([-vy, vx]))
    return (
        (point, vector),
        [float(blur) for blur in blurs[np.isfinite(blurs)]],
        float(np.sqrt(np.median(distances**2))),
    )


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
