"""Render the sample photos `pakka demo` and `pakka samples` ship (api/samples/): the project's own renders.

- foot-on-a4.jpg: evals/vision/foot_render.py's phone photo of a 262 x 100 mm foot on an A4 sheet, seen a
  little from the side (true length and width known by construction);
- body-front.jpg: a standing figure 170.2 cm tall (1064 px at 0.16 cm/px) on a plain wall, drawn as in
  tests/tools/vision/test_body.py, its head the face of scikit-image's public-domain NASA astronaut portrait
  (MediaPipe's pose detection starts from a face).

Run `python -m evals.vision.samples` (needs the dev extra's scikit-image) to write them again; the output is
deterministic. tests/api/test_demo.py checks that the shipped files scan to their true sizes.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import cv2
import numpy as np

from evals.vision.foot_render import Floor, PhotoSpec, render_foot_photo
from tools.vision.image import decode_image

SAMPLES_DIR = Path(__file__).resolve().parents[2] / "api" / "samples"
FOOT = PhotoSpec(
    foot_length_mm=262.0,
    foot_width_mm=100.0,
    sheet="A4",
    floor=Floor.WOOD,
    skin="medium",
    image_size=(1280, 960),
    sheet_fill=0.72,
    roll_deg=90.0,
    tilt_x_deg=6.0,
    tilt_y_deg=-4.0,
    foot_angle_deg=2.0,
    noise_sigma=2.0,
    jpeg_quality=88,
    seed=2026,
)
BODY_HEIGHT_CM = 1064 * 0.16

# The figure of tests/tools/vision/test_body.py: rows, then columns, of the astronaut's head in the portrait.
FACE_BOX = (slice(26, 187), slice(154, 296))
CANVAS_HEIGHT, CANVAS_WIDTH, CENTRE = 1200, 700, 350
HEAD_TOP, HEAD_HEIGHT = 60, 150
SHOULDER_Y = HEAD_TOP + HEAD_HEIGHT + 30
SKIN, SHIRT, TROUSERS, SHOES = (150, 170, 215), (150, 80, 40), (60, 50, 40), (30, 30, 30)


def render_figure(portrait: np.ndarray) -> np.ndarray:
    """A standing figure, arms out, on a plain wall: 1064 px from the top of the head to the soles."""
    canvas = np.full((CANVAS_HEIGHT, CANVAS_WIDTH, 3), (200, 205, 210), np.uint8)
    head = portrait[FACE_BOX]
    head_width = round(head.shape[1] * HEAD_HEIGHT / head.shape[0])
    neck_y = HEAD_TOP + HEAD_HEIGHT
    cv2.rectangle(canvas, (CENTRE - 25, neck_y - 20), (CENTRE + 25, neck_y + 25), SKIN, -1)
    outline = [
        (110, SHOULDER_Y),
        (100, SHOULDER_Y + 40),
        (100, 420),
        (85, 430),
        (85, 520),
        (105, 525),
        (105, 610),
    ]
    right = [(CENTRE + dx, y) for dx, y in outline]
    left = [(CENTRE - dx, y) for dx, y in reversed(outline)]
    cv2.fillPoly(canvas, [np.array(right + left, np.int32)], SHIRT)
    for side in (-1, 1):
        elbow, hand = 170, 215
        cv2.line(
            canvas,
            (CENTRE + side * 105, SHOULDER_Y + 15),
            (CENTRE + side * elbow, SHOULDER_Y + 190),
            SHIRT,
            44,
        )
        cv2.line(
            canvas,
            (CENTRE + side * elbow, SHOULDER_Y + 190),
            (CENTRE + side * hand, SHOULDER_Y + 350),
            SKIN,
            34,
        )
        cv2.circle(canvas, (CENTRE + side * (hand + 3), SHOULDER_Y + 370), 24, SKIN, -1)
        cv2.line(canvas, (CENTRE + side * 55, 600), (CENTRE + side * 80, 880), TROUSERS, 70)
        cv2.line(canvas, (CENTRE + side * 80, 880), (CENTRE + side * 95, CANVAS_HEIGHT - 110), TROUSERS, 56)
        cv2.ellipse(canvas, (CENTRE + side * 105, CANVAS_HEIGHT - 95), (40, 18), 0, 0, 360, SHOES, -1)
    left_edge = CENTRE - head_width // 2
    canvas[HEAD_TOP : HEAD_TOP + HEAD_HEIGHT, left_edge : left_edge + head_width] = cv2.resize(
        head, (head_width, HEAD_HEIGHT)
    )
    return canvas


def write_samples(directory: Path = SAMPLES_DIR) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    foot = directory / "foot-on-a4.jpg"
    foot.write_bytes(render_foot_photo(FOOT).jpeg)
    portrait = decode_image((files("skimage") / "data" / "astronaut.png").read_bytes())
    ok, body = cv2.imencode(".jpg", render_figure(portrait), [cv2.IMWRITE_JPEG_QUALITY, 90])
    assert ok
    body_path = directory / "body-front.jpg"
    body_path.write_bytes(body.tobytes())
    return [foot, body_path]


if __name__ == "__main__":
    for path in write_samples():
        print(f"wrote {path} ({path.stat().st_size // 1024} KB)")
