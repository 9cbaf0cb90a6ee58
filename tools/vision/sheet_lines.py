"""Candidate quadrilaterals framed by straight line segments with paper on their inner side.

For sheets whose paper region runs into a pale floor, or is bent by a foot, a leg or a curled edge, no
threshold gives a clean region, yet the sheet's sides are still long straight edges (found with OpenCV's
line segment detector, LSD, on the grey photo and the feature images) with brighter paper on one
side. Segments are kept where one of the feature images is clearly brighter on one side, merged into
edges when collinear with the same bright side (the pieces of a side either side of a leg, or the
straight runs of a curled edge), and quadrilaterals are closed from two pairs of edges whose bright
sides face each other (perspective makes a sheet's opposite sides converge, so they need not be
parallel), or from one such pair and an edge across it, up to where the pair's segments end (a leg or
foot hiding the fourth side). The candidates whose sides the segments cover best, and across whose
sides the feature images step down clearly, are then scored like any other candidate.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace

import cv2
import numpy as np

from tools.vision.sheet_features import Features
from tools.vision.sheet_geometry import intersect, outward_normals, points_along_sides
from tools.vision.sheet_scoring import MIN_SHEET_SCORE, Candidate, sheet_score
from tools.vision.sheet_sides import FLOOR_COLOUR_DISTANCE, lab_image

MIN_SEGMENT_FRACTION = 0.05  # of the photo's long side
STRETCH_PERCENTILES = (1.0, 99.0)
MAX_STRETCH_GAIN = 2.0  # noise grows with the gain: a faint scene is stretched no more than this
SIDE_PROBE_PX = 3.0
MIN_SIDE_CONTRAST = 10.0
MERGE_ANGLE_DEG = 4.0
MERGE_DISTANCE_PX = 3.0
MERGE_REACH_PX = 9.0  # how far a segment may lie off an edge's line before a refit is tried
MAX_LINES = 20
COARSE_LSD_SCALE = 0.5
MAX_OPPOSITE_ANGLE_DEG = 40.0
MIN_ADJACENT_ANGLE_DEG = 40.0
MIN_SIDE_COVERAGE = 0.2
MIN_COVERED_SIDES = 3
MAX_SCORED_QUADS = 16
MIN_OPEN_DEPTH = 0.4  # of the base's length
HIDDEN_SIDE_STEP = 4.0
FULL_SIDE_STEP = 20.0
HIDDEN_SIDE_COST = 0.25
FLOOR_FRAME_FRACTION = 0.05
MIN_SIDES_EVIDENCE = 0.6
PAPER_PROBE_PX = 4.0
FAR_PROBE_PX = 10.0
_PROBE_FRACTIONS = np.linspace(0.15, 0.85, 8)  # along a segment, where its two sides are compared
_SIDE_FRACTIONS = np.linspace(0.05, 0.95, 24)  # along a quad's side, where the step across it is read


@dataclass(frozen=True)
class PaperEdge:
    """A straight edge: a point on it, its unit direction, the unit normal towards the paper side, and the
    segments (x1, y1, x2, y2) that make it up."""

    point: np.ndarray
    direction: np.ndarray
    normal: np.ndarray
    segments: np.ndarray

    @property
    def support(self) -> float:
        """Total length of its segments."""
        return float(np.linalg.norm(self.segments[:, 2:] - self.segments[:, :2], axis=1).sum())

    def signed_distance(self, points: np.ndarray) -> np.ndarray:
        """Distance of points from the line, positive on the paper side."""
        return (np.asarray(points, np.float64) - self.point) @ self.normal


def line_candidates(small_bgr: np.ndarray, features: Features) -> list[Candidate]:
    """Sheet-like quadrilaterals framed by paper edges (scored at least MIN_SHEET_SCORE), best first.

    Quads are ranked by how much of their sides segments cover and how clearly the feature images
    step down across them (`_sides_evidence`); the best MAX_SCORED_QUADS are scored against every
    feature image's paper region (Otsu's cut), and their best score is weighted by both.
    """
    edges = paper_edges(small_bgr, features)
    brights = [
        (smooth > cv2.threshold(smooth, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)[0]).astype(np.uint8)
        for smooth, _ in features.maps
    ]
    pairs = _facing_pairs(edges)
    framed = _framed_quads(pairs) + _open_quads(edges, pairs)
    floor = _FloorColour.of(small_bgr)
    evidenced = [(covered, _sides_evidence(quad, features, floor), quad) for covered, quad in framed]
    evidenced = [item for item in evidenced if item[1] >= MIN_SIDES_EVIDENCE]
    evidenced.sort(key=lambda item: item[0] * item[1], reverse=True)
    found = []
    for covered, evidence, quad in evidenced[:MAX_SCORED_QUADS]:
        best = max(
            (sheet_score(quad, bright, features.maps) for bright in brights),
            key=lambda candidate: candidate.score,
        )
        if best.score >= MIN_SHEET_SCORE:
            found.append(replace(best, score=best.score * evidence * covered))
    return sorted(found, key=lambda candidate: candidate.score, reverse=True)


def paper_edges(small_bgr: np.ndarray, features: Features) -> list[PaperEdge]:
    """The strongest straight edges with paper on one side, at most MAX_LINES, longest support first.

    Segments come from the grey photo at its own scale and, at COARSE_LSD_SCALE, from the grey photo
    and both feature images stretched to the full 0-255 range: the faint edge of paper on a pale floor
    only gathers enough aligned gradient for LSD at the coarser scale, in whichever image shows it.
    """
    gray = _contrast_stretched(cv2.cvtColor(small_bgr, cv2.COLOR_BGR2GRAY))
    fine = cv2.createLineSegmentDetector(cv2.LSD_REFINE_STD)
    coarse = cv2.createLineSegmentDetector(cv2.LSD_REFINE_STD, COARSE_LSD_SCALE, 0.6, 1.0)
    stretched = [_contrast_stretched(smooth) for smooth, _ in features.maps]
    min_length = MIN_SEGMENT_FRACTION * max(gray.shape)
    oriented: list[tuple[np.ndarray, np.ndarray]] = []
    for source, detector in [(gray, fine), (gray, coarse)] + [(image, coarse) for image in stretched]:
        found = detector.detect(source)[0]
        if found is None:
            continue
        segments = found.reshape(-1, 4).astype(np.float64)
        lengths = np.linalg.norm(segments[:, 2:] - segments[:, :2], axis=1)
        oriented.extend(zip(*_paper_sides(segments[lengths >= min_length], features), strict=True))
    oriented.sort(key=lambda item: -float(np.linalg.norm(item[0][2:] - item[0][:2])))
    return sorted(_merged(oriented), key=lambda edge: edge.support, reverse=True)[:MAX_LINES]


def _contrast_stretched(image: np.ndarray) -> np.ndarray:
    """The image with its STRETCH_PERCENTILES mapped towards 0 and 255 (uint8), by a gain of at most
    MAX_STRETCH_GAIN.

    LSD keeps segments whose gradient beats a fixed level, so the same scene photographed brighter gives it
    more segments of floor texture, which can crowd a sheet's side out of the MAX_LINES kept (23843 20 %
    brighter); stretched by its own percentiles, the image it sees barely changes with exposure.
    """
    low, high = np.percentile(image, STRETCH_PERCENTILES)
    scale = min(255.0 / max(float(high - low), 1.0), MAX_STRETCH_GAIN)
    return cv2.convertScaleAbs(image, alpha=scale, beta=-float(low) * scale)


def _paper_sides(segments: np.ndarray, features: Features) -> tuple[np.ndarray, np.ndarray]:
    """The segments with one side clearly brighter (by MIN_SIDE_CONTRAST) in some feature image, and
    each one's unit normal towards that side, in the image where its two sides differ most."""
    starts, ends = segments[:, None, :2], segments[:, None, 2:]
    lengths = np.linalg.norm(segments[:, 2:] - segments[:, :2], axis=1)
    directions = (segments[:, 2:] - segments[:, :2]) / np.maximum(lengths, 1e-9)[:, None]
    normals = np.column_stack([-directions[:, 1], directions[:, 0]])
    along = starts + _PROBE_FRACTIONS[None, :, None] * (ends - starts)
    differences = []
    for smooth, _ in features.maps:
        height, width = smooth.shape
        sides = []
        for sign in (1.0, -1.0):
            probes = np.round(along + sign * SIDE_PROBE_PX * normals[:, None, :]).astype(np.int32)
            xs = np.clip(probes[..., 0], 0, width - 1)
            ys = np.clip(probes[..., 1], 0, height - 1)
            sides.append(np.median(smooth[ys, xs].astype(np.float32), axis=1))
        differences.append(sides[0] - sides[1])
    stacked = np.array(differences).reshape(len(features.maps), len(segments))
    clearest = stacked[np.argmax(np.abs(stacked), axis=0), np.arange(len(segments))]
    kept = np.abs(clearest) >= MIN_SIDE_CONTRAST
    return segments[kept], normals[kept] * np.sign(clearest[kept])[:, None]


def _merged(oriented: list[tuple[np.ndarray, np.ndarray]]) -> list[PaperEdge]:
    """Collinear segments with the same paper side joined into edges, each fitted through all of them.

    Segments come longest first; a segment joins the first edge that, refitted with it, still passes
    within MERGE_DISTANCE_PX of every segment end (a short segment's own direction is too uncertain to
    extend it far).
    """
    edges: list[PaperEdge] = []
    cos_limit = np.cos(np.radians(MERGE_ANGLE_DEG))
    for segment, normal in oriented:
        ends = segment.reshape(2, 2)
        for index, edge in enumerate(edges):
            if normal @ edge.normal < cos_limit or np.abs(edge.signed_distance(ends)).max() > MERGE_REACH_PX:
                continue
            joined = _fitted_edge(np.vstack([edge.segments, segment]), edge.normal)
            if np.abs(joined.signed_distance(joined.segments.reshape(-1, 2))).max() <= MERGE_DISTANCE_PX:
                edges[index] = joined
                break
        else:
            edges.append(_fitted_edge(segment[None, :], normal))
    return edges


def _fitted_edge(segments: np.ndarray, normal: np.ndarray) -> PaperEdge:
    """The least-squares line through points along the segments, its normal on `normal`'s side."""
    points = np.vstack([np.linspace(segment[:2], segment[2:], 8) for segment in segments]).astype(np.float32)
    vx, vy, x0, y0 = cv2.fitLine(points, cv2.DIST_L2, 0, 0.01, 0.01).ravel()
    direction = np.array([vx, vy], np.float64)
    fitted_normal = np.array([-direction[1], direction[0]])
    if fitted_normal @ normal < 0:
        fitted_normal = -fitted_normal
    return PaperEdge(np.array([x0, y0], np.float64), direction, fitted_normal, segments)


def _facing_pairs(edges: list[PaperEdge]) -> list[tuple[PaperEdge, PaperEdge]]:
    """Pairs of roughly opposite edges with paper between them: candidate opposite sides of a sheet."""
    cos_opposite = np.cos(np.radians(MAX_OPPOSITE_ANGLE_DEG))
    return [
        (first, second)
        for first, second in itertools.combinations(edges, 2)
        if first.normal @ second.normal <= -cos_opposite
        and first.signed_distance(second.point) > 0
        and second.signed_distance(first.point) > 0
    ]


def _framed_quads(pairs: list[tuple[PaperEdge, PaperEdge]]) -> list[tuple[float, np.ndarray]]:
    """Quadrilaterals bounded by two facing pairs of edges, paper sides inwards, each with its coverage
    (see `_covered_share`)."""
    sin_adjacent = np.sin(np.radians(MIN_ADJACENT_ANGLE_DEG))
    quads = []
    for (first, second), (third, fourth) in itertools.combinations(pairs, 2):
        if len({id(first), id(second), id(third), id(fourth)}) < 4:
            continue
        if abs(_cross(first.direction, third.direction)) < sin_adjacent:
            continue
        ring = [first, third, second, fourth]
        corners = np.array([_crossing(ring[index - 1], ring[index]) for index in range(4)])
        if not np.all(np.isfinite(corners)) or not cv2.isContourConvex(corners.astype(np.float32)):
            continue
        if any(edge.signed_distance(corners).min() < -1.0 for edge in ring):
            continue
        covered = _covered_share(
            [_coverage(edge, corners[index], corners[(index + 1) % 4]) for index, edge in enumerate(ring)]
        )
        if covered is not None:
            quads.append((covered, corners))
    return quads


def _open_quads(
    edges: list[PaperEdge], pairs: list[tuple[PaperEdge, PaperEdge]]
) -> list[tuple[float, np.ndarray]]:
    """Quadrilaterals of three edges, a facing pair and a base across both, closed where the pair ends.

    For a sheet whose fourth side a foot or leg hides, or that no segment follows (a faint edge on a
    pale floor): the pair's segments run up to the sheet's far corners, so the farthest segment end
    of each, away from the base, is taken as a corner.
    """
    sin_adjacent = np.sin(np.radians(MIN_ADJACENT_ANGLE_DEG))
    quads = []
    for first, second in pairs:
        for base in edges:
            if base is first or base is second:
                continue
            if min(abs(_cross(edge.direction, base.direction)) for edge in (first, second)) < sin_adjacent:
                continue
            near = [_crossing(first, base), _crossing(second, base)]
            if not np.all(np.isfinite(near)):
                continue
            far = [_farthest_end(edge, base) for edge in (first, second)]
            corners = np.array([near[0], far[0], far[1], near[1]])
            width = float(np.linalg.norm(near[1] - near[0]))
            if min(base.signed_distance(far)) < MIN_OPEN_DEPTH * width:
                continue
            if not cv2.isContourConvex(corners.astype(np.float32)):
                continue
            covered = _covered_share(
                [
                    _coverage(first, corners[0], corners[1]),
                    _coverage(second, corners[3], corners[2]),
                    _coverage(base, corners[3], corners[0]),
                ]
            )
            if covered is not None:
                quads.append((covered, corners))
    return quads


def _farthest_end(edge: PaperEdge, base: PaperEdge) -> np.ndarray:
    """The point of the edge's line level with its segment end farthest on the paper side of `base`."""
    ends = edge.segments.reshape(-1, 2)
    farthest = ends[np.argmax(base.signed_distance(ends))]
    return edge.point + float((farthest - edge.point) @ edge.direction) * edge.direction


def _covered_share(coverage: list[float]) -> float | None:
    """Mean coverage of a quad's three best-covered sides, or None when fewer than MIN_COVERED_SIDES
    sides are covered at least MIN_SIDE_COVERAGE (a foot or leg may hide one side entirely)."""
    if sum(share >= MIN_SIDE_COVERAGE for share in coverage) < MIN_COVERED_SIDES:
        return None
    return float(np.mean(sorted(coverage, reverse=True)[:MIN_COVERED_SIDES]))


def _coverage(edge: PaperEdge, start: np.ndarray, end: np.ndarray) -> float:
    """Share of the side from `start` to `end` that the edge's segments cover (projected onto it)."""
    length = float(np.linalg.norm(end - start))
    axis = (end - start) / length
    ends = (edge.segments.reshape(-1, 2, 2) - start) @ axis
    intervals = np.sort(np.clip(ends, 0.0, length), axis=1)
    covered = np.zeros(max(1, int(length)), bool)
    for low, high in intervals:
        covered[int(low) : int(np.ceil(high))] = True
    return float(covered.mean())


@dataclass(frozen=True)
class _FloorColour:
    """The photo in Lab and the colour of its floor: the median of a frame along the photo's border,
    which a sheet photographed whole leaves to the floor (a leg may cross it, but not most of it)."""

    lab: np.ndarray
    colour: np.ndarray

    @classmethod
    def of(cls, small_bgr: np.ndarray) -> _FloorColour:
        lab = lab_image(small_bgr)
        frame = max(2, round(FLOOR_FRAME_FRACTION * min(lab.shape[:2])))
        border = np.concatenate(
            [
                lab[:frame].reshape(-1, 3),
                lab[-frame:].reshape(-1, 3),
                lab[:, :frame].reshape(-1, 3),
                lab[:, -frame:].reshape(-1, 3),
            ]
        )
        return cls(lab, np.median(border, axis=0))

    def beside(self, points: np.ndarray) -> np.ndarray:
        """Per row of (x, y) points, whether their median colour is within FLOOR_COLOUR_DISTANCE of the
        floor's."""
        colours = np.median(self.lab[points[..., 1], points[..., 0]], axis=1)
        return np.linalg.norm(colours - self.colour, axis=1) <= FLOOR_COLOUR_DISTANCE


def _sides_evidence(quad: np.ndarray, features: Features, floor: _FloorColour) -> float:
    """How clearly the feature images step down from paper to floor across the quad's sides, 0 to 1.

    Per side and feature image, the step is the median over points along the side of the feature just
    inside less just outside, unless a little further out the feature is back up to the inside's level
    (a grout line or a crack is dark for a few pixels only, with floor as bright as its other side
    beyond it). A side's step is its larger one over the images, and counts only where the outside
    looks like the floor (`_FloorColour`): a foot's outline has paper on one side too, but skin, not
    floor, on the other. The weakest side may be hidden (a leg over it) but must not step up; the
    weakest of the other three, over FULL_SIDE_STEP, is the evidence, and a hidden side costs
    HIDDEN_SIDE_COST of it.
    """
    along = points_along_sides(quad, _SIDE_FRACTIONS)
    inward = -outward_normals(quad)
    height, width = features.maps[0][0].shape
    inside, near, far = (
        np.round(along + distance * inward[:, None, :]).astype(np.int32)
        for distance in (PAPER_PROBE_PX, -PAPER_PROBE_PX, -FAR_PROBE_PX)
    )
    for points in (inside, near, far):
        np.clip(points[..., 0], 0, width - 1, out=points[..., 0])
        np.clip(points[..., 1], 0, height - 1, out=points[..., 1])
    per_map = []
    for smooth, _ in features.maps:
        paper = smooth[inside[..., 1], inside[..., 0]].astype(np.float32)
        near_step = np.median(paper - smooth[near[..., 1], near[..., 0]], axis=1)
        far_step = np.median(paper - smooth[far[..., 1], far[..., 0]], axis=1)
        per_map.append(np.where(far_step >= HIDDEN_SIDE_STEP, near_step, np.minimum(near_step, far_step)))
    steps = np.max(per_map, axis=0)
    steps = np.sort(np.where(floor.beside(near), steps, np.minimum(steps, 0.0)))
    if steps[0] < -HIDDEN_SIDE_STEP:
        return 0.0
    seen = np.clip(steps / FULL_SIDE_STEP, 0.0, 1.0)
    return float(seen[1] * (1.0 - HIDDEN_SIDE_COST * (1.0 - seen[0])))


def _crossing(first: PaperEdge, second: PaperEdge) -> np.ndarray:
    """Where two edges' lines cross; NaN for parallel ones."""
    return intersect((first.point, first.direction), (second.point, second.direction))


def _cross(first: np.ndarray, second: np.ndarray) -> float:
    """The z component of the cross product of two plane vectors."""
    return float(first[0] * second[1] - first[1] * second[0])
