"""Body scan: MediaPipe pose landmarks and person silhouette -> breadths (and depths from a side photo) in cm,
scaled by the shopper's height -> circumferences and inseam through priors fitted on ANSUR II.

The silhouette gives the breadths: at each torso level, the run of person pixels around the torso centre
line, stopped before it reaches an arm. Levels are fractions of the shoulder-to-hip-joint distance.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import pairwise
from types import TracebackType

import cv2
import numpy as np

from core.errors import InvalidInput
from core.native_output import python_stderr_logged
from tools.vision.body_priors import BodyPriors
from tools.vision.errors import ScanRejected
from tools.vision.schemas import BodyScan, Measurement, ScanQuality

with python_stderr_logged():  # importing the binding prints a harmless protobuf message
    from mediapipe.python.solutions import pose

NOSE = 0
LEFT_SHOULDER, RIGHT_SHOULDER, LEFT_ELBOW, RIGHT_ELBOW, LEFT_WRIST, RIGHT_WRIST = 11, 12, 13, 14, 15, 16
LEFT_HIP, RIGHT_HIP, LEFT_ANKLE, RIGHT_ANKLE = 23, 24, 27, 28
LEFT_ARM, RIGHT_ARM = (LEFT_SHOULDER, LEFT_ELBOW, LEFT_WRIST), (RIGHT_SHOULDER, RIGHT_ELBOW, RIGHT_WRIST)
REQUIRED_PARTS: dict[str, tuple[int, ...]] = {
    "head": (NOSE,),
    "shoulders": (LEFT_SHOULDER, RIGHT_SHOULDER),
    "hips": (LEFT_HIP, RIGHT_HIP),
    "ankles": (LEFT_ANKLE, RIGHT_ANKLE),
}
MIN_VISIBILITY = 0.5
MIN_TORSO_SHARE = 0.1  # shoulders to hips, as a share of the photo height, for someone standing upright
SILHOUETTE_THRESHOLD = 0.5


@dataclass(frozen=True)
class Band:
    """Rows from `start` to `end` as fractions of shoulder (0) to hip joint (1), summarised as the widest row
    or the median; the deltoids are part of the arm, so only the shoulder band lets an arm join the torso."""

    start: float
    end: float
    widest: bool
    arms_join: bool = False


BANDS = {
    "shoulder": Band(0.0, 0.12, widest=True, arms_join=True),  # across the deltoids (ANSUR bideltoid breadth)
    "chest": Band(0.25, 0.35, widest=False),  # nipple level
    "waist": Band(0.65, 0.8, widest=False),  # navel level, where ANSUR measures the waist
    "hip": Band(0.9, 1.1, widest=True),  # widest over the buttocks
}
FRONT_FEATURES = {
    "shoulder": "bideltoidbreadth",
    "chest": "chestbreadth",
    "waist": "waistbreadth",
    "hip": "hipbreadth",
}
SIDE_FEATURES = {"chest": "chestdepth", "waist": "waistdepth", "hip": "buttockdepth"}
PRIOR_FOR = {
    "shoulder_width": ("shoulder_width", None),
    "chest": ("chest", "chest_with_depth"),
    "waist": ("waist", "waist_with_depth"),
    "hip": ("hip", "hip_with_depth"),
    "inseam": ("inseam", None),
}

MIN_HEIGHT_CM, MAX_HEIGHT_CM = 100.0, 230.0
HEIGHT_SIGMA_CM = 1.5  # self-reported height
EDGE_SIGMA_PX = 2.0  # silhouette edge position, per breadth
SCALE_RELATIVE_SIGMA = 0.015  # hair, posture and the floor line against the stated height
CLOTHING_SIGMA_CM = 1.5  # fitted clothes add width
LANDMARK_SIGMA_CM = 2.0  # MediaPipe joint position, for leg length
MAX_PROFILE_SHOULDER_SPAN = 0.3  # a side photo shows the shoulders within 30% of the torso length

MIN_PHOTO_BRIGHTNESS = 35.0
MIN_SHARPNESS = 5.0
GOOD_BRIGHTNESS = 90.0
GOOD_SHARPNESS = 30.0
GOOD_RESOLUTION_PX_PER_CM = 4.0
NO_SIDE_PHOTO_FACTOR = 0.85

_RETAKE_BODY = [
    "Stand 2-3 metres from the camera so your whole body, head to feet, is in the photo.",
    "Wear fitted clothes, stand straight, feet apart and arms held a little away from your body.",
]


@dataclass(frozen=True)
class PoseObservation:
    """Pose landmarks (33, 2) in pixels, their visibility (0 outside the frame) and the person mask."""

    landmarks: np.ndarray
    visibility: np.ndarray
    silhouette: np.ndarray


@dataclass(frozen=True)
class SilhouetteFeatures:
    """ANSUR-named measurements read off one photo, and that photo's scale."""

    cm_per_px: float
    features: dict[str, Measurement]


class PoseLandmarker:
    """MediaPipe pose (full model, bundled in the wheel) with person segmentation, opened once and reused.

    A MediaPipe graph is not safe to call from two threads at once, so calls are serialised."""

    def __init__(self, *, min_detection_confidence: float = 0.5) -> None:
        self._pose = pose.Pose(
            static_image_mode=True,
            model_complexity=1,
            enable_segmentation=True,
            min_detection_confidence=min_detection_confidence,
        )
        self._lock = threading.Lock()

    def detect(self, image_bgr: np.ndarray) -> PoseObservation | None:
        """The person's landmarks and silhouette, or None when nobody is found."""
        rgb = cv2.cvtColor(image_bgr, cv2.COLOR_BGR2RGB)
        with self._lock:
            result = self._pose.process(rgb)
        if result.pose_landmarks is None or result.segmentation_mask is None:
            return None
        height, width = image_bgr.shape[:2]
        points = result.pose_landmarks.landmark
        normalised = np.array([(point.x, point.y) for point in points])
        inside = np.all((normalised >= 0.0) & (normalised <= 1.0), axis=1)
        visibility = np.array([point.visibility for point in points]) * inside
        return PoseObservation(
            landmarks=normalised * np.array([width, height]),
            visibility=visibility,
            silhouette=result.segmentation_mask > SILHOUETTE_THRESHOLD,
        )

    def close(self) -> None:
        self._pose.close()

    def __enter__(self) -> PoseLandmarker:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def measure_body(
    image: np.ndarray,
    height_cm: float,
    side_image: np.ndarray | None = None,
    *,
    landmarker: PoseLandmarker | None = None,
    priors: BodyPriors | None = None,
) -> BodyScan:
    """Shoulder width, chest, waist, hip and inseam (cm, with sigmas) from a full-length front photo.

    A side photo adds depths and narrows the circumferences. Pass a long-lived `landmarker` and `priors` in
    services; without them they are opened for this call. Raises `ScanRejected` for unusable photos."""
    if not MIN_HEIGHT_CM <= height_cm <= MAX_HEIGHT_CM:
        raise InvalidInput(f"height must be between {MIN_HEIGHT_CM:.0f} and {MAX_HEIGHT_CM:.0f} cm")
    if landmarker is None:
        with PoseLandmarker() as own_landmarker:
            return measure_body(image, height_cm, side_image, landmarker=own_landmarker, priors=priors)
    front = _observe(image, landmarker)
    front_reading = front_features(front, height_cm)
    issues: list[str] = []
    features = dict(front_reading.features)
    if side_image is None:
        issues.append("no_side_photo")
    else:
        side_reading = side_features(_observe(side_image, landmarker), height_cm)
        if side_reading is None:
            issues.append("side_photo_not_in_profile")
        else:
            features.update(side_reading.features)
    quality = body_quality(image, front, front_reading.cm_per_px, issues)
    return BodyScan(
        measurements=estimate_measurements(features, priors or BodyPriors.load()), quality=quality
    )


def _observe(image: np.ndarray, landmarker: PoseLandmarker) -> PoseObservation:
    if float(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY).mean()) < MIN_PHOTO_BRIGHTNESS:
        raise ScanRejected("TOO_DARK", "the photo is too dark to find your outline", _RETAKE_BODY)
    observation = landmarker.detect(image)
    if observation is None:
        raise ScanRejected("LANDMARKS_NOT_VISIBLE", "no person was found in the photo", _RETAKE_BODY)
    require_landmarks(observation)
    return observation


def require_landmarks(observation: PoseObservation) -> None:
    """Refuse unless head, shoulders, hips and ankles are in the frame and visible, hips below shoulders."""
    missing = [
        part
        for part, indices in REQUIRED_PARTS.items()
        if any(observation.visibility[index] < MIN_VISIBILITY for index in indices)
    ]
    if missing:
        raise ScanRejected(
            "LANDMARKS_NOT_VISIBLE", f"these are not clearly visible: {', '.join(missing)}", _RETAKE_BODY
        )
    landmarks = observation.landmarks
    torso_px = (
        landmarks[[LEFT_HIP, RIGHT_HIP], 1].mean() - landmarks[[LEFT_SHOULDER, RIGHT_SHOULDER], 1].mean()
    )
    if torso_px < MIN_TORSO_SHARE * observation.silhouette.shape[0]:
        raise ScanRejected("LANDMARKS_NOT_VISIBLE", "you do not appear to be standing upright", _RETAKE_BODY)


def person_mask(observation: PoseObservation) -> np.ndarray:
    """The connected part of the silhouette holding the torso; refuses when it touches the top or bottom."""
    torso_centre = observation.landmarks[[LEFT_SHOULDER, RIGHT_SHOULDER, LEFT_HIP, RIGHT_HIP]].mean(axis=0)
    _, labels = cv2.connectedComponents(observation.silhouette.astype(np.uint8))
    x, y = np.round(torso_centre).astype(int)
    label = labels[y, x]
    if label == 0:
        raise ScanRejected(
            "LANDMARKS_NOT_VISIBLE",
            "your outline could not be separated from the background",
            ["Stand in front of a plain wall, in clothes that contrast with it.", *_RETAKE_BODY],
        )
    mask = labels == label
    if mask[0].any() or mask[-1].any():
        raise ScanRejected("LANDMARKS_NOT_VISIBLE", "your head or feet are cut off", _RETAKE_BODY)
    return mask


def _torso_centre_x(observation: PoseObservation, y: float) -> float:
    """The torso's centre line, interpolated between the shoulder and hip midpoints."""
    shoulders = observation.landmarks[[LEFT_SHOULDER, RIGHT_SHOULDER]].mean(axis=0)
    hips = observation.landmarks[[LEFT_HIP, RIGHT_HIP]].mean(axis=0)
    t = (y - shoulders[1]) / (hips[1] - shoulders[1])
    return float(shoulders[0] + t * (hips[0] - shoulders[0]))


def _arm_x(observation: PoseObservation, arm: tuple[int, int, int], y: float) -> float | None:
    """Where the arm's centre line (shoulder-elbow-wrist) crosses row `y`, if it does."""
    for upper, lower in pairwise(arm):
        (x0, y0), (x1, y1) = observation.landmarks[upper], observation.landmarks[lower]
        if min(y0, y1) <= y <= max(y0, y1) and y0 != y1:
            return float(x0 + (y - y0) / (y1 - y0) * (x1 - x0))
    return None


def torso_run(mask: np.ndarray, observation: PoseObservation, y: int, *, arms_join: bool) -> tuple[int, int]:
    """(left, right) pixel columns of the torso on row `y`; refuses when an arm is joined to the torso
    (unless `arms_join`): the run would then reach the arm's centre line."""
    row = mask[y]
    centre = round(_torso_centre_x(observation, y))
    if not row[centre]:
        raise ScanRejected("LANDMARKS_NOT_VISIBLE", "your outline has a gap across the torso", _RETAKE_BODY)
    outside_left, outside_right = np.flatnonzero(~row[:centre]), np.flatnonzero(~row[centre:])
    left = int(outside_left[-1]) + 1 if len(outside_left) else 0
    right = centre + int(outside_right[0]) - 1 if len(outside_right) else len(row) - 1
    if arms_join:
        return left, right
    for arm in (LEFT_ARM, RIGHT_ARM):
        arm_x = _arm_x(observation, arm, y)
        if arm_x is not None and left <= arm_x <= right:
            raise ScanRejected(
                "LANDMARKS_NOT_VISIBLE",
                "an arm is against your body, hiding its outline",
                ["Hold your arms a little away from your body, hands by your thighs.", *_RETAKE_BODY],
            )
    return left, right


def band_width_px(
    mask: np.ndarray, observation: PoseObservation, band: str, *, profile: bool = False
) -> float:
    """The torso width in pixels over one band (its widest or median row). Side-on, arms hanging at the side
    overlap the torso without widening it, so a profile is not checked for arms."""
    spec = BANDS[band]
    shoulder_y = float(observation.landmarks[[LEFT_SHOULDER, RIGHT_SHOULDER], 1].mean())
    torso_px = float(observation.landmarks[[LEFT_HIP, RIGHT_HIP], 1].mean()) - shoulder_y
    rows = range(round(shoulder_y + spec.start * torso_px), round(shoulder_y + spec.end * torso_px) + 1)
    runs = [torso_run(mask, observation, y, arms_join=spec.arms_join or profile) for y in rows]
    widths = [right - left + 1 for left, right in runs]
    return float(np.max(widths) if spec.widest else np.median(widths))


def _scale(mask: np.ndarray, height_cm: float) -> float:
    rows = np.flatnonzero(mask.any(axis=1))
    return height_cm / float(rows[-1] - rows[0] + 1)


def _breadth(width_px: float, cm_per_px: float) -> Measurement:
    width_cm = width_px * cm_per_px
    sigma = np.sqrt(
        (EDGE_SIGMA_PX * cm_per_px) ** 2 + (SCALE_RELATIVE_SIGMA * width_cm) ** 2 + CLOTHING_SIGMA_CM**2
    )
    return Measurement(value=width_cm, sigma=float(sigma), unit="cm")


def front_features(observation: PoseObservation, height_cm: float) -> SilhouetteFeatures:
    """Stature, the four front breadths and leg length (hip joint to ankle, vertical) from a front photo."""
    mask = person_mask(observation)
    cm_per_px = _scale(mask, height_cm)
    features = {"stature": Measurement(value=height_cm, sigma=HEIGHT_SIGMA_CM, unit="cm")}
    for band, feature in FRONT_FEATURES.items():
        features[feature] = _breadth(band_width_px(mask, observation, band), cm_per_px)
    legs_px = np.abs(
        observation.landmarks[[LEFT_ANKLE, RIGHT_ANKLE], 1] - observation.landmarks[[LEFT_HIP, RIGHT_HIP], 1]
    )
    leg_cm = float(legs_px.mean()) * cm_per_px
    leg_sigma = np.hypot(LANDMARK_SIGMA_CM, SCALE_RELATIVE_SIGMA * leg_cm)
    features["leg_length"] = Measurement(value=leg_cm, sigma=float(leg_sigma), unit="cm")
    return SilhouetteFeatures(cm_per_px=cm_per_px, features=features)


def is_profile(observation: PoseObservation) -> bool:
    """True when the shoulders nearly overlap, as they do when the shopper stands side-on."""
    landmarks = observation.landmarks
    span = abs(landmarks[LEFT_SHOULDER, 0] - landmarks[RIGHT_SHOULDER, 0])
    torso = abs(
        landmarks[[LEFT_HIP, RIGHT_HIP], 1].mean() - landmarks[[LEFT_SHOULDER, RIGHT_SHOULDER], 1].mean()
    )
    return bool(span <= MAX_PROFILE_SHOULDER_SPAN * torso)


def side_features(observation: PoseObservation, height_cm: float) -> SilhouetteFeatures | None:
    """Chest, waist and buttock depths from a side photo, or None when it is not a side view."""
    if not is_profile(observation):
        return None
    mask = person_mask(observation)
    cm_per_px = _scale(mask, height_cm)
    features = {
        feature: _breadth(band_width_px(mask, observation, band, profile=True), cm_per_px)
        for band, feature in SIDE_FEATURES.items()
    }
    return SilhouetteFeatures(cm_per_px=cm_per_px, features=features)


def estimate_measurements(features: Mapping[str, Measurement], priors: BodyPriors) -> dict[str, Measurement]:
    """Each garment measurement from its prior, using the depth-aware prior when a side photo gave depths."""
    measurements = {}
    for name, (front_only, with_depth) in PRIOR_FOR.items():
        model = priors.model(front_only)
        if with_depth is not None and all(f in features for f in priors.model(with_depth).features):
            model = priors.model(with_depth)
        estimate = model.predict(features)
        measurements[name] = Measurement(
            value=round(estimate.value, 1), sigma=round(estimate.sigma, 1), unit="cm"
        )
    return measurements


def body_quality(
    image: np.ndarray, observation: PoseObservation, cm_per_px: float, issues: list[str]
) -> ScanQuality:
    """Sharpness and brightness of the photo and pixels per cm; refuses a body too blurred to outline."""
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    ys, xs = np.nonzero(observation.silhouette)
    person = gray[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]
    sharpness = float(cv2.Laplacian(person, cv2.CV_64F).var())
    if sharpness < MIN_SHARPNESS:
        raise ScanRejected("TOO_BLURRED", "the photo is too blurred to outline your body", _RETAKE_BODY)
    brightness = float(gray.mean())  # the whole scene: dark clothes are not bad light
    resolution = 1.0 / cm_per_px
    factors = {
        "low_light": min(1.0, brightness / GOOD_BRIGHTNESS),
        "soft_focus": min(1.0, sharpness / GOOD_SHARPNESS),
        "low_resolution": min(1.0, resolution / GOOD_RESOLUTION_PX_PER_CM),
    }
    all_issues = [name for name, factor in factors.items() if factor < 1.0] + issues
    score = float(np.prod(list(factors.values())))
    if "no_side_photo" in issues or "side_photo_not_in_profile" in issues:
        score *= NO_SIDE_PHOTO_FACTOR
    return ScanQuality(
        score=score, blur=sharpness, brightness=brightness, resolution=resolution, issues=all_issues
    )
