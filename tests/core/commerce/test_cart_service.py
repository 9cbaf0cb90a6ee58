"""Shopping carts (core/commerce/carts.py) on every store backend."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest

from core.commerce.carts import CartLine, CartService, CartView
from core.errors import InvalidInput, NotFound
from core.schemas import Cart
from core.storage.repositories import Store
from tests.core.commerce.shop import KURTA, SERUM, SHOPPER, SNEAKER, TENANT


def quantities(view: CartView) -> dict[tuple[str, str], int]:
    return {(line.product_id, line.size): line.quantity for line in view.items}


def test_a_new_shoppers_cart_is_empty(carts: CartService) -> None:
    assert carts.view(TENANT, SHOPPER) == CartView(user_id=SHOPPER, items=[], total_inr=Decimal(0), version=0)


def test_an_added_product_is_shown_priced_from_the_catalog(carts: CartService) -> None:
    view = carts.add(TENANT, SHOPPER, SNEAKER.id, "UK8", 2)

    assert view.items == [
        CartLine(
            product_id=SNEAKER.id,
            size="UK8",
            quantity=2,
            name="Stride Runner",
            brand="Stride",
            unit_price_inr=Decimal("2499.00"),
            line_total_inr=Decimal("4998.00"),
        )
    ]
    assert view.total_inr == Decimal("4998.00")
    assert view.version == 1
    assert carts.view(TENANT, SHOPPER) == view


def test_adding_the_same_product_and_size_again_merges_the_quantities(carts: CartService) -> None:
    carts.add(TENANT, SHOPPER, KURTA.id, "M")
    view = carts.add(TENANT, SHOPPER, KURTA.id, "M", 3)

    assert quantities(view) == {(KURTA.id, "M"): 4}


def test_other_sizes_of_a_product_are_separate_lines(carts: CartService) -> None:
    carts.add(TENANT, SHOPPER, KURTA.id, "M")
    view = carts.add(TENANT, SHOPPER, KURTA.id, "L")

    assert quantities(view) == {(KURTA.id, "M"): 1, (KURTA.id, "L"): 1}


def test_the_total_adds_up_every_line(carts: CartService) -> None:
    carts.add(TENANT, SHOPPER, SNEAKER.id, "UK9", 1)
    carts.add(TENANT, SHOPPER, KURTA.id, "S", 2)
    view = carts.add(TENANT, SHOPPER, SERUM.id, "30ml", 3)

    assert [line.line_total_inr for line in view.items] == [
        Decimal("2499.00"),
        Decimal("1798.00"),
        Decimal("1948.50"),
    ]
    assert view.total_inr == Decimal("6245.50")


def test_adding_an_unknown_product_is_not_found(carts: CartService) -> None:
    with pytest.raises(NotFound):
        carts.add(TENANT, SHOPPER, "no-such-kurta", "M")

    assert carts.view(TENANT, SHOPPER).items == []


def test_adding_a_size_the_product_does_not_come_in_is_invalid(carts: CartService) -> None:
    with pytest.raises(InvalidInput) as raised:
        carts.add(TENANT, SHOPPER, SERUM.id, "100ml")

    assert raised.value.details["sizes"] == ["30ml"]
    assert carts.view(TENANT, SHOPPER).items == []


@pytest.mark.parametrize("quantity", [0, -1, 21])
def test_adding_a_quantity_outside_one_to_twenty_is_invalid(carts: CartService, quantity: int) -> None:
    with pytest.raises(InvalidInput):
        carts.add(TENANT, SHOPPER, KURTA.id, "M", quantity)


def test_merging_past_twenty_units_is_invalid_and_leaves_the_cart_as_it_was(carts: CartService) -> None:
    before = carts.add(TENANT, SHOPPER, KURTA.id, "M", 15)

    with pytest.raises(InvalidInput):
        carts.add(TENANT, SHOPPER, KURTA.id, "M", 6)

    assert carts.view(TENANT, SHOPPER) == before


def test_removing_part_of_a_line_keeps_the_rest(carts: CartService) -> None:
    carts.add(TENANT, SHOPPER, KURTA.id, "M", 5)

    view = carts.remove(TENANT, SHOPPER, KURTA.id, "M", 2)

    assert quantities(view) == {(KURTA.id, "M"): 3}


def test_removing_the_whole_quantity_or_more_drops_the_line(carts: CartService) -> None:
    carts.add(TENANT, SHOPPER, KURTA.id, "M", 2)
    carts.add(TENANT, SHOPPER, SNEAKER.id, "UK8", 1)

    view = carts.remove(TENANT, SHOPPER, KURTA.id, "M", 5)

    assert quantities(view) == {(SNEAKER.id, "UK8"): 1}


def test_removing_without_a_quantity_drops_the_whole_line(carts: CartService) -> None:
    carts.add(TENANT, SHOPPER, KURTA.id, "M", 2)
    carts.add(TENANT, SHOPPER, KURTA.id, "L", 1)

    view = carts.remove(TENANT, SHOPPER, KURTA.id, "M")

    assert quantities(view) == {(KURTA.id, "L"): 1}


def test_removing_without_a_size_or_quantity_drops_every_size_of_the_product(carts: CartService) -> None:
    carts.add(TENANT, SHOPPER, KURTA.id, "M", 2)
    carts.add(TENANT, SHOPPER, KURTA.id, "L", 1)
    carts.add(TENANT, SHOPPER, SERUM.id, "30ml", 1)

    view = carts.remove(TENANT, SHOPPER, KURTA.id)

    assert quantities(view) == {(SERUM.id, "30ml"): 1}
    assert view.total_inr == Decimal("649.50")


def test_removing_units_without_a_size_is_fine_when_the_product_is_in_one_size(carts: CartService) -> None:
    carts.add(TENANT, SHOPPER, SERUM.id, "30ml", 3)

    view = carts.remove(TENANT, SHOPPER, SERUM.id, quantity=1)

    assert quantities(view) == {(SERUM.id, "30ml"): 2}


def test_removing_units_without_a_size_is_ambiguous_when_several_sizes_are_in_the_cart(
    carts: CartService,
) -> None:
    carts.add(TENANT, SHOPPER, KURTA.id, "M", 2)
    carts.add(TENANT, SHOPPER, KURTA.id, "L", 2)

    with pytest.raises(InvalidInput) as raised:
        carts.remove(TENANT, SHOPPER, KURTA.id, quantity=1)

    assert raised.value.details["sizes"] == ["M", "L"]


def test_removing_something_not_in_the_cart_is_not_found(carts: CartService) -> None:
    carts.add(TENANT, SHOPPER, KURTA.id, "M")

    with pytest.raises(NotFound):
        carts.remove(TENANT, SHOPPER, KURTA.id, "L")
    with pytest.raises(NotFound):
        carts.remove(TENANT, SHOPPER, SNEAKER.id)


def test_removing_zero_units_is_invalid(carts: CartService) -> None:
    carts.add(TENANT, SHOPPER, KURTA.id, "M")

    with pytest.raises(InvalidInput):
        carts.remove(TENANT, SHOPPER, KURTA.id, "M", 0)


def test_clearing_empties_the_cart(carts: CartService) -> None:
    carts.add(TENANT, SHOPPER, KURTA.id, "M")

    carts.clear(TENANT, SHOPPER)

    assert carts.view(TENANT, SHOPPER).items == []


def test_each_shopper_has_their_own_cart(carts: CartService) -> None:
    carts.add(TENANT, SHOPPER, KURTA.id, "M")
    carts.add(TENANT, "u-arjun", SNEAKER.id, "UK9")

    assert quantities(carts.view(TENANT, SHOPPER)) == {(KURTA.id, "M"): 1}
    assert quantities(carts.view(TENANT, "u-arjun")) == {(SNEAKER.id, "UK9"): 1}


def test_a_product_gone_from_the_catalog_drops_out_of_the_view(carts: CartService, shop: Store) -> None:
    carts.add(TENANT, SHOPPER, KURTA.id, "M")
    carts.add(TENANT, SHOPPER, SNEAKER.id, "UK8")

    shop.products.delete(TENANT, KURTA.id)

    view = carts.view(TENANT, SHOPPER)
    assert quantities(view) == {(SNEAKER.id, "UK8"): 1}
    assert view.total_inr == Decimal("2499.00")


def test_a_price_change_in_the_catalog_shows_in_the_cart(carts: CartService, shop: Store) -> None:
    carts.add(TENANT, SHOPPER, KURTA.id, "M", 2)

    shop.products.put(KURTA.model_copy(update={"price_inr": Decimal("799.00")}))

    assert carts.view(TENANT, SHOPPER).total_inr == Decimal("1598.00")


def test_concurrent_adds_from_many_threads_lose_no_update(carts: CartService) -> None:
    start = threading.Barrier(10)

    def add_one(_: int) -> None:
        start.wait()
        carts.add(TENANT, SHOPPER, SNEAKER.id, "UK8")

    with ThreadPoolExecutor(max_workers=10) as pool:
        list(pool.map(add_one, range(10)))

    view = carts.view(TENANT, SHOPPER)
    assert quantities(view) == {(SNEAKER.id, "UK8"): 10}
    assert view.version == 10


def test_concurrent_adds_of_different_products_keep_every_line(carts: CartService) -> None:
    lines = [(SNEAKER.id, "UK7"), (SNEAKER.id, "UK8"), (KURTA.id, "S"), (KURTA.id, "M"), (SERUM.id, "30ml")]
    start = threading.Barrier(len(lines))

    def add(line: tuple[str, str]) -> None:
        start.wait()
        carts.add(TENANT, SHOPPER, *line)

    with ThreadPoolExecutor(max_workers=len(lines)) as pool:
        list(pool.map(add, lines))

    assert quantities(carts.view(TENANT, SHOPPER)) == dict.fromkeys(lines, 1)


def test_a_cart_changed_between_read_and_save_is_read_again_and_the_change_reapplied(
    carts: CartService, shop: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    carts.add(TENANT, SHOPPER, KURTA.id, "M")
    real_save = shop.carts.save

    def save_after_another_tab_adds(cart: Cart, expected_version: int) -> Cart:
        monkeypatch.setattr(shop.carts, "save", real_save)
        carts.add(TENANT, SHOPPER, SERUM.id, "30ml")
        return real_save(cart, expected_version)

    monkeypatch.setattr(shop.carts, "save", save_after_another_tab_adds)
    view = carts.add(TENANT, SHOPPER, KURTA.id, "M", 2)

    assert quantities(view) == {(KURTA.id, "M"): 3, (SERUM.id, "30ml"): 1}
    assert view.version == 3
