"""`pakka graphs` lists the registry from graphs/summary.json, which must say what the registry says."""

from __future__ import annotations

from graphs.summary import registry_summary, stored_summary


def test_the_stored_summary_is_the_registry() -> None:
    assert stored_summary() == registry_summary(), (
        "graphs/summary.json is out of date: rewrite it with `python -m graphs.summary`"
    )
