"""Placing, reading and cancelling orders (the saga itself lives in core.commerce.orders).

A shopper places, reads and cancels its own orders; the tenant's merchants read and cancel any of its
shoppers' orders (api/auth.py). Someone else's order is a 404, like an unknown one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query, Response, status
from pydantic import BaseModel, Field

from api.auth import ORDERS, SHOPPER, Caller, CallerDep
from api.deps import IdPath, ServicesDep, TenantDep
from core.catalog.regions import region_slugs
from core.commerce.orders import PlaceOrderRequest
from core.errors import NotFound
from core.schemas import ID_PATTERN, Id, Order, Region
from graphs.services import Services

router = APIRouter(prefix="/v1/orders", tags=["orders"])

REPLAYED_HEADER = "Idempotent-Replayed"
IDEMPOTENCY_KEY_PATTERN = r"^[!-~]{1,255}$"


class OrderList(BaseModel):
    items: list[Order]


class PlaceOrderBody(PlaceOrderRequest):
    user_id: Id | None = Field(  # type: ignore[assignment]
        default=None, description="The shopper; defaults to the caller (a shopper may only name itself)."
    )
    # Checked by the order service (422 INVALID_INPUT naming the regions); the schema lists them too.
    region: Region = Field(
        description="A region pakka delivers to.", json_schema_extra={"enum": region_slugs()}
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    dependencies=[SHOPPER],
    responses={
        200: {
            "description": f"A replay of an earlier request with this Idempotency-Key ({REPLAYED_HEADER})."
        },
        402: {"description": "Payment declined; details.order is the FAILED order, its stock released."},
        409: {"description": "Not enough stock."},
    },
)
def place_order(
    body: PlaceOrderBody,
    response: Response,
    services: ServicesDep,
    tenant_id: TenantDep,
    caller: CallerDep,
    idempotency_key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            pattern=IDEMPOTENCY_KEY_PATTERN,
            description="Printable ASCII without spaces, e.g. a UUID; 1-255 characters.",
        ),
    ] = None,
) -> Order:
    """Idempotency keys are the shopper's own: the same key from another shopper is another order."""
    request = PlaceOrderRequest(
        **body.model_dump(exclude={"user_id"}), user_id=caller.acting_as(body.user_id)
    )
    placed = services.orders.place(tenant_id, request, idempotency_key=idempotency_key, actor=caller.actor)
    if placed.replayed:
        response.status_code = status.HTTP_200_OK
        response.headers[REPLAYED_HEADER] = "true"
    return placed.order


@router.get("", dependencies=[ORDERS])
def list_orders(
    services: ServicesDep,
    tenant_id: TenantDep,
    caller: CallerDep,
    user_id: Annotated[
        str | None,
        Query(pattern=ID_PATTERN, description="The shopper; defaults to the caller (merchants name one)."),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> OrderList:
    return OrderList(items=services.orders.list_for_user(tenant_id, caller.reading_for(user_id), limit=limit))


def visible_order(services: Services, caller: Caller, tenant_id: str, order_id: str) -> Order:
    order = services.orders.get(tenant_id, order_id)
    if not caller.may_see(order.user_id):
        raise NotFound(f"order {order_id} not found", {"order_id": order_id})
    return order


@router.get("/{order_id}", dependencies=[ORDERS], responses={404: {"description": "No such order."}})
def get_order(order_id: IdPath, services: ServicesDep, tenant_id: TenantDep, caller: CallerDep) -> Order:
    return visible_order(services, caller, tenant_id, order_id)


@router.post(
    "/{order_id}/cancel",
    dependencies=[ORDERS],
    responses={
        404: {"description": "No such order."},
        409: {"description": "The order can no longer be cancelled."},
    },
)
def cancel_order(order_id: IdPath, services: ServicesDep, tenant_id: TenantDep, caller: CallerDep) -> Order:
    visible_order(services, caller, tenant_id, order_id)
    return services.orders.cancel(tenant_id, order_id, actor=caller.actor)
