"""Face scan: MediaPipe face mesh -> skin sample -> tone, undertone, shine, redness, plus a questionnaire.

Skin type and sensitivity are what the shopper is best placed to tell us; the photo only nudges them (glare
hints at oily skin, cheek redness at sensitivity), so every attribute carries its own confidence and source.
"""

from __future__ import annotations

import threading
from types import TracebackType

import cv2
import numpy as np

from core.native_output import python_stderr_logged
from tools.vision.errors import ScanRejected
from tools.vision.schemas import Attribute, FaceScan, ScanQuality, SkinQuestionnaire
from tools.vision.skin import SkinReading, choose_white_balance, inter_ocular_px, read_skin, sample_skin

with python_stderr_logged():  # importing the binding prints a harmless protobuf message
    from mediapipe.python.solutions import face_mesh

MEAN_INTER_OCULAR_CM = 6.3
MIN_PHOTO_BRIGHTNESS = 35.0
MIN_FACE_SHARPNESS = 15.0
MIN_RESOLUTION_PX_PER_CM = 4.0
MIN_SKIN_PIXELS = 150
SECOND_FACE_AREA_SHARE = 0.25

GOOD_BRIGHTNESS = 100.0
GOOD_SHARPNESS = 40.0
GOOD_RESOLUTION_PX_PER_CM = 12.0
OVEREXPOSED_BRIGHTNESS = 215.0
GREY_WORLD_PENALTY = 0.85

SHINY = 0.5
FLUSHED = 0.25
LIGHTING_DEPENDENT_CONFIDENCE = 0.5
IMAGE_SKIN_TYPE_CONFIDENCE = 0.35
IMAGE_SENSITIVITY_CONFIDENCE = 0.3
SELF_REPORT_CONFIDENCE = 0.75
AGREEING_CONFIDENCE = 0.85
CONFLICTING_CONFIDENCE = 0.6

_RETAKE_FACE = [
    "Face the camera straight on, in daylight from a window, without make-up or filters.",
    "Hold the phone at arm's length so your whole face fills most of the frame.",
]


class FaceLandmarker:
    """MediaPipe's face mesh with iris refinement (model bundled in the wheel), opened once and reused.

    A MediaPipe graph is not safe to call from two threads at once, so calls are serialised."""

    def __init__(self, *, max_faces: int = 2, min_detection_confidence: float = 0.5) -> None:
        self._mesh = face_mesh.FaceMesh(
            static_image_mode=True,
            max_num_faces=max_faces,
            refine_landmarks=True,
            min_detection_confidence=min_detection_confidence,
        )
        self._lock = threading.Lock()

    def detect(self, image_bgr: np.ndarray) -> list[np.ndarray]:
        """Landmarks of every face found, each (478, 2) in pixel coordinates, largest face first."""
        rgb = cv2.cvtColor(image_bgr, cv2.COLOR_BGR2RGB)
        with self._lock:
            result = self._mesh.process(rgb)
        if not result.multi_face_landmarks:
            return []
        height, width = image_bgr.shape[:2]
        faces = [
            np.array([(point.x * width, point.y * height) for point in face.landmark], dtype=np.float64)
            for face in result.multi_face_landmarks
        ]
        return sorted(faces, key=_face_area, reverse=True)

    def close(self) -> None:
        self._mesh.close()

    def __enter__(self) -> FaceLandmarker:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def _face_area(landmarks_px: np.ndarray) -> float:
    span = landmarks_px.max(axis=0) - landmarks_px.min(axis=0)
    return float(span[0] * span[1])


def analyse_face(
    image: np.ndarray, questionnaire: SkinQuestionnaire, *, landmarker: FaceLandmarker | None = None
) -> FaceScan:
    """Skin attributes from a BGR selfie and the shopper's answers; raises `ScanRejected` for unusable photos.

    Pass a long-lived `landmarker` in services; without one a face mesh is opened for this call only."""
    if landmarker is None:
        with FaceLandmarker() as own_landmarker:
            return analyse_face(image, questionnaire, landmarker=own_landmarker)
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    if float(gray.mean()) < MIN_PHOTO_BRIGHTNESS:
        raise ScanRejected("TOO_DARK", "the photo is too dark to see skin colour", _RETAKE_FACE)
    landmarks = _single_face(landmarker.detect(image))
    quality = face_quality(gray, landmarks)
    sample = sample_skin(image, landmarks)
    if min(len(sample.cheeks), len(sample.forehead)) * 2 < MIN_SKIN_PIXELS:
        raise ScanRejected(
            "SKIN_NOT_VISIBLE",
            "too little bare skin is visible on the cheeks and forehead",
            ["Move hair, glasses and masks away from your forehead and cheeks.", *_RETAKE_FACE],
        )
    white_balance = choose_white_balance(image, sample)
    if white_balance.method == "grey_world":
        quality = _with_issue(quality, "no_white_reference", GREY_WORLD_PENALTY)
    return combine(read_skin(sample, white_balance), questionnaire, quality)


def _single_face(faces: list[np.ndarray]) -> np.ndarray:
    if not faces:
        raise ScanRejected("NO_FACE", "no face was found in the photo", _RETAKE_FACE)
    if len(faces) > 1 and _face_area(faces[1]) >= SECOND_FACE_AREA_SHARE * _face_area(faces[0]):
        raise ScanRejected(
            "MULTIPLE_FACES",
            "more than one face is in the photo",
            ["Take the photo with only your face in it."],
        )
    return faces[0]


def face_quality(gray: np.ndarray, landmarks_px: np.ndarray) -> ScanQuality:
    """Sharpness, brightness and resolution of the face region; refuses a face too blurred to read."""
    x0, y0 = np.floor(landmarks_px.min(axis=0)).astype(int).clip(0)
    x1, y1 = np.ceil(landmarks_px.max(axis=0)).astype(int)
    face = gray[y0 : y1 + 1, x0 : x1 + 1]
    sharpness = float(cv2.Laplacian(face, cv2.CV_64F).var())
    brightness = float(face.mean())
    resolution = inter_ocular_px(landmarks_px) / MEAN_INTER_OCULAR_CM
    if resolution < MIN_RESOLUTION_PX_PER_CM:
        raise ScanRejected(
            "FACE_TOO_SMALL", "the face is too small in the photo to sample skin", _RETAKE_FACE[1:]
        )
    if sharpness < MIN_FACE_SHARPNESS:
        raise ScanRejected("TOO_BLURRED", "the face is too blurred to read skin colour", _RETAKE_FACE)
    issues: list[str] = []
    factors = [
        min(1.0, brightness / GOOD_BRIGHTNESS),
        min(1.0, sharpness / GOOD_SHARPNESS),
        min(1.0, resolution / GOOD_RESOLUTION_PX_PER_CM),
    ]
    for name, factor in zip(("low_light", "soft_focus", "low_resolution"), factors, strict=True):
        if factor < 1.0:
            issues.append(name)
    if brightness > OVEREXPOSED_BRIGHTNESS:
        issues.append("overexposed")
        factors.append(0.7)
    return ScanQuality(
        score=float(np.prod(factors)),
        blur=sharpness,
        brightness=brightness,
        resolution=resolution,
        issues=issues,
    )


def _with_issue(quality: ScanQuality, issue: str, factor: float) -> ScanQuality:
    return quality.model_copy(update={"score": quality.score * factor, "issues": [*quality.issues, issue]})


def combine(reading: SkinReading, questionnaire: SkinQuestionnaire, quality: ScanQuality) -> FaceScan:
    """Merge the image reading with the questionnaire; image confidences are scaled by photo quality."""
    score = quality.score
    return FaceScan(
        ita_deg=Attribute(
            value=round(reading.ita_deg, 1), confidence=reading.ita_confidence * score, source="image"
        ),
        monk_band=Attribute(
            value=reading.monk_band, confidence=reading.monk_confidence * score, source="image"
        ),
        undertone=Attribute(
            value=reading.undertone.value, confidence=reading.undertone_confidence * score, source="image"
        ),
        shine=Attribute(
            value=round(reading.shine, 3), confidence=LIGHTING_DEPENDENT_CONFIDENCE * score, source="image"
        ),
        redness=Attribute(
            value=round(reading.redness, 3), confidence=LIGHTING_DEPENDENT_CONFIDENCE * score, source="image"
        ),
        skin_type=skin_type_attribute(reading.shine, questionnaire, score),
        sensitivity=sensitivity_attribute(reading.redness, questionnaire, score),
        concerns=merged_concerns(reading, questionnaire),
        quality=quality,
    )


def skin_type_attribute(shine: float, questionnaire: SkinQuestionnaire, quality_score: float) -> Attribute:
    """The self-reported type: strengthened when glare agrees (oily/combination), weakened on conflict."""
    looks_oily = shine >= SHINY
    reported = questionnaire.skin_type
    if reported is None:
        guess = "oily" if looks_oily else "normal"
        return Attribute(value=guess, confidence=IMAGE_SKIN_TYPE_CONFIDENCE * quality_score, source="image")
    if looks_oily and reported in ("oily", "combination"):
        return Attribute(value=reported, confidence=AGREEING_CONFIDENCE, source="combined")
    if looks_oily and reported == "dry":
        return Attribute(value=reported, confidence=CONFLICTING_CONFIDENCE, source="questionnaire")
    return Attribute(value=reported, confidence=SELF_REPORT_CONFIDENCE, source="questionnaire")


def sensitivity_attribute(
    redness: float, questionnaire: SkinQuestionnaire, quality_score: float
) -> Attribute:
    """The self-reported sensitivity, strengthened when visible cheek redness agrees with it."""
    flushed = redness >= FLUSHED
    reported = questionnaire.sensitivity
    if reported is None:
        guess = "medium" if flushed else "low"
        return Attribute(value=guess, confidence=IMAGE_SENSITIVITY_CONFIDENCE * quality_score, source="image")
    if flushed and reported in ("medium", "high"):
        return Attribute(value=reported, confidence=AGREEING_CONFIDENCE, source="combined")
    if flushed and reported == "low":
        return Attribute(value=reported, confidence=CONFLICTING_CONFIDENCE, source="questionnaire")
    return Attribute(value=reported, confidence=SELF_REPORT_CONFIDENCE, source="questionnaire")


def merged_concerns(reading: SkinReading, questionnaire: SkinQuestionnaire) -> list[str]:
    """The shopper's concerns (normalised, de-duplicated) plus what the photo shows: redness, oiliness."""
    concerns = list(
        dict.fromkeys(concern.strip().lower() for concern in questionnaire.concerns if concern.strip())
    )
    seen = [("redness", reading.redness >= FLUSHED), ("oiliness", reading.shine >= SHINY)]
    return concerns + [concern for concern, shown in seen if shown and concern not in concerns]
