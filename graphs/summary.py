"""What `pakka graphs` prints, without building a graph: a summary of the registry in graphs/summary.json.

Building the registry imports LangGraph, LangChain and every graph (seconds); listing it needs only names,
descriptions, which keep threads and their input fields. tests/graphs/test_summary.py keeps the file equal to
the registry; after changing a graph, rewrite it with `python -m graphs.summary`.
"""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path
from typing import Any

SUMMARY_FILE = "summary.json"


def registry_summary() -> list[dict[str, Any]]:
    """The rows, from the registry itself (imports every graph)."""
    from graphs.registry import GRAPHS

    return [
        {
            "graph": spec.name,
            "keeps_threads": spec.keeps_threads,
            "input": sorted(spec.graph.get_input_jsonschema().get("properties", {})),
            "description": spec.description,
        }
        for spec in GRAPHS.values()
    ]


def stored_summary() -> list[dict[str, Any]]:
    """The rows as last written to graphs/summary.json."""
    rows: list[dict[str, Any]] = json.loads((files("graphs") / SUMMARY_FILE).read_text(encoding="utf-8"))
    return rows


def write_summary() -> Path:
    path = Path(__file__).with_name(SUMMARY_FILE)
    path.write_text(json.dumps(registry_summary(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


if __name__ == "__main__":
    print(f"wrote {write_summary()}")
