"""POST /v1/pricing/import over real HTTP handling (TestClient with the lifespan running), on each store: a
merchant's sales file read with the importers' rules and applied as event batches."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.routes.pricing_import import IMPORT_BODY_MAX_BYTES
from core.errors import StoreUnavailable
from core.records.sales import ListingStatus
from core.storage.repositories import Store
from domain.pricing.importers import DEFAULT_ANCHOR, synthetic_times
from tests.api.conftest import StartClient, tokens_for

MERCARI_HEADER = (
    "train_id\tname\titem_condition_id\tcategory_name\tbrand_name\tprice\tshipping\titem_description"
)
MERCARI_ROWS = [
    "910001\tLevi's 511 slim jeans\t2\tMen/Jeans/Slim\tLevi's\t24\t1\tWorn twice, no fading",
    "910002\tNike Air Max 90 white\t3\tMen/Shoes/Athletic\tNike\t58\t0\tNo description yet",
    "910003\tFree People maxi dress\t1\tWomen/Dresses/Maxi\tFree People\t41\t1\tNew with tags",
    "910004\tBroken listing without a price\t2\tWomen/Tops\t\t0\t1\tSkipped: zero price",
]
THREDUP_FILE = (
    "id,title,brand,category,category_tags,gender,price,msrp,new_with_tags,size_label\n"
    "t-1,Silk blouse,Equipment,Blouse,Tops|Blouses,women,38.50,230,false,M\n"
)


def mercari_file(*rows: str) -> bytes:
    return "\n".join([MERCARI_HEADER, *(rows or MERCARI_ROWS)]).encode() + b"\n"


@pytest.fixture
def client(start_client: StartClient) -> TestClient:
    """The app without an embedding model, signed in as the demo shop's merchant."""
    client = start_client(embedding_model="none")
    client.headers.update(tokens_for(client).merchant("demo"))
    return client


def upload(client: TestClient, data: bytes, file_format: str = "mercari", **kwargs: Any) -> Any:
    return client.post(
        "/v1/pricing/import", params={"format": file_format}, files={"file": ("sales.tsv", data)}, **kwargs
    )


def store_of(client: TestClient) -> Store:
    store: Store = client.app.state.services.store
    return store


def nothing_stored(client: TestClient) -> bool:
    return store_of(client).sales.count_listings("demo") == {"listed": 0, "sold": 0, "delisted": 0}


def test_a_mercari_file_becomes_one_sale_per_usable_row_with_the_counts(client: TestClient) -> None:
    response = upload(client, mercari_file())

    assert response.status_code == 200
    assert response.json() == {
        "format": "mercari",
        "read": 4,
        "imported": 3,
        "already": 0,
        "skipped": 1,
        "dead_lettered": 0,
        "reasons": {"price is zero or negative": 1},
    }
    sales = store_of(client).sales
    listing = sales.get_listing("demo", "mercari-910001")
    assert listing is not None and listing.status is ListingStatus.SOLD
    assert (listing.listed_at, listing.sold_at) == synthetic_times("mercari-910001", DEFAULT_ANCHOR)
    assert {item.listing_id for item in sales.sold_items("demo")} == {
        "mercari-910001",
        "mercari-910002",
        "mercari-910003",
    }


def test_a_thredup_file_is_read_with_the_thredup_rules(client: TestClient) -> None:
    response = upload(client, THREDUP_FILE.encode(), "thredup")

    assert response.status_code == 200 and response.json()["imported"] == 1
    listing = store_of(client).sales.get_listing("demo", "thredup-t-1")
    assert listing is not None
    assert (listing.category, listing.condition.value) == ("women/blouses/blouse", "good")


def test_the_same_file_again_says_already_and_adds_nothing(client: TestClient) -> None:
    upload(client, mercari_file())

    again = upload(client, mercari_file())

    assert again.status_code == 200
    assert again.json() | {"reasons": None} == {
        "format": "mercari",
        "read": 4,
        "imported": 0,
        "already": 3,
        "skipped": 1,
        "dead_lettered": 0,
        "reasons": None,
    }
    assert store_of(client).sales.count_sold("demo") == 3


def test_a_file_with_a_byte_order_mark_and_crlf_lines_reads_like_any_other(client: TestClient) -> None:
    data = b"\xef\xbb\xbf" + mercari_file().replace(b"\n", b"\r\n")

    response = upload(client, data)

    assert response.status_code == 200 and response.json()["imported"] == 3


def test_a_sale_the_listing_state_refuses_is_dead_lettered_and_the_rest_imported(client: TestClient) -> None:
    """A sale whose listing was listed by an earlier import (the same event) and delisted since: its sale
    cannot follow, so it is kept as a dead letter to replay, as the async path keeps what it cannot apply."""
    listed_at, _ = synthetic_times("mercari-910001", DEFAULT_ANCHOR)
    product = {"title": "Levi's 511 slim jeans", "category": "Men/Jeans/Slim", "condition": "like_new"}
    events = [
        {
            "event_id": "import-mercari-910001-listed",
            "type": "product.listed",
            "listing_id": "mercari-910001",
            "occurred_at": listed_at.isoformat(),
            "product": product | {"price": 24, "currency": "USD", "brand": "Levi's"},
        },
        {
            "event_id": "shop-delisted-910001",
            "type": "product.delisted",
            "listing_id": "mercari-910001",
            "occurred_at": listed_at.replace(second=1).isoformat(),
        },
    ]
    assert client.post("/v1/pricing/events", json=events).json()["applied"] == 2

    response = upload(client, mercari_file())

    assert response.status_code == 200
    assert (response.json()["imported"], response.json()["dead_lettered"]) == (2, 1)
    [letter] = client.get("/v1/pricing/dead-letters").json()["items"]
    assert (letter["event_id"], letter["error_code"]) == ("import-mercari-910001-sold", "EVENT_OUT_OF_ORDER")
    assert letter["payload"]["type"] == "product.sold"

    again = upload(client, mercari_file())

    # Sent again, the refused sale is already kept: one letter, not two.
    assert (again.json()["imported"], again.json()["dead_lettered"], again.json()["already"]) == (0, 0, 3)
    assert len(client.get("/v1/pricing/dead-letters").json()["items"]) == 1


@pytest.mark.parametrize(
    ("data", "file_format", "code"),
    [
        (b"", "mercari", "EMPTY_SALES_FILE"),
        (MERCARI_HEADER.encode() + b"\n", "mercari", "EMPTY_SALES_FILE"),
        (b"\xff\xfe" + "train_id".encode("utf-16-le"), "mercari", "SALES_FILE_NOT_UTF8"),
        (THREDUP_FILE.encode(), "mercari", "WRONG_SALES_FORMAT"),
    ],
    ids=["no-bytes", "header-only", "utf-16", "thredup-as-mercari"],
)
def test_a_file_that_cannot_be_read_is_422_with_its_code_and_nothing_is_written(
    client: TestClient, data: bytes, file_format: str, code: str
) -> None:
    response = upload(client, data, file_format)

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == code and error["details"]["field"] == "file"
    assert nothing_stored(client)


def test_the_wrong_format_names_the_missing_columns(client: TestClient) -> None:
    error = upload(client, THREDUP_FILE.encode(), "mercari").json()["error"]

    assert error["details"]["missing_columns"] == [
        "brand_name",
        "category_name",
        "item_condition_id",
        "name",
        "price",
        "train_id",
    ]
    assert error["message"].startswith("not a mercari file")


def test_an_unknown_format_is_a_422_validation_error(client: TestClient) -> None:
    response = upload(client, mercari_file(), "ebay")

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert error["details"]["errors"][0]["loc"] == ["query", "format"]


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"content": mercari_file(), "headers": {"Content-Type": "text/tab-separated-values"}},
        {"files": {"sales": ("sales.tsv", mercari_file())}},
    ],
    ids=["not-multipart", "no-file-part"],
)
def test_a_body_without_a_file_part_is_422_invalid_input(
    client: TestClient, request_kwargs: dict[str, Any]
) -> None:
    response = client.post("/v1/pricing/import", params={"format": "mercari"}, **request_kwargs)

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "INVALID_INPUT"
    assert nothing_stored(client)


def test_a_file_over_the_limit_is_413_and_nothing_is_written(client: TestClient) -> None:
    data = mercari_file() + b"9\t" + b"x" * IMPORT_BODY_MAX_BYTES + b"\n"

    response = upload(client, data)

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "PAYLOAD_TOO_LARGE"
    assert nothing_stored(client)


def test_only_the_tenants_merchants_import(client: TestClient) -> None:
    tokens = tokens_for(client)

    shopper = upload(client, mercari_file(), headers=tokens.shopper("u1"))
    elsewhere = upload(client, mercari_file(), headers=tokens.merchant("other") | {"X-Tenant-ID": "demo"})
    anonymous = upload(client, mercari_file(), headers={"Authorization": ""})
    admin = upload(client, mercari_file(), headers=tokens.admin())

    assert (shopper.status_code, elsewhere.status_code, anonymous.status_code) == (403, 403, 401)
    assert elsewhere.json()["error"]["code"] == "TENANT_MISMATCH"
    assert admin.status_code == 200 and admin.json()["imported"] == 3


def test_a_store_fault_midway_is_a_503_and_the_same_file_again_finishes_the_import(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fault strikes between the second sale's listed and sold events: the answer is a 503 in the error
    shape, and sending the file again stores what is missing (the half-stored sale included)."""
    sales = store_of(client).sales
    apply_event = sales.apply_event
    calls = 0

    def failing_on_the_fourth(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == 4:
            raise StoreUnavailable("connection to 10.0.0.7:5432 refused")
        return apply_event(*args, **kwargs)

    monkeypatch.setattr(sales, "apply_event", failing_on_the_fourth)

    failed = upload(client, mercari_file())
    again = upload(client, mercari_file())

    assert failed.status_code == 503
    error = failed.json()["error"]
    assert error["code"] == "STORE_UNAVAILABLE" and "10.0.0.7" not in failed.text
    assert (again.json()["imported"], again.json()["already"]) == (2, 1)
    assert sales.count_sold("demo") == 3


def test_the_upload_is_documented_in_openapi_with_an_example(client: TestClient) -> None:
    operation = client.get("/openapi.json").json()["paths"]["/v1/pricing/import"]["post"]

    body = operation["requestBody"]["content"]["multipart/form-data"]
    assert body["schema"]["properties"]["file"]["format"] == "binary"
    example = body["examples"]["mercari"]["value"]["file"]
    assert example.startswith("train_id\tname\t")
    [file_format] = [parameter for parameter in operation["parameters"] if parameter["name"] == "format"]
    assert file_format["in"] == "query" and file_format["required"] is True
    assert {"200", "413", "422", "503"} <= set(operation["responses"])

    documented = upload(client, example.encode())

    assert documented.status_code == 200 and documented.json()["imported"] == 2
