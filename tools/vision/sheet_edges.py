"""Trace a found sheet's sides to sub-pixel precision on the full-resolution photo.

Each side is re-located from profiles of the feature the sheet stood out in, taken across the edge, and
a robust line fit through them gives the corners. The profiles also tell how blurred the photo is
(10-90 % edge rise) and how well the edges fit a straight line.
"""

from __future__ import annotations

import cv2
import numpy as np

from tools.vision.errors import ScanRejected
from tools.vision.sheet_features import Feature
from tools.vision.sheet_geometry import intersect

OUTLIER_MIN_PX = 1.5
OUTLIER_MADS = 4.0
EDGE_SAMPLES_PER_SIDE = 48
REFINE_PASSES = 2  # the second pass samples across the edges where the first one found them
EDGE_RISE_TO_SIGMA = 2.563  # 10-90 % rise of a Gaussian-blurred step is 2.563 sigma
RETAKE_SHEET = [
    "Put a plain white A4 sheet on a darker, plain floor.",
    "Hold the phone directly above the sheet so all four corners are in the photo.",
]


def refine_sides(image: np.ndarray, coarse: np.ndarray, feature: Feature) -> tuple[np.ndarray, float, float]:
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
    corners = np.array([intersect(lines[index - 1], lines[index]) for index in range(4)])
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
        raise ScanRejected("NO_SHEET", "the sheet's edges could not be traced", RETAKE_SHEET)
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
