"""How failures reach the model: as short, fixable error messages in a ToolMessage with status "error".

Argument validation errors are reported by the tool itself (`handle_validation_error`); domain errors
(`core.errors.PakkaError`) are turned into `ToolException` (handled by `handle_tool_error`). Anything else is
a bug and is left to propagate.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from langchain_core.tools import ToolException
from pydantic import ValidationError

from core.errors import PakkaError

P = ParamSpec("P")
R = TypeVar("R")

_SCALARS = (str, int, float, bool)
_MAX_ECHOED_INPUT = 60


def describe_validation_error(error: ValidationError) -> str:
    """One line per bad argument, with the offending value when it is short enough to echo."""
    problems = []
    for issue in error.errors(include_url=False):
        where = ".".join(str(part) for part in issue["loc"]) or "arguments"
        problem = f"{where}: {issue['msg']}"
        given = issue.get("input")
        if isinstance(given, _SCALARS) and len(repr(given)) <= _MAX_ECHOED_INPUT:
            problem += f" (got {given!r})"
        problems.append(problem)
    return f"INVALID_ARGUMENTS: {'; '.join(problems)}. Fix the arguments and call the tool again."


def describe_domain_error(error: PakkaError) -> str:
    """`CODE: message (key=value, ...)`, keeping only the scalar details a model can act on."""
    facts = [f"{key}={value}" for key, value in error.details.items() if isinstance(value, _SCALARS)]
    suffix = f" ({', '.join(facts)})" if facts else ""
    return f"{error.code}: {error.message}{suffix}"


def reports_domain_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Re-raise `PakkaError` from `func` as a `ToolException` carrying the error code and message."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except PakkaError as error:
            raise ToolException(describe_domain_error(error)) from error

    return wrapper


def tool_error(code: str, message: str) -> ToolException:
    """A tool failure that has no domain error class (e.g. nobody signed in)."""
    return ToolException(f"{code}: {message}")
