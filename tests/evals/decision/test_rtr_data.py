"""The RentTheRunway split and features: users are held out whole, and the split never changes."""

from __future__ import annotations

import numpy as np

from evals.decision.rtr_data import held_out, one_hot


def test_the_held_out_share_is_a_stable_function_of_the_user_id() -> None:
    users = np.array([f"user-{index}" for index in range(5000)] * 2)

    first, second = held_out(users), held_out(users)

    assert np.array_equal(first, second)
    assert np.array_equal(first[:5000], first[5000:])
    assert 0.17 < first.mean() < 0.23


def test_one_hot_keeps_the_most_common_values() -> None:
    columns = one_hot(["dress", "gown", "dress", "romper", "dress", "gown"], top=2)

    assert columns.tolist() == [[1, 0], [0, 1], [1, 0], [0, 0], [1, 0], [0, 1]]
