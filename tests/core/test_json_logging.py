from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from core.logging import PakkaLogHandler, configure_logging, correlation_id_var
from core.settings import Settings


@pytest.fixture(autouse=True)
def _restore_root_logger() -> Iterator[None]:
    """configure_logging changes the process-wide root logger; put it back after each test."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def log_settings(**overrides: Any) -> Settings:
    return Settings(_env_file=None, **overrides)


def emit(logger_name: str, *args: Any, **kwargs: Any) -> None:
    logging.getLogger(logger_name).info(*args, **kwargs)


def test_each_record_is_one_json_object_with_the_standard_fields_and_extras() -> None:
    buffer = io.StringIO()
    configure_logging(log_settings(), stream=buffer)

    emit("pakka.orders", "placed %s", "ord_1", extra={"total_inr": 4998, "tags": ["cod"]})

    (line,) = buffer.getvalue().splitlines()
    entry = json.loads(line)
    assert datetime.fromisoformat(entry.pop("ts")).utcoffset() is not None
    assert entry == {
        "level": "INFO",
        "logger": "pakka.orders",
        "message": "placed ord_1",
        "correlation_id": None,
        "total_inr": 4998,
        "tags": ["cod"],
    }


def test_the_current_correlation_id_is_on_every_line() -> None:
    buffer = io.StringIO()
    configure_logging(log_settings(), stream=buffer)

    token = correlation_id_var.set("req-123")
    try:
        emit("pakka.a", "one")
        emit("pakka.b", "two")
    finally:
        correlation_id_var.reset(token)
    emit("pakka.c", "after the request")

    ids = [json.loads(line)["correlation_id"] for line in buffer.getvalue().splitlines()]
    assert ids == ["req-123", "req-123", None]


def test_exceptions_carry_their_traceback_and_unencodable_values_become_text() -> None:
    buffer = io.StringIO()
    configure_logging(log_settings(), stream=buffer)

    try:
        raise ValueError("bad size")
    except ValueError:
        logging.getLogger("pakka").exception("failed", extra={"path": Path("/srv/catalog.csv")})

    entry = json.loads(buffer.getvalue())
    assert entry["level"] == "ERROR"
    assert entry["exc_info"].startswith("Traceback")
    assert entry["exc_info"].endswith("ValueError: bad size")
    assert entry["path"] == "/srv/catalog.csv"


def test_configuring_twice_replaces_pakkas_handler_and_keeps_the_others() -> None:
    root = logging.getLogger()
    other = logging.NullHandler()
    root.addHandler(other)
    first, second = io.StringIO(), io.StringIO()

    configure_logging(log_settings(), stream=first)
    configure_logging(log_settings(log_level="WARNING"), stream=second)
    emit("pakka", "info is below the level now")
    logging.getLogger("pakka").warning("written once")

    assert sum(isinstance(h, PakkaLogHandler) for h in root.handlers) == 1
    assert other in root.handlers
    assert first.getvalue() == ""
    assert [json.loads(line)["message"] for line in second.getvalue().splitlines()] == ["written once"]


def test_text_mode_writes_readable_lines_with_the_correlation_id_and_extras() -> None:
    buffer = io.StringIO()
    configure_logging(log_settings(log_json=False), stream=buffer)

    token = correlation_id_var.set("req-9")
    try:
        logging.getLogger("pakka.api").info("demo data seeded", extra={"tenant_id": "demo"})
    finally:
        correlation_id_var.reset(token)

    line = buffer.getvalue().rstrip()
    assert re.fullmatch(
        r"\d\d:\d\d:\d\d INFO    pakka\.api  demo data seeded  correlation_id=req-9 tenant_id=demo", line
    )


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_unset_log_json_means_console_lines_on_a_terminal_and_json_elsewhere() -> None:
    terminal, piped = Terminal(), io.StringIO()

    configure_logging(log_settings(log_json=None), stream=terminal)
    emit("pakka.api", "on a terminal")
    configure_logging(log_settings(log_json=None), stream=piped)
    emit("pakka.api", "in a file")

    assert not terminal.getvalue().startswith("{") and "on a terminal" in terminal.getvalue()
    assert json.loads(piped.getvalue())["message"] == "in a file"
