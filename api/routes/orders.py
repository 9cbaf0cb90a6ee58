"""Placing, reading and cancelling orders (the saga itself lives in core.commerce.orders)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query, Response, status
from pydantic import BaseModel

from api.deps import IdPath, ServicesDep, TenantDep
from core.commerce.orders import PlaceOrderRequest
from core.schemas import ID_PATTERN, Order

router = APIRouter(prefix="/v1/orders", tags=["orders"])

REPLAYED_HEADER = "Idempotent-Replayed"


class OrderList(BaseModel):
    items: list[Order]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses={
        200: {
            "description": f"A replay of an earlier request with this Idempotency-Key ({REPLAYED_HEADER})."
        },
        402: {"description": "Payment declined; details.order is the FAILED order, its stock released."},
        409: {"description": "Not enough stock."},
    },
)
def place_order(
    body: PlaceOrderRequest,
    response: Response,
    services: ServicesDep,
    tenant_id: TenantDep,
    idempotency_key: Annotated[
        str | None, Header(alias="Idempotency-Key", min_length=1, max_length=255)
    ] = None,
) -> Order:
    placed = services.orders.place(tenant_id, body, idempotency_key=idempotency_key)
    if placed.replayed:
        response.status_code = status.HTTP_200_OK
        response.headers[REPLAYED_HEADER] = "true"
    return placed.order


@router.get("")
def list_orders(
    services: ServicesDep,
    tenant_id: TenantDep,
    user_id: Annotated[str, Query(pattern=ID_PATTERN)],
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> OrderList:
    return OrderList(items=services.orders.list_for_user(tenant_id, user_id, limit=limit))


@router.get("/{order_id}", responses={404: {"description": "No such order."}})
def get_order(order_id: IdPath, services: ServicesDep, tenant_id: TenantDep) -> Order:
    return services.orders.get(tenant_id, order_id)


@router.post("/{order_id}/cancel", responses={409: {"description": "The order can no longer be cancelled."}})
def cancel_order(order_id: IdPath, services: ServicesDep, tenant_id: TenantDep) -> Order:
    return services.orders.cancel(tenant_id, order_id)
