"""The CLI starts fast: `pakka --help` lists every sub-command from its one-line help without importing it,
and a sub-command is imported only when a command line names it. Timings are for the benchmark
(`python -m evals.benchmarks.cli_startup`), never a test: here, what gets imported."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from api.cli import DEFAULT_STOCK_UNITS, SUBCOMMANDS
from core.catalog.defaults import DEFAULT_UNITS
from core.cli_support import TENANT_PATTERN
from core.schemas import TENANT_PATTERN as SCHEMA_TENANT_PATTERN

HEAVY = (
    "langchain_core",
    "langgraph",
    "boto3",
    "botocore",
    "numpy",
    "mediapipe",
    "uvicorn",
    "fastapi",
    "pydantic",
)


def imported_after(code: str) -> set[str]:
    """The HEAVY top-level packages a fresh interpreter has imported after running `code`."""
    probe = f"{code}\nimport sys\nprint(' '.join(sorted({{m.split('.')[0] for m in sys.modules}})))"
    # A machine without AWS configuration (the conftest's fake credentials would make botocore look).
    environment = {name: value for name, value in os.environ.items() if not name.startswith("AWS_")}
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=environment
    )
    return set(result.stdout.split()) & set(HEAVY)


def test_help_lists_every_sub_command_without_importing_the_stack() -> None:
    code = (
        "from typer.testing import CliRunner\nfrom api.cli import app\n"
        "result = CliRunner().invoke(app, ['--help'])\nassert result.exit_code == 0, result.output\n"
        + "".join(f"assert {name!r} in result.output\n" for name in SUBCOMMANDS)
    )

    assert imported_after(code) == set()


@pytest.mark.parametrize(
    ("arguments", "allowed"),
    [
        (["models", "status"], {"pydantic"}),
        (["size", "foot", "--length-mm", "262"], {"pydantic", "numpy"}),
        (["graphs"], {"pydantic"}),
    ],
)
def test_light_commands_import_only_what_they_use(arguments: list[str], allowed: set[str]) -> None:
    code = (
        "from typer.testing import CliRunner\nfrom api.cli import app\n"
        f"result = CliRunner().invoke(app, {arguments!r})\nassert result.exit_code == 0, result.output\n"
    )

    assert imported_after(code) <= allowed


@pytest.mark.parametrize("name", list(SUBCOMMANDS))
def test_the_listed_help_is_the_sub_commands_own(name: str) -> None:
    command = SUBCOMMANDS[name].load(name)
    own = (command.help or "").strip().splitlines()[0] if command.help else ""
    listed = SUBCOMMANDS[name].help

    assert own == listed or own.startswith(listed.rstrip(".")), (own, listed)


def test_values_repeated_to_keep_start_up_light_are_the_same() -> None:
    assert DEFAULT_STOCK_UNITS == DEFAULT_UNITS
    assert TENANT_PATTERN == SCHEMA_TENANT_PATTERN
