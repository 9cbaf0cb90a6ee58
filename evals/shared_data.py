"""Where the third-party data sets live: `PAKKA_SHARED_DATA`, else `../shared/data` beside the repository.

Evals read them from there and never copy them into the repository."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


def shared_data_dir() -> Path:
    configured = os.environ.get("PAKKA_SHARED_DATA")
    return Path(configured) if configured else REPO_ROOT.parent / "shared" / "data"


SHARED_DATA = shared_data_dir()
