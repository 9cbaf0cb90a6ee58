"""decode_image: uploads become upright BGR arrays in memory, and unsafe or foreign files are refused."""

from __future__ import annotations

import struct

import cv2
import numpy as np
import pytest

from tools.vision.errors import ScanRejected
from tools.vision.image import ImageFormat, decode_image, fit_within, header_size, sniff_format


def _test_card(width: int = 200, height: int = 100) -> np.ndarray:
    """White left quarter on black, so orientation is visible."""
    image = np.zeros((height, width, 3), np.uint8)
    image[:, : width // 4] = 255
    return image


def _encode(image: np.ndarray, extension: str, params: list[int] | None = None) -> bytes:
    ok, buffer = cv2.imencode(extension, image, params or [])
    assert ok
    return buffer.tobytes()


def _with_exif_orientation(jpeg: bytes, orientation: int) -> bytes:
    """Insert a minimal EXIF APP1 segment carrying only the Orientation tag (0x0112)."""
    tiff = b"II*\x00" + struct.pack("<I", 8) + struct.pack("<H", 1)
    tiff += struct.pack("<HHIHH", 0x0112, 3, 1, orientation, 0) + struct.pack("<I", 0)
    payload = b"Exif\x00\x00" + tiff
    return jpeg[:2] + b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload + jpeg[2:]


@pytest.mark.parametrize(
    ("extension", "params", "expected_format"),
    [
        (".jpg", [cv2.IMWRITE_JPEG_QUALITY, 95], ImageFormat.JPEG),
        (".png", [], ImageFormat.PNG),
        (".webp", [cv2.IMWRITE_WEBP_QUALITY, 90], ImageFormat.WEBP),
        (".webp", [cv2.IMWRITE_WEBP_QUALITY, 101], ImageFormat.WEBP),
    ],
    ids=["jpeg", "png", "webp-lossy", "webp-lossless"],
)
def test_jpeg_png_and_webp_decode_to_bgr_with_their_header_size(
    extension: str, params: list[int], expected_format: ImageFormat
) -> None:
    data = _encode(_test_card(), extension, params)

    assert sniff_format(data) is expected_format
    assert header_size(data, expected_format) == (200, 100)
    image = decode_image(data)
    assert image.shape == (100, 200, 3)
    assert image.dtype == np.uint8
    assert image[:, :40].mean() > 240 and image[:, 60:].mean() < 15


def test_exif_orientation_is_applied_so_a_portrait_photo_arrives_upright() -> None:
    rotated_90_clockwise = _with_exif_orientation(_encode(_test_card(), ".jpg"), 6)

    image = decode_image(rotated_90_clockwise)

    assert image.shape == (200, 100, 3)
    assert image[:40].mean() > 240 and image[60:].mean() < 15


@pytest.mark.parametrize(
    "data",
    [b"GIF89a" + bytes(100), b"%PDF-1.7 not a photo", b"", b"<svg xmlns='http://www.w3.org/2000/svg'/>"],
    ids=["gif", "pdf", "empty", "svg"],
)
def test_anything_but_jpeg_png_or_webp_is_refused_as_unsupported(data: bytes) -> None:
    with pytest.raises(ScanRejected) as rejected:
        decode_image(data)

    assert rejected.value.reason == "UNSUPPORTED_FORMAT"
    assert rejected.value.code == "SCAN_REJECTED"
    assert rejected.value.details == {
        "reason": "UNSUPPORTED_FORMAT",
        "suggestions": rejected.value.suggestions,
    }
    assert rejected.value.suggestions


def test_a_truncated_jpeg_is_refused_as_unsupported() -> None:
    data = _encode(_test_card(), ".jpg")

    with pytest.raises(ScanRejected) as rejected:
        decode_image(data[:12])

    assert rejected.value.reason == "UNSUPPORTED_FORMAT"


def test_an_image_with_a_corrupt_body_is_refused_as_unsupported() -> None:
    data = bytearray(_encode(_test_card(), ".png"))
    data[40:] = bytes(len(data) - 40)

    with pytest.raises(ScanRejected) as rejected:
        decode_image(bytes(data))

    assert rejected.value.reason == "UNSUPPORTED_FORMAT"


def test_a_thumbnail_too_small_to_measure_is_refused() -> None:
    with pytest.raises(ScanRejected) as rejected:
        decode_image(_encode(_test_card(40, 30), ".png"))

    assert rejected.value.reason == "UNSUPPORTED_FORMAT"


def test_an_upload_over_the_byte_limit_is_refused_before_decoding() -> None:
    data = _encode(_test_card(), ".png")

    with pytest.raises(ScanRejected) as rejected:
        decode_image(data, max_bytes=len(data) - 1)

    assert rejected.value.reason == "IMAGE_TOO_LARGE"


def test_a_decompression_bomb_is_refused_from_its_header_alone() -> None:
    # 7000 x 6000 black pixels compress to a few kilobytes but would decode to 126 MB.
    bomb = _encode(np.zeros((6000, 7000), np.uint8), ".png", [cv2.IMWRITE_PNG_COMPRESSION, 9])
    assert len(bomb) < 200_000

    with pytest.raises(ScanRejected) as rejected:
        decode_image(bomb)

    assert rejected.value.reason == "IMAGE_TOO_LARGE"
    assert "7000x6000" in rejected.value.message


def test_a_png_whose_header_lies_about_its_size_is_refused_without_decoding() -> None:
    data = bytearray(_encode(_test_card(), ".png"))
    data[16:24] = struct.pack(">II", 100_000, 100_000)

    with pytest.raises(ScanRejected) as rejected:
        decode_image(bytes(data))

    assert rejected.value.reason == "IMAGE_TOO_LARGE"


def test_the_pixel_limit_is_configurable() -> None:
    data = _encode(_test_card(), ".jpg")

    with pytest.raises(ScanRejected) as rejected:
        decode_image(data, max_pixels=200 * 100 - 1)

    assert rejected.value.reason == "IMAGE_TOO_LARGE"
    assert decode_image(data, max_pixels=200 * 100).shape == (100, 200, 3)


def test_a_photo_larger_than_the_limit_is_shrunk_keeping_its_aspect_and_a_smaller_one_is_untouched() -> None:
    full_hd = np.zeros((1080, 1920, 3), np.uint8)
    full_hd[:, 960:] = 200
    small = np.zeros((720, 1280, 3), np.uint8)

    shrunk = fit_within(full_hd, 1280)

    assert shrunk.shape == (720, 1280, 3)
    assert (shrunk[:, :635] == 0).all() and (shrunk[:, 645:] == 200).all()
    assert fit_within(small, 1280) is small
