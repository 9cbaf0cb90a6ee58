"""Photo checks: does the condition step use a photo only when it plausibly shows the listed item?

    python -m evals.pricing.photo_checks

The photos are rendered here, deterministically (`matched` and `mismatched`), with camera-like lighting,
noise, blur and JPEG compression: handbags (four leathers, on a studio backdrop or a wooden table, some
stained), sneakers, jeans and kurtas as the items; blank walls, app screenshots and rendered feet on paper as
what a merchant attaches by mistake, and feet from the foot-measurement renderer (evals/vision/foot_render.py:
four skin tones, four floors, with and without the shin in view). Real photos join when they are there:
scikit-image's public-domain photos (a development dependency): the astronaut portrait (a face) and, as items
that must pass, a cup of coffee and a rocket, both with skin-like browns and oranges; and the real
foot-on-paper phone photos of ../shared/data/foot_photos (skipped, with the reason, when absent), all
mismatched photos attached to a handbag listing.

Prints, per kind of photo, how many were judged to show the item; matched photos should all pass, mismatched
ones none.
"""

from __future__ import annotations

import argparse
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

import cv2
import numpy

from domain.pricing.photos import body_detectors, photo_subject
from evals.shared_data import SHARED_DATA
from evals.vision.foot_render import SKIN_TONES_BGR, Floor, PhotoSpec, render_foot_photo

SIZE = (480, 640)  # rows, columns
FOOT_PHOTOS = SHARED_DATA / "foot_photos" / "images"
LEATHERS = {
    "tan": (70, 120, 175),
    "black": (35, 32, 30),
    "red": (40, 40, 160),
    "navy": (90, 50, 30),
    "camel": (95, 145, 195),  # skin-coloured leathers: the skin check must not take them for a foot
    "nude": (150, 175, 215),
}


@dataclass(frozen=True)
class Photo:
    kind: str  # what it shows
    category: str  # the listing it is attached to
    matched: bool  # whether it shows the listed item
    image: numpy.ndarray


def camera(image: numpy.ndarray, rng: numpy.random.Generator) -> numpy.ndarray:
    """Lighting falloff, sensor noise, a little blur and JPEG compression, as a phone adds them."""
    rows, columns = image.shape[:2]
    y, x = numpy.mgrid[0:rows, 0:columns].astype(numpy.float32)
    light = 1.0 - 0.18 * (((x - columns * 0.45) / columns) ** 2 + ((y - rows * 0.4) / rows) ** 2)
    lit = image.astype(numpy.float32) * light[..., None]
    noisy = lit + rng.normal(0, 3.5, image.shape)
    blurred = cv2.GaussianBlur(numpy.clip(noisy, 0, 255).astype(numpy.uint8), (3, 3), 0.5)
    ok, encoded = cv2.imencode(".jpg", blurred, [cv2.IMWRITE_JPEG_QUALITY, 88])
    assert ok
    return cv2.imdecode(encoded, cv2.IMREAD_COLOR)


def backdrop(rng: numpy.random.Generator, wooden: bool) -> numpy.ndarray:
    rows, columns = SIZE
    if not wooden:
        tone = rng.uniform(200, 235)
        y = numpy.linspace(0, 1, rows, dtype=numpy.float32)[:, None, None]
        return numpy.broadcast_to(tone - 25 * y, (rows, columns, 3)).astype(numpy.float32).copy()
    y, x = numpy.mgrid[0:rows, 0:columns].astype(numpy.float32)
    grain = numpy.sin(x / 3.0 + 4 * numpy.sin(y / 40.0)) * 12 + numpy.sin(x / 17.0) * 8
    base = numpy.array((60, 105, 150), numpy.float32) + rng.uniform(-15, 15)
    return base[None, None, :] + grain[..., None]


def handbag(seed: int, leather: str, *, wooden: bool = False, stains: int = 0) -> numpy.ndarray:
    rng = numpy.random.default_rng(seed)
    image = backdrop(rng, wooden)
    colour = numpy.array(LEATHERS[leather], numpy.float32)
    cx, cy = 320 + int(rng.integers(-30, 30)), 290 + int(rng.integers(-20, 20))
    width, height = int(rng.integers(230, 300)), int(rng.integers(150, 190))
    body = numpy.array(
        [
            (cx - width // 2 + 25, cy - height // 2),
            (cx + width // 2 - 25, cy - height // 2),
            (cx + width // 2, cy + height // 2),
            (cx - width // 2, cy + height // 2),
        ],
        numpy.int32,
    )
    cv2.ellipse(image, (cx, cy - height // 2), (width // 3, 80), 0, 180, 360, (colour * 0.8).tolist(), 14)
    cv2.fillConvexPoly(image, body, colour.tolist(), lineType=cv2.LINE_AA)
    shade = numpy.zeros(SIZE, numpy.float32)
    cv2.fillConvexPoly(shade, body, 1.0)
    y = numpy.linspace(-1, 1, SIZE[0], dtype=numpy.float32)[:, None]
    grain = cv2.GaussianBlur(rng.normal(0, 9, SIZE).astype(numpy.float32), (0, 0), 1.2)  # pebbled leather
    image += (shade * (y * -18.0 + grain))[..., None]
    flap = cy - height // 2 + height // 3
    cv2.line(image, (cx - width // 2 + 12, flap), (cx + width // 2 - 12, flap), (colour * 0.7).tolist(), 3)
    cv2.rectangle(image, (cx - 14, flap - 8), (cx + 14, flap + 10), (60, 170, 210), -1)
    for x in range(cx - width // 2 + 20, cx + width // 2 - 20, 12):
        cv2.line(
            image, (x, cy + height // 2 - 12), (x + 6, cy + height // 2 - 12), (colour * 1.3).tolist(), 1
        )
    for _ in range(stains):
        spot = (cx + int(rng.integers(-width // 3, width // 3)), cy + int(rng.integers(0, height // 3)))
        cv2.circle(image, spot, int(rng.integers(10, 18)), (colour * 0.45 + 40).tolist(), -1, cv2.LINE_AA)
    return camera(numpy.clip(image, 0, 255), rng)


def sneaker(seed: int) -> numpy.ndarray:
    rng = numpy.random.default_rng(seed)
    image = backdrop(rng, wooden=bool(seed % 2))
    upper = tuple(float(v) for v in rng.uniform(40, 220, 3))
    cv2.ellipse(image, (320, 300), (200, 70), 0, 180, 360, upper, -1, cv2.LINE_AA)
    cv2.rectangle(image, (120, 300), (520, 340), (235, 235, 235), -1)
    cv2.line(image, (120, 340), (520, 340), (120, 120, 120), 3)
    for x in range(260, 380, 22):
        cv2.line(image, (x, 250), (x + 18, 262), (250, 250, 250), 4)
    cv2.circle(image, (470, 290), 10, (30, 30, 30), -1)
    return camera(numpy.clip(image, 0, 255), rng)


def jeans(seed: int) -> numpy.ndarray:
    rng = numpy.random.default_rng(seed)
    image = backdrop(rng, wooden=False)
    y, x = numpy.mgrid[0 : SIZE[0], 0 : SIZE[1]].astype(numpy.float32)
    twill = (numpy.sin((x + y) / 2.2) * 14)[..., None]
    denim = numpy.array((150, 95, 45), numpy.float32) + twill
    mask = numpy.zeros(SIZE, numpy.uint8)
    cv2.fillPoly(
        mask,
        [numpy.array([(220, 60), (420, 60), (450, 440), (345, 440), (320, 200), (295, 440), (190, 440)])],
        1,
    )
    image = numpy.where(mask[..., None] > 0, denim, image)
    cv2.line(image, (320, 60), (320, 190), (60, 150, 200), 2)
    cv2.circle(image, (320, 80), 6, (80, 160, 200), -1)
    return camera(numpy.clip(image, 0, 255), rng)


def kurta(seed: int) -> numpy.ndarray:
    rng = numpy.random.default_rng(seed)
    image = backdrop(rng, wooden=False)
    cloth = tuple(float(v) for v in rng.uniform(60, 230, 3))
    outline = numpy.array(
        [
            (250, 50),
            (390, 50),
            (470, 130),
            (430, 160),
            (410, 130),
            (420, 450),
            (220, 450),
            (230, 130),
            (210, 160),
            (170, 130),
        ]
    )
    cv2.fillPoly(image, [outline], cloth, cv2.LINE_AA)
    for row in range(90, 440, 28):
        for column in range(240, 410, 28):
            cv2.circle(image, (column, row), 5, (255 - cloth[0], 255 - cloth[1], 255 - cloth[2]), -1)
    return camera(numpy.clip(image, 0, 255), rng)


def blank_wall(seed: int) -> numpy.ndarray:
    rng = numpy.random.default_rng(seed)
    tone = rng.uniform(120, 230, 3).astype(numpy.float32)
    y = numpy.linspace(0, 1, SIZE[0], dtype=numpy.float32)[:, None, None]
    image = numpy.broadcast_to(tone * (1.0 - 0.1 * y), (*SIZE, 3)).astype(numpy.float32)
    return camera(image, rng)


def screenshot(seed: int) -> numpy.ndarray:
    """An app screen: a header bar, product tiles of flat colour and rows of text (no camera applied)."""
    rng = numpy.random.default_rng(seed)
    image = numpy.full((*SIZE, 3), 255, numpy.uint8)
    header = tuple(int(v) for v in rng.integers(0, 200, 3))
    cv2.rectangle(image, (0, 0), (SIZE[1], 56), header, -1)
    cv2.putText(image, "My Shop", (16, 38), cv2.FONT_HERSHEY_SIMPLEX, 1.0, (255, 255, 255), 2)
    words = ["Leather tote bag", "Rs 1,299", "Free delivery", "Add to cart", "4.3 stars (120)", "In stock"]
    for row in range(4):
        top = 72 + row * 100
        tile = tuple(int(v) for v in rng.integers(60, 240, 3))
        cv2.rectangle(image, (16, top), (96, top + 80), tile, -1)
        for line in range(3):
            text = words[(row + line + seed) % len(words)]
            cv2.putText(
                image, text, (112, top + 22 + 24 * line), cv2.FONT_HERSHEY_SIMPLEX, 0.6, (40, 40, 40), 1
            )
    cv2.rectangle(image, (440, 420), (620, 465), header, -1)
    cv2.putText(image, "Buy now", (470, 450), cv2.FONT_HERSHEY_SIMPLEX, 0.8, (255, 255, 255), 2)
    ok, encoded = cv2.imencode(".png", image)
    assert ok
    return cv2.imdecode(encoded, cv2.IMREAD_COLOR)


def rendered_foot(seed: int) -> numpy.ndarray:
    """A bare foot on a sheet of paper on a wooden floor, toes and all."""
    rng = numpy.random.default_rng(seed)
    image = backdrop(rng, wooden=True)
    cv2.rectangle(image, (150, 60), (490, 440), (242, 242, 240), -1)
    skin = numpy.array((120, 150, 205), numpy.float32) * rng.uniform(0.7, 1.05)
    cv2.ellipse(image, (320, 270), (80, 150), 0, 0, 360, skin.tolist(), -1, cv2.LINE_AA)
    for number, (dx, radius) in enumerate([(-55, 22), (-22, 17), (5, 15), (30, 14), (52, 12)]):
        cv2.circle(
            image, (320 + dx, 118 + abs(number - 0) * 4), radius, (skin * 0.97).tolist(), -1, cv2.LINE_AA
        )
        cv2.circle(image, (320 + dx, 112 + number * 4), max(radius // 2, 4), (skin * 1.08).tolist(), -1)
    cv2.rectangle(image, (262, 400), (378, SIZE[0]), skin.tolist(), -1)
    return camera(numpy.clip(image, 0, 255), rng)


def measured_foot(seed: int) -> numpy.ndarray:
    """A foot on A4 as the foot-measurement renderer draws it (skin tone, floor, shin, tilt, framing vary)."""
    tones, floors = list(SKIN_TONES_BGR), list(Floor)
    rng = numpy.random.default_rng(seed)
    spec = PhotoSpec(
        skin=tones[seed % len(tones)],
        floor=floors[(seed // len(tones)) % len(floors)],
        image_size=(960, 540) if seed % 2 else (540, 960),
        sheet_fill=float(rng.uniform(0.55, 0.85)),
        roll_deg=float(rng.uniform(-20, 20)),
        tilt_x_deg=float(rng.uniform(-15, 15)),
        foot_angle_deg=float(rng.uniform(-10, 10)),
        leg_direction_deg=float(rng.uniform(60, 120)) if seed % 3 else None,
        seed=seed,
    )
    return render_foot_photo(spec).image


def matched() -> Iterator[Photo]:
    for number, leather in enumerate(LEATHERS):
        for wooden in (False, True):
            seed = 10 * number + wooden
            yield Photo(
                f"handbag ({leather})", "women/bags/handbags", True, handbag(seed, leather, wooden=wooden)
            )
        yield Photo("handbag (stained)", "women/bags/handbags", True, handbag(90 + number, leather, stains=3))
    for seed in range(4):
        yield Photo("sneaker", "men/shoes/sneakers", True, sneaker(seed))
        yield Photo("jeans", "men/jeans", True, jeans(seed))
        yield Photo("kurta", "women/kurtas", True, kurta(seed))
    for name, category in (("coffee", "home/kitchen/cups"), ("rocket", "toys/models")):
        photo = scikit_image(name)
        if photo is not None:
            yield Photo(f"{name} (real photo)", category, True, photo)


def mismatched() -> Iterator[Photo]:
    for seed in range(5):
        yield Photo("blank wall", "women/bags/handbags", False, blank_wall(seed))
        yield Photo("screenshot", "women/bags/handbags", False, screenshot(seed))
        yield Photo("foot (rendered)", "women/bags/handbags", False, rendered_foot(seed))
    for seed in range(16):
        yield Photo("foot (foot_render)", "women/bags/handbags", False, measured_foot(seed))
    face = astronaut()
    if face is not None:
        for scale in (1.0, 0.6):
            resized = cv2.resize(face, None, fx=scale, fy=scale)
            yield Photo("face (astronaut photo)", "women/bags/handbags", False, resized)
    for path in sorted(FOOT_PHOTOS.glob("*.jp*g")) if FOOT_PHOTOS.is_dir() else []:
        image = cv2.imread(str(path))
        if image is not None:
            yield Photo("foot (real phone photo)", "women/bags/handbags", False, image)


def scikit_image(name: str) -> numpy.ndarray | None:
    """One of scikit-image's bundled public-domain colour photos (BGR), when scikit-image is installed."""
    try:
        from skimage import data
    except ImportError:
        return None
    return cv2.cvtColor(getattr(data, name)(), cv2.COLOR_RGB2BGR)


def astronaut() -> numpy.ndarray | None:
    """scikit-image's public-domain astronaut portrait (BGR), when scikit-image is installed."""
    return scikit_image("astronaut")


def judge(photo: Photo) -> bool:
    """Whether the check lets the photo through as showing the item."""
    detectors = body_detectors()
    return photo_subject(photo.image, photo.category, faces=detectors.faces, hands=detectors.hands).plausible


def main() -> None:
    argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    ).parse_args()
    if not FOOT_PHOTOS.is_dir():
        print(f"note: {FOOT_PHOTOS} is absent, so the real foot photos are skipped")
    counts: dict[tuple[bool, str], Counter[bool]] = defaultdict(Counter)
    for photo in [*matched(), *mismatched()]:
        counts[(photo.matched, photo.kind)][judge(photo)] += 1
    print(f"{'photo':<28} {'shows the item':>15} {'n':>4} {'used':>5} {'ignored':>8} {'correct':>8}")
    right = total = 0
    for (shows, kind), verdicts in sorted(counts.items(), key=lambda entry: (not entry[0][0], entry[0][1])):
        used, ignored = verdicts[True], verdicts[False]
        correct = used if shows else ignored
        right, total = right + correct, total + used + ignored
        share = correct / (used + ignored)
        print(
            f"{kind:<28} {'yes' if shows else 'no':>15} {used + ignored:>4} {used:>5} {ignored:>8} "
            f"{share:>8.0%}"
        )
    print(f"overall: {right} of {total} judged right ({right / max(total, 1):.0%})")


if __name__ == "__main__":
    main()
