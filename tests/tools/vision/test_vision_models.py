"""VisionModels: each model is opened once, on first use, and shared by every later scan."""

from __future__ import annotations

from tools.vision.models import VisionModels


def test_each_model_is_opened_on_first_use_and_then_reused() -> None:
    models = VisionModels()
    try:
        assert models.face() is models.face()
        assert models.pose() is models.pose()
        assert models.priors() is models.priors()
    finally:
        models.close()


def test_closing_releases_the_landmarkers_and_a_later_use_opens_fresh_ones() -> None:
    models = VisionModels()
    first = models.face()
    models.close()

    again = models.face()
    try:
        assert again is not first
    finally:
        models.close()
