"""A rendered standing figure on a plain wall (the body scan's test photo and the shipped sample), its head
the face of scikit-image's public-domain NASA astronaut portrait (MediaPipe's pose detection starts from a
face). Its sizes are known by construction: 1064 px from the top of the head to the soles, torso widths
below."""

from __future__ import annotations

import cv2
import numpy as np

# The astronaut's head in the 512x512 portrait: rows, then columns.
FACE_BOX = (slice(26, 187), slice(154, 296))
CANVAS_HEIGHT, CANVAS_WIDTH, CENTRE = 1200, 700, 350
HEAD_TOP, HEAD_HEIGHT = 60, 150
SHOULDER_Y = HEAD_TOP + HEAD_HEIGHT + 30
CHEST_WIDTH_PX, WAIST_WIDTH_PX, HIP_WIDTH_PX = 201, 171, 211
FIGURE_HEIGHT_PX = 1064  # head top (60) to the soles (1123)
CM_PER_PX = 0.16
HEIGHT_CM = FIGURE_HEIGHT_PX * CM_PER_PX
SKIN, SHIRT, TROUSERS, SHOES = (150, 170, 215), (150, 80, 40), (60, 50, 40), (30, 30, 30)


def render_figure(portrait: np.ndarray, *, arms_out: bool = True) -> np.ndarray:
    """A standing figure on a plain wall: chest 201 px, waist 171 px and hips 211 px wide, 1064 px tall."""
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
        elbow, hand = (170, 215) if arms_out else (112, 112)
        cv2.line(
            canvas,
            (CENTRE + side * (105 if arms_out else 112), SHOULDER_Y + 15),
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
        cv2.circle(canvas, (CENTRE + side * (hand + 3 if arms_out else hand), SHOULDER_Y + 370), 24, SKIN, -1)
        cv2.line(canvas, (CENTRE + side * 55, 600), (CENTRE + side * 80, 880), TROUSERS, 70)
        cv2.line(canvas, (CENTRE + side * 80, 880), (CENTRE + side * 95, CANVAS_HEIGHT - 110), TROUSERS, 56)
        cv2.ellipse(canvas, (CENTRE + side * 105, CANVAS_HEIGHT - 95), (40, 18), 0, 0, 360, SHOES, -1)
    left_edge = CENTRE - head_width // 2
    canvas[HEAD_TOP : HEAD_TOP + HEAD_HEIGHT, left_edge : left_edge + head_width] = cv2.resize(
        head, (head_width, HEAD_HEIGHT)
    )
    return canvas
