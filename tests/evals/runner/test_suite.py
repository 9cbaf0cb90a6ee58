"""The suite contract: datasets resolve and hash, a missing one is named, and the context caps items for
--limit and --smoke."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.settings import Settings
from evals.runner.suite import Dataset, Direction, MetricSpec, RunContext, Suite, SuiteOutcome


@pytest.fixture
def shared(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PAKKA_SHARED_DATA", str(tmp_path))
    return tmp_path


def test_a_dataset_hash_follows_its_content_and_names_in_a_folder(shared: Path) -> None:
    (shared / "set").mkdir()
    (shared / "set" / "a.csv").write_text("x\n1\n")
    folder, file = Dataset("set", "set"), Dataset("a", "set/a.csv")
    before = (folder.content_hash(), file.content_hash())

    (shared / "set" / "a.csv").write_text("x\n2\n")

    assert folder.content_hash() != before[0] and file.content_hash() != before[1]
    assert file.content_hash().startswith("sha256:")


def test_a_suite_names_the_datasets_it_lacks(shared: Path) -> None:
    suite = Suite(
        name="s",
        description="",
        datasets=(
            Dataset("here", "."),
            Dataset("gone", "gone.csv"),
            Dataset("readme", "README.md", root="repo"),
        ),
        metrics=(MetricSpec("m", Direction.HIGHER, 0.1),),
        run=lambda ctx: SuiteOutcome(metrics=[]),
    )

    assert [reason.split(":")[0] for reason in suite.missing_datasets()] == ["gone"]
    assert suite.spec("m") is not None and suite.spec("other") is None


def test_an_absent_optional_dataset_leaves_its_part_out_but_does_not_skip_the_suite(shared: Path) -> None:
    def suite(*datasets: Dataset) -> Suite:
        return Suite("s", "", datasets, (), lambda ctx: SuiteOutcome(metrics=[]))

    here, gone = Dataset("here", "."), Dataset("esci", "esci.csv", optional=True, part="ESCI search")
    other = Dataset("thredup", "thredup.csv", optional=True)

    assert suite(here, gone).missing_datasets() == []
    assert suite(here, gone).skipped_parts() == {
        "esci": f"ESCI search skipped: dataset esci: {shared / 'esci.csv'} not found"
    }
    assert suite(gone, other).missing_datasets() == []  # the suite's own parts may still run
    assert list(suite(gone, other).skipped_parts()) == ["esci", "thredup"]
    assert [r.split(":")[0] for r in suite(Dataset("gone", "gone.csv"), gone).missing_datasets()] == ["gone"]
    assert suite(Dataset("gone", "gone.csv"), gone).skipped_parts() == {}  # skipped as a whole instead


def test_the_context_knows_which_datasets_are_here_and_refuses_an_absent_one(tmp_path: Path) -> None:
    context = RunContext(settings=Settings(_env_file=None), datasets={"here": tmp_path})

    assert context.has("here") and not context.has("esci")
    assert context.path("here") == tmp_path
    with pytest.raises(LookupError, match="esci"):
        context.path("esci")


@pytest.mark.parametrize(
    ("limit", "smoke", "limited", "capped"),
    [(None, False, 100, None), (7, False, 7, 7), (None, True, 20, 20), (50, True, 20, 20), (5, True, 5, 5)],
)
def test_limit_and_smoke_cap_the_items(
    limit: int | None, smoke: bool, limited: int, capped: int | None
) -> None:
    context = RunContext(settings=Settings(_env_file=None), limit=limit, smoke=smoke)

    assert len(context.limited(list(range(100)), smoke=20)) == limited
    assert context.cap(None, smoke=20) == capped
