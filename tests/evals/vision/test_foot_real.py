"""The real-photo eval's judgement of refusals by the hand labels, and what its report says of the
metamorphic checks, and how its silhouettes are scored against the hand-drawn masks."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from evals.vision.foot_real import (
    MEASURED,
    Label,
    PhotoResult,
    SilhouetteMatch,
    report,
    report_silhouettes,
    silhouette_match,
)
from tools.vision.schemas import FootScan, ScanQuality
from tools.vision.sheet_geometry import SHEET_SIZES


def _label(photo_id: str, **changes: object) -> Label:
    fields: dict[str, object] = {
        "photo_id": photo_id,
        "split": "dev",
        "sheet": "whole",
        "feet_on_sheet": 1,
        "foot": "whole",
        "heel": "visible",
        "view": "side",
    }
    fields.update(changes)
    return Label(**fields)  # type: ignore[arg-type]


def _scan(length_mm: float, sigma_mm: float) -> FootScan:
    return FootScan(
        length_mm=length_mm,
        width_mm=0.376 * length_mm,
        length_sigma_mm=sigma_mm,
        width_sigma_mm=5.0,
        sheet="A4",
        quality=ScanQuality(
            score=0.9, blur=50.0, brightness=200.0, resolution=3.0, issues=["width_estimated"]
        ),
    )


@pytest.mark.parametrize(
    ("label", "right"),
    [
        (_label("1"), set()),
        (_label("2", heel="hidden", view="front"), {"HEEL_HIDDEN"}),
        (_label("3", sheet="cut_off"), {"SHEET_CUT_OFF"}),
        (_label("4", feet_on_sheet=2), {"MULTIPLE_FEET"}),
        (_label("5", foot="off"), {"FOOT_OFF_SHEET"}),
    ],
)
def test_a_refusal_is_right_only_when_its_reason_is_a_true_cause(label: Label, right: set[str]) -> None:
    assert label.right_refusals() == right


def test_the_report_counts_metamorphic_failures_by_transform_and_those_that_lose_the_sheet(
    capsys: pytest.CaptureFixture[str],
) -> None:
    results = [
        PhotoResult(_label("a"), MEASURED, _scan(250.0, 3.0), 100.0, [], True),
        PhotoResult(
            _label("b"),
            MEASURED,
            _scan(240.0, 5.0),
            100.0,
            ["rotate 90: length +2.5 mm", "brightness +20%: SHEET_CUT_OFF"],
            True,
        ),
        PhotoResult(_label("c", heel="hidden", view="front"), "HEEL_HIDDEN", None, 100.0),
    ]

    report(results)
    printed = capsys.readouterr().out

    assert "metamorphic checks passed: 1/2 (50%)" in printed
    assert "{'rotate 90': 1, 'brightness +20%': 1} (1 of 2 lose the sheet)" in printed
    assert "length sigma median 4.0 mm, max 5.0 mm" in printed
    assert "refusals right: 1/1 (100%)" in printed


def _sheet_with_a_foot(foot_centre: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """A photo from above (wood floor, an A4 sheet, a skin-coloured foot shape on it) and a mask drawn as the
    shared masks are (paper 255, foot 136, background 0), with the foot drawn at `foot_centre`."""
    image = np.full((960, 1280, 3), (45, 85, 135), np.uint8)
    sheet = np.array([[440, 60], [840, 60], [840, 626], [440, 626]], np.int32)  # 400 x 566 px: A4's aspect
    cv2.fillConvexPoly(image, sheet, (236, 240, 242))
    cv2.ellipse(image, (640, 343), (70, 190), 0, 0, 360, (105, 140, 190), -1)
    image = cv2.GaussianBlur(image, (3, 3), 0)
    mask = np.zeros(image.shape[:2], np.uint8)
    cv2.fillConvexPoly(mask, sheet, 255)
    cv2.ellipse(mask, foot_centre, (70, 190), 0, 0, 360, 136, -1)
    return image, mask


def test_the_silhouette_is_scored_against_the_drawn_mask_on_the_sheet_found() -> None:
    image, drawn_in_place = _sheet_with_a_foot((640, 343))
    _, drawn_aside = _sheet_with_a_foot((690, 343))

    iou, area_ratio = silhouette_match(image, drawn_in_place, SHEET_SIZES)  # type: ignore[misc]
    iou_aside, _ = silhouette_match(image, drawn_aside, SHEET_SIZES)  # type: ignore[misc]

    assert iou > 0.93 and abs(area_ratio - 1.0) < 0.06
    assert iou_aside < iou - 0.2  # the same shape 50 px to the side overlaps far less


def test_the_silhouette_report_gives_each_split_its_median(capsys: pytest.CaptureFixture[str]) -> None:
    report_silhouettes(
        [
            SilhouetteMatch("a", "dev", 0.9, 1.1),
            SilhouetteMatch("b", "dev", 0.7, 1.3),
            SilhouetteMatch("c", "holdout", 0.95, 1.0),
        ]
    )

    printed = capsys.readouterr().out
    assert (
        "dev: 2 photos, IoU median 0.800, mean 0.800, under 0.8: 1; area ratio (scan / mask) median 1.200"
        in printed
    )
    assert "holdout: 1 photos, IoU median 0.950" in printed
    assert "all: 3 photos, IoU median 0.900" in printed
