"""pakka's confidence on rentals, and the calibration file and reliability report the eval writes."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from domain.decision.calibration import IsotonicCalibration, parse_calibration_table
from domain.decision.size_model import FOOTWEAR_LINK
from evals.decision.confidence_eval import (
    calibration_document,
    raw_confidences,
    reliability_diagram,
    reliability_table,
)
from evals.decision.latent_model import OffsetHistory, undo_class_weighting

TRAIN_LABELS = np.array([0] * 13 + [1] * 74 + [2] * 13)


def test_a_shopper_near_the_items_true_size_gets_more_confidence_than_one_two_sizes_off() -> None:
    offsets = OffsetHistory(mean=np.zeros(2), variance=np.full(2, 0.05))

    near, far = raw_confidences(np.array([0.0, 2.0]), offsets, FOOTWEAR_LINK, TRAIN_LABELS)

    assert 0.0 <= far < near <= 1.0


def test_a_well_known_item_gets_more_confidence_than_an_unreviewed_one() -> None:
    offsets = OffsetHistory(mean=np.zeros(2), variance=np.array([0.01, 0.5]))

    known, unknown = raw_confidences(np.zeros(2), offsets, FOOTWEAR_LINK, TRAIN_LABELS)

    assert known > unknown


def test_undoing_class_weighting_restores_the_training_shares() -> None:
    balanced = np.full((1, 3), 1 / 3)

    assert undo_class_weighting(balanced, TRAIN_LABELS)[0] == pytest.approx([0.13, 0.74, 0.13])


def test_the_calibration_document_maps_apparel_and_keeps_the_identity_for_shoes_and_skincare() -> None:
    document = calibration_document([0.2, 0.5, 0.9], [0.3, 0.7, 0.95], rentals=1234)

    table = parse_calibration_table(json.dumps(document))

    apparel = table.for_category("apparel")
    assert isinstance(apparel, IsotonicCalibration) and apparel.apply(0.5) == pytest.approx(0.7)
    assert "1234 rentals" in apparel.source
    for category in ("footwear", "skincare", "anything-else"):
        assert table.for_category(category).apply(0.42) == pytest.approx(0.42)
    assert "no footwear purchase outcomes" in table.for_category("footwear").source


def test_the_reliability_report_is_a_png_and_a_table_of_bins(tmp_path: Path) -> None:
    confidence = np.array([0.15, 0.15, 0.85, 0.85])
    outcome = np.array([False, True, True, True])
    curves = {"raw confidence": (confidence, outcome)}

    reliability_diagram(tmp_path / "diagram.png", curves)
    table = reliability_table(curves)

    assert (tmp_path / "diagram.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert table.splitlines()[0] == "raw confidence: ECE 0.250"
    assert [line.split() for line in table.splitlines()[2:]] == [
        ["0.150", "0.500", "2"],
        ["0.850", "1.000", "2"],
    ]
