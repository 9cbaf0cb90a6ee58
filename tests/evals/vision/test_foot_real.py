"""The real-photo eval's judgement of refusals by the hand labels, and what its report says of the
metamorphic checks."""

from __future__ import annotations

import pytest

from evals.vision.foot_real import MEASURED, Label, PhotoResult, report
from tools.vision.schemas import FootScan, ScanQuality


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
