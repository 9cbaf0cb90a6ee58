"""How the evals use ragas: imported with its usage analytics off, and its async metrics run from the suites'
synchronous code.

ragas sends usage analytics unless `RAGAS_DO_NOT_TRACK=true`, which it reads once (and caches) the first
time it tracks anything; `import_ragas()` sets it before ragas is first imported, so every eval imports
ragas through it (or after it) and never phones home.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Coroutine
from types import ModuleType
from typing import Any, TypeVar

T = TypeVar("T")


def import_ragas() -> ModuleType:
    """ragas, with its usage analytics turned off first; raises ImportError where it is not installed."""
    os.environ["RAGAS_DO_NOT_TRACK"] = "true"
    import ragas

    return ragas


def ragas_unavailable() -> str | None:
    """Why ragas cannot be used here, or None when it can."""
    try:
        import_ragas()
    except ImportError as error:  # pragma: no cover - ragas is installed wherever the tests run
        return f"ragas is not installed ({error}); install the dev extra"
    return None


def run_sync(coroutine: Coroutine[Any, Any, T]) -> T:
    """The coroutine's result, run on a fresh event loop (in a worker thread when the caller is already
    inside one, where `asyncio.run` would refuse)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
