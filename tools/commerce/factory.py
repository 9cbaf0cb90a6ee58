"""Builds a commerce tool: an explicit argument schema plus the error handling every commerce tool shares."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from langchain_core.tools import StructuredTool
from pydantic import BaseModel

from tools.commerce.errors import describe_validation_error, reports_domain_errors


def commerce_tool(args_schema: type[BaseModel]) -> Callable[[Callable[..., Any]], StructuredTool]:
    """Decorator: the function's name is the tool name, its docstring the description the model reads.

    Bad arguments, domain errors and missing context all come back as an error ToolMessage, so the model can
    correct itself and the graph keeps running.
    """

    def build(func: Callable[..., Any]) -> StructuredTool:
        return StructuredTool.from_function(
            func=reports_domain_errors(func),
            name=func.__name__,
            description=inspect.getdoc(func),
            args_schema=args_schema,
            handle_tool_error=True,
            handle_validation_error=describe_validation_error,
        )

    return build
