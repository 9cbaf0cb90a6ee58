"""Who is asking and with which backends: read from the LangGraph run context, never from tool arguments."""

from __future__ import annotations

from langgraph.prebuilt import ToolRuntime

from core.context import AppContext
from tools.commerce.errors import tool_error

ShopRuntime = ToolRuntime[AppContext]
"""What `ToolNode` injects into a `runtime` parameter when the graph runs with `context=AppContext(...)`."""


def shop_context(runtime: ShopRuntime) -> AppContext:
    context = runtime.context
    if not isinstance(context, AppContext):
        raise tool_error("NO_SHOP_CONTEXT", "the shop is not available in this conversation")
    return context


def shopper_id(context: AppContext) -> str:
    """The signed-in shopper; cart and order tools refuse to act for nobody."""
    if not context.user_id:
        raise tool_error("NOT_SIGNED_IN", "no shopper is signed in; ask the shopper to sign in first")
    return context.user_id
