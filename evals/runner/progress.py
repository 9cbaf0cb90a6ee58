"""A rich progress bar on stderr, for the runner's long loops (shown only when stderr is a terminal)."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

from rich.console import Console
from rich.markup import escape
from rich.progress import track as rich_track

T = TypeVar("T")

STDERR = Console(stderr=True)


def enabled() -> bool:
    return sys.stderr.isatty()


def track(items: Iterable[T], description: str, total: int | None = None) -> Iterator[T]:
    yield from rich_track(items, description=escape(description), total=total, console=STDERR, transient=True)
