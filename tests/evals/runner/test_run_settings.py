"""A suite's settings: whatever stores the environment names, an eval run writes only to embedded SQLite files
in its own scratch data directory, unless `--set` says otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest

from evals.runner.run import RunOptions, suite_settings


@pytest.fixture
def production_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no .env of the checkout
    for name, value in {
        "PAKKA_STORE": "dynamodb",
        "PAKKA_CHECKPOINTER": "postgres",
        "PAKKA_POSTGRES_URL": "postgresql://pakka@db.example:5432/pakka",
        "PAKKA_SQLITE_PATH": "/srv/pakka/pakka.db",
        "PAKKA_CHECKPOINT_SQLITE_PATH": "/srv/pakka/checkpoints.db",
        "PAKKA_MEMORY_SQLITE_PATH": "/srv/pakka/memory.db",
        "PAKKA_KB_SQLITE_PATH": "/srv/pakka/knowledge.db",
        "PAKKA_OPENSEARCH_URL": "https://search.example:9200",
        "PAKKA_SITES_DIR": "/srv/pakka/sites",
        "PAKKA_SITES_BUCKET": "pakka-sites",
    }.items():
        monkeypatch.setenv(name, value)


@pytest.mark.usefixtures("production_environment")
def test_a_suite_writes_to_embedded_sqlite_in_its_own_data_dir_whatever_the_environment_names(
    tmp_path: Path,
) -> None:
    data = tmp_path / "scratch" / "data"

    settings = suite_settings(RunOptions(suites=["chat"]), data)

    assert (settings.store, settings.checkpointer) == ("sqlite", "sqlite")
    assert settings.opensearch_url is None and settings.sites_bucket is None
    for path in (
        settings.sqlite_file,
        settings.checkpoint_sqlite_file,
        settings.memory_sqlite_file,
        settings.kb_sqlite_file,
        settings.sites_root,
    ):
        assert path.parent == data, path


@pytest.mark.usefixtures("production_environment")
def test_set_may_still_choose_another_store(tmp_path: Path) -> None:
    options = RunOptions(suites=["chat"], overrides={"store": "dynamodb", "checkpointer": "postgres"})

    settings = suite_settings(options, tmp_path / "data")

    assert (settings.store, settings.checkpointer) == ("dynamodb", "postgres")
    assert settings.postgres_url == "postgresql://pakka@db.example:5432/pakka"
