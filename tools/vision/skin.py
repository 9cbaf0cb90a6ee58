"""Skin colour from face landmarks: where to sample, white balance, ITA, Monk band, undertone, shine, redness.

Pure NumPy/OpenCV on pixels and landmark coordinates (no model), so every step is testable on its own.
Colours are converted sRGB -> linear RGB -> CIE L*a*b* (D65); white balance is a per-channel gain in
linear RGB, taken from the whites of the eyes when enough sclera is visible, else from the grey-world
assumption over the whole photo.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

import cv2
import numpy as np

# MediaPipe face-mesh indices (478-point mesh with refined iris landmarks).
FOREHEAD = (69, 108, 151, 337, 299, 296, 336, 9, 107, 66)
LEFT_CHEEK = (346, 347, 330, 266, 425, 411, 352)
RIGHT_CHEEK = (117, 118, 101, 36, 205, 187, 123)
LEFT_EYE = (263, 249, 390, 373, 374, 380, 381, 382, 362, 466, 388, 387, 386, 385, 384, 398)
RIGHT_EYE = (33, 7, 163, 144, 145, 153, 154, 155, 133, 246, 161, 160, 159, 158, 157, 173)
LEFT_EYEBROW = (276, 283, 282, 295, 285, 300, 293, 334, 296, 336)
RIGHT_EYEBROW = (46, 53, 52, 65, 55, 70, 63, 105, 66, 107)
LIPS = (61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291, 409, 270, 269, 267, 0, 37, 39, 40, 185)
LEFT_IRIS_CENTRE, LEFT_IRIS = 473, (474, 475, 476, 477)
RIGHT_IRIS_CENTRE, RIGHT_IRIS = 468, (469, 470, 471, 472)
EXCLUDED_FEATURES = (LEFT_EYE, RIGHT_EYE, LEFT_EYEBROW, RIGHT_EYEBROW, LIPS)

# Monk Skin Tone scale swatches (Google, CC-BY 4.0), band 1 (lightest) to 10 (darkest).
MONK_SWATCHES = (
    "f6ede4",
    "f3e7db",
    "f7ead0",
    "eadaba",
    "d7bd96",
    "a07e56",
    "825c43",
    "604134",
    "3a312a",
    "292420",
)

# A healthy sclera is off-white (slightly yellow), so it is corrected to this colour rather than to pure
# white, which would over-cool the skin.
SCLERA_REFERENCE = "e9e1d7"

# Hue angle h = atan2(b*, a*) of skin: lower is pinker (cool), higher is more golden (warm).
COOL_BELOW_HUE_DEG = 52.0
WARM_ABOVE_HUE_DEG = 60.0

# Measurement uncertainty of skin colour after white balance (degrees), from lighting rather than pixel noise.
ITA_SIGMA_DEG = {"sclera": 4.0, "grey_world": 7.0}
HUE_SIGMA_DEG = {"sclera": 3.0, "grey_world": 5.0}
ITA_TOLERANCE_DEG = 5.0

MIN_SCLERA_PIXELS = 20
MAX_SCLERA_TO_SKIN_CHROMA = 0.75  # a real sclera is much paler than skin; blur smears iris and skin into it
FEATURE_MARGIN_FRACTION = 0.06  # of the inter-ocular distance
SPECULAR_MAD_FACTOR = 3.0
SPECULAR_FRACTION_FOR_FULL_SHINE = 0.08
REDNESS_DELTA_A = 5.0


class Undertone(StrEnum):
    COOL = "cool"
    NEUTRAL = "neutral"
    WARM = "warm"


WhiteBalanceMethod = Literal["sclera", "grey_world"]


@dataclass(frozen=True)
class WhiteBalance:
    """Per-channel gains (linear R, G, B) giving the reference its expected colour at its own brightness."""

    gains: np.ndarray
    method: WhiteBalanceMethod


@dataclass(frozen=True)
class SkinSample:
    """BGR uint8 pixels, shape (n, 3), from each sampled region."""

    cheeks: np.ndarray
    forehead: np.ndarray
    sclera: np.ndarray


@dataclass(frozen=True)
class SkinReading:
    lab: tuple[float, float, float]
    ita_deg: float
    ita_sigma_deg: float
    ita_confidence: float
    monk_band: int
    monk_confidence: float
    hue_deg: float
    undertone: Undertone
    undertone_confidence: float
    shine: float
    redness: float
    white_balance: WhiteBalanceMethod
    pixels: int


def srgb_to_linear(srgb: np.ndarray) -> np.ndarray:
    """sRGB values in [0, 1] to linear light (IEC 61966-2-1)."""
    return np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)


_RGB_TO_XYZ = np.array(
    [[0.4124564, 0.3575761, 0.1804375], [0.2126729, 0.7151522, 0.0721750], [0.0193339, 0.1191920, 0.9503041]]
)
_D65_WHITE = np.array([0.95047, 1.0, 1.08883])


def linear_rgb_to_lab(linear_rgb: np.ndarray) -> np.ndarray:
    """Linear RGB rows (n, 3) to CIE L*a*b* rows under D65."""
    xyz = (linear_rgb @ _RGB_TO_XYZ.T) / _D65_WHITE
    epsilon = (6 / 29) ** 3
    f = np.where(xyz > epsilon, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    lightness = 116 * f[:, 1] - 16
    return np.stack([lightness, 500 * (f[:, 0] - f[:, 1]), 200 * (f[:, 1] - f[:, 2])], axis=1)


def bgr_to_linear_rgb(bgr_pixels: np.ndarray) -> np.ndarray:
    """BGR uint8 rows (n, 3) to linear RGB rows in [0, 1]."""
    return srgb_to_linear(bgr_pixels[:, ::-1].astype(np.float64) / 255.0)


def hex_to_linear_rgb(hex_colour: str) -> np.ndarray:
    rgb = np.array([int(hex_colour[i : i + 2], 16) for i in (0, 2, 4)], dtype=np.float64) / 255.0
    return srgb_to_linear(rgb)


def hex_to_lab(hex_colour: str) -> np.ndarray:
    return linear_rgb_to_lab(hex_to_linear_rgb(hex_colour)[None, :])[0]


def ita_degrees(lightness: float, b_star: float) -> float:
    """Individual Typology Angle: arctan((L* - 50) / b*) in degrees; higher is lighter skin."""
    return math.degrees(math.atan2(lightness - 50.0, b_star))


def _monk_ita_centres() -> tuple[float, ...]:
    labs = [hex_to_lab(swatch) for swatch in MONK_SWATCHES]
    return tuple(ita_degrees(float(lab[0]), float(lab[2])) for lab in labs)


MONK_ITA_CENTRES = _monk_ita_centres()


def monk_band_limits(band: int) -> tuple[float, float]:
    """(lower, upper) ITA of a Monk band: halfway to the neighbouring swatches' ITA (open at the ends)."""
    centres = MONK_ITA_CENTRES
    index = band - 1
    upper = math.inf if index == 0 else (centres[index - 1] + centres[index]) / 2
    lower = -math.inf if index == len(centres) - 1 else (centres[index] + centres[index + 1]) / 2
    return lower, upper


def monk_band(ita_deg: float) -> int:
    """The Monk band (1-10) whose ITA interval holds `ita_deg`: one plus the band boundaries above it."""
    boundaries = (monk_band_limits(band)[0] for band in range(1, len(MONK_SWATCHES)))
    return 1 + sum(1 for boundary in boundaries if ita_deg < boundary)


def interval_probability(value: float, sigma: float, lower: float, upper: float) -> float:
    """P(lower <= X < upper) for X ~ Normal(value, sigma): how sure a reading is to fall in its class."""

    def cdf(x: float) -> float:
        if math.isinf(x):
            return 1.0 if x > 0 else 0.0
        return 0.5 * (1.0 + math.erf((x - value) / (sigma * math.sqrt(2.0))))

    return cdf(upper) - cdf(lower)


def classify_undertone(hue_deg: float, sigma_deg: float) -> tuple[Undertone, float]:
    """Undertone from the skin hue angle, with the probability of that class under the hue uncertainty."""
    if hue_deg < COOL_BELOW_HUE_DEG:
        undertone, lower, upper = Undertone.COOL, -math.inf, COOL_BELOW_HUE_DEG
    elif hue_deg < WARM_ABOVE_HUE_DEG:
        undertone, lower, upper = Undertone.NEUTRAL, COOL_BELOW_HUE_DEG, WARM_ABOVE_HUE_DEG
    else:
        undertone, lower, upper = Undertone.WARM, WARM_ABOVE_HUE_DEG, math.inf
    return undertone, interval_probability(hue_deg, sigma_deg, lower, upper)


def grey_world_balance(image_bgr: np.ndarray) -> WhiteBalance:
    """Gains from the grey-world assumption: the photo's average colour is neutral."""
    mean = bgr_to_linear_rgb(image_bgr.reshape(-1, 3)).mean(axis=0)
    return WhiteBalance(gains=_gains_towards(mean, np.ones(3)), method="grey_world")


def reference_balance(reference_bgr: np.ndarray) -> WhiteBalance:
    """Gains that give the sclera pixels the colour of a typical sclera."""
    mean = bgr_to_linear_rgb(reference_bgr).mean(axis=0)
    return WhiteBalance(gains=_gains_towards(mean, hex_to_linear_rgb(SCLERA_REFERENCE)), method="sclera")


def median_chroma(bgr_pixels: np.ndarray) -> float:
    """Chroma (colourfulness, sqrt(a*^2 + b*^2)) of the median L*a*b* colour."""
    lab = np.median(linear_rgb_to_lab(bgr_to_linear_rgb(bgr_pixels)), axis=0)
    return float(np.hypot(lab[1], lab[2]))


def choose_white_balance(image_bgr: np.ndarray, sample: SkinSample) -> WhiteBalance:
    """Sclera reference when enough clearly pale sclera is visible, grey world otherwise."""
    skin = np.concatenate([sample.cheeks, sample.forehead])
    if len(sample.sclera) >= MIN_SCLERA_PIXELS and median_chroma(
        sample.sclera
    ) <= MAX_SCLERA_TO_SKIN_CHROMA * median_chroma(skin):
        return reference_balance(sample.sclera)
    return grey_world_balance(image_bgr)


def _gains_towards(measured: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Diagonal (von Kries) gains taking `measured` to `target`'s chromaticity at `measured`'s luminance."""
    safe = np.maximum(measured, 1e-6)
    gains = target / safe
    luminance = _RGB_TO_XYZ[1]
    return gains * float(luminance @ safe) / float(luminance @ (safe * gains))


def _polygon_mask(shape: tuple[int, int], points: np.ndarray) -> np.ndarray:
    mask = np.zeros(shape, dtype=np.uint8)
    cv2.fillPoly(mask, [np.round(points).astype(np.int32)], 255)
    return mask


def _hull_mask(shape: tuple[int, int], points: np.ndarray) -> np.ndarray:
    mask = np.zeros(shape, dtype=np.uint8)
    cv2.fillConvexPoly(mask, cv2.convexHull(np.round(points).astype(np.int32)), 255)
    return mask


def inter_ocular_px(landmarks_px: np.ndarray) -> float:
    """Distance between the iris centres, in pixels (the face's own scale)."""
    return float(np.linalg.norm(landmarks_px[LEFT_IRIS_CENTRE] - landmarks_px[RIGHT_IRIS_CENTRE]))


def feature_exclusion_mask(shape: tuple[int, int], landmarks_px: np.ndarray) -> np.ndarray:
    """Eyes, brows and lips, grown by a margin, as a uint8 mask (255 = never sample here)."""
    excluded = np.zeros(shape, dtype=np.uint8)
    for feature in EXCLUDED_FEATURES:
        excluded |= _hull_mask(shape, landmarks_px[list(feature)])
    margin = max(2, round(FEATURE_MARGIN_FRACTION * inter_ocular_px(landmarks_px)))
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * margin + 1, 2 * margin + 1))
    return cv2.dilate(excluded, kernel)


def sclera_mask(shape: tuple[int, int], landmarks_px: np.ndarray, image_bgr: np.ndarray) -> np.ndarray:
    """The whites of both eyes: inside the eye contour, outside the iris, the brightest and palest half."""
    mask = np.zeros(shape, dtype=np.uint8)
    for eye, centre, ring in (
        (LEFT_EYE, LEFT_IRIS_CENTRE, LEFT_IRIS),
        (RIGHT_EYE, RIGHT_IRIS_CENTRE, RIGHT_IRIS),
    ):
        eye_mask = _hull_mask(shape, landmarks_px[list(eye)])
        radius = float(np.linalg.norm(landmarks_px[list(ring)] - landmarks_px[centre], axis=1).mean()) * 1.15
        cx, cy = np.round(landmarks_px[centre]).astype(int)
        cv2.circle(eye_mask, (int(cx), int(cy)), max(1, round(radius)), 0, thickness=-1)
        mask |= eye_mask
    candidates = mask > 0
    if not candidates.any():
        return mask
    hsv = cv2.cvtColor(image_bgr, cv2.COLOR_BGR2HSV)
    value, saturation = hsv[..., 2].astype(np.int16), hsv[..., 1].astype(np.int16)
    bright = value >= np.median(value[candidates])
    pale = saturation <= np.median(saturation[candidates])
    return np.where(candidates & bright & pale, 255, 0).astype(np.uint8)


def sample_skin(image_bgr: np.ndarray, landmarks_px: np.ndarray) -> SkinSample:
    """Skin pixels of both cheeks and the forehead (away from eyes, brows and lips), and sclera pixels."""
    shape = image_bgr.shape[:2]
    allowed = cv2.bitwise_not(feature_exclusion_mask(shape, landmarks_px))
    cheeks = (
        _polygon_mask(shape, landmarks_px[list(LEFT_CHEEK)])
        | _polygon_mask(shape, landmarks_px[list(RIGHT_CHEEK)])
    ) & allowed
    forehead = _polygon_mask(shape, landmarks_px[list(FOREHEAD)]) & allowed
    sclera = sclera_mask(shape, landmarks_px, image_bgr)
    return SkinSample(
        cheeks=image_bgr[cheeks > 0], forehead=image_bgr[forehead > 0], sclera=image_bgr[sclera > 0]
    )


def _robust_core(values: np.ndarray, factor: float = 2.5) -> np.ndarray:
    """Boolean rows within `factor` scaled MADs of the median (drops hair, shadows and highlights)."""
    median = np.median(values)
    mad = 1.4826 * np.median(np.abs(values - median))
    if mad == 0:
        return np.ones(values.shape, dtype=bool)
    return np.abs(values - median) <= factor * mad


def specular_fraction(lab: np.ndarray) -> float:
    """Share of pixels that are glare: much lighter than the skin around them and nearly colourless."""
    lightness, chroma = lab[:, 0], np.hypot(lab[:, 1], lab[:, 2])
    median_l = np.median(lightness)
    mad_l = max(1.4826 * float(np.median(np.abs(lightness - median_l))), 1.0)
    glare = (lightness > median_l + SPECULAR_MAD_FACTOR * mad_l) & (chroma < 0.6 * np.median(chroma))
    return float(glare.mean())


def shine_index(lab: np.ndarray) -> float:
    """0 (matte) to 1 (at least 8% of the skin sample is glare)."""
    return min(1.0, specular_fraction(lab) / SPECULAR_FRACTION_FOR_FULL_SHINE)


def redness_index(cheek_lab: np.ndarray, forehead_lab: np.ndarray) -> float:
    """Share of cheek pixels clearly redder (a* more than 5 units) than the forehead's median.

    Relative to the shopper's own forehead, so it tracks flushing rather than overall skin tone."""
    baseline = float(np.median(forehead_lab[:, 1]))
    return float((cheek_lab[:, 1] > baseline + REDNESS_DELTA_A).mean())


def read_skin(sample: SkinSample, white_balance: WhiteBalance) -> SkinReading:
    """Skin tone, undertone, shine and redness from sampled pixels after white balance."""
    if len(sample.cheeks) == 0 or len(sample.forehead) == 0:
        raise ValueError("skin sample needs both cheek and forehead pixels")
    cheek_lab = linear_rgb_to_lab(np.clip(bgr_to_linear_rgb(sample.cheeks) * white_balance.gains, 0.0, 1.0))
    forehead_lab = linear_rgb_to_lab(
        np.clip(bgr_to_linear_rgb(sample.forehead) * white_balance.gains, 0.0, 1.0)
    )
    all_lab = np.concatenate([cheek_lab, forehead_lab])
    shine = shine_index(all_lab)
    core = all_lab[_robust_core(all_lab[:, 0])]
    lightness, a_star, b_star = (float(v) for v in np.median(core, axis=0))
    ita = ita_degrees(lightness, b_star)
    ita_sigma = ITA_SIGMA_DEG[white_balance.method]
    band = monk_band(ita)
    hue = math.degrees(math.atan2(b_star, a_star))
    undertone, undertone_confidence = classify_undertone(hue, HUE_SIGMA_DEG[white_balance.method])
    return SkinReading(
        lab=(lightness, a_star, b_star),
        ita_deg=ita,
        ita_sigma_deg=ita_sigma,
        ita_confidence=interval_probability(ita, ita_sigma, ita - ITA_TOLERANCE_DEG, ita + ITA_TOLERANCE_DEG),
        monk_band=band,
        monk_confidence=interval_probability(ita, ita_sigma, *monk_band_limits(band)),
        hue_deg=hue,
        undertone=undertone,
        undertone_confidence=undertone_confidence,
        shine=shine,
        redness=redness_index(cheek_lab, forehead_lab),
        white_balance=white_balance.method,
        pixels=len(all_lab),
    )
