"""Render the sample photos `pakka demo` and `pakka samples` ship (api/samples/): the project's own renders.

- foot-on-a4.jpg: evals/vision/foot_render.py's phone photo of a 262 x 100 mm foot on an A4 sheet, seen a
  little from the side (true length and width known by construction);
- body-front.jpg: a standing figure 170.2 cm tall (1064 px at 0.16 cm/px) on a plain wall, drawn by
  evals/vision/body_render.py, its head the face of scikit-image's public-domain NASA astronaut portrait
  (MediaPipe's pose detection starts from a face).

Run `python -m evals.vision.samples` (needs the dev extra's scikit-image) to write them again; the output is
deterministic. tests/api/test_demo.py checks that the shipped files scan to their true sizes.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import cv2

from evals.vision.body_render import render_figure
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
