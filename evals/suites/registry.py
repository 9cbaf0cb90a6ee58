"""Every suite of `pakka eval`, by name and import path: a suite's module is imported only when it runs or is
listed, and one that fails to import fails (or lists) alone, with the error as its reason."""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from evals.runner.suite import Suite

SUITES: dict[str, str] = {
    "decision-fit": "evals.suites.decision_fit:SUITE",
    "decision-vision": "evals.suites.decision_vision:SUITE",
    "retrieval": "evals.suites.retrieval:SUITE",
    "pricing": "evals.suites.pricing:SUITE",
    "intent": "evals.suites.intent:SUITE",
    "chat": "evals.suites.chat:SUITE",
    "sitegen": "evals.suites.sitegen:SUITE",
    "explanations": "evals.suites.explanations:SUITE",
}


@dataclass(frozen=True)
class Loaded:
    name: str
    suite: Suite | None
    error: str | None = None


def load(name: str) -> Loaded:
    """The suite called `name`, or why it cannot be loaded (KeyError for a name that is not registered)."""
    module_name, attribute = SUITES[name].split(":")
    try:
        suite = getattr(importlib.import_module(module_name), attribute)
    except Exception as error:  # noqa: BLE001 - one broken suite must not take the others down
        return Loaded(name, None, f"cannot load {SUITES[name]}: {type(error).__name__}: {error}")
    if not isinstance(suite, Suite) or suite.name != name:
        return Loaded(name, None, f"{SUITES[name]} is not a Suite named {name!r}")
    return Loaded(name, suite)
