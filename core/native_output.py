"""Native libraries' stderr output as log records, so it never interleaves with pakka's own log lines.

MediaPipe's C++ (absl, TensorFlow Lite) writes warnings straight to file descriptor 2 from its own threads
("W0000 ... inference_feedback_manager.cc:114] Feedback manager requires ..."), and its Python binding prints
"AttributeError: 'MessageFactory' object has no attribute 'GetPrototype'" when it is imported under
protobuf 6 (harmless: the binding falls back, pyproject.toml's protobuf override has the measurements).

- `route_native_stderr()` (for long-running processes: `pakka serve`, `pakka demo`) points descriptor 2 at a
  pipe and gives Python's `sys.stderr` a copy of the real one: pakka's log handler keeps writing there, and
  a reader thread turns every line that native code writes into a record of the `pakka.native` logger (so
  in JSON mode it is a JSON line like any other).
- `python_stderr_logged()` wraps an import that prints through Python's `sys.stderr` (the MessageFactory
  line): what it prints becomes DEBUG records of `pakka.native`.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import sys
import threading
from collections.abc import Iterator

logger = logging.getLogger("pakka.native")
_routed = threading.Lock()
_route_started = False
LEVELS = {"F": logging.CRITICAL, "E": logging.ERROR, "W": logging.WARNING, "I": logging.INFO}
"""First letter of an absl/glog line (W0000 ..., E0000 ...) -> level."""


def level_of(line: str) -> int:
    if line.startswith(("WARNING:", "Warning:")):
        return logging.WARNING
    if line.startswith(("ERROR:", "Error:", "Traceback", "Fatal")):
        return logging.ERROR
    if line.startswith("INFO:"):
        return logging.INFO
    if len(line) > 5 and line[0] in LEVELS and line[1:5].isdigit():
        return LEVELS[line[0]]
    return logging.WARNING


def route_native_stderr() -> bool:
    """Route descriptor 2 through the `pakka.native` logger for the rest of the process (once; returns
    whether this call did it). Python's `sys.stderr`, and every log handler that wrote to it, keep writing
    to the real stderr."""
    global _route_started
    with _routed:
        if _route_started:
            return False
        _route_started = True
    sys.stderr.flush()
    real = os.dup(2)
    read_end, write_end = os.pipe()
    os.dup2(write_end, 2)
    os.close(write_end)
    previous = sys.stderr
    sys.stderr = io.TextIOWrapper(
        os.fdopen(real, "wb", buffering=0), encoding="utf-8", errors="backslashreplace", line_buffering=True
    )
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.StreamHandler) and handler.stream is previous:
            handler.setStream(sys.stderr)
    threading.Thread(target=_forward, args=(read_end,), name="native-stderr", daemon=True).start()
    return True


def _forward(read_end: int) -> None:
    with os.fdopen(read_end, "r", encoding="utf-8", errors="backslashreplace") as pipe:
        for raw in pipe:
            line = raw.rstrip()
            if line:
                logger.log(level_of(line), line)


@contextlib.contextmanager
def python_stderr_logged() -> Iterator[None]:
    """What the block prints to Python's `sys.stderr` becomes DEBUG records of `pakka.native`."""
    captured = io.StringIO()
    with contextlib.redirect_stderr(captured):
        yield
    for line in captured.getvalue().splitlines():
        if line.strip():
            logger.debug("%s", line.strip())
