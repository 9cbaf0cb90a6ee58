"""Synthetic photos for the scan route tests: a foot of known size on an A4 sheet, and a plain image."""

from __future__ import annotations

import zlib

import cv2
import numpy as np

A4_MM = (210, 297)
PX_PER_MM = 3.0
MARGIN_PX = 120


def foot_on_a4(
    length_mm: float = 260.0, width_mm: float = 100.0, *, marker: bytes = b"", px_per_mm: float = PX_PER_MM
) -> bytes:
    """A top-down JPEG of a skin-toned foot (an ellipse for the ball, a narrower one for the heel) on white
    A4 on a dark floor.

    `marker` is written into a JPEG comment so the exact upload can be searched for afterwards."""
    sheet_w, sheet_h = (round(side * px_per_mm) for side in A4_MM)
    image = np.full((sheet_h + 2 * MARGIN_PX, sheet_w + 2 * MARGIN_PX, 3), (60, 70, 80), np.uint8)
    cv2.rectangle(
        image, (MARGIN_PX, MARGIN_PX), (MARGIN_PX + sheet_w, MARGIN_PX + sheet_h), (245, 245, 245), -1
    )
    skin = (120, 150, 200)
    centre_x = MARGIN_PX + sheet_w // 2
    heel_y = MARGIN_PX + round((A4_MM[1] - (A4_MM[1] - length_mm) / 2) * px_per_mm)
    toe_y = heel_y - round(length_mm * px_per_mm)
    half_width = round(width_mm * px_per_mm / 2)
    ball_y = toe_y + round(0.3 * length_mm * px_per_mm)
    cv2.ellipse(
        image, (centre_x, ball_y), (half_width, round(0.3 * length_mm * px_per_mm)), 0, 0, 360, skin, -1
    )
    heel_half = round(0.65 * half_width)
    cv2.ellipse(
        image, (centre_x, (ball_y + heel_y) // 2), (heel_half, (heel_y - ball_y) // 2), 0, 0, 360, skin, -1
    )
    encoded = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 92])[1].tobytes()
    if not marker:
        return encoded
    comment = b"\xff\xfe" + (len(marker) + 2).to_bytes(2, "big") + marker
    return encoded[:2] + comment + encoded[2:]


def plain_png(marker: bytes = b"", *, width: int = 640, height: int = 480) -> bytes:
    """A grey PNG with nothing to measure, `marker` in a tEXt chunk."""
    image = np.full((height, width, 3), 128, np.uint8)
    encoded = cv2.imencode(".png", image)[1].tobytes()
    if not marker:
        return encoded
    body = b"tEXt" + b"Comment\x00" + marker
    chunk = len(body[4:]).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")
    return encoded[:33] + chunk + encoded[33:]
