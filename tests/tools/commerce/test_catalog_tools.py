"""search_products, get_product and check_inventory, called through a real ToolNode graph on each backend."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from core.context import AppContext


def ids(result: dict[str, Any]) -> list[str]:
    return [product["id"] for product in result["products"]]


def test_search_by_words_returns_compact_products_with_inr_prices(tool_ok: Callable[..., Any]) -> None:
    result = tool_ok("search_products", {"query": "running shoes"})

    assert result["total_matches"] == 1
    assert result["products"] == [
        {
            "id": "sh-runner",
            "name": "Stride Runner Running Shoes",
            "brand": "Stride",
            "category": "footwear",
            "price_inr": 2499.0,
            "sizes": ["8", "9", "10"],
            "rating": 4.3,
        }
    ]


def test_search_only_shows_products_in_stock_in_the_shoppers_region_by_default(
    tool_ok: Callable[..., Any],
) -> None:
    at_home = tool_ok("search_products", {"category": "footwear"})
    in_delhi = tool_ok("search_products", {"category": "footwear", "in_stock_region": "delhi"})

    assert at_home["in_stock_region"] == "mumbai"
    assert ids(at_home) == ["sh-runner"]
    assert sorted(ids(in_delhi)) == ["sh-loafer", "sh-runner"]


def test_search_filters_by_category_and_price_cap(tool_ok: Callable[..., Any]) -> None:
    assert ids(tool_ok("search_products", {"category": "Apparel", "max_price_inr": 499})) == ["ap-tee"]
    assert ids(tool_ok("search_products", {"category": "apparel", "max_price_inr": 498.5})) == []
    assert ids(tool_ok("search_products", {"category": "footwear", "max_price_inr": 2000})) == []


def test_search_filters_by_brand_and_size_in_stock(tool_ok: Callable[..., Any]) -> None:
    result = tool_ok("search_products", {"brand": "stride", "size": "10", "in_stock_region": "delhi"})

    assert ids(result) == ["sh-loafer"]


def test_search_limit_caps_the_products_but_not_the_match_count(tool_ok: Callable[..., Any]) -> None:
    result = tool_ok("search_products", {"limit": 2})

    assert result["total_matches"] == 3
    assert len(result["products"]) == 2


def test_search_without_a_known_region_ignores_stock(
    tool_ok: Callable[..., Any], shopper: AppContext
) -> None:
    result = tool_ok("search_products", {}, context=replace(shopper, region=None))

    assert result["total_matches"] == 4
    assert result["in_stock_region"] is None


def test_get_product_shows_details_and_stock_per_size_in_the_shoppers_region(
    tool_ok: Callable[..., Any],
) -> None:
    serum = tool_ok("get_product", {"product_id": "sk-serum"})
    runner = tool_ok("get_product", {"product_id": "sh-runner"})

    assert serum["ingredients"] == ["Aqua", "Niacinamide", "Zinc PCA", "Glycerin"]
    assert serum["description"] == "10% niacinamide serum for oily skin."
    assert serum["stock"] == [{"size": "30ml", "available": 6}]
    assert runner["fit"] == {"runs": "small", "size_offset": -0.5}
    assert runner["stock"] == [
        {"size": "8", "available": 3},
        {"size": "9", "available": 5},
        {"size": "10", "available": 0},
    ]


def test_check_inventory_of_one_size_defaults_to_the_shoppers_region(tool_ok: Callable[..., Any]) -> None:
    result = tool_ok("check_inventory", {"product_id": "sh-runner", "size": "9"})

    assert result == {
        "product_id": "sh-runner",
        "name": "Stride Runner Running Shoes",
        "region": "mumbai",
        "in_stock": True,
        "stock": [{"size": "9", "available": 5}],
    }


def test_check_inventory_in_another_region_and_sold_out_sizes(tool_ok: Callable[..., Any]) -> None:
    in_delhi = tool_ok("check_inventory", {"product_id": "sh-runner", "size": "9", "region": "delhi"})
    sold_out = tool_ok("check_inventory", {"product_id": "sh-runner", "size": "10"})

    assert in_delhi["stock"] == [{"size": "9", "available": 2}]
    assert sold_out["in_stock"] is False
    assert sold_out["stock"] == [{"size": "10", "available": 0}]


def test_check_inventory_without_a_region_sums_every_region(
    tool_ok: Callable[..., Any], shopper: AppContext
) -> None:
    result = tool_ok("check_inventory", {"product_id": "sh-runner"}, context=replace(shopper, region=None))

    assert result["region"] == "all regions"
    assert result["stock"] == [
        {"size": "8", "available": 3, "in_stock_regions": ["mumbai"]},
        {"size": "9", "available": 7, "in_stock_regions": ["delhi", "mumbai"]},
        {"size": "10", "available": 0, "in_stock_regions": []},
    ]


def test_catalog_tools_report_unknown_products_and_sizes_to_the_model(tool_error: Callable[..., str]) -> None:
    assert tool_error("get_product", {"product_id": "no-such-shoe"}).startswith("NOT_FOUND: ")
    assert tool_error("check_inventory", {"product_id": "no-such-shoe"}).startswith("NOT_FOUND: ")

    wrong_size = tool_error("check_inventory", {"product_id": "sh-runner", "size": "13"})
    assert wrong_size.startswith("INVALID_INPUT: ")
    assert "8, 9, 10" in wrong_size
