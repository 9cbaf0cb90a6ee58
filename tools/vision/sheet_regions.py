"""Candidate quadrilaterals from paper-like regions: feature images cut at several thresholds.

Each feature image is cut at several threshold levels, also split along sharp edges, and every
paper-like region gives quadrilaterals: its convex hull when that is one (a foot standing on the sheet
dents the region, not its hull), the hull's four longest sides extended when a foot or leg hides a
corner, and, where no hull works, the straight runs of the region outlines found with a Hough transform.
Where neither works, sheet_lines frames the sheet from straight edges instead.
"""

from __future__ import annotations

import itertools

import cv2
import numpy as np

from tools.vision.sheet_features import Features
from tools.vision.sheet_geometry import angle_between, intersect, points_along_sides, quad_of_lines
from tools.vision.sheet_scoring import MIN_SHEET_AREA_FRACTION, MIN_SHEET_SCORE, Candidate, sheet_score

MIN_PIECE_AREA_FRACTION = 0.005
MAX_SHEET_AREA_FRACTION = 0.85
MIN_HULL_FILL = 0.35
MAX_PIECE_GAP_FRACTION = 0.4
MAX_PAPER_CHROMA = 45
MAX_QUAD_STRAY = 0.03
MAX_CUT_OFF_HULL_FRACTION = 0.6
THRESHOLD_LEVELS = 5
MAX_EXTENDED_AREA_RATIO = 1.3
MAX_OPPOSITE_SIDE_ANGLE_DEG = 30.0
MIN_ADJACENT_SIDE_ANGLE_DEG = 45.0
LINE_MIN_VOTES = 27
LINE_MERGE_PX = 8.0
LINE_MERGE_DEG = 8.0
MAX_LINES = 8
MIN_SIDE_SEEN = 0.3
_SIDE_SAMPLES = np.linspace(0.05, 0.95, 24)


def region_candidates(features: Features, with_lines: bool) -> tuple[list[Candidate], bool]:
    """Sheet-like quadrilaterals over the feature maps and threshold levels (from region hulls, or
    only from straight runs of region outlines), and whether a large paper-like region ran off the photo.

    Regions are cut at Otsu's threshold and at a few higher levels (on a pale floor the sheet only
    separates from the floor at a level close to the paper's own brightness), as they are and, where
    that finds no sheet, split along sharp edges (so that a patch of floor as bright as the paper,
    touching it, stays apart from it).
    """
    opening = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5))
    cut_off_seen = False
    found: list[Candidate] = []
    for smooth, _ in features.maps:
        otsu, _ = cv2.threshold(smooth, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
        top = float(np.percentile(smooth, 99.5))
        for level in np.linspace(otsu, top, THRESHOLD_LEVELS, endpoint=False):
            above = smooth > level
            for paper_like in (above, above & features.not_edge):
                bright = cv2.morphologyEx(paper_like.astype(np.uint8), cv2.MORPH_OPEN, opening)
                quads, cut_off = _quad_regions(bright, features.colourfulness, with_lines)
                cut_off_seen |= cut_off
                scored = [sheet_score(quad, bright, features.maps) for quad in quads]
                found.extend(candidate for candidate in scored if candidate.score >= MIN_SHEET_SCORE)
                if any(candidate.score >= MIN_SHEET_SCORE for candidate in scored):
                    break
    return found, cut_off_seen


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
        if angle_between(lines[first][1], lines[second][1]) > MAX_OPPOSITE_SIDE_ANGLE_DEG:
            continue
        for third, fourth in itertools.combinations(range(len(lines)), 2):
            if len({first, second, third, fourth}) < 4 or third < first:
                continue
            if angle_between(lines[third][1], lines[fourth][1]) > MAX_OPPOSITE_SIDE_ANGLE_DEG:
                continue
            if angle_between(lines[first][1], lines[third][1]) < MIN_ADJACENT_SIDE_ANGLE_DEG:
                continue
            quad = quad_of_lines([lines[first], lines[third], lines[second], lines[fourth]])
            if quad is not None and _sides_seen(quad, near) >= MIN_SIDE_SEEN:
                quads.append(quad)
    return quads


def _distinct_lines(lines: np.ndarray) -> list[tuple[float, float]]:
    """The strongest Hough lines (rho, theta), at most MAX_LINES, less near-duplicates of stronger ones."""
    kept: list[tuple[float, float]] = []
    for rho, theta in lines:
        if all(
            abs(rho - other_rho) > LINE_MERGE_PX or angle_between(theta, other_theta) > LINE_MERGE_DEG
            for other_rho, other_theta in kept
        ) and all(
            abs(rho + other_rho) > LINE_MERGE_PX or angle_between(theta, other_theta) > LINE_MERGE_DEG
            for other_rho, other_theta in kept
        ):
            kept.append((float(rho), float(theta)))
        if len(kept) == MAX_LINES:
            break
    return kept


def _sides_seen(quad: np.ndarray, near: np.ndarray) -> float:
    """The smallest share, over the four sides, of points along a side that lie on the outline."""
    height, width = near.shape
    samples = np.round(points_along_sides(quad, _SIDE_SAMPLES)).astype(np.int32)
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
    corners = np.array([intersect(lines[index - 1], lines[index]) for index in range(4)])
    if not np.all(np.isfinite(corners)) or not cv2.isContourConvex(corners.astype(np.float32)):
        return None
    sides = np.roll(corners, -1, axis=0) - corners
    for first, second in ((sides[0], sides[2]), (sides[1], sides[3])):
        cosine = -float(first @ second) / float(np.linalg.norm(first) * np.linalg.norm(second))
        if cosine < np.cos(np.radians(MAX_OPPOSITE_SIDE_ANGLE_DEG)):
            return None
    return corners
