"""The graph registry is the one list of graphs: langgraph.json names exactly its graphs, every graph has
schemas a host (LangGraph Studio, the API) can read, and the run context needs nothing but plain fields."""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from langgraph.runtime import Runtime

from core.settings import Settings
from graphs import services as services_module
from graphs.context import GraphContext, run_context
from graphs.registry import GRAPHS

ROOT = Path(__file__).resolve().parents[2]


def test_langgraph_json_serves_exactly_the_registry_graphs(process_settings: Settings) -> None:
    config = json.loads((ROOT / "langgraph.json").read_text())
    studio = importlib.import_module("graphs.studio")

    assert set(config["graphs"]) == set(GRAPHS)
    for name, reference in config["graphs"].items():
        module, _, attribute = reference.partition(":")
        assert module == "graphs.studio"
        assert getattr(studio, attribute) is GRAPHS[name].graph
    assert process_settings.sqlite_file.exists(), "the studio module opens the process's services"


@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_every_graph_has_input_output_and_context_schemas_a_host_can_read(name: str) -> None:
    graph = GRAPHS[name].graph

    input_schema = graph.get_input_jsonschema()
    context_schema = graph.get_context_jsonschema()

    assert input_schema["properties"]
    assert context_schema is not None
    assert set(context_schema["properties"]) == {"tenant_id", "user_id", "region"}
    assert GRAPHS[name].output_schema.__annotations__


def test_graphs_that_keep_threads_are_the_ones_that_stop_to_ask() -> None:
    assert {name for name, spec in GRAPHS.items() if spec.keeps_threads} == {"checkout", "chat", "sitegen"}


@pytest.fixture
def process_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """Settings from the environment only, in a temp data dir; the process's services opened afresh."""
    monkeypatch.setenv("PAKKA_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("PAKKA_MODEL_TIERS", "rules")
    monkeypatch.chdir(tmp_path)
    services_module.process_services.cache_clear()
    yield Settings()
    if services_module.process_services.cache_info().currsize:
        services_module.process_services().close()
    services_module.process_services.cache_clear()


def test_a_context_built_from_plain_fields_opens_the_process_services_once(
    process_settings: Settings,
) -> None:
    first = GraphContext(tenant_id="demo", user_id="u-1")
    second = GraphContext()

    assert first.services is second.services
    assert first.services.settings.data_dir == process_settings.data_dir


def test_a_run_without_a_context_gets_the_process_services_and_default_tenant(
    process_settings: Settings,
) -> None:
    context = run_context(Runtime(context=None))

    assert context.tenant_id == process_settings.default_tenant
    assert context.services is services_module.process_services()
