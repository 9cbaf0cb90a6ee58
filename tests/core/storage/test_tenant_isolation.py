"""Contract: tenant B can neither read nor change tenant A's data through any repository method.

Tenant A is seeded with one record of every kind. Each probe calls one repository method as tenant B, reusing
A's ids (so keys must be namespaced by tenant), checks what B gets back, and the test then checks that
everything A can see is unchanged. A completeness test keeps the probes in step with the interfaces.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import get_type_hints

import pytest

from core.errors import InsufficientStock, InvalidInput, NotFound, VersionConflict
from core.records.feedback import FitReport, OffsetScope
from core.records.identity import AuthKind, AuthRecord
from core.records.sales import ListingStatus, PricingEventType
from core.records.sites import SiteRecord
from core.schemas import OrderStatus, ProductQuery, StockEffect
from core.storage.repositories import StockKey, Store
from tests.core.storage.factories import (
    OTHER_TENANT,
    REGION,
    TENANT,
    at,
    make_audit,
    make_cart,
    make_consent,
    make_feedback,
    make_idempotency,
    make_inventory,
    make_order,
    make_product,
    make_size_offset,
    make_user,
)
from tests.domain.pricing.factories import WINDOW, apply, make_dead_letter, make_event, make_listing

Probe = Callable[[Store], None]
PROBES: dict[str, Probe] = {}
NOT_TENANT_SCOPED = {"tenants"}  # the tenant registry itself takes no tenant_id


def probe(method: str) -> Callable[[Probe], Probe]:
    """Register a probe of one repository method, named "repository.method"."""

    def register(function: Probe) -> Probe:
        PROBES[method] = function
        return function

    return register


@pytest.fixture
def seeded(store: Store) -> Store:
    """Tenant A with a product, stock, an order holding an idempotency key, a cart, a user, consent, audit."""
    store.products.put(make_product())
    store.inventory.put(make_inventory(available=5))
    store.orders.create_reserving(make_order(), make_idempotency())
    store.carts.save(make_cart(), expected_version=0)
    store.users.put(make_user())
    store.consent.record(make_consent(id="cns-1"))
    store.audit.append(make_audit(id="aud-1"))
    store.feedback.record(make_feedback())
    store.size_offsets.save(make_size_offset(), expected_version=0)
    apply(store, make_event(event_id="ev-1"))
    apply(store, make_event(PricingEventType.SOLD, "ev-2", occurred_at=at(5)))
    store.sales.record_dead_letter(make_dead_letter())
    store.sales.put_embeddings(TENANT, {"l-1": b"\x00\x01"})
    store.identity.save(make_role_grant(TENANT), expected_version=0)
    store.sites.save(SiteRecord(id="site-1", owner_tenant_id=TENANT, owner_user_id="u-1"), expected_version=0)
    return store


def make_role_grant(tenant_id: str) -> AuthRecord:
    return AuthRecord(
        tenant_id=tenant_id, kind=AuthKind.ROLE, key="u-1", user_id="u-1", doc={"role": "merchant"}
    )


def tenant_a_view(store: Store) -> dict[str, object]:
    """Everything tenant A can read through the public interfaces."""
    return {
        "search": store.products.search(TENANT, ProductQuery(page_size=100)),
        "in_stock": store.products.search(TENANT, ProductQuery(in_stock_region=REGION, text="trail")),
        "product": store.products.get(TENANT, "p-1"),
        "count": store.products.count(TENANT),
        "inventory": store.inventory.list_for_product(TENANT, "p-1"),
        "order": store.orders.get(TENANT, "o-1"),
        "orders_of_user": store.orders.list_by_user(TENANT, "u-1"),
        "pending_orders": store.orders.list_by_status(TENANT, OrderStatus.PENDING_PAYMENT),
        "idempotency": store.orders.get_idempotency(TENANT, "key-1"),
        "cart": store.carts.get(TENANT, "u-1"),
        "user": store.users.get(TENANT, "u-1"),
        "consent": store.consent.history(TENANT, "u-1"),
        "audit": store.audit.list(TENANT),
        "feedback": store.feedback.list_for_user(TENANT, "u-1"),
        "size_offset": store.size_offsets.get(TENANT, OffsetScope.ITEM, "p-1"),
        "listing": store.sales.get_listing(TENANT, "l-1"),
        "listing_counts": store.sales.count_listings(TENANT),
        "sold_items": store.sales.sold_items(TENANT),
        "sold_count": store.sales.count_sold(TENANT),
        "event_outcome": store.sales.get_outcome(TENANT, PricingEventType.SOLD, "ev-2", now=at(6)),
        "dead_letters": store.sales.list_dead_letters(TENANT),
        "embeddings": store.sales.get_embeddings(TENANT),
        "role_grants": store.identity.list(TENANT, AuthKind.ROLE),
        "sites": store.sites.list_by_owner(TENANT, "u-1"),
    }


@probe("products.put")
def _products_put(store: Store) -> None:
    store.products.put(make_product(tenant_id=OTHER_TENANT, name="Bolt Sandal"))
    other = store.products.get(OTHER_TENANT, "p-1")
    assert other is not None and other.name == "Bolt Sandal"


@probe("products.put_many")
def _products_put_many(store: Store) -> None:
    assert store.products.put_many([make_product(tenant_id=OTHER_TENANT, name="Bolt Sandal")]) == 1
    assert store.products.count(OTHER_TENANT) == 1


@probe("products.get")
def _products_get(store: Store) -> None:
    assert store.products.get(OTHER_TENANT, "p-1") is None


@probe("products.get_many")
def _products_get_many(store: Store) -> None:
    assert store.products.get_many(OTHER_TENANT, ["p-1"]) == {}


@probe("products.search")
def _products_search(store: Store) -> None:
    for query in (ProductQuery(), ProductQuery(text="trail"), ProductQuery(in_stock_region=REGION, size="9")):
        page = store.products.search(OTHER_TENANT, query)
        assert (page.items, page.total) == ([], 0)


@probe("products.delete")
def _products_delete(store: Store) -> None:
    assert store.products.delete(OTHER_TENANT, "p-1") is False


@probe("products.count")
def _products_count(store: Store) -> None:
    assert store.products.count(OTHER_TENANT) == 0


@probe("inventory.put")
def _inventory_put(store: Store) -> None:
    with pytest.raises(NotFound):
        store.inventory.put(make_inventory(tenant_id=OTHER_TENANT, available=0), expected_version=2)
    created = store.inventory.put(make_inventory(tenant_id=OTHER_TENANT, available=0))
    assert created.version == 1


@probe("inventory.put_many")
def _inventory_put_many(store: Store) -> None:
    assert store.inventory.put_many([make_inventory(tenant_id=OTHER_TENANT, available=0)]) == 1
    other = store.inventory.get(OTHER_TENANT, "p-1", "9", REGION)
    assert other is not None and (other.available, other.reserved, other.version) == (0, 0, 1)


@probe("inventory.get")
def _inventory_get(store: Store) -> None:
    assert store.inventory.get(OTHER_TENANT, "p-1", "9", REGION) is None


@probe("inventory.get_many")
def _inventory_get_many(store: Store) -> None:
    assert store.inventory.get_many(OTHER_TENANT, [StockKey("p-1", "9", REGION)]) == {}


@probe("inventory.list_for_product")
def _inventory_list_for_product(store: Store) -> None:
    assert store.inventory.list_for_product(OTHER_TENANT, "p-1") == []


@probe("orders.create_reserving")
def _orders_create_reserving(store: Store) -> None:
    order = make_order(tenant_id=OTHER_TENANT)
    key = make_idempotency(tenant_id=OTHER_TENANT)
    with pytest.raises(InsufficientStock):
        store.orders.create_reserving(order, key)
    store.inventory.put(make_inventory(tenant_id=OTHER_TENANT, available=1))
    assert store.orders.create_reserving(order, key) == order
    assert store.orders.get_idempotency(OTHER_TENANT, "key-1") == key


@probe("orders.transition")
def _orders_transition(store: Store) -> None:
    with pytest.raises(NotFound):
        store.orders.transition(
            OTHER_TENANT,
            "o-1",
            expected_version=1,
            expected_status=OrderStatus.PENDING_PAYMENT,
            to_status=OrderStatus.CANCELLED,
            stock_effect=StockEffect.RELEASE,
        )


@probe("orders.get")
def _orders_get(store: Store) -> None:
    assert store.orders.get(OTHER_TENANT, "o-1") is None


@probe("orders.get_idempotency")
def _orders_get_idempotency(store: Store) -> None:
    assert store.orders.get_idempotency(OTHER_TENANT, "key-1") is None


@probe("orders.list_by_user")
def _orders_list_by_user(store: Store) -> None:
    assert store.orders.list_by_user(OTHER_TENANT, "u-1") == []


@probe("orders.list_by_status")
def _orders_list_by_status(store: Store) -> None:
    assert store.orders.list_by_status(OTHER_TENANT, OrderStatus.PENDING_PAYMENT) == []


@probe("carts.get")
def _carts_get(store: Store) -> None:
    cart = store.carts.get(OTHER_TENANT, "u-1")
    assert (cart.items, cart.version) == ([], 0)


@probe("carts.save")
def _carts_save(store: Store) -> None:
    with pytest.raises(VersionConflict):
        store.carts.save(make_cart(tenant_id=OTHER_TENANT, items=[]), expected_version=1)
    assert store.carts.save(make_cart(tenant_id=OTHER_TENANT, items=[]), expected_version=0).version == 1


@probe("carts.clear")
def _carts_clear(store: Store) -> None:
    store.carts.clear(OTHER_TENANT, "u-1")
    assert store.carts.get(OTHER_TENANT, "u-1").version == 0


@probe("users.put")
def _users_put(store: Store) -> None:
    store.users.put(make_user(tenant_id=OTHER_TENANT, name="Bolt Shopper"))
    other = store.users.get(OTHER_TENANT, "u-1")
    assert other is not None and other.name == "Bolt Shopper"


@probe("users.get")
def _users_get(store: Store) -> None:
    assert store.users.get(OTHER_TENANT, "u-1") is None


@probe("users.delete")
def _users_delete(store: Store) -> None:
    assert store.users.delete(OTHER_TENANT, "u-1") is False


@probe("consent.record")
def _consent_record(store: Store) -> None:
    entry = store.consent.record(make_consent(tenant_id=OTHER_TENANT, id="cns-1", granted=False))
    assert store.consent.history(OTHER_TENANT, "u-1") == [entry]


@probe("consent.history")
def _consent_history(store: Store) -> None:
    assert store.consent.history(OTHER_TENANT, "u-1") == []


@probe("consent.latest")
def _consent_latest(store: Store) -> None:
    assert store.consent.latest(OTHER_TENANT, "u-1", "store_attributes") is None


@probe("consent.delete_for_user")
def _consent_delete_for_user(store: Store) -> None:
    assert store.consent.delete_for_user(OTHER_TENANT, "u-1") == 0


@probe("audit.append")
def _audit_append(store: Store) -> None:
    entry = store.audit.append(make_audit(tenant_id=OTHER_TENANT, id="aud-1", action="order.cancelled"))
    assert store.audit.list(OTHER_TENANT) == [entry]


@probe("audit.list")
def _audit_list(store: Store) -> None:
    assert store.audit.list(OTHER_TENANT) == []
    assert store.audit.list(OTHER_TENANT, entity_type="order", entity_id="o-1") == []


@probe("feedback.record")
def _feedback_record(store: Store) -> None:
    store.feedback.record(make_feedback(tenant_id=OTHER_TENANT, fit=FitReport.LARGE))
    assert [event.fit for event in store.feedback.list_for_user(OTHER_TENANT, "u-1")] == [FitReport.LARGE]


@probe("feedback.list_for_user")
def _feedback_list_for_user(store: Store) -> None:
    assert store.feedback.list_for_user(OTHER_TENANT, "u-1") == []


@probe("feedback.delete_for_user")
def _feedback_delete_for_user(store: Store) -> None:
    assert store.feedback.delete_for_user(OTHER_TENANT, "u-1") == 0


@probe("size_offsets.get")
def _size_offsets_get(store: Store) -> None:
    assert store.size_offsets.get(OTHER_TENANT, OffsetScope.ITEM, "p-1") is None


@probe("size_offsets.get_many")
def _size_offsets_get_many(store: Store) -> None:
    assert store.size_offsets.get_many(OTHER_TENANT, OffsetScope.ITEM, ["p-1"]) == {}


@probe("size_offsets.save")
def _size_offsets_save(store: Store) -> None:
    saved = store.size_offsets.save(make_size_offset(tenant_id=OTHER_TENANT, mean=-1.0), expected_version=0)
    assert saved.version == 1


@probe("sales.apply_event")
def _sales_apply_event(store: Store) -> None:
    sold = make_event(PricingEventType.SOLD, "ev-2", tenant_id=OTHER_TENANT, occurred_at=at(5))
    with pytest.raises(VersionConflict):
        store.sales.apply_event(
            sold,
            make_listing(tenant_id=OTHER_TENANT, version=2, status=ListingStatus.SOLD, sold_at=at(5)),
            dedupe_until=at(5) + WINDOW,
        )
    assert apply(store, make_event(event_id="ev-1", tenant_id=OTHER_TENANT)).duplicate is False
    assert apply(store, sold).version == 2


@probe("sales.get_outcome")
def _sales_get_outcome(store: Store) -> None:
    assert store.sales.get_outcome(OTHER_TENANT, PricingEventType.SOLD, "ev-2", now=at(6)) is None


@probe("sales.get_listing")
def _sales_get_listing(store: Store) -> None:
    assert store.sales.get_listing(OTHER_TENANT, "l-1") is None


@probe("sales.count_listings")
def _sales_count_listings(store: Store) -> None:
    assert store.sales.count_listings(OTHER_TENANT) == dict.fromkeys(ListingStatus, 0)


@probe("sales.sold_items")
def _sales_sold_items(store: Store) -> None:
    assert store.sales.sold_items(OTHER_TENANT) == []
    assert store.sales.sold_items(OTHER_TENANT, category="men/jeans") == []


@probe("sales.count_sold")
def _sales_count_sold(store: Store) -> None:
    assert store.sales.count_sold(OTHER_TENANT) == 0


@probe("sales.record_dead_letter")
def _sales_record_dead_letter(store: Store) -> None:
    letter = store.sales.record_dead_letter(make_dead_letter(tenant_id=OTHER_TENANT, minutes=9))
    assert store.sales.list_dead_letters(OTHER_TENANT) == [letter]


@probe("sales.list_dead_letters")
def _sales_list_dead_letters(store: Store) -> None:
    assert store.sales.list_dead_letters(OTHER_TENANT) == []


@probe("sales.delete_dead_letter")
def _sales_delete_dead_letter(store: Store) -> None:
    tenant_a_letter = store.sales.list_dead_letters(TENANT)[0]
    assert (
        store.sales.delete_dead_letter(tenant_a_letter.model_copy(update={"tenant_id": OTHER_TENANT}))
        is False
    )


@probe("sales.put_embeddings")
def _sales_put_embeddings(store: Store) -> None:
    assert store.sales.put_embeddings(OTHER_TENANT, {"l-1": b"\xff"}) == 1
    assert store.sales.get_embeddings(OTHER_TENANT) == {"l-1": b"\xff"}


@probe("sales.get_embeddings")
def _sales_get_embeddings(store: Store) -> None:
    assert store.sales.get_embeddings(OTHER_TENANT) == {}


@probe("versions.get")
def _versions_get(store: Store) -> None:
    assert store.versions.get(OTHER_TENANT) == (0, 0, 0)


@probe("orders.pseudonymize_user")
def _orders_pseudonymize_user(store: Store) -> None:
    store.orders.pseudonymize_user(OTHER_TENANT, "u-1", "anon-1")


@probe("identity.get")
def _identity_get(store: Store) -> None:
    assert store.identity.get(OTHER_TENANT, AuthKind.ROLE, "u-1") is None


@probe("identity.save")
def _identity_save(store: Store) -> None:
    store.identity.save(make_role_grant(OTHER_TENANT), expected_version=0)
    assert store.identity.get(OTHER_TENANT, AuthKind.ROLE, "u-1") is not None


@probe("identity.delete")
def _identity_delete(store: Store) -> None:
    assert store.identity.delete(OTHER_TENANT, AuthKind.ROLE, "u-1") is False


@probe("identity.list")
def _identity_list(store: Store) -> None:
    assert store.identity.list(OTHER_TENANT, AuthKind.ROLE) == []


@probe("identity.delete_for_user")
def _identity_delete_for_user(store: Store) -> None:
    assert store.identity.delete_for_user(OTHER_TENANT, "u-1") == 0


@probe("sites.save")
def _sites_save(store: Store) -> None:
    site = SiteRecord(id="site-2", owner_tenant_id=OTHER_TENANT, owner_user_id="u-1")
    store.sites.save(site, expected_version=0)
    assert [found.id for found in store.sites.list_by_owner(OTHER_TENANT, "u-1")] == ["site-2"]


@probe("sites.get")
def _sites_get(store: Store) -> None:
    """Sites are found by id (their pages are served before a tenant exists); the record names its owner's
    tenant, which every route checks."""
    site = store.sites.get("site-1")
    assert site is not None and site.owner_tenant_id == TENANT


@probe("sites.list_by_owner")
def _sites_list_by_owner(store: Store) -> None:
    assert store.sites.list_by_owner(OTHER_TENANT, "u-1") == []


def tenant_scoped_methods() -> set[str]:
    """Every public method of each tenant-scoped repository of the Store interface: "repository.method"."""
    methods: set[str] = set()
    for attribute, interface in get_type_hints(Store).items():
        is_repository = isinstance(interface, type) and interface.__module__ == Store.__module__
        if attribute in NOT_TENANT_SCOPED or not is_repository:
            continue
        methods |= {
            f"{attribute}.{name}"
            for name, member in vars(interface).items()
            if callable(member) and not name.startswith("_")
        }
    return methods


def test_every_tenant_scoped_repository_method_has_an_isolation_probe() -> None:
    assert set(PROBES) == tenant_scoped_methods()


@pytest.mark.parametrize("method", sorted(PROBES))
def test_another_tenant_cannot_read_or_change_tenant_a_through(seeded: Store, method: str) -> None:
    before = tenant_a_view(seeded)

    PROBES[method](seeded)

    assert tenant_a_view(seeded) == before


def test_a_product_batch_mixing_tenants_is_rejected_and_nothing_is_written(seeded: Store) -> None:
    before = tenant_a_view(seeded)
    batch = [make_product("p-2", name="Acme Boot"), make_product("p-3", tenant_id=OTHER_TENANT)]

    with pytest.raises(InvalidInput):
        seeded.products.put_many(batch)

    assert tenant_a_view(seeded) == before
    assert seeded.products.count(OTHER_TENANT) == 0


def test_an_idempotency_record_of_another_tenant_is_rejected_and_nothing_is_written(seeded: Store) -> None:
    before = tenant_a_view(seeded)
    order = make_order("o-2")

    with pytest.raises(InvalidInput):
        seeded.orders.create_reserving(
            order, make_idempotency("key-2", order_id="o-2", tenant_id=OTHER_TENANT)
        )

    assert tenant_a_view(seeded) == before
    assert seeded.orders.get(TENANT, "o-2") is None
    assert seeded.orders.get_idempotency(OTHER_TENANT, "key-2") is None
