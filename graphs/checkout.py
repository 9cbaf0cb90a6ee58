"""The checkout graph: a shopper's order, placed only after they approve it.

    prepare -> confirm (interrupt: approve / edit / reject) -> place -> END
                  |  edit: back to prepare with the edited order
                  +- reject: declined -> END

Keeps threads: the question waits in the checkpoint (across restarts) until the shopper answers. The question
has the shape of LangChain's `HumanInTheLoopMiddleware` (action_requests / review_configs), which chat UIs
render as an approve / reject card. Placing is exactly once: the order's idempotency key is derived from the
thread and the confirmation round, so a retried node, or a replayed answer, returns the same order.
"""

from __future__ import annotations

import asyncio
import hashlib
from typing import Any, Literal

from langgraph.config import get_config
from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime
from langgraph.types import Command, interrupt
from pydantic import BaseModel, ValidationError
from typing_extensions import (
    TypedDict,  # pydantic reads graph schemas (Studio, the API) only from this one on 3.11
)

from agents.rules.writer import rupees
from core.commerce.orders import OrderLineRequest, PlaceOrderRequest
from core.context import AppContext
from core.errors import PakkaError
from core.schemas import Order
from graphs.context import GraphContext, run_context

ACTION = "place_order"
DECISIONS = ["approve", "edit", "reject"]


class CheckoutInput(TypedDict, total=False):
    region: str
    payment_method: str
    items: list[dict[str, Any]]
    """Lines to order ({product_id, size, quantity}); without them, the shopper's cart."""


class PreviewLine(BaseModel):
    product_id: str
    name: str
    size: str
    quantity: int
    line_total_inr: float


class CheckoutResult(BaseModel):
    status: Literal["placed", "declined", "nothing_to_order", "failed"]
    message: str
    order: Order | None = None
    code: str | None = None


class CheckoutOutput(TypedDict, total=False):
    result: CheckoutResult


class CheckoutState(CheckoutInput, total=False):
    from_cart: bool
    preview: list[PreviewLine]
    total_inr: float
    round: int
    result: CheckoutResult


def prepare(state: CheckoutState, runtime: Runtime[AppContext]) -> Command[Literal["confirm", "__end__"]]:
    """The order to confirm, priced from the catalog: the given lines, else the shopper's cart."""
    context = run_context(runtime)
    if not context.user_id:
        return _finish("nothing_to_order", "sign in to place an order", code="NOT_SIGNED_IN")
    from_cart = not state.get("items")
    items = _cart_items(context) if from_cart else state.get("items", [])
    if not items:
        return _finish("nothing_to_order", "the cart is empty: add something first")
    try:
        request = _order_request(context.user_id, state, items)
    except (ValidationError, PakkaError) as error:
        return _finish("failed", f"this order cannot be placed: {_reason(error)}", code="INVALID_ORDER")
    catalog = context.services.store.products
    products = {line.product_id: catalog.get(context.tenant_id, line.product_id) for line in request.items}
    missing = sorted(pid for pid, product in products.items() if product is None)
    if missing:
        return _finish("failed", f"not in the catalog: {', '.join(missing)}", code="NOT_FOUND")
    preview = [
        PreviewLine(
            product_id=line.product_id,
            name=products[line.product_id].name,  # type: ignore[union-attr]
            size=line.size,
            quantity=line.quantity,
            line_total_inr=float(products[line.product_id].price_inr) * line.quantity,  # type: ignore[union-attr]
        )
        for line in request.items
    ]
    return Command(
        goto="confirm",
        update={
            "items": [line.model_dump() for line in request.items],
            "region": request.region,
            "payment_method": request.payment_method,
            "from_cart": from_cart,
            "preview": preview,
            "total_inr": round(sum(line.line_total_inr for line in preview), 2),
            "round": state.get("round", 0) + 1,
        },
    )


def confirm(state: CheckoutState) -> Command[Literal["place", "prepare", "declined"]]:
    """Ask the shopper (interrupt); their decision picks the next step."""
    answer = interrupt(
        {
            "action_requests": [
                {"name": ACTION, "args": _order_args(state), "description": _describe(state)}
            ],
            "review_configs": [{"action_name": ACTION, "allowed_decisions": DECISIONS}],
        }
    )
    decision = _first_decision(answer)
    kind = decision.get("type")
    if kind == "approve":
        return Command(goto="place")
    if kind == "edit":
        edited = decision.get("args") or {}
        if not isinstance(edited, dict):
            edited = {}
        update = {key: edited[key] for key in ("items", "region", "payment_method") if key in edited}
        return Command(goto="prepare", update=update)
    return Command(goto="declined", update={"result": _declined(decision)})


async def place(state: CheckoutState, runtime: Runtime[AppContext]) -> CheckoutState:
    """Reserve, charge, confirm (the order saga); the same thread and round always give the same order."""
    context = run_context(runtime)
    request = PlaceOrderRequest(
        user_id=context.user_id or "",
        items=[OrderLineRequest(**line) for line in state.get("items", [])],
        region=state["region"],
        payment_method=state.get("payment_method", "cod"),
    )
    key = _idempotency_key(state.get("round", 1))
    try:
        placed = await asyncio.to_thread(
            context.services.orders.place, context.tenant_id, request, idempotency_key=key, actor="checkout"
        )
    except PakkaError as error:
        return {"result": CheckoutResult(status="failed", message=error.message, code=error.code)}
    if state.get("from_cart"):
        await asyncio.to_thread(context.services.carts.clear, context.tenant_id, request.user_id)
    order = placed.order
    return {
        "result": CheckoutResult(
            status="placed", message=f"order {order.id} placed: {rupees(float(order.total_inr))}", order=order
        )
    }


def declined(state: CheckoutState) -> CheckoutState:
    """The shopper said no: nothing is placed, and the thread can go on (a later run starts a new order)."""
    return {}


def _finish(status: str, message: str, *, code: str | None = None) -> Command[Literal["__end__"]]:
    result = CheckoutResult(status=status, message=message, code=code)  # type: ignore[arg-type]
    return Command(goto=END, update={"result": result})


def _cart_items(context: AppContext) -> list[dict[str, Any]]:
    cart = context.services.store.carts.get(context.tenant_id, context.user_id or "")
    return [item.model_dump() for item in cart.items]


def _order_request(user_id: str, state: CheckoutState, items: list[dict[str, Any]]) -> PlaceOrderRequest:
    return PlaceOrderRequest(
        user_id=user_id,
        items=[OrderLineRequest.model_validate(item) for item in items],
        region=state.get("region", ""),
        payment_method=state.get("payment_method", "cod"),
    )


def _reason(error: ValidationError | PakkaError) -> str:
    if isinstance(error, PakkaError):
        return error.message
    first = error.errors()[0]
    return f"{'.'.join(str(part) for part in first['loc'])}: {first['msg']}"


def _order_args(state: CheckoutState) -> dict[str, Any]:
    return {
        "items": state.get("items", []),
        "region": state.get("region"),
        "payment_method": state.get("payment_method", "cod"),
        "total_inr": state.get("total_inr"),
    }


def _describe(state: CheckoutState) -> str:
    lines = "; ".join(
        f"{line.quantity} x {line.name} (size {line.size})" for line in state.get("preview", [])
    )
    payment = (
        "cash on delivery" if state.get("payment_method", "cod") == "cod" else state.get("payment_method")
    )
    total = rupees(state.get("total_inr", 0.0))
    return f"Place this order for {total}: {lines}. Pay by {payment}, deliver to {state.get('region')}."


def _first_decision(answer: Any) -> dict[str, Any]:
    """The first decision of a HumanInTheLoopMiddleware-style answer ({"decisions": [...]}); anything else
    is a rejection (nothing is ordered on an answer that cannot be read)."""
    if isinstance(answer, dict):
        decisions = answer.get("decisions")
        if isinstance(decisions, list) and decisions and isinstance(decisions[0], dict):
            return decisions[0]
    return {"type": "reject", "message": "the answer could not be read"}


def _declined(decision: dict[str, Any]) -> CheckoutResult:
    message = decision.get("message")
    return CheckoutResult(status="declined", message=f"not ordered{f': {message}' if message else ''}")


def _idempotency_key(round_number: int) -> str | None:
    """One key per thread and confirmation round (None outside a thread: no answer can be replayed there)."""
    thread = str(get_config().get("configurable", {}).get("thread_id") or "")
    if not thread:
        return None
    return f"checkout:{hashlib.sha256(thread.encode()).hexdigest()[:32]}:{round_number}"


builder = StateGraph(
    CheckoutState, input_schema=CheckoutInput, output_schema=CheckoutOutput, context_schema=GraphContext
)
builder.add_node("prepare", prepare)
builder.add_node("confirm", confirm)
builder.add_node("place", place)
builder.add_node("declined", declined)
builder.add_edge(START, "prepare")
builder.add_edge("place", END)
builder.add_edge("declined", END)
graph = builder.compile(name="checkout")
