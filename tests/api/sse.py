"""Reading Server-Sent Events the way a browser does: `event:` and `data:` lines, blocks split by a blank
line, comment lines (`: ping`) skipped."""

from __future__ import annotations

import json
from typing import Any


def parse_sse(text: str) -> list[tuple[str, Any]]:
    events: list[tuple[str, Any]] = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        fields: dict[str, str] = {}
        for line in block.splitlines():
            if not line or line.startswith(":"):
                continue
            name, _, value = line.partition(":")
            fields[name] = value[1:] if value.startswith(" ") else value
        if "event" in fields:
            events.append((fields["event"], json.loads(fields.get("data", "null"))))
    return events


def comments(text: str) -> list[str]:
    """The comment lines of a stream (heartbeats)."""
    return [line for line in text.replace("\r\n", "\n").splitlines() if line.startswith(":")]
