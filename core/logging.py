"""Logging set-up: one JSON object per line, every line stamped with the current request's correlation id.

The correlation id lives in a context variable. The API middleware sets it per request; asyncio tasks and the
worker threads FastAPI runs sync handlers in inherit it, so every log call made while serving a request
carries it without passing it around.
"""

from __future__ import annotations

import json
import logging
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import TextIO

from core.settings import Settings

correlation_id_var: ContextVar[str | None] = ContextVar("correlation_id", default=None)

# Attributes every LogRecord has; anything else on a record came from `extra=` and is written as a field,
# except uvicorn's `color_message` (the message again, with terminal colour codes).
_NOT_EXTRAS = frozenset(logging.makeLogRecord({}).__dict__) | {
    "message",
    "asctime",
    "correlation_id",
    "color_message",
}


class CorrelationIdFilter(logging.Filter):
    """Stamps `record.correlation_id` (unless `extra` set one) so any formatter can use it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "correlation_id", None) is None:
            record.correlation_id = correlation_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    """Formats a record as one JSON object: ts, level, logger, message, correlation_id, then any extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "correlation_id": getattr(record, "correlation_id", None),
        }
        entry.update((key, value) for key, value in record.__dict__.items() if key not in _NOT_EXTRAS)
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack_info"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


class ConsoleFormatter(logging.Formatter):
    """A readable line for a terminal: time, level, logger, message, then the correlation id and any extras
    as key=value (`11:29:26 INFO  pakka.api  demo data seeded  tenant_id=demo`)."""

    def format(self, record: logging.LogRecord) -> str:
        stamp = datetime.fromtimestamp(record.created).strftime("%H:%M:%S")
        fields = {key: value for key, value in record.__dict__.items() if key not in _NOT_EXTRAS}
        correlation = getattr(record, "correlation_id", None)
        if correlation:
            fields = {"correlation_id": correlation, **fields}
        line = f"{stamp} {record.levelname:<7} {record.name}  {record.getMessage()}"
        if fields:
            line += "  " + " ".join(f"{key}={_short(value)}" for key, value in fields.items())
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


def _short(value: object) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str, ensure_ascii=False)
    return text if " " not in text else json.dumps(text, ensure_ascii=False)


class PakkaLogHandler(logging.StreamHandler[TextIO]):
    """The root handler `configure_logging` installs; its own class so a second call replaces it."""


def uses_json(settings: Settings, stream: TextIO) -> bool:
    """PAKKA_LOG_JSON when set; otherwise JSON unless `stream` is a terminal."""
    if settings.log_json is not None:
        return settings.log_json
    isatty = getattr(stream, "isatty", None)
    return not (callable(isatty) and isatty())


QUIET_LIBRARIES = ("botocore", "boto3", "urllib3", "httpx")
"""Libraries whose INFO lines (credentials found, each HTTP request) are noise in pakka's logs."""


def configure_logging(settings: Settings, *, stream: TextIO | None = None) -> PakkaLogHandler:
    """Send every log record to `stream` (stderr by default) as JSON lines, or as readable console lines when
    `log_json` is off (the default on a terminal).

    Idempotent: replaces the handler an earlier call installed and leaves other handlers (pytest's, for
    instance) alone. Returns the installed handler.
    """
    root = logging.getLogger()
    for previous in [handler for handler in root.handlers if isinstance(handler, PakkaLogHandler)]:
        root.removeHandler(previous)
    target = stream if stream is not None else sys.stderr
    handler = PakkaLogHandler(target)
    handler.addFilter(CorrelationIdFilter())
    handler.setFormatter(JsonFormatter() if uses_json(settings, target) else ConsoleFormatter())
    root.addHandler(handler)
    root.setLevel(settings.log_level)
    for chatty in QUIET_LIBRARIES:
        logging.getLogger(chatty).setLevel(max(logging.WARNING, root.level))
    return handler
