"""Sheet sizes and quadrilateral geometry: lines, corners, their order, aspect with perspective undone.

Which sheet it is comes from its aspect ratio with perspective undone (Zhang & He, "Whiteboard scanning
and image enhancement", 2007), assuming a phone camera's focal length.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

PHONE_FOCAL_PER_DIAGONAL = 26.0 / 43.27  # 26 mm lens over a full-frame sensor's 43.27 mm diagonal


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


def sheet_sizes(setting: str) -> tuple[SheetSize, ...]:
    """The sizes a scan may take the sheet for, from `Settings.scan_sheet` ("A4", "Letter" or "auto")."""
    chosen = tuple(size for size in SHEET_SIZES if size.name == setting)
    return chosen or SHEET_SIZES


def angle_between(theta: float, other: float) -> float:
    """Angle in degrees between two undirected lines given by their normal angles."""
    difference = abs(np.degrees(theta - other)) % 180.0
    return float(min(difference, 180.0 - difference))


def quad_of_lines(lines: list[tuple[float, float]]) -> np.ndarray | None:
    """Corners where consecutive (rho, theta) lines meet, or None if they do not make a convex quad."""
    rho = np.array([line[0] for line in lines])
    theta = np.array([line[1] for line in lines])
    cos, sin = np.cos(theta), np.sin(theta)
    cos_next, sin_next, rho_next = np.roll(cos, -1), np.roll(sin, -1), np.roll(rho, -1)
    determinant = cos * sin_next - sin * cos_next
    if np.abs(determinant).min() < 1e-6:
        return None
    quad = np.column_stack(
        [(rho * sin_next - rho_next * sin) / determinant, (cos * rho_next - cos_next * rho) / determinant]
    )
    return quad if cv2.isContourConvex(quad.astype(np.float32)) else None


def intersect(first: tuple[np.ndarray, np.ndarray], second: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """Where two (point, direction) lines cross; NaN for parallel lines."""
    (p, r), (q, s) = first, second
    cross = r[0] * s[1] - r[1] * s[0]
    if abs(cross) < 1e-9:
        return np.array([np.nan, np.nan])
    t = ((q - p)[0] * s[1] - (q - p)[1] * s[0]) / cross
    return p + t * r


def points_along_sides(quad: np.ndarray, fractions: np.ndarray) -> np.ndarray:
    """Per side (corner i to i + 1), the points at `fractions` of its length: shape (4, len(fractions), 2)."""
    ends = np.roll(quad, -1, axis=0)
    return quad[:, None, :] + fractions[None, :, None] * (ends - quad)[:, None, :]


def outward_normals(quad: np.ndarray) -> np.ndarray:
    """Per side (corner i to i + 1), the unit normal out of the convex quad, whichever way it runs."""
    sides = np.roll(quad, -1, axis=0) - quad
    directions = sides / np.maximum(np.linalg.norm(sides, axis=1, keepdims=True), 1e-9)
    outward = np.column_stack([directions[:, 1], -directions[:, 0]])
    first, second = sides[0], sides[1]
    if first[0] * second[1] - first[1] * second[0] < 0:  # counter-clockwise in image coordinates
        outward = -outward
    return outward


def order_short_side_first(corners: np.ndarray) -> np.ndarray:
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
