from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

ALL_BY_NAME = ["saree-silk", "kurta-khadi", "shoe-run", "shoe-trail"]


def ids(page: dict[str, Any]) -> list[str]:
    return [item["id"] for item in page["items"]]


def test_search_without_filters_lists_the_whole_catalog_by_name(client: TestClient) -> None:
    response = client.get("/v1/products")

    assert response.status_code == 200
    page = response.json()
    assert ids(page) == ALL_BY_NAME
    assert (page["total"], page["page"], page["page_size"]) == (4, 1, 20)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "shoe"}, {"shoe-run", "shoe-trail"}),
        ({"q": "running stride"}, {"shoe-run"}),
        ({"category": "apparel"}, {"kurta-khadi", "saree-silk"}),
        ({"category": "Apparel"}, {"kurta-khadi", "saree-silk"}),
        ({"brand": "desi loom"}, {"kurta-khadi", "saree-silk"}),
        ({"max_price_inr": "2499"}, {"shoe-run", "kurta-khadi"}),
        ({"min_price_inr": "2499"}, {"shoe-run", "shoe-trail", "saree-silk"}),
        ({"min_price_inr": "2499", "max_price_inr": "2499"}, {"shoe-run"}),
        ({"q": "shoe above 2500"}, {"shoe-trail"}),
        ({"size": "UK6"}, {"shoe-trail"}),
        ({"region": "delhi"}, {"shoe-run", "shoe-trail"}),
        ({"region": "mumbai", "size": "UK9"}, set()),
        ({"region": "mumbai", "size": "UK8"}, {"shoe-run"}),
        ({"category": "footwear", "max_price_inr": "3000", "region": "delhi"}, {"shoe-run"}),
    ],
)
def test_search_filters_narrow_the_results(
    client: TestClient, params: dict[str, str], expected: set[str]
) -> None:
    page = client.get("/v1/products", params=params).json()

    assert set(ids(page)) == expected
    assert page["total"] == len(expected)


def test_pages_split_the_results_and_keep_the_total(client: TestClient) -> None:
    pages = [client.get("/v1/products", params={"page": n, "page_size": 3}).json() for n in (1, 2, 3)]

    assert [ids(page) for page in pages] == [ALL_BY_NAME[:3], ALL_BY_NAME[3:], []]
    assert {page["total"] for page in pages} == {4}
    assert [page["page"] for page in pages] == [1, 2, 3]


def test_product_details_include_price_and_sizes(client: TestClient) -> None:
    response = client.get("/v1/products/shoe-run")

    assert response.status_code == 200
    product = response.json()
    assert product["name"] == "Stride Runner Men's Running Shoe"
    assert product["price_inr"] == 2499
    assert product["sizes"] == ["UK7", "UK8", "UK9"]


def test_unknown_product_is_404_not_found(client: TestClient) -> None:
    response = client.get("/v1/products/no-such-product")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"
    assert response.json()["error"]["details"] == {"product_id": "no-such-product"}


@pytest.mark.parametrize(
    "params",
    [
        {"page": "0"},
        {"page_size": "101"},
        {"max_price_inr": "-1"},
        {"max_price_inr": "cheap"},
        {"min_price_inr": "3000", "max_price_inr": "1000"},
        {"region": "Mumbai!"},
        {"q": "x" * 201},
        {"colour": "red"},
    ],
)
def test_invalid_search_parameters_are_422(client: TestClient, params: dict[str, str]) -> None:
    response = client.get("/v1/products", params=params)

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"


def test_product_id_outside_the_id_alphabet_is_422(client: TestClient) -> None:
    response = client.get("/v1/products/bad id!")

    assert response.status_code == 422
    assert response.json()["error"]["details"]["errors"][0]["loc"] == ["path", "product_id"]
