"""Body scan. MediaPipe pose runs on real pixels: a full-length figure rendered here with known torso widths
and, as its head, the face from scikit-image's public-domain NASA astronaut portrait (pose detection starts
from a face). Side-photo depths are tested on a constructed silhouette: no side-on figure is rendered."""

from __future__ import annotations

from collections.abc import Iterator
from importlib.resources import files

import numpy as np
import pytest

from core.errors import InvalidInput
from evals.vision.body_render import (
    CHEST_WIDTH_PX,
    CM_PER_PX,
    HEIGHT_CM,
    HIP_WIDTH_PX,
    WAIST_WIDTH_PX,
    render_figure,
)
from tools.vision.body import (
    LEFT_ANKLE,
    LEFT_ELBOW,
    LEFT_HIP,
    LEFT_SHOULDER,
    LEFT_WRIST,
    NOSE,
    RIGHT_ANKLE,
    RIGHT_ELBOW,
    RIGHT_HIP,
    RIGHT_SHOULDER,
    RIGHT_WRIST,
    PoseLandmarker,
    PoseObservation,
    estimate_measurements,
    front_features,
    measure_body,
    person_mask,
    require_landmarks,
    side_features,
)
from tools.vision.body_priors import BodyPriors
from tools.vision.errors import ScanRejected
from tools.vision.image import decode_image


@pytest.fixture(scope="module")
def portrait() -> np.ndarray:
    return decode_image((files("skimage") / "data" / "astronaut.png").read_bytes())


@pytest.fixture(scope="module")
def landmarker() -> Iterator[PoseLandmarker]:
    with PoseLandmarker() as opened:
        yield opened


@pytest.fixture(scope="module")
def priors() -> BodyPriors:
    return BodyPriors.load()


@pytest.fixture(scope="module")
def figure(portrait: np.ndarray) -> np.ndarray:
    return render_figure(portrait)


def test_the_rendered_figure_is_found_with_every_key_landmark_visible(
    figure: np.ndarray, landmarker: PoseLandmarker
) -> None:
    observation = landmarker.detect(figure)
    assert observation is not None
    key = [NOSE, LEFT_SHOULDER, RIGHT_SHOULDER, LEFT_HIP, RIGHT_HIP, LEFT_ANKLE, RIGHT_ANKLE]
    assert (observation.visibility[key] > 0.5).all()
    assert observation.silhouette.shape == figure.shape[:2]


def test_silhouette_breadths_match_the_drawn_torso_widths(
    figure: np.ndarray, landmarker: PoseLandmarker
) -> None:
    observation = landmarker.detect(figure)
    assert observation is not None
    reading = front_features(observation, HEIGHT_CM)
    assert reading.cm_per_px == pytest.approx(CM_PER_PX, rel=0.01)
    drawn = {"chestbreadth": CHEST_WIDTH_PX, "waistbreadth": WAIST_WIDTH_PX, "hipbreadth": HIP_WIDTH_PX}
    for feature, width_px in drawn.items():
        assert reading.features[feature].value == pytest.approx(width_px * CM_PER_PX, abs=3 * CM_PER_PX)
        assert reading.features[feature].sigma > 1.0
    assert reading.features["stature"].value == HEIGHT_CM


def test_a_front_photo_gives_every_garment_measurement_from_the_ansur_priors(
    figure: np.ndarray, landmarker: PoseLandmarker, priors: BodyPriors
) -> None:
    scan = measure_body(figure, HEIGHT_CM, landmarker=landmarker, priors=priors)
    assert set(scan.measurements) == {"shoulder_width", "chest", "waist", "hip", "inseam"}
    chest_prior = priors.model("chest")
    expected_chest = (
        chest_prior.intercept
        + chest_prior.coefficients[0] * HEIGHT_CM
        + chest_prior.coefficients[1] * CHEST_WIDTH_PX * CM_PER_PX
    )
    assert scan.measurements["chest"].value == pytest.approx(expected_chest, abs=2.0)
    for name, measurement in scan.measurements.items():
        assert measurement.unit == "cm"
        assert measurement.sigma >= priors.model(name).residual_sd
    assert scan.measurements["inseam"].value < HEIGHT_CM / 2
    assert "no_side_photo" in scan.quality.issues
    assert 0 < scan.quality.score < 1


def test_a_second_front_photo_is_not_taken_for_a_side_view(
    figure: np.ndarray, landmarker: PoseLandmarker, priors: BodyPriors
) -> None:
    front_only = measure_body(figure, HEIGHT_CM, landmarker=landmarker, priors=priors)
    with_front_as_side = measure_body(figure, HEIGHT_CM, figure, landmarker=landmarker, priors=priors)
    assert "side_photo_not_in_profile" in with_front_as_side.quality.issues
    assert with_front_as_side.measurements == front_only.measurements


def test_arms_held_against_the_body_are_refused(portrait: np.ndarray, landmarker: PoseLandmarker) -> None:
    with pytest.raises(ScanRejected) as caught:
        measure_body(render_figure(portrait, arms_out=False), HEIGHT_CM, landmarker=landmarker)
    assert caught.value.reason == "LANDMARKS_NOT_VISIBLE"
    assert "arm" in caught.value.message


def test_feet_cut_off_by_the_frame_are_refused(figure: np.ndarray, landmarker: PoseLandmarker) -> None:
    with pytest.raises(ScanRejected) as caught:
        measure_body(figure[:1050], HEIGHT_CM, landmarker=landmarker)
    assert caught.value.reason == "LANDMARKS_NOT_VISIBLE"


def test_a_head_and_shoulders_portrait_is_refused_naming_what_is_missing(
    portrait: np.ndarray, landmarker: PoseLandmarker
) -> None:
    with pytest.raises(ScanRejected) as caught:
        measure_body(portrait, 165.0, landmarker=landmarker)
    assert caught.value.reason == "LANDMARKS_NOT_VISIBLE"
    assert "hips" in caught.value.message and "ankles" in caught.value.message
    assert caught.value.suggestions


def test_a_photo_without_a_person_is_refused(landmarker: PoseLandmarker) -> None:
    with pytest.raises(ScanRejected) as caught:
        measure_body(np.full((600, 400, 3), 180, np.uint8), 170.0, landmarker=landmarker)
    assert caught.value.reason == "LANDMARKS_NOT_VISIBLE"


def test_a_dark_photo_is_refused(figure: np.ndarray, landmarker: PoseLandmarker) -> None:
    with pytest.raises(ScanRejected) as caught:
        measure_body((figure * 0.1).astype(np.uint8), HEIGHT_CM, landmarker=landmarker)
    assert caught.value.reason == "TOO_DARK"


@pytest.mark.parametrize("height_cm", [40.0, 300.0])
def test_an_implausible_height_is_invalid_input(figure: np.ndarray, height_cm: float) -> None:
    with pytest.raises(InvalidInput):
        measure_body(figure, height_cm)


def profile_observation(*, chest_depth_px: int, waist_depth_px: int, hip_depth_px: int) -> PoseObservation:
    """A side-on silhouette 1000 px tall whose torso depth is constant within each band."""
    mask = np.zeros((1100, 600), dtype=bool)
    mask[50:1050, 280:320] = True  # head, neck and legs
    shoulder_y, hip_y = 250, 550
    for top, bottom, depth in (
        (250, 390, chest_depth_px),
        (390, 520, waist_depth_px),
        (520, 600, hip_depth_px),
    ):
        mask[top:bottom, 300 - depth // 2 : 300 - depth // 2 + depth] = True
    landmarks = np.zeros((33, 2))
    landmarks[[NOSE]] = (300, 100)
    landmarks[[LEFT_SHOULDER, RIGHT_SHOULDER]] = (300, shoulder_y)
    landmarks[[LEFT_HIP, RIGHT_HIP]] = (300, hip_y)
    landmarks[[LEFT_ANKLE, RIGHT_ANKLE]] = (300, 1000)
    landmarks[[LEFT_ELBOW, RIGHT_ELBOW]] = (300, 400)
    landmarks[[LEFT_WRIST, RIGHT_WRIST]] = (300, 540)
    return PoseObservation(landmarks=landmarks, visibility=np.ones(33), silhouette=mask)


def test_a_side_photo_adds_depths_and_narrows_the_circumferences(
    figure: np.ndarray, landmarker: PoseLandmarker, priors: BodyPriors
) -> None:
    observation = landmarker.detect(figure)
    assert observation is not None
    front = front_features(observation, HEIGHT_CM).features
    side = side_features(
        profile_observation(chest_depth_px=140, waist_depth_px=120, hip_depth_px=150), HEIGHT_CM
    )
    assert side is not None
    side_scale = HEIGHT_CM / 1000
    assert side.features["chestdepth"].value == pytest.approx(140 * side_scale)
    assert side.features["waistdepth"].value == pytest.approx(120 * side_scale)
    assert side.features["buttockdepth"].value == pytest.approx(150 * side_scale)
    front_only = estimate_measurements(front, priors)
    with_side = estimate_measurements({**front, **side.features}, priors)
    for name in ("chest", "waist", "hip"):
        assert with_side[name].sigma < front_only[name].sigma
    assert with_side["inseam"] == front_only["inseam"]


def test_a_deeper_body_in_the_side_photo_means_larger_circumferences(
    figure: np.ndarray, landmarker: PoseLandmarker, priors: BodyPriors
) -> None:
    observation = landmarker.detect(figure)
    assert observation is not None
    front = front_features(observation, HEIGHT_CM).features
    slim = side_features(
        profile_observation(chest_depth_px=120, waist_depth_px=100, hip_depth_px=130), HEIGHT_CM
    )
    deep = side_features(
        profile_observation(chest_depth_px=170, waist_depth_px=160, hip_depth_px=180), HEIGHT_CM
    )
    assert slim is not None and deep is not None
    slim_scan = estimate_measurements({**front, **slim.features}, priors)
    deep_scan = estimate_measurements({**front, **deep.features}, priors)
    for name in ("chest", "waist", "hip"):
        assert deep_scan[name].value > slim_scan[name].value


def test_a_person_lying_down_is_refused() -> None:
    observation = profile_observation(chest_depth_px=140, waist_depth_px=120, hip_depth_px=150)
    observation.landmarks[[LEFT_HIP, RIGHT_HIP]] = observation.landmarks[[LEFT_SHOULDER, RIGHT_SHOULDER]]
    with pytest.raises(ScanRejected) as caught:
        require_landmarks(observation)
    assert "upright" in caught.value.message


def test_a_silhouette_touching_the_top_edge_is_a_cut_off_head() -> None:
    observation = profile_observation(chest_depth_px=140, waist_depth_px=120, hip_depth_px=150)
    observation.silhouette[0:50, 280:320] = True
    with pytest.raises(ScanRejected) as caught:
        person_mask(observation)
    assert "cut off" in caught.value.message
