"""Where the foot ends and the leg begins, on the rectified sheet, and which capture protocol a photo follows.

A phone held at an angle sees the shin as well as the foot. Mapped onto the sheet's plane, everything above
the floor slides away from the camera's foot point (the nadir: the point of the floor straight below the
lens): the top of the foot past its far side, the leg into a band running from the ankle away from the
camera, often past the sheet's edge. So a silhouette that reaches the sheet's edge is not by itself a foot
off the sheet, and its extent is not the foot's. How the silhouette is read depends on where the camera is:

- a silhouette that stays inside the sheet is measured whole (seen from above, as the rendered photos are);
- otherwise the side of the outline that faces the nadir is the footprint's own, at floor level, from any
  angle: where it runs along the foot (foot_floor.MIN_FLOOR_RUN_MM), foot_floor measures the length from it,
  with each end's hidden part and its uncertainty, tells heel from toes, and refuses when an end is not seen
  (HEEL_HIDDEN, TOES_HIDDEN) or the footprint itself runs off the sheet (FOOT_OFF_SHEET); a heel whose
  outline reaches the sheet's edge is the heel-against-a-wall protocol;
- where it does not, seen at an angle, too little of the footprint shows: the foot is off the sheet if the
  silhouette crosses the edge on the camera's side (no leg goes that way), else the shin hides the heel;
- seen from nearly straight above (the nadir within OVERHEAD_RATIO of the camera's height of the
  silhouette), where the silhouette crosses the sheet's edge decides: a short crossing
  at an end (a heel at the edge) is the wall protocol, a broad one that leaves toes on the sheet a shin
  over the heel, and any other a foot past the edge.

Seen from the side, the top of the foot slides past its far edge, so the width is then estimated from the
length (ANSUR II's breadth/length ratio) with that ratio's spread as its uncertainty, and flagged.

The camera's nadir and height come from the sheet's homography with a phone's focal length (the same
assumption the A4/Letter aspect test makes, sheet_geometry.measured_aspect).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from tools.vision.errors import ScanRejected
from tools.vision.foot_floor import (
    BREADTH_RATIO_MEAN,
    BREADTH_RATIO_SD,
    EDGE_TOUCH_MM,
    HEEL_AT_EDGE_SIGMA_MM,
    MAX_SINGLE_FOOT_WIDTH_RATIO,
    RETAKE_FOOT,
    RETAKE_HEEL,
    RETAKE_ONE_FOOT,
    FloorOutline,
    Outline,
    floor_run,
    floor_runs,
    measure_floor_outline,
    principal_axis,
    run_touches_edge,
)
from tools.vision.foot_front import FrontEstimate, estimate_from_front
from tools.vision.sheet_geometry import PHONE_FOCAL_PER_DIAGONAL

# Below this ratio of the nadir's distance from the foot to the camera's height, the photo is from above.
OVERHEAD_RATIO = 0.3
# A crossing of the sheet's edge whose side is within this angle of square to the foot's axis is an end of the
# foot (heel or toes); otherwise it runs along the foot.
END_SIDE_ANGLE_DEG = 35.0
# Seen from above, a heel standing at the sheet's edge (against a wall) crosses it over a short chord; a foot
# running past the edge, or a leg over it, over a foot's or leg's breadth.
MAX_HEEL_CHORD_MM = 40.0
# Where a broad crossing is seen from above, the end left on the sheet is the toes when its breadth
# FREE_END_MM from its tip is at least this share of the forefoot's (the breadth within TOE_REGION_MM of the
# tip): 30 mm from the tip, toes span most of the forefoot, a heel about 0.65 of it. The crossing is then a
# shin over the heel if it is broader than a heel: ANSUR II heel breadth / foot breadth is 0.71-0.73 (sd
# 0.047), so a heel's chord stays under MIN_SHIN_CHORD_RATIO of the forefoot's breadth.
FREE_END_MM = 30.0
MIN_TOE_END_BREADTH_RATIO = 0.75
MIN_SHIN_CHORD_RATIO = 0.8
TOE_REGION_MM = 110.0  # the forefoot, where the foot is widest, lies within this distance of the toe tip

PROTOCOL_ON_SHEET = "foot_on_sheet"
LENGTH_FROM_BREADTH = "length_from_breadth"  # a quality issue: the heel hidden, the length estimated
PROTOCOL_HEEL_AT_EDGE = "heel_against_wall"


@dataclass(frozen=True)
class Camera:
    """The camera's nadir on the rectified sheet (pixels) and its height above the sheet (pixels)."""

    nadir: np.ndarray
    height: float


@dataclass(frozen=True)
class FootOutline:
    """Length and width (mm) with what the outline adds to their uncertainty, and how they were found."""

    length_mm: float
    width_mm: float
    length_extra_sigma_mm: float
    width_extra_sigma_mm: float
    protocol: str
    issues: tuple[str, ...] = ()


def camera_over_sheet(
    corners_px: np.ndarray, sheet_mm: tuple[float, float], image_size: tuple[int, int], px_per_mm: float
) -> Camera:
    """The camera's nadir and height in rectified-sheet pixels, from the sheet's corners (tl, tr, br, bl).

    The homography from the sheet (mm) to the photo is K [r1 r2 t] for a phone lens K; the camera centre is
    -R^T t in the sheet's frame. The sheet's frame has its origin at the sheet's centre: r1 and r2 are only
    nearly orthonormal (the lens is assumed), and with the origin at a corner, which corner it is (the
    photo rotated, mirrored) would move the estimate by centimetres; about the centre, turning the frame
    by half a turn or mirroring it turns the estimate with it.
    """
    width_mm, height_mm = sheet_mm
    half_w, half_h = width_mm / 2, height_mm / 2
    plane = np.float32([[-half_w, -half_h], [half_w, -half_h], [half_w, half_h], [-half_w, half_h]])
    homography = cv2.getPerspectiveTransform(plane, corners_px.astype(np.float32)).astype(np.float64)
    width, height = image_size
    focal = PHONE_FOCAL_PER_DIAGONAL * float(np.hypot(width, height))
    intrinsics = np.array([[focal, 0, width / 2], [0, focal, height / 2], [0, 0, 1]])
    columns = np.linalg.solve(intrinsics, homography)
    scale = 2.0 / (np.linalg.norm(columns[:, 0]) + np.linalg.norm(columns[:, 1]))
    if columns[2, 2] < 0:
        scale = -scale
    first, second, translation = (columns[:, index] * scale for index in range(3))
    rotation = np.column_stack([first, second, np.cross(first, second)])
    left, _, right = np.linalg.svd(rotation)
    centre = -(left @ right).T @ translation
    nadir_mm = centre[:2] + np.array([half_w, half_h])
    return Camera(nadir=nadir_mm * px_per_mm, height=max(abs(float(centre[2])), 1.0) * px_per_mm)


def whole_foot_extents(mask: np.ndarray, px_per_mm: float) -> tuple[float, float]:
    """Extent of the mask along its principal axis (length) and across it (width), in mm.

    The axis comes from the mask's second moments. Extents are measured on boundary pixel centres,
    plus one pixel for the half pixel each side of them.
    """
    axis = principal_axis(mask)
    across = np.array([-axis[1], axis[0]])
    boundary = _boundary(mask).astype(np.float64)
    along_axis, across_axis = boundary @ axis, boundary @ across
    length_px = along_axis.max() - along_axis.min() + 1.0
    width_px = across_axis.max() - across_axis.min() + 1.0
    return float(length_px / px_per_mm), float(width_px / px_per_mm)


def foot_outline(mask: np.ndarray, px_per_mm: float, camera: Camera) -> FootOutline:
    """Length and width of the one foot in a filled silhouette mask on the rectified sheet.

    Where the shin covers the heel of a foot seen from in front of its toes, the length is estimated from
    the breadth (foot_front.py), with a wide sigma and the issue LENGTH_FROM_BREADTH.

    Raises `ScanRejected`: FOOT_OFF_SHEET (the foot itself crosses the sheet's edge), HEEL_HIDDEN (the
    shin covers the heel and no estimate can be made), TOES_HIDDEN (the leg covers the toes) or
    MULTIPLE_FEET (a shape twice as broad as a foot).
    """
    height, width = mask.shape
    touch = max(1, round(EDGE_TOUCH_MM * px_per_mm))
    points = _boundary(mask)
    on_edge = (
        (points[:, 0] < touch)
        | (points[:, 1] < touch)
        | (points[:, 0] >= width - touch)
        | (points[:, 1] >= height - touch)
    )
    if not on_edge.any():
        length_mm, width_mm = whole_foot_extents(mask, px_per_mm)
        _reject_two_feet(length_mm, width_mm)
        return FootOutline(length_mm, width_mm, 0.0, 0.0, PROTOCOL_ON_SHEET)
    try:
        return _crossing_the_edge(mask, px_per_mm, camera, points, on_edge)
    except ScanRejected as refusal:
        # Seen from in front of the toes, the shin over the heel (which may also read as a foot past the
        # edge where the leg crosses it): the length is estimated from the breadth, or the refusal stands.
        if refusal.reason not in ("HEEL_HIDDEN", "FOOT_OFF_SHEET"):
            raise
        if refusal.reason == "FOOT_OFF_SHEET" and _seen_from_above(mask, camera):
            raise  # from above, the shin hides no heel: what crosses the edge is the foot
        front = estimate_from_front(mask, px_per_mm, camera.nadir, camera.height)
        if front is None:
            raise
        return _from_front(front)


def _crossing_the_edge(
    mask: np.ndarray, px_per_mm: float, camera: Camera, points: np.ndarray, on_edge: np.ndarray
) -> FootOutline:
    """The foot in a silhouette that reaches the sheet's edge (see the module's docstring)."""
    height, width = mask.shape
    outline = Outline.of(mask, px_per_mm, camera.nadir, camera.height, EDGE_TOUCH_MM)
    run = floor_run(outline, px_per_mm)
    if run is not None:
        return _from_floor(measure_floor_outline(mask, px_per_mm, outline, run))
    if _seen_from_above(mask, camera):
        return _overhead_crossing(mask, points.astype(np.float64), on_edge, px_per_mm)
    # Too little of the footprint's outline shows: cut off by the sheet's edge on the camera's side (no leg
    # crosses that way: the foot is off the sheet there), or hidden (the shin over the heel, seen from in
    # front of the toes).
    crossed_towards_camera = any(
        float(_SIDE_NORMALS[side] @ (camera.nadir - side_points.mean(axis=0))) > 0
        for side, side_points in _crossed_sides(points[on_edge].astype(np.float64), (width, height))
    )
    if crossed_towards_camera or any(
        any(run_touches_edge(outline, short, px_per_mm)) for short in floor_runs(outline, px_per_mm)
    ):
        raise ScanRejected("FOOT_OFF_SHEET", "the side of the foot runs off the sheet", RETAKE_FOOT)
    raise ScanRejected(
        "HEEL_HIDDEN", "seen at this angle, too little of the foot's outline on the floor shows", RETAKE_HEEL
    )


def _seen_from_above(mask: np.ndarray, camera: Camera) -> bool:
    centre = np.array(np.nonzero(mask)[::-1], np.float64).mean(axis=1)
    return float(np.linalg.norm(camera.nadir - centre)) < OVERHEAD_RATIO * camera.height


def _from_front(front: FrontEstimate) -> FootOutline:
    return FootOutline(
        front.length_mm,
        front.width_mm,
        front.length_sigma_mm,
        front.width_sigma_mm,
        PROTOCOL_ON_SHEET,
        (LENGTH_FROM_BREADTH,),
    )


def _from_floor(floor: FloorOutline) -> FootOutline:
    issues: list[str] = []
    width_mm, width_extra = floor.width_mm, floor.width_sigma_mm
    if not floor.width_measured:
        width_mm = BREADTH_RATIO_MEAN * floor.length_mm
        width_extra = BREADTH_RATIO_SD * floor.length_mm
        issues.append("width_estimated")
    _reject_two_feet(floor.length_mm, width_mm)
    protocol = PROTOCOL_HEEL_AT_EDGE if floor.heel_at_edge else PROTOCOL_ON_SHEET
    return FootOutline(floor.length_mm, width_mm, floor.length_sigma_mm, width_extra, protocol, tuple(issues))


def _overhead_crossing(
    mask: np.ndarray, points: np.ndarray, on_edge: np.ndarray, px_per_mm: float
) -> FootOutline:
    """The foot in a silhouette, seen from nearly above, that reaches the sheet's edge (see the module's
    docstring)."""
    height, width = mask.shape
    inner, crossing = points[~on_edge], points[on_edge]
    if len(inner) < 10:
        raise ScanRejected("FOOT_OFF_SHEET", "the foot is not fully on the sheet", RETAKE_FOOT)
    centre = np.array(np.nonzero(mask)[::-1], np.float64).mean(axis=1)
    # Toe direction: the silhouette's principal axis, away from where it leaves the sheet (the leg is at
    # the heel).
    far_point = inner[int(np.argmax(_nearest_distance(inner, crossing)))]
    axis = principal_axis(mask)
    if axis @ (far_point - centre) < 0:
        axis = -axis
    sides = _crossed_sides(crossing, (width, height))
    ends = [
        (side, side_points)
        for side, side_points in sides
        if abs(float(_SIDE_NORMALS[side] @ axis)) >= np.cos(np.radians(END_SIDE_ANGLE_DEG))
    ]
    heel_side = None
    if len(ends) > 1:
        raise ScanRejected("FOOT_OFF_SHEET", "the foot runs off both ends of the sheet", RETAKE_FOOT)
    if ends:
        side, side_points = ends[0]
        end_direction = _SIDE_NORMALS[side]
        sideways = np.array([-end_direction[1], end_direction[0]])
        chord = float(np.ptp(side_points @ sideways))
        if chord > MAX_HEEL_CHORD_MM * px_per_mm:
            # The crossing is a shin over the heel if the end left on the sheet is the toes (nearly as
            # broad FREE_END_MM from its tip as the forefoot behind it; a heel is much narrower) and the
            # crossing is broader than a heel could be; else the foot itself runs past the edge.
            reach = inner @ -end_direction
            free_end = inner[reach >= reach.max() - FREE_END_MM * px_per_mm]
            forefoot = inner[reach >= reach.max() - TOE_REGION_MM * px_per_mm]
            free_breadth = float(np.ptp(free_end @ sideways))
            forefoot_breadth = float(np.ptp(forefoot @ sideways))
            if (
                free_breadth >= MIN_TOE_END_BREADTH_RATIO * forefoot_breadth
                and chord >= MIN_SHIN_CHORD_RATIO * forefoot_breadth
            ):
                raise ScanRejected("HEEL_HIDDEN", "the shin hides the heel", RETAKE_HEEL)
            raise ScanRejected(
                "FOOT_OFF_SHEET",
                "the foot runs past the sheet's edge (or, seen from above, the shin covers the heel)",
                [*RETAKE_FOOT, RETAKE_HEEL[0]],
            )
        if float(end_direction @ axis) > 0:
            axis = -axis  # the crossing end is the heel
        heel_side = side
    across = np.array([-axis[1], axis[0]])
    along_inner = inner @ axis
    toe = float(along_inner.max())
    heel_inner = float(along_inner.min())
    for side, side_points in sides:
        # Beside the foot, the leg's crossing lies nearer the heel than the toes.
        if side != heel_side and float((side_points @ axis).mean()) >= (toe + heel_inner) / 2:
            raise ScanRejected("FOOT_OFF_SHEET", "the side of the foot runs off the sheet", RETAKE_FOOT)
    forefoot = inner[along_inner >= toe - TOE_REGION_MM * px_per_mm]
    width_mm = float(np.ptp(forefoot @ across) + 1.0) / px_per_mm
    if heel_side is None:
        length_mm = (toe - heel_inner + 1.0) / px_per_mm
        protocol = PROTOCOL_ON_SHEET
        length_extra = 0.0
    else:
        heel_at_edge = float(np.median(dict(sides)[heel_side] @ axis))
        length_mm = (toe - heel_at_edge + 1.0) / px_per_mm
        protocol = PROTOCOL_HEEL_AT_EDGE
        length_extra = HEEL_AT_EDGE_SIGMA_MM
    _reject_two_feet(length_mm, width_mm)
    return FootOutline(length_mm, width_mm, length_extra, 0.0, protocol)


_SIDE_NORMALS = {
    "top": np.array([0.0, -1.0]),
    "bottom": np.array([0.0, 1.0]),
    "left": np.array([-1.0, 0.0]),
    "right": np.array([1.0, 0.0]),
}


def _crossed_sides(crossing: np.ndarray, size: tuple[int, int]) -> list[tuple[str, np.ndarray]]:
    """The silhouette's edge points grouped by the side of the sheet they lie nearest to."""
    width, height = size
    distances = np.column_stack(
        [crossing[:, 1], height - 1 - crossing[:, 1], crossing[:, 0], width - 1 - crossing[:, 0]]
    )
    nearest = np.argmin(distances, axis=1)
    names = ("top", "bottom", "left", "right")
    return [(names[index], crossing[nearest == index]) for index in range(4) if np.any(nearest == index)]


def _reject_two_feet(length_mm: float, width_mm: float) -> None:
    if width_mm > MAX_SINGLE_FOOT_WIDTH_RATIO * length_mm:
        raise ScanRejected(
            "MULTIPLE_FEET", "the shape on the sheet looks like two feet together", RETAKE_ONE_FOOT
        )


def _boundary(mask: np.ndarray) -> np.ndarray:
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    return np.vstack([contour.reshape(-1, 2) for contour in contours])


def _nearest_distance(points: np.ndarray, others: np.ndarray) -> np.ndarray:
    """Per point, the distance to the nearest of `others` (in chunks, to bound memory)."""
    result = np.empty(len(points))
    sample = others[:: max(1, len(others) // 400)]
    for start in range(0, len(points), 2048):
        chunk = points[start : start + 2048]
        result[start : start + 2048] = np.sqrt(((chunk[:, None, :] - sample[None]) ** 2).sum(-1)).min(axis=1)
    return result
