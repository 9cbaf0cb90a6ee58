"""Decompression bombs and huge photos: the header decides before any pixel is decoded, and a large JPEG is
decoded reduced (libjpeg's DCT scaling) to what the scan needs, never at full size."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from api.routes.scan import SCAN_MAX_PIXELS
from tools.vision import image as image_module
from tools.vision.errors import ScanRejected
from tools.vision.image import decode_image


def flat(width: int, height: int) -> np.ndarray:
    return np.full((height, width, 3), 128, np.uint8)


@pytest.mark.parametrize(
    ("extension", "params"),
    [(".png", [cv2.IMWRITE_PNG_COMPRESSION, 9]), (".webp", [cv2.IMWRITE_WEBP_QUALITY, 101])],
)
def test_a_tiny_file_declaring_too_many_pixels_is_refused_without_decoding(
    monkeypatch: pytest.MonkeyPatch, extension: str, params: list[int]
) -> None:
    bomb = cv2.imencode(extension, flat(6300, 6300), params)[1].tobytes()
    assert len(bomb) < 200 * 1024
    monkeypatch.setattr(image_module.cv2, "imdecode", lambda *args: pytest.fail("decoded a bomb"))

    with pytest.raises(ScanRejected) as refused:
        decode_image(bomb, max_pixels=SCAN_MAX_PIXELS, long_side_px=1280)

    assert refused.value.reason == "IMAGE_TOO_LARGE"


def test_a_huge_jpeg_is_decoded_reduced_to_no_less_than_what_the_scan_needs() -> None:
    photo = cv2.imencode(".jpg", flat(12000, 9000), [cv2.IMWRITE_JPEG_QUALITY, 70])[1].tobytes()

    decoded = decode_image(photo, max_pixels=SCAN_MAX_PIXELS, long_side_px=1280)

    assert decoded.shape == (1125, 1500, 3)  # 1/8 of each side: the largest reduction still >= 1280


def test_a_phone_sized_jpeg_is_decoded_as_it_is() -> None:
    photo = cv2.imencode(".jpg", flat(1920, 1080))[1].tobytes()

    assert decode_image(photo, max_pixels=SCAN_MAX_PIXELS, long_side_px=1280).shape == (1080, 1920, 3)


def test_without_a_wanted_size_the_old_limits_hold() -> None:
    photo = cv2.imencode(".jpg", flat(5000, 4000))[1].tobytes()

    assert decode_image(photo).shape == (4000, 5000, 3)
