"""Contract: the cart repository (one cart per shopper, optimistic versions)."""

from __future__ import annotations

import pytest

from core.errors import VersionConflict
from core.schemas import CartItem
from core.storage.repositories import Store
from tests.core.storage.factories import TENANT, make_cart


def test_a_shopper_without_a_saved_cart_gets_an_empty_cart_with_version_0(store: Store) -> None:
    cart = store.carts.get(TENANT, "u-1")

    assert (cart.tenant_id, cart.user_id, cart.items, cart.version) == (TENANT, "u-1", [], 0)


def test_saving_a_new_cart_with_version_0_stores_version_1(store: Store) -> None:
    saved = store.carts.save(make_cart(), expected_version=0)

    assert saved.version == 1
    assert store.carts.get(TENANT, "u-1") == saved


def test_saving_over_the_stored_version_increments_it(store: Store) -> None:
    first = store.carts.save(make_cart(), expected_version=0)
    changed = first.model_copy(update={"items": [CartItem(product_id="p-2", size="M", quantity=1)]})

    saved = store.carts.save(changed, expected_version=first.version)

    assert saved.version == 2
    assert store.carts.get(TENANT, "u-1").items == [CartItem(product_id="p-2", size="M", quantity=1)]


def test_saving_over_a_stale_version_raises_version_conflict_and_keeps_the_cart(store: Store) -> None:
    store.carts.save(make_cart(), expected_version=0)
    current = store.carts.save(make_cart(items=[]), expected_version=1)

    with pytest.raises(VersionConflict):
        store.carts.save(make_cart(), expected_version=1)

    assert store.carts.get(TENANT, "u-1") == current


def test_saving_with_version_0_when_a_cart_exists_raises_version_conflict(store: Store) -> None:
    first = store.carts.save(make_cart(), expected_version=0)

    with pytest.raises(VersionConflict):
        store.carts.save(make_cart(items=[]), expected_version=0)

    assert store.carts.get(TENANT, "u-1") == first


def test_saving_with_a_version_when_no_cart_exists_raises_version_conflict(store: Store) -> None:
    with pytest.raises(VersionConflict):
        store.carts.save(make_cart(), expected_version=3)

    assert store.carts.get(TENANT, "u-1").version == 0


def test_carts_of_different_shoppers_are_independent(store: Store) -> None:
    store.carts.save(make_cart("u-1"), expected_version=0)

    saved = store.carts.save(make_cart("u-2", items=[]), expected_version=0)

    assert saved.version == 1
    assert len(store.carts.get(TENANT, "u-1").items) == 1


def test_clear_removes_the_cart_so_it_starts_again_at_version_0(store: Store) -> None:
    store.carts.save(make_cart(), expected_version=0)

    store.carts.clear(TENANT, "u-1")

    assert store.carts.get(TENANT, "u-1").version == 0
    assert store.carts.save(make_cart(), expected_version=0).version == 1


def test_clearing_a_cart_that_was_never_saved_is_harmless(store: Store) -> None:
    store.carts.clear(TENANT, "u-1")

    assert store.carts.get(TENANT, "u-1").items == []
