"""reciprocal_rank_fusion: the fusion rule both search backends share."""

from __future__ import annotations

import pytest

from knowledge.search.backend import reciprocal_rank_fusion


def test_each_id_scores_the_sum_of_one_over_k_plus_rank() -> None:
    fused = dict(reciprocal_rank_fusion([["a", "b"], ["b", "c"]], k=60))

    assert fused["a"] == pytest.approx(1 / 61)
    assert fused["b"] == pytest.approx(1 / 62 + 1 / 61)
    assert fused["c"] == pytest.approx(1 / 62)


def test_an_id_found_by_both_rankings_outranks_one_found_by_a_single_ranking() -> None:
    fused = reciprocal_rank_fusion([["a", "shared"], ["c", "shared"]])

    assert [doc_id for doc_id, _ in fused][0] == "shared"


def test_ties_keep_the_order_in_which_ids_were_first_seen() -> None:
    fused = reciprocal_rank_fusion([["lexical-first"], ["vector-first"]])

    assert [doc_id for doc_id, _ in fused] == ["lexical-first", "vector-first"]


def test_no_rankings_fuse_to_an_empty_list() -> None:
    assert reciprocal_rank_fusion([]) == []
    assert reciprocal_rank_fusion([[], []]) == []
