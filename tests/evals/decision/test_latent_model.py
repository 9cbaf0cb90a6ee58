"""The eval's latent size model: it learns offsets with the service's own rule and recovers a known model."""

from __future__ import annotations

import numpy as np
import pytest

from core.records.feedback import FeedbackEvent, FitReport, OffsetScope, PurchaseOutcome
from core.storage.repositories import Store
from domain.decision.feedback import SizeLearner
from domain.decision.size_model import FOOTWEAR_LINK
from evals.decision.latent_model import fit_latent_model, learn_offsets
from evals.decision.metrics import average_one_vs_rest_auc
from tests.evals.decision.rentals import rentals_from, simulated_rentals

TENANT = "acme"
STREAM = [
    ("shoe-1", "Red Tape", FitReport.SMALL),
    ("shoe-1", "Red Tape", FitReport.SMALL),
    ("shoe-2", "Red Tape", FitReport.FIT),
    ("shoe-2", "Red Tape", FitReport.LARGE),
    ("shoe-1", "Red Tape", FitReport.FIT),
    ("sandal-1", "Bata", FitReport.LARGE),
]


def test_the_eval_learns_exactly_the_offsets_the_feedback_service_stores(store: Store) -> None:
    learner = SizeLearner(store)
    for index, (product, brand, report) in enumerate(STREAM):
        learner.learn(
            FeedbackEvent(
                id=f"fbk-{index}",
                tenant_id=TENANT,
                user_id=f"u{index}",
                product_id=product,
                brand=brand,
                size="UK8",
                outcome=PurchaseOutcome.KEPT if report is FitReport.FIT else PurchaseOutcome.RETURNED,
                fit=report,
            )
        )
    rentals = rentals_from(
        [report for _, _, report in STREAM],
        items=[product for product, _, _ in STREAM],
        groups=["red-tape" if brand == "Red Tape" else "bata" for _, brand, _ in STREAM],
    )

    learned, _ = learn_offsets(rentals, np.zeros(len(STREAM)), FOOTWEAR_LINK)

    for product, belief in learned.items.items():
        stored = store.size_offsets.get(TENANT, OffsetScope.ITEM, product)
        assert stored is not None
        assert (stored.mean, stored.variance) == pytest.approx((belief.mean, belief.variance), rel=1e-9)
    for brand, belief in learned.groups.items():
        stored = store.size_offsets.get(TENANT, OffsetScope.BRAND, brand)
        assert stored is not None
        assert (stored.mean, stored.variance) == pytest.approx((belief.mean, belief.variance), rel=1e-9)


def test_each_report_is_predicted_from_the_offsets_learned_before_it() -> None:
    rentals = rentals_from([FitReport.SMALL] * 3, items=["dress-1"] * 3, groups=["dress"] * 3)

    learned, history = learn_offsets(rentals, np.zeros(3), FOOTWEAR_LINK)

    assert history.mean[0] == 0.0
    final = learned.items["dress-1"].mean + learned.groups["dress"].mean
    assert 0 < history.mean[1] < history.mean[2] < final


def test_rows_outside_learning_read_the_offsets_of_their_date_without_moving_them() -> None:
    reports = [FitReport.SMALL, FitReport.LARGE, FitReport.SMALL]
    rentals = rentals_from(reports, ["dress-1"] * 3, ["dress"] * 3)
    learning = np.array([True, False, True])

    learned, history = learn_offsets(rentals, np.zeros(3), FOOTWEAR_LINK, learning=learning)
    only_small, _ = learn_offsets(
        rentals_from([FitReport.SMALL] * 2, ["dress-1"] * 2, ["dress"] * 2), np.zeros(2), FOOTWEAR_LINK
    )

    assert history.mean[1] == history.mean[2] > 0
    assert learned.items["dress-1"] == only_small.items["dress-1"]


def test_the_fitted_model_finds_items_that_run_small_and_large_and_predicts_held_out_reports() -> None:
    train, truth = simulated_rentals(3000, seed=1)
    test, _ = simulated_rentals(1000, seed=2)

    model = fit_latent_model(train, rounds=2)

    runs_small = [model.offsets.items[item].mean for item, offset in truth.items() if offset > 0]
    runs_large = [model.offsets.items[item].mean for item, offset in truth.items() if offset < 0]
    assert min(runs_small) > max(runs_large)
    assert model.link.low < model.link.high and model.link.scale > 0
    assert average_one_vs_rest_auc(model.predict(test), test.labels) > 0.75
