"""A foot seen from in front of its toes, the heel behind the shin: its length estimated from its breadth.

From the front, the toes and both sides of the forefoot are in view and lie near the floor, so the
silhouette's breadth across the forefoot is the foot's breadth, but the heel is behind the leg and no
geometry finds it. Foot breadth is a steady share of foot length (ANSUR II: footbreadthhorizontal /
footlength 0.376, sd 0.017-0.018 in men and women alike: under 5 % of the length; foot_floor's
BREADTH_RATIO_*), so the length is estimated as the breadth over that share, with that spread (about 12 mm
for an adult) as its uncertainty on top of the breadth's own. The estimate is honest rather than precise:
it is flagged (`length_from_breadth`), and the confidence filter downstream keeps only the sizes it can
still vouch for; the shopper is told that a photo from the side measures the length itself.

It is made only for a front view, where what it reads is in view:
- the camera is in front of the foot: its nadir, seen from the middle of the foot, lies within
  FRONT_MAX_ANGLE_DEG of the toes' direction (from the side, the heel is in view unless something else
  hides it, and the refusal stands);
- the toe end is the silhouette's end away from where it crosses the sheet's edge (the leg's band runs
  from the ankle away from the camera, past the edge);
- the toe tip and the forefoot's sides lie inside the sheet, not on its edge;
- the breadth is one foot's (MAX_BREADTH_MM).
Where all that holds, the photo is a front view; if even a foot one sigma shorter than the estimate would
have its heel past the sheet's edge, the foot probably does not fit on the sheet, and it is refused as
HEEL_HIDDEN with the advice that measures it (a photo from the side, or the heel against a wall).

The far side of the forefoot is the top of its side wall, slid outward from the camera's nadir by its height
(foot_floor's docstring); that slide (SIDE_HEIGHT_MM) is taken off each side that faces away from the nadir.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tools.vision.errors import ScanRejected
from tools.vision.foot_floor import (
    BREADTH_RATIO_MEAN,
    BREADTH_RATIO_SD,
    EDGE_TOUCH_MM,
    RETAKE_HEEL,
    principal_axis,
)

# The forefoot's widest point (the metatarsal heads) lies 60-110 mm behind the tip of an adult foot (a quarter
# to two fifths of its length); the breadth is searched over slices from the toes back to FOREFOOT_SHARE of
# the estimated length, and the slab is refined once with the first estimate.
FOREFOOT_SHARE = 0.45
FIRST_GUESS_MM = 255.0  # ANSUR II foot length, pooled
SLICE_MM = 2.0
# The slices' breadth near their maximum: the median of the broadest few (a single slice is noisy).
TOP_SLICES = 3
# Height of the point of the forefoot's side wall that forms the silhouette's far side, with its sd.
SIDE_HEIGHT_MM = 15.0
SIDE_HEIGHT_SD_MM = 8.0
EDGE_SIGMA_MM = 0.7  # where a side's edge sits in the mask (segmentation, resampling), per side
MIN_BREADTH_MM = 45.0  # a small child's foot
# Broader than any adult foot in ANSUR II (max 122 mm): two feet, or a foot and its shadow.
MAX_BREADTH_MM = 130.0
FRONT_MAX_ANGLE_DEG = 45.0  # more in front of the foot than beside it
# The breadth: the narrowest across directions within TURN_DEG of the silhouette's axis.
TURN_DEG = 20.0
TURN_STEP_DEG = 2.5
HEEL_SLACK_SIGMAS = 1.0  # the heel of a foot this many sigmas shorter than the estimate must fit on the sheet
# The axis of the foot: the principal axis of the silhouette within this distance of the toe tip (the foot
# with the lower shin), found twice (the tip depends on the axis).
AXIS_REACH_MM = 160.0


@dataclass(frozen=True)
class FrontEstimate:
    """Length and breadth (mm) with their sigmas (mm), from a front view."""

    length_mm: float
    width_mm: float
    length_sigma_mm: float
    width_sigma_mm: float


def estimate_from_front(
    mask: np.ndarray, px_per_mm: float, nadir: np.ndarray, camera_height_px: float
) -> FrontEstimate | None:
    """The foot's length from its forefoot's breadth (see the module's docstring), or None where the photo
    is not a front view that shows what the estimate needs. Raises `ScanRejected` HEEL_HIDDEN for a front
    view whose estimated foot would not fit on the sheet."""
    ys, xs = np.nonzero(mask)
    if len(xs) == 0:
        return None
    points = np.column_stack([xs, ys]).astype(np.float64)
    height, width = mask.shape
    touch = EDGE_TOUCH_MM * px_per_mm
    on_edge = (xs < touch) | (ys < touch) | (xs >= width - touch) | (ys >= height - touch)
    if not on_edge.any():
        return None  # no leg runs off the sheet: not a front view with the shin over the heel
    toe_direction = _toe_direction(points, on_edge, mask, px_per_mm)
    if toe_direction is None:
        return None
    along = points @ toe_direction
    tip = float(along.max())
    if on_edge[along >= tip - touch].any():
        return None  # the toes reach the sheet's edge
    breadth_mm, breadth_sigma_mm = 0.0, 0.0
    length_guess = FIRST_GUESS_MM
    for _ in range(2):
        found = _narrowest_forefoot(
            points, on_edge, toe_direction, FOREFOOT_SHARE * length_guess, px_per_mm, nadir, camera_height_px
        )
        if found is None:
            return None
        breadth_mm, breadth_sigma_mm = found
        length_guess = breadth_mm / BREADTH_RATIO_MEAN
    if not MIN_BREADTH_MM <= breadth_mm <= MAX_BREADTH_MM:
        return None
    length_mm = breadth_mm / BREADTH_RATIO_MEAN
    middle = points[int(np.argmax(along))] - 0.5 * length_mm * px_per_mm * toe_direction
    to_nadir = nadir - middle
    distance = float(np.linalg.norm(to_nadir))
    if distance < 1.0 or float(to_nadir @ toe_direction) / distance < np.cos(np.radians(FRONT_MAX_ANGLE_DEG)):
        return None
    length_sigma = float(
        np.hypot(BREADTH_RATIO_SD / BREADTH_RATIO_MEAN * length_mm, breadth_sigma_mm / BREADTH_RATIO_MEAN)
    )
    # The heel of a foot HEEL_SLACK_SIGMAS shorter than the estimate must lie on the sheet: else the foot is
    # probably too long for it, and its heel may be past the edge.
    shortest = length_mm - HEEL_SLACK_SIGMAS * length_sigma
    heel = points[int(np.argmax(along))] - shortest * px_per_mm * toe_direction
    if not (touch <= heel[0] < width - touch and touch <= heel[1] < height - touch):
        raise ScanRejected(
            "HEEL_HIDDEN",
            "the shin hides the heel, and a foot as broad as this one may not fit on the sheet",
            RETAKE_HEEL,
        )
    return FrontEstimate(length_mm, breadth_mm, length_sigma, breadth_sigma_mm)


def _toe_direction(
    points: np.ndarray, on_edge: np.ndarray, mask: np.ndarray, px_per_mm: float
) -> np.ndarray | None:
    """Unit vector from the heel's end to the toes: along the foot, away from where the silhouette leaves the
    sheet (the leg). None when the crossing is not at one end."""
    axis = principal_axis(mask)
    along = points @ axis
    crossing = float(np.median(along[on_edge]))
    low, high = float(along.min()), float(along.max())
    if abs(high - crossing) < abs(crossing - low):
        axis = -axis  # the leg leaves at the `axis` end: the toes are at the other
    for _ in range(2):
        along = points @ axis
        near_tip = points[along >= along.max() - AXIS_REACH_MM * px_per_mm]
        if len(near_tip) < 3:
            return None
        spread = np.cov((near_tip - near_tip.mean(axis=0)).T)
        refined = np.linalg.eigh(spread)[1][:, 1]
        axis = refined if refined @ axis > 0 else -refined
    along = points @ axis
    crossing = float(np.median(along[on_edge]))
    # The leg's crossing must lie behind the middle of the silhouette (seen from the toes' end).
    if crossing > 0.5 * (float(along.min()) + float(along.max())):
        return None
    return axis


def _narrowest_forefoot(
    points: np.ndarray,
    on_edge: np.ndarray,
    toe_direction: np.ndarray,
    reach_mm: float,
    px_per_mm: float,
    nadir: np.ndarray,
    camera_height_px: float,
) -> tuple[float, float] | None:
    """The forefoot's breadth and its sigma across the foot's own axis: the silhouette's axis is only near
    the foot's, and slices at a slant are broader than the foot, so the breadth is the least of those across
    directions within TURN_DEG of it (as calipers turned until they close)."""
    best: tuple[float, float] | None = None
    for turn in np.radians(np.arange(-TURN_DEG, TURN_DEG + 1e-6, TURN_STEP_DEG)):
        cos, sin = np.cos(turn), np.sin(turn)
        direction = np.array(
            [cos * toe_direction[0] - sin * toe_direction[1], sin * toe_direction[0] + cos * toe_direction[1]]
        )
        tip = float((points @ direction).max())
        found = _forefoot_breadth(
            points, on_edge, direction, tip, reach_mm, px_per_mm, nadir, camera_height_px
        )
        if found is None:
            return None
        if best is None or found[0] < best[0]:
            best = found
    return best


def _forefoot_breadth(
    points: np.ndarray,
    on_edge: np.ndarray,
    toe_direction: np.ndarray,
    tip: float,
    reach_mm: float,
    px_per_mm: float,
    nadir: np.ndarray,
    camera_height_px: float,
) -> tuple[float, float] | None:
    """The forefoot's breadth (mm) and its sigma: the broadest slices across the foot within `reach_mm` of
    the tip, each side less its outward slide where it faces away from the nadir. None where a slice there
    touches the sheet's edge."""
    across_direction = np.array([-toe_direction[1], toe_direction[0]])
    along = points @ toe_direction
    near = along >= tip - reach_mm * px_per_mm
    if on_edge[near].any():
        return None
    slice_px = SLICE_MM * px_per_mm
    index = np.floor((tip - along[near]) / slice_px).astype(int)
    across = points[near] @ across_direction
    count = int(index.max()) + 1
    low = np.full(count, np.inf)
    high = np.full(count, -np.inf)
    np.minimum.at(low, index, across)
    np.maximum.at(high, index, across)
    filled = np.isfinite(low)
    breadths = np.where(filled, high - low + 1.0, 0.0)
    best = np.argsort(breadths)[-TOP_SLICES:]
    chosen = best[np.argsort(breadths[best])[len(best) // 2]]
    nadir_across = float(nadir @ across_direction)
    slide_share = SIDE_HEIGHT_MM * px_per_mm / max(camera_height_px - SIDE_HEIGHT_MM * px_per_mm, 1.0)
    sd_share = SIDE_HEIGHT_SD_MM * px_per_mm / max(camera_height_px, 1.0)
    breadth = float(breadths[chosen])
    variance = 2 * (EDGE_SIGMA_MM * px_per_mm) ** 2
    for edge, outward in ((float(high[chosen]), 1.0), (float(low[chosen]), -1.0)):
        away = (edge - nadir_across) * outward  # how far this side lies beyond the nadir, outwards
        if away > 0:
            slide = away * slide_share / (1 + slide_share)
            breadth -= slide
            variance += (away * sd_share) ** 2
    return breadth / px_per_mm, float(np.sqrt(variance)) / px_per_mm
