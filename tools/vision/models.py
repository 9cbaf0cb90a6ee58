"""The vision models a process reuses across scans: MediaPipe's face mesh and pose graphs and the body priors.

Each is opened on first use (most processes never scan, and a graph costs a model load) and then shared by
every later scan; the landmarkers serialise their own calls. `close` releases whatever was opened."""

from __future__ import annotations

import threading

from tools.vision.body import PoseLandmarker
from tools.vision.body_priors import BodyPriors
from tools.vision.face import FaceLandmarker


class VisionModels:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._face: FaceLandmarker | None = None
        self._pose: PoseLandmarker | None = None
        self._priors: BodyPriors | None = None

    def face(self) -> FaceLandmarker:
        with self._lock:
            if self._face is None:
                self._face = FaceLandmarker()
            return self._face

    def pose(self) -> PoseLandmarker:
        with self._lock:
            if self._pose is None:
                self._pose = PoseLandmarker()
            return self._pose

    def priors(self) -> BodyPriors:
        with self._lock:
            if self._priors is None:
                self._priors = BodyPriors.load()
            return self._priors

    def close(self) -> None:
        with self._lock:
            for landmarker in (self._face, self._pose):
                if landmarker is not None:
                    landmarker.close()
            self._face = self._pose = None
