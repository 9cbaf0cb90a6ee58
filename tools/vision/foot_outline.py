"""Where the foot ends and the leg begins, on the rectified sheet, and which capture protocol a photo follows.

A phone held at an angle sees the shin as well as the foot. Mapped onto the sheet's plane, everything above
the floor slides away from the camera's foot point (the nadir: the point of the floor straight below the
lens): the leg becomes a band running from the ankle away from the camera, often past the sheet's edge. So a
silhouette that reaches the sheet's edge is not by itself a foot off the sheet. Where it reaches the edge,
and where the camera stands, say what it is:

- a crossing beside the foot, on the side away from the camera, is the leg rising out of the picture; on the
  camera's side (no leg goes that way) it is the foot's own side off the sheet;
- a crossing at an end of the foot is its heel end when it lies away from the camera (the toes are then the
  other end), and the foot itself off the sheet when it lies towards the camera or both ends cross;
- at the heel end, it is the heel at the sheet's edge (the heel-against-a-wall protocol: the length runs
  from the toe tip to that edge) when the camera sees the heel from the side or behind, and a hidden heel
  (HEEL_HIDDEN, with advice) when the camera is in front of the toes and the shin's band covers the heel;
- seen from nearly straight above, the camera's side tells little: a short crossing (a heel at the edge) is
  the wall protocol, and a broad one a foot past the edge, or a shin over the heel where the end left on
  the sheet is as broad as toes.

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
from tools.vision.foot_floor import FloorOutline, Outline, floor_run, measure_floor_outline
from tools.vision.sheet_geometry import PHONE_FOCAL_PER_DIAGONAL

EDGE_TOUCH_MM = 3.0
NORMAL_STEP_MM = 4.0
# A boundary point whose outward normal turns this far from the nadir still counts as seen at floor level.
MIN_NEAR_FACING_COS = -0.25
# The camera is in front of the toes when the direction from the foot to the nadir is within
# FRONT_VIEW_ANGLE_DEG of the toe direction: foot and shin then lie along one line, and the forefoot's two
# sides are seen at floor level. The shin's band covers the heel when that direction is within
# HEEL_HIDDEN_ANGLE_DEG of it; further round, the shin leaves the heel's back in view on one side.
FRONT_VIEW_ANGLE_DEG = 50.0
HEEL_HIDDEN_ANGLE_DEG = 30.0
# Below this ratio of the nadir's distance from the foot to the camera's height, the photo is from above.
OVERHEAD_RATIO = 0.3
# A crossing of the sheet's edge whose side is within this angle of square to the foot's axis is an end of the
# foot (heel or toes); otherwise it runs along the foot.
END_SIDE_ANGLE_DEG = 35.0
# Seen from above, a heel standing at the sheet's edge (against a wall) crosses it over a short chord; a foot
# running past the edge, or a leg over it, over a foot's or leg's breadth.
MAX_HEEL_CHORD_MM = 40.0
# Where a broad crossing is seen from above, the end left on the sheet is the toes (so the crossing is the
# shin over the heel) when its breadth FREE_END_MM from its tip is at least this share of the silhouette's
# breadth: 30 mm from the tip, toes span most of the forefoot, a heel about 0.65 of it.
FREE_END_MM = 30.0
MIN_TOE_END_BREADTH_RATIO = 0.75
# Seen from nearly above, a broad crossing lies on the far side of the nadir (the shin's shadow side) when
# the nadir sits at least this share of the camera's height from the silhouette's centre, towards the other
# end.
SHIN_SIDE_RATIO = 0.05
TOE_REGION_MM = 110.0  # the forefoot, where the foot is widest, lies within this distance of the toe tip
# Foot breadth over foot length in adults (ANSUR II, both genders): mean and standard deviation.
WIDTH_RATIO_MEAN = 0.385
WIDTH_RATIO_SD = 0.02
HEEL_AT_EDGE_SIGMA_MM = 2.5  # the heel's contact with the floor sits a little inside the edge it touches
MAX_SINGLE_FOOT_WIDTH_RATIO = 0.6

PROTOCOL_ON_SHEET = "foot_on_sheet"
PROTOCOL_HEEL_AT_EDGE = "heel_against_wall"

_RETAKE_FOOT = ["Stand with one bare foot on the middle of the sheet, heel and toes on the paper."]
_RETAKE_HEEL = [
    "Your shin hides your heel: take the photo from the side of your foot, so the heel shows.",
    "Or put the sheet's short edge against a wall and stand with your heel touching the wall.",
]
_RETAKE_TOES = ["Your leg hides your toes: take the photo from the side or from in front of your toes."]
_RETAKE_ONE_FOOT = ["Measure one foot at a time: keep the other foot off the sheet and out of the photo."]


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
    -R^T t in the sheet's frame.
    """
    width_mm, height_mm = sheet_mm
    plane = np.float32([[0, 0], [width_mm, 0], [width_mm, height_mm], [0, height_mm]])
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
    return Camera(nadir=centre[:2] * px_per_mm, height=max(abs(float(centre[2])), 1.0) * px_per_mm)


def whole_foot_extents(mask: np.ndarray, px_per_mm: float) -> tuple[float, float]:
    """Extent of the mask along its principal axis (length) and across it (width), in mm.

    The axis comes from the mask's second moments. Extents are measured on boundary pixel centres,
    plus one pixel for the half pixel each side of them.
    """
    axis = _principal_axis(mask)
    across = np.array([-axis[1], axis[0]])
    boundary = _boundary(mask).astype(np.float64)
    along_axis, across_axis = boundary @ axis, boundary @ across
    length_px = along_axis.max() - along_axis.min() + 1.0
    width_px = across_axis.max() - across_axis.min() + 1.0
    return float(length_px / px_per_mm), float(width_px / px_per_mm)


def foot_outline(mask: np.ndarray, px_per_mm: float, camera: Camera) -> FootOutline:
    """Length and width of the one foot in a filled silhouette mask on the rectified sheet.

    Raises `ScanRejected`: FOOT_OFF_SHEET (the foot itself crosses the sheet's edge), HEEL_HIDDEN (the
    shin covers the heel), TOES_HIDDEN (the leg covers the toes) or MULTIPLE_FEET (a shape twice as broad
    as a foot).
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
    centre = np.array(np.nonzero(mask)[::-1], np.float64).mean(axis=1)
    if float(np.linalg.norm(camera.nadir - centre)) >= OVERHEAD_RATIO * camera.height:
        outline = Outline.of(mask, px_per_mm, camera.nadir, camera.height, EDGE_TOUCH_MM)
        run = floor_run(outline, px_per_mm)
        if run is not None:
            return _from_floor(measure_floor_outline(mask, px_per_mm, outline, run))
    return _crossing_outline(mask, points.astype(np.float64), on_edge, px_per_mm, camera)


def _from_floor(floor: FloorOutline) -> FootOutline:
    issues: list[str] = []
    width_mm, width_extra = floor.width_mm, floor.width_sigma_mm
    if not floor.width_measured:
        width_mm = WIDTH_RATIO_MEAN * floor.length_mm
        width_extra = WIDTH_RATIO_SD * floor.length_mm
        issues.append("width_estimated")
    _reject_two_feet(floor.length_mm, width_mm)
    protocol = PROTOCOL_HEEL_AT_EDGE if floor.heel_at_edge else PROTOCOL_ON_SHEET
    return FootOutline(floor.length_mm, width_mm, floor.length_sigma_mm, width_extra, protocol, tuple(issues))


def _crossing_outline(
    mask: np.ndarray, points: np.ndarray, on_edge: np.ndarray, px_per_mm: float, camera: Camera
) -> FootOutline:
    """The foot in a silhouette that reaches the sheet's edge (see the module's docstring)."""
    height, width = mask.shape
    inner, crossing = points[~on_edge], points[on_edge]
    if len(inner) < 10:
        raise ScanRejected("FOOT_OFF_SHEET", "the foot is not fully on the sheet", _RETAKE_FOOT)
    centre = np.array(np.nonzero(mask)[::-1], np.float64).mean(axis=1)
    to_nadir = camera.nadir - centre
    nadir_distance = float(np.linalg.norm(to_nadir))
    overhead = nadir_distance < OVERHEAD_RATIO * camera.height
    # Provisional toe direction: away from where the silhouette leaves the sheet (the leg is at the heel).
    far_point = inner[int(np.argmax(_nearest_distance(inner, crossing)))]
    axis = _toe_axis(mask, inner, far_point, camera, overhead)
    sides = _crossed_sides(crossing, (width, height))
    ends = [
        (side, side_points)
        for side, side_points in sides
        if abs(float(_SIDE_NORMALS[side] @ axis)) >= np.cos(np.radians(END_SIDE_ANGLE_DEG))
    ]
    heel_side = None
    if len(ends) > 1:
        raise ScanRejected("FOOT_OFF_SHEET", "the foot runs off both ends of the sheet", _RETAKE_FOOT)
    if ends:
        side, side_points = ends[0]
        end_direction = _SIDE_NORMALS[side]
        if overhead:
            chord = float(np.ptp(side_points @ np.array([-end_direction[1], end_direction[0]])))
            if chord > MAX_HEEL_CHORD_MM * px_per_mm:
                # The end left on the sheet is the toes (and the crossing a shin over the heel) if it is
                # nearly as broad as the foot; a heel is much narrower than the forefoot.
                sideways = np.array([-end_direction[1], end_direction[0]])
                reach = inner @ -end_direction
                free_end = inner[reach >= reach.max() - FREE_END_MM * px_per_mm]
                free_breadth = float(np.ptp(free_end @ sideways))
                # The shin's shadow runs away from the camera: a broad crossing on the far side of the
                # nadir is the shin over the heel, as is one that leaves toes on the sheet.
                away = float(end_direction @ to_nadir) < -SHIN_SIDE_RATIO * camera.height
                if away or free_breadth >= MIN_TOE_END_BREADTH_RATIO * float(np.ptp(inner @ sideways)):
                    raise ScanRejected(
                        "HEEL_HIDDEN",
                        "the shin hides the heel (or the heel is past the sheet's edge)",
                        [*_RETAKE_HEEL, _RETAKE_FOOT[0]],
                    )
                raise ScanRejected(
                    "FOOT_OFF_SHEET",
                    "the foot runs past the sheet's edge (or, seen from above, the shin covers the heel)",
                    [*_RETAKE_FOOT, _RETAKE_HEEL[0]],
                )
        elif float(end_direction @ to_nadir) > 0:
            # Towards the camera: no leg goes that way, so it is the foot itself.
            raise ScanRejected("FOOT_OFF_SHEET", "the foot runs past the sheet's edge", _RETAKE_FOOT)
        if float(end_direction @ axis) > 0:
            axis = -axis  # the crossing end is the heel
        heel_side = side
    across = np.array([-axis[1], axis[0]])
    along_inner = inner @ axis
    toe = float(along_inner.max())
    heel_inner = float(along_inner.min())
    for side, side_points in sides:
        if side == heel_side:
            continue
        # Beside the foot: the leg rises away from the camera; on the camera's side it is the foot's own side.
        if overhead:
            leg = float((side_points @ axis).mean()) < (toe + heel_inner) / 2
        else:
            leg = float(_SIDE_NORMALS[side] @ to_nadir) <= 0
        if not leg:
            raise ScanRejected("FOOT_OFF_SHEET", "the side of the foot runs off the sheet", _RETAKE_FOOT)
    width_mm, width_measured = _forefoot_width(inner, axis, across, toe, px_per_mm, camera, overhead)
    issues: list[str] = []
    if heel_side is None:
        length_mm = (toe - heel_inner + 1.0) / px_per_mm
        protocol = PROTOCOL_ON_SHEET
        length_extra = 0.0
    else:
        cos_front = 0.0 if overhead else float(axis @ to_nadir) / max(nadir_distance, 1e-9)
        if cos_front > np.cos(np.radians(HEEL_HIDDEN_ANGLE_DEG)):
            raise ScanRejected("HEEL_HIDDEN", "the shin hides the heel", _RETAKE_HEEL)
        heel_at_edge = float(np.median(dict(sides)[heel_side] @ axis))
        length_mm = (toe - heel_at_edge + 1.0) / px_per_mm
        protocol = PROTOCOL_HEEL_AT_EDGE
        # Seen more from the front, the shin covers more of the heel's back: less is known of where it is.
        length_extra = HEEL_AT_EDGE_SIGMA_MM / max(
            float(np.sqrt(1.0 - min(max(cos_front, 0.0), 1.0) ** 2)), 0.5
        )
    width_extra = 0.0
    if not width_measured:
        width_mm = WIDTH_RATIO_MEAN * length_mm
        width_extra = WIDTH_RATIO_SD * length_mm
        issues.append("width_estimated")
    _reject_two_feet(length_mm, width_mm)
    return FootOutline(length_mm, width_mm, length_extra, width_extra, protocol, tuple(issues))


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


def _toe_axis(
    mask: np.ndarray, inner: np.ndarray, toe_tip: np.ndarray, camera: Camera, overhead: bool
) -> np.ndarray:
    """Unit direction from heel to toes.

    Seen from above, or from in front of the toes (foot and shin then lie along one line), it is the
    silhouette's principal axis. Seen from the side or behind, the shin's band leaves the foot sideways and
    skews that axis; the outline seen at floor level (facing the camera's nadir) then runs along the foot.
    """
    axis = _principal_axis(mask)
    centre = np.array(np.nonzero(mask)[::-1], np.float64).mean(axis=1)
    if axis @ (toe_tip - centre) < 0:
        axis = -axis
    if overhead:
        return axis
    to_nadir = camera.nadir - centre
    if axis @ to_nadir > np.cos(np.radians(FRONT_VIEW_ANGLE_DEG)) * np.linalg.norm(to_nadir):
        return axis
    normals = _outward_normals(mask, inner)
    towards = camera.nadir - inner
    facing = np.einsum("ij,ij->i", normals, towards) / np.maximum(np.linalg.norm(towards, axis=1), 1e-9)
    near = inner[facing > MIN_NEAR_FACING_COS]
    if len(near) < 20:
        return axis
    spread = np.cov((near - near.mean(axis=0)).T)
    values, vectors = np.linalg.eigh(spread)
    near_axis = vectors[:, int(np.argmax(values))]
    if near_axis @ (toe_tip - centre) < 0:
        near_axis = -near_axis
    return near_axis / np.linalg.norm(near_axis)


def _forefoot_width(
    inner: np.ndarray,
    axis: np.ndarray,
    across: np.ndarray,
    toe: float,
    px_per_mm: float,
    camera: Camera,
    overhead: bool,
) -> tuple[float, bool]:
    """The forefoot's breadth (mm) across the axis near the toes, and whether it could be measured.

    Only from above or from in front of the toes: seen from the side, the top of the foot slides past its far
    edge, and from behind, the shin's band lies over the forefoot.
    """
    forefoot = inner[inner @ axis >= toe - TOE_REGION_MM * px_per_mm]
    if len(forefoot) < 10:
        return 0.0, False
    across_values = forefoot @ across
    breadth = (across_values.max() - across_values.min() + 1.0) / px_per_mm
    if overhead:
        return float(breadth), True
    to_nadir = camera.nadir - forefoot.mean(axis=0)
    front = float(to_nadir @ axis) > np.cos(np.radians(FRONT_VIEW_ANGLE_DEG)) * float(
        np.linalg.norm(to_nadir)
    )
    return float(breadth), front


def _reject_two_feet(length_mm: float, width_mm: float) -> None:
    if width_mm > MAX_SINGLE_FOOT_WIDTH_RATIO * length_mm:
        raise ScanRejected(
            "MULTIPLE_FEET", "the shape on the sheet looks like two feet together", _RETAKE_ONE_FOOT
        )


def _principal_axis(mask: np.ndarray) -> np.ndarray:
    moments = cv2.moments(mask, binaryImage=True)
    angle = 0.5 * np.arctan2(2 * moments["mu11"], moments["mu20"] - moments["mu02"])
    return np.array([np.cos(angle), np.sin(angle)])


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


def _outward_normals(mask: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Unit normals pointing out of the mask at outline points, from the local spread of nearby points."""
    blurred = cv2.GaussianBlur(mask.astype(np.float32), (0, 0), 3.0)
    gradient_x = cv2.Sobel(blurred, cv2.CV_32F, 1, 0, ksize=3)
    gradient_y = cv2.Sobel(blurred, cv2.CV_32F, 0, 1, ksize=3)
    rows = np.clip(points[:, 1].astype(np.int32), 0, mask.shape[0] - 1)
    cols = np.clip(points[:, 0].astype(np.int32), 0, mask.shape[1] - 1)
    normals = -np.column_stack([gradient_x[rows, cols], gradient_y[rows, cols]]).astype(np.float64)
    return normals / np.maximum(np.linalg.norm(normals, axis=1, keepdims=True), 1e-9)
