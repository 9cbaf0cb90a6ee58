"""A photo moves a price only when it plausibly shows the listed kind of item: blanks, screenshots, faces and
feet attached to a handbag listing are ignored, and the reasons say so. Photos rendered by
evals/pricing/photo_checks.py; the face is scikit-image's public-domain astronaut portrait."""

from __future__ import annotations

import cv2
import numpy
import pytest

from domain.pricing.condition import assess_condition
from domain.pricing.photos import body_detectors, photo_subject
from evals.pricing.photo_checks import (
    FOOT_PHOTOS,
    astronaut,
    blank_wall,
    handbag,
    jeans,
    kurta,
    measured_foot,
    rendered_foot,
    scikit_image,
    screenshot,
    sneaker,
)

HANDBAGS = "women/bags/handbags"


def jpeg(image: numpy.ndarray) -> bytes:
    ok, encoded = cv2.imencode(".jpg", image)
    assert ok
    return encoded.tobytes()


def detected(image: numpy.ndarray, category: str) -> str:
    detectors = body_detectors()
    return photo_subject(image, category, faces=detectors.faces, hands=detectors.hands).kind


@pytest.mark.parametrize(
    ("image", "category"),
    [
        (handbag(1, "tan"), HANDBAGS),
        (handbag(2, "black", wooden=True), HANDBAGS),
        (handbag(3, "red", stains=3), HANDBAGS),
        (sneaker(0), "men/shoes/sneakers"),
        (jeans(1), "men/jeans"),
        (kurta(2), "women/kurtas"),
        (handbag(4, "camel"), HANDBAGS),  # skin-coloured leather on a backdrop: squat, inside the frame
        (handbag(6, "nude", stains=2), HANDBAGS),
    ],
)
def test_a_photo_of_the_item_is_used(image: numpy.ndarray, category: str) -> None:
    assert detected(image, category) == "item"


def test_a_blank_wall_and_a_screenshot_are_not_the_item() -> None:
    wall = photo_subject(blank_wall(3), HANDBAGS)
    screen = photo_subject(screenshot(1), HANDBAGS)

    assert (wall.kind, wall.plausible) == ("blank", False)
    assert (screen.kind, screen.plausible) == ("screenshot", False)


def test_a_face_is_not_a_handbag_but_is_what_a_sunglasses_photo_shows() -> None:
    face = astronaut()
    assert face is not None

    assert detected(face, HANDBAGS) == "face"
    assert detected(face, "accessories/sunglasses") == "item"


@pytest.mark.skipif(not FOOT_PHOTOS.is_dir(), reason="../shared/data/foot_photos is absent")
def test_most_real_photos_of_a_foot_are_not_a_handbag() -> None:
    paths = sorted(FOOT_PHOTOS.glob("*.jp*g"))
    kinds = [detected(cv2.imread(str(path)), HANDBAGS) for path in paths]

    assert kinds.count("body_part") >= 0.9 * len(paths)


@pytest.mark.parametrize("seed", [0, 1, 4, 5])
def test_a_rendered_bare_foot_is_skin_not_a_handbag(seed: int) -> None:
    """No detector fires on these (they have no real toes): the skin-coloured region itself gives them away,
    a leg running off the frame or a foot-shaped (elongated) region on the sheet."""
    assert detected(rendered_foot(seed), HANDBAGS) == "body_part"
    assert detected(measured_foot(seed), HANDBAGS) == "body_part"


def test_bare_skin_is_what_a_photo_of_an_anklet_shows() -> None:
    assert detected(rendered_foot(2), "women/jewellery/anklets") == "item"


def worn_suit() -> numpy.ndarray:
    """The astronaut in his suit from the chin down: chin and neck (8% of the frame, bare skin) run off the
    top edge and no face is detected, as in a photo of a dress on its wearer with a bare arm or leg."""
    person = astronaut()
    assert person is not None
    return person[120:420, 100:320]


@pytest.mark.parametrize("category", ["men/suits", "men/clothing/blazers", "Women/Dresses/Above Knee, Mini"])
def test_clothes_photographed_on_their_wearer_are_the_item(category: str) -> None:
    """A face, a hand or bare skin is what a photo of something worn on the body shows."""
    person = astronaut()
    assert person is not None

    assert detected(person, category) == "item"
    assert detected(worn_suit(), category) == "item"
    assert detected(rendered_foot(0), category) == "item"


@pytest.mark.parametrize("category", [HANDBAGS, "travel/suitcases", "electronics/laptops"])
def test_the_same_wearer_is_not_an_item_that_is_not_worn(category: str) -> None:
    assert detected(worn_suit(), category) == "body_part"


@pytest.mark.parametrize("name", ["coffee", "rocket"])
def test_real_photos_with_skin_like_browns_are_not_taken_for_skin(name: str) -> None:
    photo = scikit_image(name)
    assert photo is not None

    assert detected(photo, "home/decor") == "item"


def test_a_photo_of_something_else_changes_no_price_and_says_why() -> None:
    """The screenshot's coloured tiles would read as stains on a handbag; the face photo would too."""
    face = astronaut()
    assert face is not None
    detectors = body_detectors()

    assessment = assess_condition(
        [jpeg(screenshot(2)), jpeg(face)], HANDBAGS, faces=detectors.faces, hands=detectors.hands
    )

    assert assessment.log_factor == 0.0
    assert assessment.reasons == (
        "photo 1 ignored: it is a screenshot or a rendered page, not a photo of the item",
        "photo 2 ignored: it shows a face, not the listed handbags",
    )


def test_a_stained_handbag_photo_still_lowers_the_price() -> None:
    detectors = body_detectors()

    assessment = assess_condition(
        [jpeg(handbag(5, "black", stains=4))], HANDBAGS, faces=detectors.faces, hands=detectors.hands
    )

    assert assessment.log_factor < 0
    assert any("stains" in reason for reason in assessment.reasons)
