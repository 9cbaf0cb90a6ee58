"""Whether every side of a candidate sheet is seen against the floor, and its aspect is a sheet's.

A leg or trouser laid across a whole side of the sheet, corners included, leaves a paper region that is
a clean quadrilateral: the visible part of the sheet, one side of it the leg's outline. Its scale would
be wrong by the hidden share, so such a quad must not be measured. A real side of the sheet has floor
beyond it somewhere along its length (at least near its corners, where a leg that only crosses the side
leaves it); the outline of a leg has skin or cloth beyond it all along, and a quad cutting across the
sheet has paper beyond it. The floor's colour is the median of a band just outside the quad, most of
which is floor whatever hides one side.

Also here: whether a quad that reaches past the photo's edge has paper there (the sheet is cut off) or
floor (the quad overshoots, and the refusal should not blame the framing).
"""

from __future__ import annotations

import cv2
import numpy as np

from tools.vision.sheet_features import Feature
from tools.vision.sheet_geometry import (
    SHEET_SIZES,
    measured_aspect,
    order_short_side_first,
    outward_normals,
    points_along_sides,
)

INSIDE_PROBE_PX = 4.0  # where the paper's level is read, inside a side
OUTSIDE_PROBE_PX = (4.0, 7.0)  # floor must lie this far beyond a side (both), at detection size
MIN_PAPER_STEP = 6.0  # half the least contrast a candidate has (sheet_scoring.MIN_SHEET_CONTRAST)
FLOOR_COLOUR_DISTANCE = 45.0  # Lab units (8-bit scale); sheet_lines' floor test uses it too
# Share of a side's length with floor beyond it for the side to count as seen. A side hidden all along
# reads 0.00 in the synthetic tests and on the real photo with a heel and leg over the far side (24049);
# sides that the floor frames read 0.09 and up on the real photos: 0.09 where a leg covers all of a side
# but the few samples next to a corner, on green-and-white tiles whose pattern strays from the floor's
# median colour (23999, a correct quad). 0.08 keeps that one. A trouser hem lying along a whole side
# also reads 0.09 (24037: returned, aspect 1.08, likely part of a Letter sheet), so this refuses the
# plain cases only.
MIN_FLOOR_SHARE = 0.08
# Largest |log(aspect / nearest sheet's aspect)| of a returned sheet. The aspect assumes a phone lens
# and the principal point at the photo's centre; cropped and oblique real photos defeat both, and the
# correctly found real sheets (evals/vision/foot.py prints them) reach 0.22: 0.25 keeps them with a
# margin and refuses squares and long strips (aspects under 1.01 or over 1.82). An A4 a fifth hidden
# passes it, so a side hidden all along (`every_side_seen`) is what refuses a partial sheet.
MAX_ASPECT_ERROR = 0.25
MIN_BORDER_PAPER_SHARE = 0.5  # of the photo's border inside a quad that runs off it
_LEVEL_MARGIN_PX = 3  # how far inside and outside the quad its paper and floor levels are read
_SIDE_FRACTIONS = np.linspace(0.05, 0.95, 32)


def floor_shares(lab: np.ndarray, paper_maps: list[np.ndarray], quad: np.ndarray) -> np.ndarray:
    """Per side of the quad (corner i to i + 1), the share of its length with floor just beyond it.

    Floor is floor-coloured (near the median colour beyond all four sides) and, in one of `paper_maps`
    (images in which paper is bright), at least MIN_PAPER_STEP below the paper just inside the quad: on
    a pale floor, paper beyond a side (a quad cutting across the sheet) has the floor's colour nearly.
    `lab` is the photo in Lab (float32), all in the quad's pixels; probes off the photo are not floor.
    """
    along = points_along_sides(quad, _SIDE_FRACTIONS)
    outward = outward_normals(quad)
    height, width = lab.shape[:2]
    offsets = np.array((-INSIDE_PROBE_PX, *OUTSIDE_PROBE_PX))
    probes = np.round(along[None] + offsets[:, None, None, None] * outward[None, :, None, :]).astype(np.int32)
    in_photo = (
        (probes[..., 0] >= 0) & (probes[..., 0] < width) & (probes[..., 1] >= 0) & (probes[..., 1] < height)
    )
    rows, cols = np.clip(probes[..., 1], 0, height - 1), np.clip(probes[..., 0], 0, width - 1)
    outside, outside_in_photo = lab[rows[1:], cols[1:]], in_photo[1:]
    if not outside_in_photo.any() or not in_photo[0].any():
        return np.zeros(len(quad))
    floor = np.median(outside[outside_in_photo], axis=0)
    stepped = np.zeros(outside_in_photo.shape, bool)
    for paper_map in paper_maps:
        values = paper_map[rows, cols].astype(np.float32)
        paper = float(np.median(values[0][in_photo[0]]))
        stepped |= values[1:] <= paper - MIN_PAPER_STEP
    near_floor = (
        (np.linalg.norm(outside - floor, axis=-1) <= FLOOR_COLOUR_DISTANCE) & stepped & outside_in_photo
    )
    return np.logical_and.reduce(near_floor).mean(axis=1)


def every_side_seen(lab: np.ndarray, paper_maps: list[np.ndarray], quad: np.ndarray) -> bool:
    """Whether each side of the quad has floor beyond it along at least MIN_FLOOR_SHARE of its length."""
    return bool(floor_shares(lab, paper_maps, quad).min() >= MIN_FLOOR_SHARE)


def aspect_error(corners: np.ndarray, image_size: tuple[int, int]) -> float:
    """|log(aspect / aspect of the nearest sheet size)| of a quad with perspective undone."""
    return nearest_sheet_error(measured_aspect(order_short_side_first(corners), image_size))


def nearest_sheet_error(aspect: float) -> float:
    """|log(aspect / aspect of the nearest sheet size)|, the aspect taken long side over short."""
    aspect = max(aspect, 1.0 / aspect)
    return float(min(abs(np.log(aspect / sheet.aspect)) for sheet in SHEET_SIZES))


def is_whole_sheet(lab: np.ndarray, paper_maps: list[np.ndarray], quad: np.ndarray) -> bool:
    """Every side seen against the floor, and the aspect an A4's or a Letter's (MAX_ASPECT_ERROR)."""
    height, width = lab.shape[:2]
    return aspect_error(quad, (width, height)) <= MAX_ASPECT_ERROR and every_side_seen(lab, paper_maps, quad)


def paper_runs_off(small_bgr: np.ndarray, feature: Feature, quad: np.ndarray) -> bool:
    """Whether, where a quad reaches the photo's border, the border is paper: the sheet really runs off
    the photo, rather than the quad overshooting onto the floor (a pale floor or a towel taken for
    paper near the edge).

    The quad's paper and floor levels are the medians of `feature` a few pixels inside and outside it;
    border pixels inside the quad count as paper above the level halfway between.
    """
    height, width = small_bgr.shape[:2]
    values = feature(small_bgr.astype(np.float32))
    inside = np.zeros((height, width), np.uint8)
    cv2.fillConvexPoly(inside, np.round(quad).astype(np.int32), 1)
    frame = np.ones((height, width), bool)
    frame[1:-1, 1:-1] = False
    covered = (inside > 0) & frame
    if not covered.any():
        return False
    kernel = np.ones((2 * _LEVEL_MARGIN_PX + 1,) * 2, np.uint8)
    core = (cv2.erode(inside, kernel) > 0) & ~frame
    around = (cv2.dilate(inside, kernel) > inside) & ~frame
    if not core.any() or not around.any():
        return True
    halfway = (float(np.median(values[core])) + float(np.median(values[around]))) / 2
    return bool(np.mean(values[covered] > halfway) >= MIN_BORDER_PAPER_SHARE)


def lab_image(bgr: np.ndarray) -> np.ndarray:
    """The photo in Lab, float32 on the 8-bit scale."""
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2Lab).astype(np.float32)
