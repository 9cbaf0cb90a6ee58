"""POST /v1/recommendations and its SSE variant, on stored measurements, over the API."""

from __future__ import annotations

import json
from decimal import Decimal
from importlib.resources import files

import cv2
import pytest
from fastapi.testclient import TestClient

from core.privacy import ScanKind, stored_attributes
from core.schemas import InventoryRecord, Product
from tests.api.conftest import StartClient, store_of, tokens_for
from tests.api.routes.photos import foot_on_a4
from tests.tools.vision.test_body import HEIGHT_CM, render_figure
from tools.vision.image import decode_image

ASTRONAUT = files("skimage") / "data" / "astronaut.png"

SHOES = [
    ("sprint-1", "Sprintara", "2499"),
    ("sprint-2", "Sprintara", "2999"),
    ("sprint-3", "Sprintara", "3499"),
    ("kadam-1", "Kadam Footworks", "1999"),
    ("metro-1", "Metro Basics", "999"),
]


@pytest.fixture
def client(start_client: StartClient) -> TestClient:
    """The app, signed in as shopper u-1 (whom these tests scan and recommend for)."""
    client = start_client()
    client.headers.update(tokens_for(client).shopper("u-1"))
    return client


def seed_stocked(client: TestClient, products: list[Product]) -> None:
    """The products, each stocked in Mumbai in every one of its sizes."""
    store = store_of(client.app)
    for product in products:
        store.products.put(product)
        store.inventory.put_many(
            InventoryRecord(tenant_id="demo", product_id=product.id, size=size, region="mumbai", available=2)
            for size in product.sizes
        )


def seed_shoes(client: TestClient) -> None:
    """Shoes in every half size, stocked in Mumbai."""
    sizes = [f"UK {size / 2:g}" for size in range(10, 25)]
    shoes = [
        Product(
            id=product_id,
            tenant_id="demo",
            name=f"Shoe {product_id}",
            brand=brand,
            category="footwear",
            price_inr=Decimal(price),
            sizes=sizes,
            metadata_quality=0.9,
        )
        for product_id, brand, price in SHOES
    ]
    seed_stocked(client, shoes)


def scanned_shopper(client: TestClient) -> None:
    client.post("/v1/consent", json={"user_id": "u-1", "granted": True})
    photo = foot_on_a4(258.0, 98.0)
    response = client.post(
        "/v1/scan/foot", files={"image": ("f.jpg", photo, "image/jpeg")}, data={"user_id": "u-1"}
    )
    assert response.status_code == 200


def test_a_scanned_shopper_gets_three_to_five_explained_recommendations(client: TestClient) -> None:
    seed_shoes(client)
    scanned_shopper(client)

    response = client.post(
        "/v1/recommendations", json={"user_id": "u-1", "category": "footwear", "region": "mumbai"}
    )

    assert response.status_code == 200
    body = response.json()
    items = body["recommendations"]
    assert 3 <= len(items) <= 5
    assert all(item["confidence"] >= 0.75 for item in items)
    assert sum(item["brand"] == "Sprintara" for item in items) == 2
    # the fixture catalog's two Stride shoes are not stocked in Mumbai in this foot's size
    assert body["eliminated"] == {"count": 3, "reasons": {"brand_limit": 1, "out_of_stock_in_region": 2}}
    first = items[0]
    assert set(first) == {
        "product_id",
        "name",
        "brand",
        "price_inr",
        "size",
        "confidence",
        "factors",
        "explanation",
        "citations",
        "sources",
    }
    assert set(first["factors"]) == {"fit", "attribute_similarity", "metadata_quality", "brand_reliability"}
    assert first["sources"][0]["id"] == first["citations"][0] and first["sources"][0]["title"]
    assert "chart:" not in first["explanation"]
    assert body["guidance"] == [] and body["attributes_source"] == "stored"


def test_an_unscanned_shopper_gets_no_products_and_is_told_which_scan_to_take(client: TestClient) -> None:
    seed_shoes(client)

    response = client.post(
        "/v1/recommendations", json={"category": "footwear"}, headers=tokens_for(client).shopper("u-2")
    )

    body = response.json()
    assert body["recommendations"] == []
    assert "foot" in body["guidance"][0]


def test_recommendations_are_for_the_signed_in_shopper_only(client: TestClient) -> None:
    other = client.post("/v1/recommendations", json={"user_id": "u-2", "category": "footwear"})
    anonymous = client.post(
        "/v1/recommendations", json={"category": "footwear"}, headers={"Authorization": ""}
    )

    assert (other.status_code, anonymous.status_code) == (403, 401)


def test_an_invalid_request_is_422(client: TestClient) -> None:
    response = client.post("/v1/recommendations", json={"user_id": "u-1", "category": "Foot wear!"})

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"


def sse_events(text: str) -> list[tuple[str, dict]]:
    events = []
    for block in text.replace("\r\n", "\n").strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        events.append((lines["event"], json.loads(lines["data"])))
    return events


def test_the_stream_sends_node_progress_explanations_the_result_and_done(client: TestClient) -> None:
    seed_shoes(client)
    scanned_shopper(client)

    with client.stream(
        "POST",
        "/v1/recommendations/stream",
        json={"user_id": "u-1", "category": "footwear", "region": "mumbai"},
    ) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        events = sse_events(response.read().decode())

    names = [name for name, _ in events]
    progress = [data["node"] for name, data in events if name == "progress"]
    assert progress == ["scan", "retrieve", "candidates", "score", "filter", "explain"]
    [result] = [data for name, data in events if name == "result"]
    explained = [data["product_id"] for name, data in events if name == "explanation"]
    assert sorted(explained) == sorted(item["product_id"] for item in result["recommendations"])
    assert names.index("result") > max(index for index, name in enumerate(names) if name == "explanation")
    assert names[-1] == "done"


GARMENTS = [
    ("sutra-shirt-1", "Sutra Studio", "Shirts"),
    ("sutra-shirt-2", "Sutra Studio", "Shirts"),
    ("khadi-kurta-1", "Khadi Lane", "Kurtas"),
    ("khadi-kurta-2", "Khadi Lane", "Kurtas"),
    ("chowk-tee-1", "Chowk Basics", "T-Shirts"),
]
LETTER_SIZES = ["XS", "S", "M", "L", "XL", "XXL"]


def seed_garments(client: TestClient) -> None:
    """Men's tops in every letter size, stocked in Mumbai."""
    garments = [
        Product(
            id=product_id,
            tenant_id="demo",
            name=f"Garment {product_id}",
            brand=brand,
            category="apparel",
            subcategory=subcategory,
            price_inr=Decimal("1499"),
            sizes=LETTER_SIZES,
            attributes={"gender": "men"},
            metadata_quality=0.9,
        )
        for product_id, brand, subcategory in GARMENTS
    ]
    seed_stocked(client, garments)


def test_a_front_photo_body_scan_sizes_every_garment_and_is_honest_about_its_uncertainty(
    client: TestClient,
) -> None:
    seed_garments(client)
    client.post("/v1/consent", json={"user_id": "u-1", "granted": True})
    figure = cv2.imencode(".png", render_figure(decode_image(ASTRONAUT.read_bytes())))[1].tobytes()
    scan = client.post(
        "/v1/scan/body",
        files={"image": ("body.png", figure, "image/png")},
        data={"user_id": "u-1", "height_cm": str(HEIGHT_CM)},
    )
    assert scan.status_code == 200

    response = client.post(
        "/v1/recommendations", json={"user_id": "u-1", "category": "apparel", "region": "mumbai"}
    )

    measured = scan.json()["scan"]["measurements"]
    stored = stored_attributes(store_of(client.app), "demo", "u-1", ScanKind.BODY)
    assert stored is not None
    sigmas = {name: value["sigma"] for name, value in measured.items()}
    assert {name: stored[f"{name}_sigma"] for name in measured} == sigmas
    body = response.json()
    assert body["attributes_source"] == "stored"
    assert body["recommendations"] == []
    assert body["eliminated"]["reasons"]["below_confidence_threshold"] == len(GARMENTS)
    assert body["guidance"][0].startswith("Your body measurements are uncertain by up to ±")
    assert "side" in body["guidance"][0]
