"""The foot's outline at floor level, read from a silhouette seen at an angle.

On the rectified sheet, the silhouette of a foot (and the leg above it) is the shadow it would cast from a
lamp at the camera: every point above the floor slides away from the camera's nadir (the point of the floor
straight below the lens) by z / (H - z) of its distance from it, for a height z and a camera height H. A
foot stands on the floor with its body above its footprint, so the side of the silhouette that faces the
nadir (where a ray from the nadir enters it) is the footprint's own outline, at floor level; the far side
is displaced by the instep, the toes' tops and the leg. That facing side is one run along the outline:

- seen from the side, it runs along the sole from the heel to the toes, each end up to its rim, where the
  outline turns away from the camera. Beyond the heel's rim the heel is hidden, and its back lies
  R (1 - cos phi) further on, for a heel of radius R (half its breadth) whose outline has turned phi from
  the foot's direction at the rim. The toes are low, so where the silhouette reaches past them is their tip
  less the short shadow of their height. Each end comes with its uncertainty; an end known less well than
  MAX_END_SIGMA_MM is not seen (the shin hides the heel seen from the front, the leg the toes from behind);
- it runs into the sheet's edge where the foot itself crosses it: at the heel end that is the
  heel-against-a-wall protocol (the heel touches the edge), anywhere else the foot is off the sheet. Where
  the silhouette crosses the edge outside that run, it is the leg or the foot's displaced top, not the foot.

Everything here is geometry of the outline (its points, their outward normals, the nadir), measured in
millimetres: rotating, mirroring or rescaling the photo changes none of it. The model is checked on
silhouettes cast by a 3D foot and shin (tests/tools/vision/test_foot_floor.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from tools.vision.errors import ScanRejected

# Outward normals come from chords of the outline this long either side of a point: a pixel staircase
# turns normals by up to 45 degrees, a foot's outline over a few millimetres by a few.
NORMAL_SMOOTHING_MM = 5.0
# An outline point is at floor level where its outward normal faces the nadir by at least this cosine
# (about 80 degrees): the leg's band, whose sides run along rays from the nadir, stays out.
FLOOR_FACING_MIN = 0.15
FACING_SMOOTHING_MM = 2.0
# Gaps shorter than this (along the outline) in a floor-level run are bridged: the clefts between toes,
# a noisy stretch.
RUN_GAP_MM = 12.0
# Shorter floor-level runs show too little of the footprint to measure from.
MIN_FLOOR_RUN_MM = 100.0
# A run this much longer than broad (square root of its second moments' ratio) gives the foot's axis itself
# (seen from the side, the sole's near edge); a shorter one (a cap around the toes seen from the front) does
# not, and the silhouette's principal axis (foot and shin in one line) is used.
ELONGATED_RUN_RATIO = 5.0
# The ends' radii as shares of the foot's length. Heel: half the heel breadth (ANSUR II: heel breadth /
# foot length 0.268 men, 0.273 women, sd 0.018); its outline is not a circle, hence the wider sd. Toes:
# seen from the side the rim lies on the toes' envelope (the big toe's tip, or the lesser toes' slope),
# so the radius is a rough one (an assumption, with a wide sd); the toes' end mostly comes from the
# silhouette's reach less the toes' shadow instead (TOE_SHADOW_HEIGHT_MM).
HEEL_RADIUS_RATIO = 0.135
HEEL_RADIUS_RELATIVE_SD = 0.3
TOE_RADIUS_RATIO = 0.15
TOE_RADIUS_RELATIVE_SD = 0.6
TYPICAL_LENGTH_MM = 255.0  # ANSUR II, men and women pooled
MIN_LENGTH_GUESS_MM = 120.0
RIM_SIGMA_MM = 0.8  # where the rim sits along the outline (the facing threshold, the normals' smoothing)
RIM_AVERAGE_MM = 5.0
# An end known less well than this is not seen (a heel's rim at 60 degrees: half its radius hidden).
MAX_END_SIGMA_MM = 5.5
LOCAL_REACH_MM = 50.0
# The toes' shadow: seen from behind, the silhouette reaches past the tip by the shadow of the tip and nail
# (5-12 mm above the floor, the nail's edge a few mm behind the tip).
TOE_SHADOW_HEIGHT_MM = 6.0
TOE_SHADOW_HEIGHT_SD_MM = 3.0
# A run meets the sheet's edge at an end when it does so within this distance (along the foot) of the
# run's extreme there.
END_ZONE_MM = 25.0
# Sides of the forefoot: seen only where the outline reaches the widest point nearly square to it.
FOREFOOT_MM = 110.0
SIDE_RADIUS_MM = 75.0
MAX_SIDE_RIM_ANGLE_DEG = 20.0
# Which end is the heel, where both ends are seen: the leg rises above the heel's end, so the silhouette is
# broader there (its area within END_SLAB_RATIO of the length from each end).
END_SLAB_RATIO = 0.3
HEEL_AT_EDGE_SIGMA_MM = 2.5  # the heel's contact with the floor sits a little inside the edge it touches
EDGE_TOUCH_MM = 3.0
# Two feet side by side: near the toes, the silhouette broader than MAX_SINGLE_FOOT_WIDTH_RATIO of the
# length (one foot's forefoot is 0.33-0.45 of it).
TOE_SLAB_MM = 30.0
MAX_SINGLE_FOOT_WIDTH_RATIO = 0.6

# Foot breadth over foot length in adults (ANSUR II: footbreadthhorizontal / footlength 0.376 +- 0.017 in
# men, 0.377 +- 0.018 in women): mean and standard deviation, for a width estimated from a length and back.
BREADTH_RATIO_MEAN = 0.376
BREADTH_RATIO_SD = 0.018

# Retake advice for each refusal of the foot's outline (foot_outline and foot_front use these too).
RETAKE_FOOT = ["Stand with one bare foot on the middle of the sheet, heel and toes on the paper."]
RETAKE_HEEL = [
    "Your shin hides your heel: take the photo from the side of your foot, so the heel shows.",
    "Or put the sheet's short edge against a wall and stand with your heel touching the wall.",
]
RETAKE_ONE_FOOT = ["Measure one foot at a time: keep the other foot off the sheet and out of the photo."]
RETAKE_TOES = ["Your leg hides your toes: take the photo from the side or from in front of your toes."]


@dataclass(frozen=True)
class End:
    """Where an end of the footprint lies along its direction (pixels), its sigma (mm), the angle (degrees)
    by which the outline has turned away from that direction where the floor-level run stops (its rim), and
    which point of the run that is."""

    position: float
    sigma_mm: float
    rim_angle_deg: float
    extreme: int

    @property
    def seen(self) -> bool:
        return self.sigma_mm <= MAX_END_SIGMA_MM


@dataclass(frozen=True)
class FloorOutline:
    """Length and width (mm) with their extra sigmas (mm), from the floor-level outline."""

    length_mm: float
    width_mm: float
    length_sigma_mm: float
    width_sigma_mm: float
    width_measured: bool
    heel_at_edge: bool


@dataclass(frozen=True)
class Outline:
    """A silhouette's outline: ordered points, outward normals, which lie on the sheet's edge, and how much
    each faces the nadir."""

    points: np.ndarray
    normals: np.ndarray
    on_edge: np.ndarray
    facing: np.ndarray
    nadir: np.ndarray
    camera_height: float  # pixels

    @classmethod
    def of(
        cls, mask: np.ndarray, px_per_mm: float, nadir: np.ndarray, camera_height: float, edge_touch_mm: float
    ) -> Outline:
        contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
        points = max(contours, key=cv2.contourArea).reshape(-1, 2).astype(np.float64)
        height, width = mask.shape
        touch = max(1.0, edge_touch_mm * px_per_mm)
        on_edge = (
            (points[:, 0] < touch)
            | (points[:, 1] < touch)
            | (points[:, 0] >= width - touch)
            | (points[:, 1] >= height - touch)
        )
        normals = contour_normals(points, NORMAL_SMOOTHING_MM * px_per_mm)
        towards = nadir - points
        facing = np.einsum("ij,ij->i", normals, towards) / np.maximum(np.linalg.norm(towards, axis=1), 1e-9)
        return cls(points, normals, on_edge, facing, np.asarray(nadir, np.float64), float(camera_height))


def floor_runs(outline: Outline, px_per_mm: float) -> list[np.ndarray]:
    """Runs of floor-level points (indices in order along the outline), longest first.

    How much a point faces the nadir is smoothed along the outline over FACING_SMOOTHING_MM first (a
    staircase of pixels, a wrinkle), and gaps up to RUN_GAP_MM that stay off the sheet's edge are bridged.
    """
    count = len(outline.points)
    sigma = max(1.0, FACING_SMOOTHING_MM * px_per_mm)
    radius = int(3 * sigma)
    kernel = np.exp(-0.5 * (np.arange(-radius, radius + 1) / sigma) ** 2)
    padded = np.concatenate([outline.facing[-radius:], outline.facing, outline.facing[:radius]])
    facing = np.convolve(padded, kernel / kernel.sum(), mode="valid")[:count]
    floor = (facing > FLOOR_FACING_MIN) & ~outline.on_edge
    if not floor.any():
        return []
    if not floor.all():
        for start, length in _runs(~floor):
            gap = (start + np.arange(length)) % count
            if length <= RUN_GAP_MM * px_per_mm and not outline.on_edge[gap].any():
                floor[gap] = True
    if floor.all():
        return [np.arange(count)]
    runs = sorted(_runs(floor), key=lambda run: run[1], reverse=True)
    return [(start + np.arange(length)) % count for start, length in runs]


def floor_run(outline: Outline, px_per_mm: float) -> np.ndarray | None:
    """The longest run of floor-level points (`floor_runs`), or None if none is MIN_FLOOR_RUN_MM long."""
    runs = floor_runs(outline, px_per_mm)
    if not runs or len(runs[0]) < MIN_FLOOR_RUN_MM * px_per_mm:
        return None
    return runs[0]


def _runs(flags: np.ndarray) -> list[tuple[int, int]]:
    """(start, length) of each run of True in a cyclic boolean array that is not all True."""
    count = len(flags)
    starts = np.flatnonzero(flags & ~np.roll(flags, 1))
    runs = []
    for start in starts:
        length = 0
        while flags[(start + length) % count]:
            length += 1
        runs.append((int(start), length))
    return runs


def run_touches_edge(outline: Outline, run: np.ndarray, px_per_mm: float) -> tuple[bool, bool]:
    """Whether the outline reaches the sheet's edge within EDGE_TOUCH_MM (along it) before the run's first
    and after its last point."""
    count = len(outline.points)
    steps = np.arange(1, max(2, round(EDGE_TOUCH_MM * px_per_mm)) + 1)
    return (
        bool(outline.on_edge[(run[0] - steps) % count].any()),
        bool(outline.on_edge[(run[-1] + steps) % count].any()),
    )


def foot_axis(outline: Outline, run: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Unit vector along the foot (either way): the run's principal axis where the run is elongated, else
    the silhouette's."""
    points = outline.points[run]
    spread = np.cov((points - points.mean(axis=0)).T)
    values, vectors = np.linalg.eigh(spread)
    if values[1] >= ELONGATED_RUN_RATIO**2 * max(values[0], 1e-9):
        return vectors[:, 1]
    return principal_axis(mask)


@dataclass(frozen=True)
class EndModel:
    """What is assumed of an end's shape: its radius (pixels) with a relative sd, and optionally the height
    (mm, with sd) of the point whose shadow reaches furthest beyond it (the toes' tip and nail)."""

    radius_px: float
    radius_relative_sd: float
    shadow_height_mm: float | None = None
    shadow_height_sd_mm: float = 0.0


def run_end(
    outline: Outline, run: np.ndarray, direction: np.ndarray, model: EndModel, px_per_mm: float
) -> End:
    """The footprint's end along `direction` (see the module's docstring).

    It lies between the run's extreme point there (at floor level) and how far the silhouette reaches near
    it (within LOCAL_REACH_MM; unbounded where that is the sheet's edge). A low end (the model has a shadow
    height: the toes) is that reach less the shadow of its height; any other, the rim's extrapolation (the
    radius times 1 - cos of the outline's angle there). Either is kept within those bounds, and its sigma
    within what the bounds leave open.
    """
    along = outline.points[run] @ direction
    extreme = int(np.argmax(along))
    lower = float(along[extreme])
    angle = _rim_angle(outline, run, extreme, direction, px_per_mm)
    upper = _local_reach(outline, int(run[extreme]), direction, px_per_mm)
    if model.shadow_height_mm is not None and np.isfinite(upper):
        # Per unit of height, a point there slides this far along `direction` (none towards the camera).
        height = model.shadow_height_mm * px_per_mm
        slide = max(0.0, float((outline.points[run[extreme]] - outline.nadir) @ direction)) / max(
            outline.camera_height - height, 1.0
        )
        position = upper - height * slide
        sigma_px = float(np.hypot(RIM_SIGMA_MM, model.shadow_height_sd_mm * slide)) * px_per_mm
    elif angle < 90.0:
        correction = model.radius_px * (1.0 - np.cos(np.radians(angle)))
        position = lower + correction
        sigma_px = float(np.hypot(RIM_SIGMA_MM * px_per_mm, model.radius_relative_sd * correction))
    else:
        # Past 90 degrees the run stops short of the end's curve (a side running on under the leg): no rim.
        return End(lower, float("inf"), angle, extreme)
    position = min(max(position, lower), upper)
    sigma_px = min(sigma_px, max((upper - lower) / np.sqrt(12.0), RIM_SIGMA_MM * px_per_mm))
    return End(position, sigma_px / px_per_mm, angle, extreme)


def _rim_angle(
    outline: Outline, run: np.ndarray, extreme: int, direction: np.ndarray, px_per_mm: float
) -> float:
    """The angle (degrees) between `direction` and the outline's normal at the run's extreme point.

    One point's normal is noisy, and a mean over the points before the run's end lags behind the end's:
    the normals' angle is fitted as a straight line along RIM_AVERAGE_MM of the run either side of the
    point (an arc of constant curvature turns evenly) and read at the point.
    """
    reach = max(2, round(RIM_AVERAGE_MM * px_per_mm))
    offsets = np.arange(max(0, extreme - reach), min(len(run), extreme + reach + 1))
    normals = outline.normals[run[offsets]]
    across = np.array([-direction[1], direction[0]])
    angles = np.arctan2(normals @ across, normals @ direction)
    angles = np.unwrap(angles)
    fitted = np.polyfit(offsets - extreme, angles, 1)[1] if len(offsets) >= 3 else angles.mean()
    return float(np.degrees(abs(fitted)))


def _local_reach(outline: Outline, index: int, direction: np.ndarray, px_per_mm: float) -> float:
    """How far along `direction` the outline reaches within LOCAL_REACH_MM of point `index`; infinite where
    the furthest such point is on the sheet's edge (the silhouette may go on beyond it)."""
    near = np.linalg.norm(outline.points - outline.points[index], axis=1) <= LOCAL_REACH_MM * px_per_mm
    along = np.where(near, outline.points @ direction, -np.inf)
    best = int(np.argmax(along))
    return float("inf") if outline.on_edge[best] else float(along[best])


def heel_end_sign(outline: Outline, mask: np.ndarray, axis: np.ndarray, ends: tuple[End, End]) -> float:
    """+1 if the heel is at the `axis` end, -1 if at the other.

    The leg rises above the heel's end: where the silhouette crosses the sheet's edge (seen at an angle, the
    leg's shadow nearly always does), the heel is the end nearer along the foot to where it crosses; where it
    does not, the end where the silhouette is broader (its area from END_SLAB_RATIO of the length inside
    each end outwards).
    """
    front, back = ends
    crossing = outline.points[outline.on_edge] @ axis
    if len(crossing):
        where = float(np.median(crossing))
        return 1.0 if abs(front.position - where) < abs(-back.position - where) else -1.0
    ys, xs = np.nonzero(mask)
    along = np.column_stack([xs, ys]).astype(np.float64) @ axis
    slab = END_SLAB_RATIO * (front.position + back.position)
    front_area = np.count_nonzero(along >= front.position - slab)
    back_area = np.count_nonzero(along <= -back.position + slab)
    return 1.0 if front_area > back_area else -1.0


def measure_floor_outline(
    mask: np.ndarray, px_per_mm: float, outline: Outline, run: np.ndarray
) -> FloorOutline:
    """Length and width from the floor-level run (see the module's docstring), or `ScanRejected`:
    FOOT_OFF_SHEET (the footprint's outline runs into the sheet's edge at the toes or a side), HEEL_HIDDEN
    (the heel not seen: under the shin, or past the edge) or TOES_HIDDEN."""
    axis = foot_axis(outline, run, mask)
    # The ends' radii scale with the foot: a first guess of its length is the run's extent along it, with
    # the ends' corrections for a typical foot added.
    typical = EndModel(0.5 * (HEEL_RADIUS_RATIO + TOE_RADIUS_RATIO) * TYPICAL_LENGTH_MM * px_per_mm, 0.0)
    provisional = (
        run_end(outline, run, axis, typical, px_per_mm),
        run_end(outline, run, -axis, typical, px_per_mm),
    )
    toe_direction = -heel_end_sign(outline, mask, axis, provisional) * axis
    length_guess = max(
        float(np.ptp(outline.points[run] @ axis)) + 2 * typical.radius_px * (1 - np.cos(np.radians(45.0))),
        MIN_LENGTH_GUESS_MM * px_per_mm,
    )
    toe_model = EndModel(
        TOE_RADIUS_RATIO * length_guess, TOE_RADIUS_RELATIVE_SD, TOE_SHADOW_HEIGHT_MM, TOE_SHADOW_HEIGHT_SD_MM
    )
    toe = run_end(outline, run, toe_direction, toe_model, px_per_mm)
    heel_model = EndModel(HEEL_RADIUS_RATIO * length_guess, HEEL_RADIUS_RELATIVE_SD)
    heel = run_end(outline, run, -toe_direction, heel_model, px_per_mm)
    heel_at_edge = False
    for touching, run_index in zip(run_touches_edge(outline, run, px_per_mm), (0, len(run) - 1), strict=True):
        if not touching:
            continue
        where = _touch_location(outline, run, run_index, toe_direction, px_per_mm)
        if where == "heel" and heel.seen:
            heel_at_edge = True
        elif where == "heel":
            raise ScanRejected(
                "HEEL_HIDDEN",
                "the heel cannot be seen on the sheet (under the shin or past its edge)",
                RETAKE_HEEL,
            )
        else:
            raise ScanRejected(
                "FOOT_OFF_SHEET", f"the foot's {where} runs past the sheet's edge", RETAKE_FOOT
            )
    if not toe.seen:
        raise ScanRejected("TOES_HIDDEN", "the leg hides the toes", RETAKE_TOES)
    if not heel.seen:
        raise ScanRejected("HEEL_HIDDEN", "the shin hides the heel", RETAKE_HEEL)
    heel_point = outline.points[run[heel.extreme]]
    heel_lower = float(heel_point @ -toe_direction)
    to_edge = _to_edge_along(heel_point, -toe_direction, mask.shape)
    # The heel reaching the sheet's edge (its estimate within a touch of it) stands at the edge: as against a
    # wall, the edge is where it ends.
    if heel_at_edge or heel.position >= heel_lower + to_edge - EDGE_TOUCH_MM * px_per_mm:
        heel_at_edge = True
        heel_position = heel_lower + to_edge
        heel_sigma = HEEL_AT_EDGE_SIGMA_MM
    else:
        heel_position, heel_sigma = heel.position, heel.sigma_mm
    length_px = toe.position + heel_position
    _reject_two_feet(mask, toe_direction, toe.position, length_px, px_per_mm)
    width_mm, width_sigma, width_measured = _forefoot_width(
        outline, run, toe_direction, toe.position, length_px, px_per_mm
    )
    return FloorOutline(
        length_mm=length_px / px_per_mm,
        width_mm=width_mm,
        length_sigma_mm=float(np.hypot(toe.sigma_mm, heel_sigma)),
        width_sigma_mm=width_sigma,
        width_measured=width_measured,
        heel_at_edge=heel_at_edge,
    )


def _reject_two_feet(
    mask: np.ndarray, toe_direction: np.ndarray, toe_position: float, length_px: float, px_per_mm: float
) -> None:
    """MULTIPLE_FEET if the silhouette near the toes is broader than one foot can be.

    Toes are low, so their shadow barely slides: within TOE_SLAB_MM of the toe tip the silhouette is about
    as broad as the footprint there, or as two footprints side by side.
    """
    ys, xs = np.nonzero(mask)
    points = np.column_stack([xs, ys]).astype(np.float64)
    near_toes = points[points @ toe_direction >= toe_position - TOE_SLAB_MM * px_per_mm]
    if len(near_toes) == 0:
        return
    breadth = float(np.ptp(near_toes @ np.array([-toe_direction[1], toe_direction[0]])))
    if breadth > MAX_SINGLE_FOOT_WIDTH_RATIO * length_px:
        raise ScanRejected(
            "MULTIPLE_FEET", "the shape on the sheet looks like two feet side by side", RETAKE_ONE_FOOT
        )


def _touch_location(
    outline: Outline, run: np.ndarray, run_index: int, toe_direction: np.ndarray, px_per_mm: float
) -> str:
    """Where a run meets the sheet's edge: at the "heel" end, the "toes" end, or a "side"."""
    along = outline.points[run] @ toe_direction
    point = float(along[run_index])
    zone = END_ZONE_MM * px_per_mm
    if point >= along.max() - zone:
        return "toes"
    if point <= along.min() + zone:
        return "heel"
    return "side"


def _to_edge_along(point: np.ndarray, direction: np.ndarray, shape: tuple[int, ...]) -> float:
    """How far (pixels) a ray from `point` along `direction` runs before it leaves the rectified sheet."""
    height, width = shape[:2]
    distances = []
    for coordinate, step, size in ((point[0], direction[0], width - 1), (point[1], direction[1], height - 1)):
        if step > 1e-9:
            distances.append((size - coordinate) / step)
        elif step < -1e-9:
            distances.append(-coordinate / step)
    return float(max(0.0, min(distances)))


def _forefoot_width(
    outline: Outline,
    run: np.ndarray,
    toe_direction: np.ndarray,
    toe_position: float,
    length_px: float,
    px_per_mm: float,
) -> tuple[float, float, bool]:
    """The forefoot's breadth (mm) and its extra sigma, if the run reaches both of its sides nearly square."""
    forefoot = run[outline.points[run] @ toe_direction >= toe_position - FOREFOOT_MM * px_per_mm]
    if len(forefoot) < 10:
        return 0.0, 0.0, False
    across = np.array([-toe_direction[1], toe_direction[0]])
    sides = [
        run_end(outline, forefoot, sign * across, EndModel(SIDE_RADIUS_MM * px_per_mm, 0.5), px_per_mm)
        for sign in (1.0, -1.0)
    ]
    if any(side.rim_angle_deg > MAX_SIDE_RIM_ANGLE_DEG for side in sides):
        return 0.0, 0.0, False
    breadth = (sides[0].position + sides[1].position + 1.0) / px_per_mm
    return float(breadth), float(np.hypot(sides[0].sigma_mm, sides[1].sigma_mm)), True


def principal_axis(mask: np.ndarray) -> np.ndarray:
    moments = cv2.moments(mask, binaryImage=True)
    angle = 0.5 * np.arctan2(2 * moments["mu11"], moments["mu20"] - moments["mu02"])
    return np.array([np.cos(angle), np.sin(angle)])


def contour_normals(points: np.ndarray, reach_px: float) -> np.ndarray:
    """Unit outward normals along a closed outline, square to the chord between the points `reach_px`
    before and after each (on an arc, the normal at its middle): smoother than one pixel's, and unlike a
    blurred mask's gradient, unmoved by parts of the silhouette that are near but not on the outline."""
    step = max(1, round(reach_px))
    chords = np.roll(points, -step, axis=0) - np.roll(points, step, axis=0)
    normals = np.column_stack([-chords[:, 1], chords[:, 0]])
    # Which side is outward follows from the outline's orientation (its signed area), not assumed.
    area = float(np.sum(points[:, 0] * np.roll(points[:, 1], -1) - np.roll(points[:, 0], -1) * points[:, 1]))
    if area > 0:
        normals = -normals
    return normals / np.maximum(np.linalg.norm(normals, axis=1, keepdims=True), 1e-9)
