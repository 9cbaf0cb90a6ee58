"""Turn uploaded bytes into a BGR image, in memory, refusing anything that is not a safe JPEG/PNG/WebP.

The pixel count is read from the file header before decoding, so a small file that would inflate to
gigabytes (a decompression bomb) is refused without allocating it. A caller that needs only so many pixels
(`long_side_px`) gets a large JPEG decoded reduced by libjpeg's DCT scaling (`IMREAD_REDUCED_COLOR_2/4/8`),
which never allocates the full-size image; the pixel limit applies to what is decoded. EXIF orientation is
applied by OpenCV's decoder, so a portrait phone photo arrives upright.
"""

from __future__ import annotations

import struct
from enum import StrEnum

import cv2
import numpy as np

from tools.vision.errors import ScanRejected

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_PIXELS = 40_000_000
MIN_SIDE_PX = 64

_RETAKE_AS_PHOTO = ["Upload a JPEG, PNG or WebP photo taken with your phone camera."]
_RETAKE_SMALLER = ["Upload the photo at your camera's normal size (under 10 MB)."]

_JPEG_SOF_MARKERS = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
_JPEG_STANDALONE_MARKERS = frozenset(range(0xD0, 0xDA)) | {0x01}


class ImageFormat(StrEnum):
    JPEG = "jpeg"
    PNG = "png"
    WEBP = "webp"


def sniff_format(data: bytes) -> ImageFormat | None:
    """The format named by the file's magic bytes, or None for anything else."""
    if data[:3] == b"\xff\xd8\xff":
        return ImageFormat.JPEG
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return ImageFormat.PNG
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return ImageFormat.WEBP
    return None


def _png_size(data: bytes) -> tuple[int, int] | None:
    if len(data) < 24 or data[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    position = 2
    while position + 4 <= len(data):
        if data[position] != 0xFF:
            return None
        marker = data[position + 1]
        if marker == 0xFF:
            position += 1
            continue
        if marker in _JPEG_STANDALONE_MARKERS:
            position += 2
            continue
        (segment_length,) = struct.unpack(">H", data[position + 2 : position + 4])
        if marker in _JPEG_SOF_MARKERS:
            if position + 9 > len(data):
                return None
            height, width = struct.unpack(">HH", data[position + 5 : position + 9])
            return width, height
        position += 2 + segment_length
    return None


def _webp_size(data: bytes) -> tuple[int, int] | None:
    if len(data) < 30:
        return None
    chunk = data[12:16]
    if chunk == b"VP8 " and data[23:26] == b"\x9d\x01\x2a":
        width, height = struct.unpack("<HH", data[26:30])
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L" and data[20] == 0x2F:
        (bits,) = struct.unpack("<I", data[21:25])
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X":
        width = int.from_bytes(data[24:27], "little") + 1
        height = int.from_bytes(data[27:30], "little") + 1
        return width, height
    return None


_HEADER_READERS = {ImageFormat.JPEG: _jpeg_size, ImageFormat.PNG: _png_size, ImageFormat.WEBP: _webp_size}


def header_size(data: bytes, image_format: ImageFormat) -> tuple[int, int] | None:
    """(width, height) as declared in the file header, without decoding pixels; None if unreadable."""
    return _HEADER_READERS[image_format](data)


_REDUCED_JPEG_FLAGS = {
    1: cv2.IMREAD_COLOR,
    2: cv2.IMREAD_REDUCED_COLOR_2,
    4: cv2.IMREAD_REDUCED_COLOR_4,
    8: cv2.IMREAD_REDUCED_COLOR_8,
}


def reduction_for(image_format: ImageFormat, width: int, height: int, long_side_px: int | None) -> int:
    """The largest JPEG reduction (1, 2, 4 or 8) that still decodes at least `long_side_px` on the long side;
    1 for PNG and WebP (OpenCV would decode those at full size before reducing them)."""
    if image_format is not ImageFormat.JPEG or long_side_px is None:
        return 1
    return next(
        (factor for factor in (8, 4, 2) if max(width, height) // factor >= long_side_px),
        1,
    )


def decode_image(
    data: bytes,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    long_side_px: int | None = None,
) -> np.ndarray:
    """Decode a JPEG/PNG/WebP upload to a BGR uint8 array with EXIF orientation applied; with `long_side_px`,
    a large JPEG is decoded reduced to no less than that on its long side.

    Raises `ScanRejected` with reason UNSUPPORTED_FORMAT (unknown, corrupt or tiny image) or
    IMAGE_TOO_LARGE (too many bytes, or a header whose decode would hold more than `max_pixels`).
    """
    if len(data) > max_bytes:
        raise ScanRejected(
            "IMAGE_TOO_LARGE", f"the photo is {len(data)} bytes; the limit is {max_bytes}", _RETAKE_SMALLER
        )
    image_format = sniff_format(data)
    if image_format is None:
        raise ScanRejected(
            "UNSUPPORTED_FORMAT", "the upload is not a JPEG, PNG or WebP image", _RETAKE_AS_PHOTO
        )
    declared = header_size(data, image_format)
    if declared is None:
        raise ScanRejected(
            "UNSUPPORTED_FORMAT", f"the {image_format} header is corrupt or truncated", _RETAKE_AS_PHOTO
        )
    width, height = declared
    factor = reduction_for(image_format, width, height, long_side_px)
    if -(-width // factor) * -(-height // factor) > max_pixels:
        raise ScanRejected(
            "IMAGE_TOO_LARGE",
            f"the photo declares {width}x{height} pixels; the limit is {max_pixels} pixels",
            _RETAKE_SMALLER,
        )
    image = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), _REDUCED_JPEG_FLAGS[factor])
    if image is None:
        raise ScanRejected(
            "UNSUPPORTED_FORMAT", f"the {image_format} image could not be decoded", _RETAKE_AS_PHOTO
        )
    if image.shape[0] * image.shape[1] > max_pixels:
        raise ScanRejected("IMAGE_TOO_LARGE", "the decoded photo exceeds the pixel limit", _RETAKE_SMALLER)
    if min(image.shape[:2]) < MIN_SIDE_PX:
        raise ScanRejected(
            "UNSUPPORTED_FORMAT",
            f"the photo is only {image.shape[1]}x{image.shape[0]} pixels",
            _RETAKE_AS_PHOTO,
        )
    return image


def fit_within(image: np.ndarray, max_side_px: int) -> np.ndarray:
    """The photo shrunk by pixel-area averaging so that its longer side is at most `max_side_px`; a photo
    that already fits is returned as it is."""
    scale = max_side_px / max(image.shape[:2])
    if scale >= 1:
        return image
    return cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
