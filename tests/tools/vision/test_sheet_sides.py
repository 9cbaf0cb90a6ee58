"""Whether a candidate quadrilateral is a whole sheet (every side seen against the floor somewhere along
its length, and an A4's or a Letter's aspect with perspective undone), and whether a quad reaching past
the photo's edge has paper there (the sheet runs off the photo) or floor (the quad overshoots)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from tools.vision.sheet_features import feature_maps, min_channel
from tools.vision.sheet_sides import (
    MAX_ASPECT_ERROR,
    MIN_FLOOR_SHARE,
    aspect_error,
    every_side_seen,
    floor_shares,
    is_whole_sheet,
    lab_image,
    nearest_sheet_error,
    paper_runs_off,
)

SIZE = (480, 360)
WOOD_BGR = (45, 85, 135)
PAPER_BGR = (236, 240, 242)
SKIN_BGR = (105, 140, 190)
# An A4 sheet face-on, 140 x 198 px, clockwise from the top left in image coordinates.
SHEET = np.array([[170.0, 80.0], [310.0, 80.0], [310.0, 278.0], [170.0, 278.0]])


def _photo(*occluders: np.ndarray) -> np.ndarray:
    image = np.full((SIZE[1], SIZE[0], 3), WOOD_BGR, np.uint8)
    cv2.fillConvexPoly(image, SHEET.astype(np.int32), PAPER_BGR)
    for shape in occluders:
        cv2.fillPoly(image, [shape.astype(np.int32)], SKIN_BGR)
    return image


def _surroundings(photo: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
    """The photo in Lab and its images in which paper is bright, as find_sheet passes them."""
    return lab_image(photo), [smooth for smooth, _ in feature_maps(photo)]


def test_a_sheet_on_a_plain_floor_has_floor_beyond_every_side() -> None:
    lab, paper_maps = _surroundings(_photo())

    assert floor_shares(lab, paper_maps, SHEET) == pytest.approx([1.0, 1.0, 1.0, 1.0])
    assert is_whole_sheet(lab, paper_maps, SHEET)


def test_the_side_a_leg_covers_from_corner_to_corner_has_no_floor_beyond_it() -> None:
    leg = np.array([[140.0, 0.0], [340.0, 0.0], [340.0, 120.0], [140.0, 120.0]])
    visible_part = np.array([[170.0, 120.0], [310.0, 120.0], [310.0, 278.0], [170.0, 278.0]])
    lab, paper_maps = _surroundings(_photo(leg))

    shares = floor_shares(lab, paper_maps, visible_part)

    assert shares[0] == 0.0
    assert shares[1:] == pytest.approx([1.0, 1.0, 1.0])
    assert not every_side_seen(lab, paper_maps, visible_part)


def test_a_leg_over_the_middle_of_a_side_leaves_floor_beyond_it_near_the_corners() -> None:
    leg = np.array([[200.0, 0.0], [280.0, 0.0], [280.0, 150.0], [200.0, 150.0]])
    lab, paper_maps = _surroundings(_photo(leg))

    shares = floor_shares(lab, paper_maps, SHEET)

    assert MIN_FLOOR_SHARE < shares[0] < 0.5
    assert every_side_seen(lab, paper_maps, SHEET)


def test_the_order_of_the_corners_does_not_change_which_side_is_outside() -> None:
    leg = np.array([[140.0, 0.0], [340.0, 0.0], [340.0, 120.0], [140.0, 120.0]])
    visible_part = np.array([[170.0, 120.0], [310.0, 120.0], [310.0, 278.0], [170.0, 278.0]])
    lab, paper_maps = _surroundings(_photo(leg))

    counter_clockwise = floor_shares(lab, paper_maps, visible_part[::-1])

    assert sorted(counter_clockwise) == pytest.approx([0.0, 1.0, 1.0, 1.0])


def test_a_side_cutting_across_the_sheet_has_paper_not_floor_beyond_it() -> None:
    upper_part = np.array([[170.0, 80.0], [310.0, 80.0], [310.0, 180.0], [170.0, 180.0]])
    lab, paper_maps = _surroundings(_photo())

    assert floor_shares(lab, paper_maps, upper_part)[2] == 0.0


def test_on_a_pale_floor_the_paper_beyond_a_side_cutting_across_the_sheet_is_not_floor() -> None:
    pale_floor_bgr, bluish_paper_bgr = (214, 222, 228), (226, 222, 216)  # as on polished marble
    photo = np.full((SIZE[1], SIZE[0], 3), pale_floor_bgr, np.uint8)
    cv2.fillConvexPoly(photo, SHEET.astype(np.int32), bluish_paper_bgr)
    upper_part = np.array([[170.0, 80.0], [310.0, 80.0], [310.0, 180.0], [170.0, 180.0]])
    lab, paper_maps = _surroundings(photo)

    shares = floor_shares(lab, paper_maps, upper_part)

    assert shares[2] == 0.0
    assert shares[[0, 1, 3]].min() > 0.9


def test_a_side_along_the_photo_edge_has_no_floor_beyond_it() -> None:
    at_the_edge = np.array([[0.0, 80.0], [140.0, 80.0], [140.0, 278.0], [0.0, 278.0]])

    lab, paper_maps = _surroundings(_photo())

    assert floor_shares(lab, paper_maps, at_the_edge)[3] == 0.0


@pytest.mark.parametrize("aspect", [297 / 210, 279.4 / 215.9])
def test_a_face_on_a4_or_letter_sheet_has_no_aspect_error(aspect: float) -> None:
    rectangle = np.array(
        [[100.0, 50.0], [300.0, 50.0], [300.0, 50.0 + 200 * aspect], [100.0, 50.0 + 200 * aspect]]
    )

    assert aspect_error(rectangle, (640, 640)) == pytest.approx(0.0, abs=1e-6)
    assert aspect_error(np.roll(rectangle, 1, axis=0), (640, 640)) == pytest.approx(0.0, abs=1e-6)


def _face_on(aspect: float) -> np.ndarray:
    """A 200 px wide rectangle of the given aspect, face-on in a 640 px square photo."""
    return np.array(
        [[100.0, 100.0], [300.0, 100.0], [300.0, 100.0 + 200 * aspect], [100.0, 100.0 + 200 * aspect]]
    )


def test_a_square_or_a_long_strip_has_no_sheets_aspect() -> None:
    assert aspect_error(_face_on(1.0), (640, 640)) > MAX_ASPECT_ERROR
    assert aspect_error(_face_on(1.9), (640, 640)) > MAX_ASPECT_ERROR


def test_the_aspect_error_is_the_log_ratio_to_the_nearest_sheet_either_way_up() -> None:
    assert nearest_sheet_error(297 / 210) == pytest.approx(0.0)
    assert nearest_sheet_error(215.9 / 279.4) == pytest.approx(0.0)
    assert nearest_sheet_error(1.6) == pytest.approx(np.log(1.6 / (297 / 210)))


def test_an_a4_sheet_a_fifth_hidden_still_has_a_sheets_aspect_so_only_its_sides_tell() -> None:
    assert aspect_error(_face_on(0.8 * 297 / 210), (640, 640)) < MAX_ASPECT_ERROR


def test_a_sheet_cut_by_the_photo_edge_runs_off_where_its_quad_does() -> None:
    photo = _photo()[:, 240:]  # the sheet's right half, its left part cut off by the photo's edge
    quad_past_the_edge = SHEET - (240.0, 0.0)

    assert paper_runs_off(photo, min_channel, quad_past_the_edge)


def test_a_quad_overshooting_onto_the_floor_at_the_photo_edge_does_not_run_off() -> None:
    photo = _photo()[:, 160:]  # 10 px of floor left of the sheet
    overshooting = np.array([[-4.0, 80.0], [150.0, 80.0], [150.0, 278.0], [-4.0, 278.0]])

    assert not paper_runs_off(photo, min_channel, overshooting)


def test_a_quad_inside_the_photo_does_not_run_off() -> None:
    assert not paper_runs_off(_photo(), min_channel, SHEET)
