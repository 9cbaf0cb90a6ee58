"""Find the reference sheet (A4 or US Letter) in a photo and map it to a metric plane.

Candidates are found on a downscaled photo: quadrilaterals around paper-like regions and the straight
runs of their outlines (sheet_regions) and, where those find no sheet, quadrilaterals framed by
straight line segments with paper on their inner side (sheet_lines). Each is scored by how sheet-like
it is (sheet_scoring); the best one above a minimum that is a whole sheet (every side seen against the
floor, an A4's or a Letter's aspect: sheet_sides) wins, its score weighed by how near its aspect is a
sheet's between line-framed rivals and between region rivals whose scores nearly tie; between a
region's quad in doubt and a line-framed one, what a whole sheet's geometry requires (its aspect, floor
beyond every side) weighs in. Its sides are then traced to sub-pixel precision on the full-resolution
photo (sheet_edges), in the feature image where they run straight, and its aspect ratio with perspective
undone tells A4 from Letter (sheet_geometry). A quad that is only the visible part of a sheet, one side of it
a leg's outline, is refused rather than measured: its scale would be wrong by the hidden share.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from tools.vision.errors import ScanRejected
from tools.vision.image import fit_within
from tools.vision.sheet_edges import EDGE_SAMPLES_PER_SIDE, REFINE_PASSES, RETAKE_SHEET, refine_sides
from tools.vision.sheet_features import Feature, Features, coolness, min_channel, whiteness
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
from tools.vision.sheet_sides import (
    MAX_ASPECT_ERROR,
    aspect_error,
    floor_shares,
    is_whole_sheet,
    lab_image,
    paper_runs_off,
)

__all__ = [
    "A4",
    "EDGE_SAMPLES_PER_SIDE",
    "LETTER",
    "PHONE_FOCAL_PER_DIAGONAL",
    "SHEET_SIZES",
    "DetectedSheet",
    "SheetSize",
    "find_sheet",
    "geometric_consistency",
    "measured_aspect",
    "rectify",
    "trace_sides",
    "traced_sheet",
    "whiteness",
]

DETECTION_LONG_SIDE_PX = 480
# A pass's candidates well below its best are mostly the same partial region cut at another level; where
# its strong candidates are no whole sheet, the next pass, which looks for the sheet differently, does
# better (on the real photos, a weak region candidate left for a line-framed one: IoU 0.73 -> 0.96).
MIN_RIVAL_SCORE_RATIO = 0.8
# A region candidate is checked against the line-framed candidates too, and the better-scoring one wins,
# unless it is beyond doubt: scoring MIN_CONFIDENT_REGION_SCORE, floor beyond every side along at least
# MIN_CONFIDENT_FLOOR_SHARE of it, and a sheet's aspect within MAX_CONFIDENT_ASPECT_ERROR. A leg over a
# side bends the paper region's outline; its hull then frames a quad with one side along the leg, which can
# pass as whole by a hair (on 24071 rotated or re-encoded: a side 0.09 floor, aspect error 0.24, a scale 2.4 %
# off) where the line-framed quad is plainly better (every side 0.6 floor or more, aspect error 0.00). The
# rendered photos' region winners pass all three, so their scans never pay for the slower line pass.
MIN_CONFIDENT_REGION_SCORE = 0.12
MIN_CONFIDENT_FLOOR_SHARE = 0.5
MAX_CONFIDENT_ASPECT_ERROR = 0.1
# Between a region's quad in doubt and a line-framed one, each score is weighed by how sheet-like its geometry
# is (`geometric_consistency`): its aspect error against this scale, its least floor share against
# MIN_CONFIDENT_FLOOR_SHARE.
CONSISTENT_ASPECT_ERROR = 0.1
# Within a pass, too, the aspect weighs in between rivals that are not the same sheet found twice. A
# line-framed quad's score counts the paper inside it, which a quad reaching past a side of the sheet to a
# parallel edge of pale floor (a grout line, a tile's edge: floor as bright as paper counts as paper) keeps:
# on 24067 20 % brighter such a quad outscores the sheet's own outline by 12 % (aspect error 0.045 against
# 0.002), on 24074 re-encoded by 1 % (0.024 against 0.005), and which one wins flips with the encoding. So
# every line-framed rival's score is weighed by its aspect. A region's quad is a paper region's hull, and
# its score is trusted unless a rival is within REGION_TIE_RATIO of it (on 24067 20 % brighter two hulls
# score 0.3438 and 0.3437, one with a corner 36 px off the sheet's: aspect error 0.067 against 0.008);
# weighing every region rival would let a hull cut across the sheet, with a sheet's aspect by chance, beat a
# better-scoring one (24080).
REGION_TIE_RATIO = 0.05
LINE_TIE_RATIO = 1.0
# Rivals whose corners all lie within this share of the quad's diagonal of a better-scoring one's are the same
# sheet found twice; between those the score stays the judge, their geometry differing by noise (24049 turned
# half round: corners 8 detection px apart, aspect errors 0.127 and 0.114, a third apart in consistency).
SAME_SHEET_FRACTION = 0.04

# The feature images a sheet's sides are traced in (sheet_features). The candidate's own is kept unless its
# sides fit their lines TRACE_RESIDUAL_RATIO times worse than another's (and worse than
# MIN_TRACE_RESIDUAL_PX): two tracings nearly as straight differ by noise, and the candidate's feature is the
# one the sheet stands out in (on a synthetic pale floor, min-channel traces sides as straight as coolness
# does, 3 px off the edge).
TRACE_FEATURES: tuple[Feature, ...] = (min_channel, coolness)
TRACE_RESIDUAL_RATIO = 2.0
MIN_TRACE_RESIDUAL_PX = 1.0

_RETAKE_CUT_OFF = [
    "Step back or zoom out so all four corners of the sheet are inside the photo.",
    "Leave a small gap of floor around the sheet on every side.",
]
_RETAKE_HIDDEN_SIDE = [
    "Keep your leg and trousers off the sheet's edges: every side of the sheet must show floor beyond it.",
    "Stand with your heel a little inside the sheet and take the photo from straight above.",
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


def find_sheet(image: np.ndarray, sizes: Sequence[SheetSize] = SHEET_SIZES) -> DetectedSheet:
    """Locate the sheet in a BGR photo or raise `ScanRejected` (NO_SHEET, SHEET_CUT_OFF). The sheet is taken
    for the one of `sizes` its shape is nearest (with one size, that size: the shape with perspective undone
    leans on an assumed lens and often reads between A4 and Letter, 6 % apart in length)."""
    scale = min(1.0, DETECTION_LONG_SIDE_PX / max(image.shape[:2]))
    small_bgr = fit_within(image, DETECTION_LONG_SIDE_PX)
    best = _best_candidate(small_bgr)
    feature, corners, blur_px, residual_px = traced_sheet(image, best.quad / scale, best.feature)
    corners = order_short_side_first(corners)
    height, width = image.shape[:2]
    if corners.min() < 1 or corners[:, 0].max() > width - 2 or corners[:, 1].max() > height - 2:
        if paper_runs_off(small_bgr, feature, corners * scale):
            raise ScanRejected("SHEET_CUT_OFF", "a corner of the sheet is outside the photo", _RETAKE_CUT_OFF)
        raise ScanRejected(
            "NO_SHEET", "the sheet's outline could not be traced inside the photo", RETAKE_SHEET
        )
    aspect = measured_aspect(corners, (width, height))
    if aspect < 1.0:  # seen obliquely, the sheet's long sides can look the shorter ones
        corners, aspect = np.roll(corners, -1, axis=0), 1.0 / aspect
    if aspect_error(corners, (width, height)) > MAX_ASPECT_ERROR:
        raise ScanRejected("NO_SHEET", "the traced sheet does not have an A4 or Letter shape", RETAKE_SHEET)
    size = min(sizes, key=lambda sheet: abs(np.log(aspect / sheet.aspect)))
    area_px = cv2.contourArea(corners.astype(np.float32))
    px_per_mm = float(np.sqrt(area_px / (size.width_mm * size.height_mm)))
    small_white = whiteness(small_bgr)
    inside = np.zeros_like(small_white)
    cv2.fillConvexPoly(inside, np.round(best.quad).astype(np.int32), 255)
    brightness = float(np.median(small_white[inside > 0]))
    return DetectedSheet(size, corners, px_per_mm, blur_px, residual_px, brightness, aspect)


def traced_sheet(
    image: np.ndarray, coarse: np.ndarray, preferred: Feature
) -> tuple[Feature, np.ndarray, float, float]:
    """The sheet's sides traced in the candidate's feature image, or in another where they run clearly
    straighter: (the feature, corners, edge blur, line-fit residual).

    A side is a straight line in every feature image that shows it; traced in one where it does not
    stand out (coolness on a white marble floor, min-channel on pale grey tile), the strongest step
    along each profile jumps between the edge, a shadow and the floor's veins, and the fitted lines
    scatter by pixels. Which image that is can change with the photo's exposure or JPEG noise (the
    candidate's scoring picks it by a contrast near its threshold; on 24044 darkened by a fifth, the
    sides traced in coolness fit their lines to 3.4 px against 0.7 px in min-channel), so every feature
    is traced and one whose edges fit straight lines clearly better (TRACE_RESIDUAL_RATIO) wins.
    """
    traced = []
    for feature in (preferred, *(other for other in TRACE_FEATURES if other is not preferred)):
        try:
            corners, blur_px, residual_px = trace_sides(image, coarse, feature)
        except ScanRejected as rejection:
            traced.append((np.inf, feature, rejection))
            continue
        traced.append((residual_px, feature, (corners, blur_px)))
    straightest = min(residual for residual, _, _ in traced)
    residual_px, feature, result = next(
        item for item in traced if item[0] <= max(straightest * TRACE_RESIDUAL_RATIO, MIN_TRACE_RESIDUAL_PX)
    )
    if isinstance(result, ScanRejected):
        raise result
    corners, blur_px = result
    return feature, corners, blur_px, residual_px


def trace_sides(image: np.ndarray, coarse: np.ndarray, feature: Feature) -> tuple[np.ndarray, float, float]:
    """`refine_sides` over REFINE_PASSES passes: the corners, the edge blur and the line-fit residual (px).

    More passes do not settle a corner hidden under a leg: each re-samples the sides between the corners
    the last one placed, and where profiles near the leg jump between its outline and the sheet's edge, the
    corner wanders by pixels from pass to pass (a synthetic pale floor, re-encoded: 2.3 px off after two
    passes, 7.7 after six).
    """
    corners, blur_px, residual_px = coarse, 0.0, 0.0
    for _ in range(REFINE_PASSES):
        corners, blur_px, residual_px = refine_sides(image, corners, feature)
    return corners, blur_px, residual_px


def _best_candidate(small_bgr: np.ndarray) -> Candidate:
    """The most sheet-like whole-sheet quadrilateral, or `ScanRejected` (SHEET_CUT_OFF, NO_SHEET).

    Quadrilaterals from region hulls come first; straight runs of region outlines (slower) are only
    looked for when no hull gives a whole sheet, and quadrilaterals framed by line segments (slower
    still) when neither does, or when the region candidate is in doubt (MIN_CONFIDENT_REGION_SCORE). A
    candidate must score MIN_SHEET_SCORE: on the real photos and on floor crops without a sheet
    (evals/vision/foot.py) that keeps every floor out while losing no sheet that a lower bar would
    find. A candidate with a side hidden all along, or no sheet's aspect, is no whole sheet
    (`is_whole_sheet`); the best whole sheet among a pass's strong candidates (MIN_RIVAL_SCORE_RATIO)
    is the pass's.
    """
    features = Features.of(small_bgr)
    lab = lab_image(small_bgr)
    paper_maps = [smooth for smooth, _ in features.maps]
    cut_off_seen = partial_seen = False
    region = None
    for with_lines in (False, True):
        candidates, cut_off = region_candidates(features, with_lines=with_lines)
        cut_off_seen |= cut_off
        partial_seen |= bool(candidates)
        region = _strongest_whole(candidates, lab, paper_maps, REGION_TIE_RATIO)
        if region is not None:
            break
    best = region
    height, width = small_bgr.shape[:2]
    if (
        region is None
        or region.score < MIN_CONFIDENT_REGION_SCORE
        or floor_shares(lab, paper_maps, region.quad).min() < MIN_CONFIDENT_FLOOR_SHARE
        or aspect_error(region.quad, (width, height)) > MAX_CONFIDENT_ASPECT_ERROR
    ):
        candidates = line_candidates(small_bgr, features)
        partial_seen |= bool(candidates)
        framed = _strongest_whole(candidates, lab, paper_maps, LINE_TIE_RATIO)
        best = max(
            (found for found in (region, framed) if found is not None),
            key=lambda candidate: candidate.score * geometric_consistency(candidate.quad, lab, paper_maps),
            default=None,
        )
    if best is not None:
        return best
    if cut_off_seen:
        raise ScanRejected("SHEET_CUT_OFF", "the sheet runs off the edge of the photo", _RETAKE_CUT_OFF)
    if partial_seen:
        raise ScanRejected(
            "NO_SHEET", "part of the sheet is hidden, so its size is unknown", _RETAKE_HIDDEN_SIDE
        )
    raise ScanRejected("NO_SHEET", "no white A4 or Letter sheet was found in the photo", RETAKE_SHEET)


def geometric_consistency(quad: np.ndarray, lab: np.ndarray, paper_maps: list[np.ndarray]) -> float:
    """How well a quad that is in doubt fits what a whole sheet must be, 0 to 1: its aspect with perspective
    undone an A4's or a Letter's (within about CONSISTENT_ASPECT_ERROR) and floor beyond every side (along
    MIN_CONFIDENT_FLOOR_SHARE of it or more).

    Between a region's quad and a line-framed one, the score alone can side with a quad whose one side
    follows a leg or a shadow (on 24038 turned a quarter: aspect error 0.07 and a side 0.34 floor, against
    0.01 and 0.5 for the sheet's own outline, at a score 10 % higher): what a sheet's geometry requires
    settles it, whichever way the photo is turned or exposed.
    """
    floor = min(1.0, float(floor_shares(lab, paper_maps, quad).min()) / MIN_CONFIDENT_FLOOR_SHARE)
    return aspect_consistency(quad, (lab.shape[1], lab.shape[0])) * floor


def aspect_consistency(quad: np.ndarray, image_size: tuple[int, int]) -> float:
    """How near a quad's aspect with perspective undone is an A4's or a Letter's, 0 to 1 (within about
    CONSISTENT_ASPECT_ERROR)."""
    return float(np.exp(-((aspect_error(quad, image_size) / CONSISTENT_ASPECT_ERROR) ** 2)))


def _strongest_whole(
    candidates: list[Candidate], lab: np.ndarray, paper_maps: list[np.ndarray], tie_ratio: float
) -> Candidate | None:
    """The most sheet-like whole sheet among the candidates within MIN_RIVAL_SCORE_RATIO of the best.

    Of the whole sheets scoring within `tie_ratio` of the best-scoring one, each found once (`_same_sheet`),
    the one whose score weighed by its aspect's consistency with a sheet's is highest: where scores nearly
    tie, or where the score cannot tell the sheet from a quad reaching over the floor, a sheet's shape
    settles it, whichever way the photo is turned, encoded or exposed. Floor beyond every side, which every
    whole sheet here has, is left out of this weighing: on a patterned floor it reads low beside a real side
    (23982, green-and-white tiles: 0.16), and a quad cutting across the sheet there can read higher.
    """
    if not candidates:
        return None
    top = max(candidate.score for candidate in candidates)
    rivals = sorted(
        (candidate for candidate in candidates if candidate.score >= MIN_RIVAL_SCORE_RATIO * top),
        key=lambda candidate: candidate.score,
        reverse=True,
    )
    whole = [candidate for candidate in rivals if is_whole_sheet(lab, paper_maps, candidate.quad)]
    if not whole:
        return None
    distinct: list[Candidate] = []
    for candidate in whole:
        if candidate.score < (1.0 - tie_ratio) * whole[0].score:
            break
        if not any(_same_sheet(candidate.quad, kept.quad) for kept in distinct):
            distinct.append(candidate)
    size = (lab.shape[1], lab.shape[0])
    return max(distinct, key=lambda candidate: candidate.score * aspect_consistency(candidate.quad, size))


def _same_sheet(quad: np.ndarray, other: np.ndarray) -> bool:
    """Whether each corner of `other` is within SAME_SHEET_FRACTION of the quad's diagonal of one of ours."""
    diagonal = float(np.linalg.norm(quad[0] - quad[2]) + np.linalg.norm(quad[1] - quad[3])) / 2
    distances = np.linalg.norm(quad[:, None, :] - other[None, :, :], axis=-1)
    return bool(distances.min(axis=0).max() <= SAME_SHEET_FRACTION * diagonal)


def rectify(image: np.ndarray, sheet: DetectedSheet, px_per_mm: float) -> np.ndarray:
    """The sheet seen face-on at `px_per_mm`, short side horizontal."""
    width = round(sheet.size.width_mm * px_per_mm)
    height = round(sheet.size.height_mm * px_per_mm)
    target = np.array([[0, 0], [width, 0], [width, height], [0, height]], np.float32)
    homography = cv2.getPerspectiveTransform(sheet.corners_px.astype(np.float32), target)
    return cv2.warpPerspective(image, homography, (width, height), flags=cv2.INTER_LINEAR)
