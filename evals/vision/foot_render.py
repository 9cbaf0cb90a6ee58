"""Render synthetic "foot on a sheet of paper" phone photos whose true foot length and width are known.

A foot-shaped silhouette is drawn on a metric plane (the sheet, in millimetres), the plane is projected
through a pinhole camera tilted and rolled above it, and the result is composited over a textured floor,
then lit unevenly, blurred, noised and JPEG-encoded like a phone photo. The silhouette is rotated so its
principal axis (from exact polygon moments) is the x axis before it is scaled, so "length" (extent along
the foot's axis) and "width" (extent across it) are exact by construction.

Used by the tests in tests/tools/vision and by evals/vision/foot.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import cv2
import numpy as np

from tools.vision.sheet import PHONE_FOCAL_PER_DIAGONAL

PLANE_PX_PER_MM = 3.0
PLANE_MARGIN_MM = 40.0
_SUBPIXEL_SHIFT = 4
_SUPERSAMPLE = 4


class Floor(StrEnum):
    WOOD = "wood"
    TILE = "tile"
    CARPET = "carpet"
    CONCRETE = "concrete"


SHEETS_MM = {"A4": (210.0, 297.0), "Letter": (215.9, 279.4)}

SKIN_TONES_BGR = {
    "light": (150, 175, 220),
    "medium": (105, 140, 190),
    "brown": (70, 100, 150),
    "dark": (45, 65, 100),
}


@dataclass(frozen=True)
class PhotoSpec:
    """Everything that decides one rendered photo."""

    foot_length_mm: float = 250.0
    foot_width_mm: float = 95.0
    sheet: str | None = "A4"
    floor: Floor = Floor.WOOD
    skin: str = "medium"
    image_size: tuple[int, int] = (1920, 1080)
    sheet_fill: float = 0.75
    roll_deg: float = 0.0
    tilt_x_deg: float = 0.0
    tilt_y_deg: float = 0.0
    foot_angle_deg: float = 0.0
    foot_offset_mm: tuple[float, float] = (0.0, 0.0)
    sheet_shift: tuple[float, float] = (0.0, 0.0)
    second_foot: bool = False
    # A shin seen at an angle, as the sheet's plane sees it: a band of skin from the ankle (a quarter of
    # the foot from the heel) running this way (degrees in the sheet's plane, 0 = towards the sheet's right
    # side, 90 = towards its bottom), past the sheet's edge. None: no leg in view.
    leg_direction_deg: float | None = None
    leg_width_mm: float = 75.0
    blur_sigma_px: float = 0.0
    noise_sigma: float = 2.0
    brightness: float = 1.0
    jpeg_quality: int = 90
    shadow: bool = True
    seed: int = 0


@dataclass(frozen=True)
class RenderedPhoto:
    jpeg: bytes
    spec: PhotoSpec
    sheet_corners_px: np.ndarray

    @property
    def image(self) -> np.ndarray:
        return cv2.imdecode(np.frombuffer(self.jpeg, np.uint8), cv2.IMREAD_COLOR)


def foot_outline_mm(length_mm: float, width_mm: float) -> np.ndarray:
    """A right-foot silhouette, heel at x=0 and toes towards +x, of exactly the given extents."""
    u = np.linspace(0.0, 1.0, 160)
    lateral = 0.30 + 0.20 * np.sin(np.pi * np.clip(u / 0.72, 0, 1) * 0.5) ** 1.2
    medial = 0.28 + 0.22 * np.sin(np.pi * np.clip(u / 0.70, 0, 1) * 0.5) ** 1.6
    arch = 0.06 * np.exp(-(((u - 0.45) / 0.12) ** 2))
    medial = medial - arch
    toe_lat = np.clip((u - 0.72) / 0.28, 0, 1)
    toe_med = np.clip((u - 0.80) / 0.20, 0, 1)
    lateral = lateral * np.sqrt(np.clip(1 - toe_lat**2.2, 0, 1))
    medial = medial * np.sqrt(np.clip(1 - toe_med**2.5, 0, 1))
    heel = np.clip(u / 0.12, 0, 1)
    lateral *= np.sqrt(1 - (1 - heel) ** 2)
    medial *= np.sqrt(1 - (1 - heel) ** 2)
    upper = np.column_stack([u, medial])
    lower = np.column_stack([u[::-1], -lateral[::-1]])
    outline = np.vstack([upper, lower]).astype(np.float64)
    outline = _align_principal_axis(outline)
    span = outline.max(axis=0) - outline.min(axis=0)
    outline = (outline - outline.min(axis=0)) / span * np.array([length_mm, width_mm])
    return outline - np.array([length_mm / 2, width_mm / 2])


def _align_principal_axis(outline: np.ndarray) -> np.ndarray:
    """Rotate a closed polygon so the principal axis of its area is the x axis (exact polygon moments)."""
    scaled = (outline * 1000.0).astype(np.float32)
    moments = cv2.moments(scaled)
    centre = np.array([moments["m10"], moments["m01"]]) / moments["m00"] / 1000.0
    angle = 0.5 * np.arctan2(2 * moments["mu11"], moments["mu20"] - moments["mu02"])
    rotation = np.array([[np.cos(-angle), -np.sin(-angle)], [np.sin(-angle), np.cos(-angle)]])
    return (outline - centre) @ rotation.T


def _smooth_field(size: tuple[int, int], sigma_px: float, rng: np.random.Generator) -> np.ndarray:
    """Smooth random values in [-1, 1] varying over about `sigma_px` pixels (drawn small, then enlarged)."""
    factor = max(1, int(sigma_px // 3))
    small_size = (max(2, size[0] // factor), max(2, size[1] // factor))
    noise = rng.normal(0, 1, (small_size[1], small_size[0])).astype(np.float32)
    field = cv2.GaussianBlur(noise, (0, 0), sigma_px / factor)
    field = cv2.resize(field, size, interpolation=cv2.INTER_CUBIC)
    return field / (np.abs(field).max() + 1e-6)


def _fill_polygon(canvas: np.ndarray, points_px: np.ndarray, colour: tuple[int, ...] | int) -> None:
    fixed = np.round(points_px * (1 << _SUBPIXEL_SHIFT)).astype(np.int32)
    cv2.fillPoly(canvas, [fixed], colour, lineType=cv2.LINE_AA, shift=_SUBPIXEL_SHIFT)


def _coverage(size: tuple[int, int], polygons_px: list[np.ndarray]) -> np.ndarray:
    """Exact-area coverage (0-1) of polygons: filled without anti-aliasing at 4x, then area-averaged.

    Anti-aliased fills grow a shape by about half a pixel; this stays within 1/32 of a pixel.
    """
    canvas = np.zeros((size[1] * _SUPERSAMPLE, size[0] * _SUPERSAMPLE), np.uint8)
    for points in polygons_px:
        # Pixel centres at integers: a point x maps to (x + 0.5) * factor - 0.5 on the finer grid.
        fine = (points + 0.5) * _SUPERSAMPLE - 0.5
        fixed = np.round(fine * (1 << _SUBPIXEL_SHIFT)).astype(np.int32)
        cv2.fillPoly(canvas, [fixed], 255, lineType=cv2.LINE_8, shift=_SUBPIXEL_SHIFT)
    return cv2.resize(canvas, size, interpolation=cv2.INTER_AREA).astype(np.float32) / 255


def _floor_texture(kind: Floor, size: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """A floor drawn at half resolution (floors carry no measured detail) and enlarged."""
    half = _floor_texture_at((size[0] // 2, size[1] // 2), kind, rng)
    return cv2.resize(half, size, interpolation=cv2.INTER_LINEAR)


def _floor_texture_at(size: tuple[int, int], kind: Floor, rng: np.random.Generator) -> np.ndarray:
    width, height = size
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    if kind is Floor.WOOD:
        plank = (ys // 70).astype(np.int32)
        grain = np.sin(xs / 4.5 + 3 * np.sin(ys / 22.0) + plank * 1.7) * 18
        base = np.stack([40 + grain * 0.4, 80 + grain * 0.7, 130 + grain], axis=-1)
        base[(ys % 70) < 2] *= 0.5
    elif kind is Floor.TILE:
        base = np.full((height, width, 3), (150, 155, 160), np.float32)
        grout = ((xs % 150) < 3) | ((ys % 150) < 3)
        base[grout] = (95, 100, 105)
    elif kind is Floor.CARPET:
        base = np.full((height, width, 3), (70, 50, 110), np.float32)
        base += 18 * rng.standard_normal((height, width, 1), dtype=np.float32)
    else:
        blotches = _smooth_field((width, height), 25.0, rng)
        base = np.stack([120 + 25 * blotches] * 3, axis=-1)
    return np.clip(base, 0, 255).astype(np.float32)


def _plane_image(spec: PhotoSpec, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """The plane around the sheet at PLANE_PX_PER_MM: premultiplied colour of paper and feet, and coverage.

    Plane pixel (x, y) is at millimetre (x, y) / PLANE_PX_PER_MM - PLANE_MARGIN_MM from the sheet's corner,
    so a foot may run off the sheet onto the floor.
    """
    sheet_w, sheet_h = SHEETS_MM[spec.sheet or "A4"]
    size = (
        round((sheet_w + 2 * PLANE_MARGIN_MM) * PLANE_PX_PER_MM),
        round((sheet_h + 2 * PLANE_MARGIN_MM) * PLANE_PX_PER_MM),
    )
    paper = np.full((size[1], size[0], 3), (238, 242, 244), np.float32)
    feet = [(outline + PLANE_MARGIN_MM) * PLANE_PX_PER_MM for outline in _feet_polygons_mm(spec)]
    if spec.shadow:
        shadow = np.zeros((size[1], size[0]), np.uint8)
        for outline in feet:
            _fill_polygon(shadow, outline + np.array([3.0, 4.0]) * PLANE_PX_PER_MM, 255)
        small = cv2.resize(shadow, (size[0] // 8, size[1] // 8), interpolation=cv2.INTER_AREA)
        soft = cv2.GaussianBlur(small.astype(np.float32) / 255, (0, 0), 5 * PLANE_PX_PER_MM / 8)
        paper *= (1 - 0.12 * cv2.resize(soft, size, interpolation=cv2.INTER_LINEAR))[..., None]
    sheet = (
        _rectangle_coverage(size, PLANE_MARGIN_MM, sheet_w, sheet_h)
        if spec.sheet
        else np.zeros(size[::-1], np.float32)
    )
    foot = _coverage(size, feet)
    shading = 1 + 0.08 * _smooth_field(size, 12.0, rng)
    skin_rgb = np.array(SKIN_TONES_BGR[spec.skin], np.float32) * shading[..., None]
    premultiplied = paper * (sheet * (1 - foot))[..., None] + skin_rgb * foot[..., None]
    return premultiplied, sheet + foot * (1 - sheet)


def _rectangle_coverage(
    size: tuple[int, int], margin_mm: float, width_mm: float, height_mm: float
) -> np.ndarray:
    """Exact pixel coverage of the axis-aligned sheet (pixel i spans i - 0.5 .. i + 0.5)."""

    def span(count: int, start_mm: float, length_mm: float) -> np.ndarray:
        low, high = start_mm * PLANE_PX_PER_MM, (start_mm + length_mm) * PLANE_PX_PER_MM
        centres = np.arange(count, dtype=np.float32)
        return np.clip(np.minimum(centres + 0.5, high) - np.maximum(centres - 0.5, low), 0, 1)

    return np.outer(span(size[1], margin_mm, height_mm), span(size[0], margin_mm, width_mm)).astype(
        np.float32
    )


def _feet_polygons_mm(spec: PhotoSpec) -> list[np.ndarray]:
    """Foot (and leg) outlines in millimetres from the sheet's top-left corner."""
    sheet_w, sheet_h = SHEETS_MM[spec.sheet or "A4"]
    outline = foot_outline_mm(spec.foot_length_mm, spec.foot_width_mm)
    # Along the sheet's long (y) axis, toes towards +y.
    angle = np.radians(90 + spec.foot_angle_deg)
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    centre = np.array([sheet_w / 2 + spec.foot_offset_mm[0], sheet_h / 2 + spec.foot_offset_mm[1]])
    if not spec.second_foot:
        polygons = [outline @ rotation.T + centre]
        if spec.leg_direction_deg is not None:
            ankle = np.array([-0.25 * spec.foot_length_mm, 0.0]) @ rotation.T + centre
            polygons.append(_leg_band_mm(ankle, spec.leg_direction_deg, spec.leg_width_mm))
        return polygons
    mirrored = outline * np.array([1.0, -1.0])
    half = spec.foot_width_mm * 0.55
    return [
        outline @ rotation.T + centre + np.array([half, 0.0]),
        mirrored @ rotation.T + centre - np.array([half, 0.0]),
    ]


def _leg_band_mm(ankle: np.ndarray, direction_deg: float, width_mm: float) -> np.ndarray:
    """A band `width_mm` wide from the ankle (a round end) running 600 mm in the given direction."""
    direction = np.array([np.cos(np.radians(direction_deg)), np.sin(np.radians(direction_deg))])
    normal = np.array([-direction[1], direction[0]])
    turn = np.linspace(0.0, np.pi, 24)
    end = ankle + 0.5 * width_mm * (np.cos(turn)[:, None] * normal - np.sin(turn)[:, None] * direction)
    far = ankle + 600.0 * direction
    return np.vstack([end, far - 0.5 * width_mm * normal, far + 0.5 * width_mm * normal])


def _camera_homography(spec: PhotoSpec) -> np.ndarray:
    """Plane pixels -> photo pixels for a pinhole camera looking down at the sheet."""
    width, height = spec.image_size
    sheet_w, sheet_h = SHEETS_MM[spec.sheet or "A4"]
    focal = PHONE_FOCAL_PER_DIAGONAL * float(np.hypot(width, height))
    to_mm = np.array(
        [
            [1 / PLANE_PX_PER_MM, 0, -PLANE_MARGIN_MM - sheet_w / 2],
            [0, 1 / PLANE_PX_PER_MM, -PLANE_MARGIN_MM - sheet_h / 2],
            [0, 0, 1],
        ]
    )
    rx, ry, rz = np.radians([spec.tilt_x_deg, spec.tilt_y_deg, spec.roll_deg])
    rot_x = np.array([[1, 0, 0], [0, np.cos(rx), -np.sin(rx)], [0, np.sin(rx), np.cos(rx)]])
    rot_y = np.array([[np.cos(ry), 0, np.sin(ry)], [0, 1, 0], [-np.sin(ry), 0, np.cos(ry)]])
    rot_z = np.array([[np.cos(rz), -np.sin(rz), 0], [np.sin(rz), np.cos(rz), 0], [0, 0, 1]])
    rotation = rot_z @ rot_x @ rot_y
    distance = focal * sheet_h / (spec.sheet_fill * min(width, height))
    shift_x, shift_y = spec.sheet_shift
    camera = np.array([[focal, 0, width * (0.5 + shift_x)], [0, focal, height * (0.5 + shift_y)], [0, 0, 1]])
    extrinsic = np.column_stack([rotation[:, 0], rotation[:, 1], np.array([0.0, 0.0, distance])])
    return camera @ extrinsic @ to_mm


def render_foot_photo(spec: PhotoSpec) -> RenderedPhoto:
    """Render `spec` as JPEG bytes, with the true sheet corners in photo pixels (tl, tr, br, bl)."""
    rng = np.random.default_rng(spec.seed)
    width, height = spec.image_size
    plane, coverage = _plane_image(spec, rng)
    coverage = np.ascontiguousarray(coverage)
    homography = _camera_homography(spec)
    plane_px_per_photo_px = PLANE_PX_PER_MM / _photo_px_per_mm(homography, plane.shape)
    if plane_px_per_photo_px > 1.2:
        plane = cv2.GaussianBlur(plane, (0, 0), 0.5 * plane_px_per_photo_px)
        coverage = cv2.GaussianBlur(coverage, (0, 0), 0.5 * plane_px_per_photo_px)
    warped = cv2.warpPerspective(plane, homography, (width, height), flags=cv2.INTER_LINEAR)
    alpha = cv2.warpPerspective(coverage, homography, (width, height), flags=cv2.INTER_LINEAR)[..., None]
    photo = _floor_texture(spec.floor, spec.image_size, rng) * (1 - alpha) + warped
    across = np.linspace(1.0, 0.82, width, dtype=np.float32)[None, :]
    down = np.linspace(0.0, 0.06, height, dtype=np.float32)[:, None]
    photo *= (spec.brightness * (across + down))[..., None]
    if spec.blur_sigma_px > 0:
        photo = cv2.GaussianBlur(photo, (0, 0), spec.blur_sigma_px)
    photo += spec.noise_sigma * rng.standard_normal(photo.shape, dtype=np.float32)
    ok, encoded = cv2.imencode(
        ".jpg", np.clip(photo, 0, 255).astype(np.uint8), [cv2.IMWRITE_JPEG_QUALITY, spec.jpeg_quality]
    )
    if not ok:
        raise RuntimeError("JPEG encoding failed")
    sheet_w, sheet_h = SHEETS_MM[spec.sheet or "A4"]
    corners_mm = (
        np.array([[0, 0], [sheet_w, 0], [sheet_w, sheet_h], [0, sheet_h]], np.float64) + PLANE_MARGIN_MM
    )
    projected = cv2.perspectiveTransform((corners_mm * PLANE_PX_PER_MM)[None], homography)[0]
    return RenderedPhoto(jpeg=encoded.tobytes(), spec=spec, sheet_corners_px=projected)


def _photo_px_per_mm(homography: np.ndarray, plane_shape: tuple[int, ...]) -> float:
    """Photo pixels per millimetre at the sheet centre (so the plane can be low-passed before warping)."""
    step = 10.0
    centre = np.array(
        [[[plane_shape[1] / 2, plane_shape[0] / 2], [plane_shape[1] / 2 + step, plane_shape[0] / 2]]]
    )
    a, b = cv2.perspectiveTransform(centre, homography)[0]
    return float(np.linalg.norm(b - a)) / step * PLANE_PX_PER_MM
