"""Skin colour maths on synthetic pixels with known colours: conversions, ITA, Monk bands, white balance,
undertone, shine and redness."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pytest
from mediapipe.python.solutions import face_mesh_connections as connections

from tools.vision import skin
from tools.vision.skin import SkinSample, Undertone, WhiteBalance


def srgb_pixels(hex_colour: str, count: int) -> np.ndarray:
    """`count` BGR uint8 pixels of one sRGB colour."""
    rgb = [int(hex_colour[i : i + 2], 16) for i in (0, 2, 4)]
    return np.tile(np.array(rgb[::-1], dtype=np.uint8), (count, 1))


def tinted(bgr_pixels: np.ndarray, linear_gains_rgb: Sequence[float]) -> np.ndarray:
    """The same pixels under a differently coloured light: a gain per channel in linear RGB."""
    linear = skin.bgr_to_linear_rgb(bgr_pixels) * np.array(linear_gains_rgb)
    encoded = np.where(
        linear <= 0.0031308, linear * 12.92, 1.055 * np.clip(linear, 0, 1) ** (1 / 2.4) - 0.055
    )
    return np.round(np.clip(encoded, 0, 1) * 255)[:, ::-1].astype(np.uint8)


NO_CORRECTION = WhiteBalance(gains=np.ones(3), method="sclera")
WARM_SKIN = "c68e6e"


def test_srgb_white_and_red_convert_to_their_published_lab_values() -> None:
    white = skin.linear_rgb_to_lab(skin.bgr_to_linear_rgb(srgb_pixels("ffffff", 1)))[0]
    red = skin.linear_rgb_to_lab(skin.bgr_to_linear_rgb(srgb_pixels("ff0000", 1)))[0]
    assert white == pytest.approx([100.0, 0.0, 0.0], abs=0.01)
    assert red == pytest.approx([53.24, 80.09, 67.20], abs=0.05)


def test_ita_is_zero_at_mid_lightness_and_rises_with_lightness() -> None:
    assert skin.ita_degrees(50.0, 20.0) == pytest.approx(0.0)
    assert skin.ita_degrees(70.0, 20.0) == pytest.approx(45.0)
    assert skin.ita_degrees(30.0, 20.0) == pytest.approx(-45.0)


def test_each_monk_swatch_falls_in_its_own_band_and_bands_darken_with_falling_ita() -> None:
    for band, swatch in enumerate(skin.MONK_SWATCHES, start=1):
        lab = skin.hex_to_lab(swatch)
        assert skin.monk_band(skin.ita_degrees(float(lab[0]), float(lab[2]))) == band
    assert skin.monk_band(95.0) == 1
    assert skin.monk_band(-95.0) == 10
    assert [skin.monk_band(ita) for ita in range(90, -91, -10)] == sorted(
        skin.monk_band(ita) for ita in range(90, -91, -10)
    )


def test_band_limits_tile_the_ita_axis_without_gaps() -> None:
    for band in range(1, len(skin.MONK_SWATCHES)):
        assert skin.monk_band_limits(band)[0] == skin.monk_band_limits(band + 1)[1]
    assert skin.monk_band_limits(1)[1] == math.inf
    assert skin.monk_band_limits(10)[0] == -math.inf


def test_interval_probability_is_the_normal_mass_inside_the_interval() -> None:
    assert skin.interval_probability(0.0, 1.0, -1.0, 1.0) == pytest.approx(0.6827, abs=1e-4)
    assert skin.interval_probability(0.0, 1.0, -math.inf, math.inf) == pytest.approx(1.0)
    assert skin.interval_probability(0.0, 1.0, 0.0, math.inf) == pytest.approx(0.5)


def test_a_reading_at_a_band_centre_is_more_confident_than_one_near_its_edge() -> None:
    lower, upper = skin.monk_band_limits(6)
    centre = skin.MONK_ITA_CENTRES[5]
    near_edge = upper - 0.5
    assert skin.interval_probability(centre, 4.0, lower, upper) > skin.interval_probability(
        near_edge, 4.0, lower, upper
    )


def test_undertone_follows_the_skin_hue_angle_with_confidence_falling_near_a_boundary() -> None:
    assert skin.classify_undertone(70.0, 3.0)[0] is Undertone.WARM
    assert skin.classify_undertone(40.0, 3.0)[0] is Undertone.COOL
    assert skin.classify_undertone(56.0, 3.0)[0] is Undertone.NEUTRAL
    _, at_boundary = skin.classify_undertone(skin.WARM_ABOVE_HUE_DEG, 3.0)
    _, far_inside = skin.classify_undertone(80.0, 3.0)
    assert at_boundary == pytest.approx(0.5, abs=0.01)
    assert far_inside > 0.99


def test_grey_world_gains_make_a_colour_cast_photo_average_neutral_at_the_same_luminance() -> None:
    rng = np.random.default_rng(7)
    scene = rng.integers(30, 220, size=(60, 80, 3), dtype=np.uint8)
    cast = tinted(scene.reshape(-1, 3), (1.0, 0.9, 0.6)).reshape(scene.shape)
    balance = skin.grey_world_balance(cast)
    linear = skin.bgr_to_linear_rgb(cast.reshape(-1, 3))
    corrected_mean = (linear * balance.gains).mean(axis=0)
    assert balance.method == "grey_world"
    assert corrected_mean == pytest.approx(np.full(3, corrected_mean.mean()), rel=1e-6)
    luminance = skin._RGB_TO_XYZ[1]
    assert float(luminance @ corrected_mean) == pytest.approx(
        float(luminance @ linear.mean(axis=0)), rel=1e-6
    )


def test_sclera_balance_restores_the_skin_colour_seen_under_neutral_light() -> None:
    """White balance fixes the colour of the light; exposure stays the photo's own (it is in the sigma)."""
    skin_pixels, sclera_pixels = srgb_pixels(WARM_SKIN, 400), srgb_pixels(skin.SCLERA_REFERENCE, 60)
    neutral = skin.read_skin(SkinSample(skin_pixels, skin_pixels, sclera_pixels), NO_CORRECTION)
    bluish = np.array([0.8, 0.95, 1.25])
    light = tuple(bluish / float(skin._RGB_TO_XYZ[1] @ bluish))  # same brightness, different colour
    cast = SkinSample(tinted(skin_pixels, light), tinted(skin_pixels, light), tinted(sclera_pixels, light))
    uncorrected = skin.read_skin(cast, NO_CORRECTION)
    balance = skin.choose_white_balance(np.zeros((8, 8, 3), np.uint8), cast)
    corrected = skin.read_skin(cast, balance)
    assert balance.method == "sclera"
    assert abs(uncorrected.ita_deg - neutral.ita_deg) > 5
    assert corrected.ita_deg == pytest.approx(neutral.ita_deg, abs=1.0)
    assert corrected.hue_deg == pytest.approx(neutral.hue_deg, abs=1.5)


def test_white_balance_falls_back_to_grey_world_without_a_pale_enough_sclera() -> None:
    skin_pixels = srgb_pixels(WARM_SKIN, 400)
    photo = np.full((8, 8, 3), 128, np.uint8)
    too_few = SkinSample(
        skin_pixels, skin_pixels, srgb_pixels(skin.SCLERA_REFERENCE, skin.MIN_SCLERA_PIXELS - 1)
    )
    skin_coloured = SkinSample(skin_pixels, skin_pixels, srgb_pixels(WARM_SKIN, 100))
    assert skin.choose_white_balance(photo, too_few).method == "grey_world"
    assert skin.choose_white_balance(photo, skin_coloured).method == "grey_world"


def test_a_uniform_skin_sample_reads_as_its_own_colour_and_band() -> None:
    swatch = skin.MONK_SWATCHES[6]
    pixels = srgb_pixels(swatch, 300)
    reading = skin.read_skin(
        SkinSample(pixels, pixels, srgb_pixels(skin.SCLERA_REFERENCE, 50)), NO_CORRECTION
    )
    assert reading.lab == pytest.approx(tuple(skin.hex_to_lab(swatch)), abs=0.01)
    assert reading.monk_band == 7
    assert reading.pixels == 600
    assert reading.shine == 0.0
    assert reading.redness == 0.0


def test_hair_strands_in_the_sample_do_not_shift_the_skin_tone() -> None:
    skin_pixels = srgb_pixels(WARM_SKIN, 500)
    with_hair = np.concatenate([skin_pixels, srgb_pixels("2a1a10", 40)])
    clean = skin.read_skin(SkinSample(skin_pixels, skin_pixels, skin_pixels[:0]), NO_CORRECTION)
    noisy = skin.read_skin(SkinSample(with_hair, skin_pixels, skin_pixels[:0]), NO_CORRECTION)
    assert noisy.ita_deg == pytest.approx(clean.ita_deg, abs=0.5)


def test_glare_raises_the_shine_index_and_matte_skin_has_none() -> None:
    rng = np.random.default_rng(3)
    matte = np.clip(srgb_pixels(WARM_SKIN, 1000).astype(int) + rng.integers(-6, 7, (1000, 3)), 0, 255)
    matte = matte.astype(np.uint8)
    lab_matte = skin.linear_rgb_to_lab(skin.bgr_to_linear_rgb(matte))
    glare = np.concatenate([matte, srgb_pixels("f8f4f0", 60)])
    lab_glare = skin.linear_rgb_to_lab(skin.bgr_to_linear_rgb(glare))
    assert skin.shine_index(lab_matte) == 0.0
    assert skin.specular_fraction(lab_glare) == pytest.approx(60 / 1060, abs=1e-3)
    assert skin.shine_index(lab_glare) > 0.5


def test_redness_counts_cheek_pixels_clearly_redder_than_the_forehead() -> None:
    forehead = skin.linear_rgb_to_lab(skin.bgr_to_linear_rgb(srgb_pixels(WARM_SKIN, 100)))
    flushed = skin.linear_rgb_to_lab(skin.bgr_to_linear_rgb(srgb_pixels("d0786a", 100)))
    assert skin.redness_index(forehead, forehead) == 0.0
    assert skin.redness_index(np.concatenate([flushed, forehead]), forehead) == pytest.approx(0.5)


def test_reading_needs_both_cheek_and_forehead_pixels() -> None:
    pixels = srgb_pixels(WARM_SKIN, 10)
    with pytest.raises(ValueError):
        skin.read_skin(SkinSample(pixels, pixels[:0], pixels[:0]), NO_CORRECTION)


@pytest.mark.parametrize(
    ("ours", "mediapipes"),
    [
        (skin.LEFT_EYE, connections.FACEMESH_LEFT_EYE),
        (skin.RIGHT_EYE, connections.FACEMESH_RIGHT_EYE),
        (skin.LEFT_EYEBROW, connections.FACEMESH_LEFT_EYEBROW),
        (skin.RIGHT_EYEBROW, connections.FACEMESH_RIGHT_EYEBROW),
        (skin.LEFT_IRIS, connections.FACEMESH_LEFT_IRIS),
        (skin.RIGHT_IRIS, connections.FACEMESH_RIGHT_IRIS),
    ],
)
def test_excluded_feature_indices_are_mediapipes_own_contours(
    ours: tuple[int, ...], mediapipes: frozenset[tuple[int, int]]
) -> None:
    assert set(ours) == {index for edge in mediapipes for index in edge}


def test_lip_exclusion_covers_mediapipes_outer_lip_contour() -> None:
    lips = {index for edge in connections.FACEMESH_LIPS for index in edge}
    assert set(skin.LIPS) <= lips
