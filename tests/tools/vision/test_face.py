"""Face scan on real pixels: the public-domain NASA portrait of astronaut Eileen Collins that scikit-image
ships (skimage/data/astronaut.png, 512x512), run through MediaPipe's bundled face mesh. Variants of it
(colour casts, blur, darkness, two faces side by side) exercise each refusal and the white balance."""

from __future__ import annotations

from collections.abc import Iterator
from importlib.resources import files

import cv2
import numpy as np
import pytest

from tools.vision.errors import ScanRejected
from tools.vision.face import FaceLandmarker, analyse_face, combine
from tools.vision.image import decode_image
from tools.vision.schemas import ScanQuality, SkinQuestionnaire
from tools.vision.skin import SkinReading, Undertone, sample_skin

NO_ANSWERS = SkinQuestionnaire()


@pytest.fixture(scope="module")
def landmarker() -> Iterator[FaceLandmarker]:
    with FaceLandmarker() as opened:
        yield opened


@pytest.fixture(scope="module")
def portrait() -> np.ndarray:
    data = (files("skimage") / "data" / "astronaut.png").read_bytes()
    return decode_image(data)


def face_crop(portrait: np.ndarray, landmarker: FaceLandmarker, margin: int = 40) -> np.ndarray:
    landmarks = landmarker.detect(portrait)[0]
    x0, y0 = (landmarks.min(axis=0) - margin).astype(int).clip(0)
    x1, y1 = (landmarks.max(axis=0) + margin).astype(int)
    return portrait[y0:y1, x0:x1]


def under_light(image: np.ndarray, bgr_gains: tuple[float, float, float]) -> np.ndarray:
    linear = (image / 255.0) ** 2.2 * np.array(bgr_gains)
    return np.round(np.clip(linear, 0, 1) ** (1 / 2.2) * 255).astype(np.uint8)


def test_the_portrait_reads_as_light_skin_from_the_image_with_a_sclera_white_reference(
    portrait: np.ndarray, landmarker: FaceLandmarker
) -> None:
    scan = analyse_face(portrait, NO_ANSWERS, landmarker=landmarker)
    assert scan.monk_band.value in (3, 4, 5)
    assert 55 < float(scan.ita_deg.value) < 75
    assert scan.undertone.value in {tone.value for tone in Undertone}
    assert "no_white_reference" not in scan.quality.issues
    for attribute in (scan.ita_deg, scan.monk_band, scan.undertone, scan.shine, scan.redness):
        assert attribute.source == "image"
        assert 0 < attribute.confidence <= 1
    assert scan.skin_type.source == "image"
    assert scan.skin_type.confidence < 0.4


def test_skin_is_sampled_only_where_the_face_is_bare_skin(
    portrait: np.ndarray, landmarker: FaceLandmarker
) -> None:
    sample = sample_skin(portrait, landmarker.detect(portrait)[0])
    skin_hsv = cv2.cvtColor(np.concatenate([sample.cheeks, sample.forehead])[None], cv2.COLOR_BGR2HSV)[0]
    sclera_hsv = cv2.cvtColor(sample.sclera[None], cv2.COLOR_BGR2HSV)[0]
    assert len(sample.cheeks) > 300 and len(sample.forehead) > 200
    assert np.median(skin_hsv[:, 0]) < 25, "skin hues are reds and oranges, not hair, iris or background"
    assert np.median(skin_hsv[:, 2]) > 150
    assert np.median(sclera_hsv[:, 1]) < np.median(skin_hsv[:, 1]), "the sclera is paler than the skin"


@pytest.mark.parametrize("bgr_gains", [(1.2, 1.0, 0.85), (0.85, 1.0, 1.15), (1.1, 1.05, 0.8)])
def test_a_coloured_light_barely_moves_the_skin_tone_after_white_balance(
    portrait: np.ndarray, landmarker: FaceLandmarker, bgr_gains: tuple[float, float, float]
) -> None:
    reference = analyse_face(portrait, NO_ANSWERS, landmarker=landmarker)
    cast = analyse_face(under_light(portrait, bgr_gains), NO_ANSWERS, landmarker=landmarker)
    assert float(cast.ita_deg.value) == pytest.approx(float(reference.ita_deg.value), abs=3.0)
    assert cast.monk_band.value == reference.monk_band.value


def test_a_larger_photo_of_the_same_face_is_more_confident_and_agrees_on_tone(
    portrait: np.ndarray, landmarker: FaceLandmarker
) -> None:
    small = analyse_face(portrait, NO_ANSWERS, landmarker=landmarker)
    large = analyse_face(cv2.resize(portrait, (1024, 1024)), NO_ANSWERS, landmarker=landmarker)
    assert "low_resolution" in small.quality.issues and "low_resolution" not in large.quality.issues
    assert large.quality.score > small.quality.score
    assert large.monk_band.confidence > small.monk_band.confidence
    assert abs(int(large.monk_band.value) - int(small.monk_band.value)) <= 1


def test_self_reported_type_and_sensitivity_are_kept_with_their_own_source(
    portrait: np.ndarray, landmarker: FaceLandmarker
) -> None:
    answers = SkinQuestionnaire(
        skin_type="dry", sensitivity="high", concerns=["Pigmentation", " pigmentation"]
    )
    scan = analyse_face(portrait, answers, landmarker=landmarker)
    assert (scan.skin_type.value, scan.skin_type.source) == ("dry", "questionnaire")
    assert (scan.sensitivity.value, scan.sensitivity.source) == ("high", "questionnaire")
    assert scan.concerns == ["pigmentation"]


def jpeg(image: np.ndarray, quality: int) -> bytes:
    ok, encoded = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return encoded.tobytes()


def test_a_phone_sized_jpeg_upload_is_analysed_entirely_in_memory(
    portrait: np.ndarray, landmarker: FaceLandmarker
) -> None:
    upload = jpeg(cv2.resize(portrait, (1024, 1024)), 85)
    scan = analyse_face(decode_image(upload), NO_ANSWERS, landmarker=landmarker)
    assert scan.monk_band.value in (3, 4, 5)
    assert "no_white_reference" not in scan.quality.issues


def test_a_small_compressed_photo_whose_sclera_is_smeared_falls_back_to_grey_world_and_says_so(
    portrait: np.ndarray, landmarker: FaceLandmarker
) -> None:
    sharp = analyse_face(portrait, NO_ANSWERS, landmarker=landmarker)
    smeared = analyse_face(decode_image(jpeg(portrait, 85)), NO_ANSWERS, landmarker=landmarker)
    assert "no_white_reference" in smeared.quality.issues
    assert smeared.quality.score < sharp.quality.score
    assert smeared.ita_deg.confidence < sharp.ita_deg.confidence


def test_without_a_landmarker_one_is_opened_for_the_call(portrait: np.ndarray) -> None:
    assert analyse_face(portrait, NO_ANSWERS).monk_band.value in (3, 4, 5)


def rejection(image: np.ndarray, landmarker: FaceLandmarker) -> ScanRejected:
    with pytest.raises(ScanRejected) as caught:
        analyse_face(image, NO_ANSWERS, landmarker=landmarker)
    assert caught.value.suggestions
    assert caught.value.details["reason"] == caught.value.reason
    return caught.value


def test_a_photo_without_a_face_is_refused(landmarker: FaceLandmarker) -> None:
    wall = np.tile(np.linspace(90, 200, 400, dtype=np.uint8)[None, :, None], (300, 1, 3))
    assert rejection(wall, landmarker).reason == "NO_FACE"


def test_two_faces_side_by_side_are_refused(portrait: np.ndarray, landmarker: FaceLandmarker) -> None:
    face = face_crop(portrait, landmarker)
    assert rejection(np.hstack([face, face]), landmarker).reason == "MULTIPLE_FACES"


def test_a_dark_photo_is_refused(portrait: np.ndarray, landmarker: FaceLandmarker) -> None:
    assert rejection((portrait * 0.1).astype(np.uint8), landmarker).reason == "TOO_DARK"


def test_a_blurred_face_is_refused(portrait: np.ndarray, landmarker: FaceLandmarker) -> None:
    assert rejection(cv2.GaussianBlur(portrait, (0, 0), 4), landmarker).reason == "TOO_BLURRED"


def test_a_face_too_small_to_sample_is_refused(portrait: np.ndarray, landmarker: FaceLandmarker) -> None:
    assert rejection(cv2.resize(portrait, (200, 200)), landmarker).reason == "FACE_TOO_SMALL"


def reading(*, shine: float = 0.0, redness: float = 0.0) -> SkinReading:
    return SkinReading(
        lab=(65.0, 12.0, 18.0),
        ita_deg=39.8,
        ita_sigma_deg=4.0,
        ita_confidence=0.79,
        monk_band=5,
        monk_confidence=0.6,
        hue_deg=56.3,
        undertone=Undertone.NEUTRAL,
        undertone_confidence=0.7,
        shine=shine,
        redness=redness,
        white_balance="sclera",
        pixels=900,
    )


GOOD_PHOTO = ScanQuality(score=1.0, blur=300.0, brightness=130.0, resolution=15.0)
POOR_PHOTO = ScanQuality(score=0.4, blur=30.0, brightness=60.0, resolution=6.0, issues=["low_light"])


def test_image_confidences_scale_with_photo_quality_but_self_reports_do_not() -> None:
    answers = SkinQuestionnaire(skin_type="normal", sensitivity="low")
    good, poor = combine(reading(), answers, GOOD_PHOTO), combine(reading(), answers, POOR_PHOTO)
    assert poor.monk_band.confidence == pytest.approx(0.4 * good.monk_band.confidence)
    assert poor.skin_type.confidence == good.skin_type.confidence


def test_glare_agreeing_with_a_reported_oily_type_makes_it_combined_and_more_confident() -> None:
    oily = SkinQuestionnaire(skin_type="oily")
    agreeing = combine(reading(shine=0.8), oily, GOOD_PHOTO).skin_type
    reported_only = combine(reading(shine=0.0), oily, GOOD_PHOTO).skin_type
    assert (agreeing.value, agreeing.source) == ("oily", "combined")
    assert agreeing.confidence > reported_only.confidence


def test_glare_contradicting_a_reported_dry_type_keeps_the_answer_with_less_confidence() -> None:
    dry = SkinQuestionnaire(skin_type="dry")
    conflicting = combine(reading(shine=0.8), dry, GOOD_PHOTO).skin_type
    plain = combine(reading(shine=0.0), dry, GOOD_PHOTO).skin_type
    assert conflicting.value == "dry"
    assert conflicting.confidence < plain.confidence


def test_without_answers_type_and_sensitivity_are_weak_image_guesses() -> None:
    scan = combine(reading(shine=0.8, redness=0.5), NO_ANSWERS, GOOD_PHOTO)
    assert (scan.skin_type.value, scan.skin_type.source) == ("oily", "image")
    assert (scan.sensitivity.value, scan.sensitivity.source) == ("medium", "image")
    assert scan.skin_type.confidence < 0.5 and scan.sensitivity.confidence < 0.5


def test_visible_redness_supports_reported_sensitivity_and_joins_the_concerns() -> None:
    answers = SkinQuestionnaire(sensitivity="high", concerns=["Acne"])
    scan = combine(reading(redness=0.4), answers, GOOD_PHOTO)
    assert (scan.sensitivity.value, scan.sensitivity.source) == ("high", "combined")
    assert scan.concerns == ["acne", "redness"]
