"""Bootstrap intervals: around the value, reproducible by seed, absent where resampling says nothing."""

from __future__ import annotations

import numpy as np

from evals.runner.stats import bootstrap_interval, indexed_metric, mean_metric


def test_a_mean_comes_with_an_interval_around_it() -> None:
    values = [0.0, 1.0] * 50

    metric = mean_metric("share", values)

    assert metric.value == 0.5 and metric.n == 100
    assert metric.low is not None and metric.high is not None
    assert metric.low < 0.5 < metric.high
    assert 0.05 < metric.high - metric.low < 0.3


def test_the_same_seed_gives_the_same_interval() -> None:
    values = list(np.random.default_rng(3).normal(size=40))

    assert mean_metric("x", values, seed=7) == mean_metric("x", values, seed=7)


def test_undefined_values_are_left_out_and_no_items_means_no_value() -> None:
    assert mean_metric("x", [1.0, float("nan"), 3.0]).value == 2.0
    assert mean_metric("x", []).value is None
    assert bootstrap_interval(1, lambda idx: 1.0) is None


def test_a_whole_sample_statistic_is_bootstrapped_over_item_indices() -> None:
    truth = np.array([1.0, 2.0, 3.0, 4.0] * 10)
    guess = truth + np.array([0.5, -0.5] * 20)

    metric = indexed_metric(
        "rmse", len(truth), lambda idx: float(np.sqrt(np.mean((guess[idx] - truth[idx]) ** 2)))
    )

    assert metric.value == 0.5
    assert metric.low == metric.high == 0.5  # every resample has the same error
