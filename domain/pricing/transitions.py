"""The listing state machine: which events a listing accepts in each state, and the listing each one leaves.

    (none) --listed--> listed --updated--> listed
    listed --sold--> sold        listed --delisted--> delisted
    sold | delisted --relisted--> listed

Sold is final and nothing follows a delisting, except a relist. An event older than the listing's last
change is out of order too: applying it would overwrite newer facts with older ones.
"""

from __future__ import annotations

from core.records.sales import Listing, ListingFields, ListingStatus, PricingEvent, PricingEventType
from domain.pricing.errors import EventOutOfOrder, InvalidEvent

ALLOWED_FROM: dict[PricingEventType, frozenset[ListingStatus | None]] = {
    PricingEventType.LISTED: frozenset({None}),
    PricingEventType.UPDATED: frozenset({ListingStatus.LISTED}),
    PricingEventType.SOLD: frozenset({ListingStatus.LISTED}),
    PricingEventType.DELISTED: frozenset({ListingStatus.LISTED}),
    PricingEventType.RELISTED: frozenset({ListingStatus.SOLD, ListingStatus.DELISTED}),
}

_WHY_NOT: dict[ListingStatus | None, str] = {
    None: "the listing does not exist yet; send product.listed first",
    ListingStatus.LISTED: "the listing is already listed",
    ListingStatus.SOLD: "the listing is sold; only product.relisted may follow a sale",
    ListingStatus.DELISTED: "the listing is delisted; only product.relisted may follow a delisting",
}


def _fields(fields: ListingFields) -> dict[str, object]:
    return fields.model_dump(include=set(ListingFields.model_fields))


def next_listing(current: Listing | None, event: PricingEvent) -> Listing:
    """The listing after `event`, with version + 1; EventOutOfOrder when the current state forbids it."""
    status = None if current is None else current.status
    if status not in ALLOWED_FROM[event.type]:
        raise EventOutOfOrder(
            f"{event.type.value} cannot follow: {_WHY_NOT[status]}",
            {"listing_id": event.listing_id, "type": event.type.value, "status": status and status.value},
        )
    if current is None:
        if event.product is None:
            raise InvalidEvent("product.listed events must carry the product fields", {"field": "product"})
        return Listing(
            tenant_id=event.tenant_id,
            listing_id=event.listing_id,
            listed_at=event.occurred_at,
            updated_at=event.occurred_at,
            **_fields(event.product),
        )
    if event.occurred_at < current.updated_at:
        raise EventOutOfOrder(
            f"{event.type.value} is older than the listing's last change",
            {
                "listing_id": event.listing_id,
                "occurred_at": event.occurred_at.isoformat(),
                "last_change_at": current.updated_at.isoformat(),
            },
        )
    changes: dict[str, object] = {"updated_at": event.occurred_at, "version": current.version + 1}
    if event.product is not None and event.type is not PricingEventType.DELISTED:
        changes.update(_fields(event.product))
    if event.type is PricingEventType.SOLD:
        changes.update(status=ListingStatus.SOLD, sold_at=event.occurred_at)
    elif event.type is PricingEventType.DELISTED:
        changes["status"] = ListingStatus.DELISTED
    elif event.type is PricingEventType.RELISTED:
        changes.update(status=ListingStatus.LISTED, listed_at=event.occurred_at, sold_at=None)
    return Listing.model_validate(current.model_dump() | changes)
