"""The ANSUR II footwear coverage eval: the service's own scoring and filter over a shopper's foot, the
reason a shopper gets no picks, and a clean skip without the data."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.catalog.demo import build_demo_catalog
from evals.decision.ansur_footwear import Shopper, Stock, for_gender, held_out, main, picks


@pytest.fixture(scope="module")
def catalog() -> tuple[list, Stock]:
    demo = build_demo_catalog()
    return [item for item in demo.products if item.category == "footwear"], Stock(demo.inventory)


def test_a_typical_foot_gets_three_to_five_picks(catalog: tuple[list, Stock]) -> None:
    products, stock = catalog

    chosen, reason = picks(Shopper("1", "men", 271.0, 102.0), products, stock, None, None, 1.3, (0.0, 0.0))

    assert 3 <= chosen <= 5 and reason is None


def test_a_foot_no_size_fits_is_counted_as_no_size_in_stock(catalog: tuple[list, Stock]) -> None:
    products, stock = catalog

    chosen, reason = picks(Shopper("2", "women", 330.0, 125.0), products, stock, None, None, 1.3, (0.0, 0.0))

    assert (chosen, reason) == (0, "no size in stock")


def test_a_foot_too_narrow_for_every_fitting_in_stock_is_counted_as_width(
    catalog: tuple[list, Stock],
) -> None:
    products, stock = catalog

    chosen, reason = picks(Shopper("3", "men", 271.0, 88.0), products, stock, None, None, 1.3, (0.0, 0.0))

    assert (chosen, reason) == (0, "width")


def test_shoppers_get_their_genders_products_and_unisex_ones(catalog: tuple[list, Stock]) -> None:
    products, _ = catalog

    offered = {item.attributes.get("gender") for item in for_gender(products, "women")}

    assert offered == {"women", "unisex"}


def test_the_split_is_stable_and_about_half() -> None:
    subjects = [str(index) for index in range(1000)]

    assert [held_out(subject) for subject in subjects] == [held_out(subject) for subject in subjects]
    assert 400 < sum(map(held_out, subjects)) < 600


def test_without_the_data_it_skips_with_a_reason(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--data", str(tmp_path)]) == 0
    assert "skipped: ANSUR II files not found" in capsys.readouterr().out
