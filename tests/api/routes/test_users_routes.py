"""DELETE /v1/users/{id}: the right to erasure, over the API with the app's own checkpointer."""

from __future__ import annotations

import io
import json

from fastapi.testclient import TestClient
from langgraph.checkpoint.base import empty_checkpoint

from core.privacy import (
    BIOMETRIC,
    PSEUDONYM_KEY_FILE,
    Pseudonymizer,
    ScanKind,
    store_attributes,
    user_namespace,
    user_thread_id,
)
from tests.api.conftest import Tokens, store_of, tokens_for


def save_thread(client: TestClient, thread_id: str) -> None:
    """A checkpoint in the app's own checkpointer, written on the app's event loop."""
    saver = client.app.state.services.checkpointer
    config = {"configurable": {"thread_id": thread_id, "checkpoint_ns": ""}}

    async def put() -> None:
        await saver.aput(config, empty_checkpoint(), {"source": "input", "step": 0}, {})

    client.portal.call(put)


def remember(client: TestClient, namespace: tuple[str, ...], key: str) -> None:
    """An item in the app's long-term store (what the graphs remember about a shopper)."""
    memory = client.app.state.services.memory
    client.portal.call(memory.aput, namespace, key, {"value": key})


def memory_keys(client: TestClient, prefix: tuple[str, ...]) -> set[str]:
    memory = client.app.state.services.memory
    return {item.key for item in client.portal.call(memory.asearch, prefix)}


def thread_ids(client: TestClient) -> set[str]:
    saver = client.app.state.services.checkpointer

    async def collect() -> set[str]:
        return {item.config["configurable"]["thread_id"] async for item in saver.alist(None)}

    return client.portal.call(collect)


def test_deleting_a_user_erases_attributes_consent_cart_feedback_threads_and_memory(
    client: TestClient, auth: Tokens
) -> None:
    store = store_of(client.app)
    shopper = auth.shopper("u-1")
    client.post("/v1/consent", json={"granted": True}, headers=shopper)
    store_attributes(store, "demo", "u-1", ScanKind.FOOT, {"length_mm": 260.0, "width_mm": 100.0})
    feedback = {"product_id": "shoe-run", "size": "UK8", "outcome": "kept", "fit": "fit"}
    client.post("/v1/feedback", json=feedback, headers=shopper)
    save_thread(client, user_thread_id("demo", "u-1", "chat"))
    save_thread(client, user_thread_id("demo", "u-2", "chat"))
    remember(client, user_namespace("demo", "u-1", "preferences"), "shoe_size")
    remember(client, user_namespace("demo", "u-1", "threads"), "t-1")
    remember(client, user_namespace("demo", "u-2", "preferences"), "shoe_size")

    response = client.delete("/v1/users/u-1", headers=shopper)

    pseudonyms = Pseudonymizer.for_settings(client.app.state.services.settings)
    assert response.status_code == 200
    assert response.json() == {
        "pseudonym": pseudonyms.pseudonym("demo", "u-1"),
        "user_deleted": True,
        "consents_deleted": 1,
        "feedback_deleted": 1,
        "threads_deleted": 1,
        "memories_deleted": 2,
        "orders_pseudonymized": 0,
        "sign_ins_deleted": 0,
    }
    assert store.users.get("demo", "u-1") is None
    assert store.consent.latest("demo", "u-1", BIOMETRIC) is None
    assert store.feedback.list_for_user("demo", "u-1") == []
    assert thread_ids(client) == {user_thread_id("demo", "u-2", "chat")}
    assert memory_keys(client, user_namespace("demo", "u-1")) == set()
    assert memory_keys(client, user_namespace("demo", "u-2")) == {"shoe_size"}
    assert all("u-1" not in entry.model_dump_json() for entry in store.audit.list("demo"))


def test_a_user_id_with_a_dot_gets_a_namespace_of_its_own() -> None:
    assert user_namespace("demo", "a.b") != user_namespace("demo", "a_b")
    assert "." not in "".join(user_namespace("demo", "a.b", "threads"))


def test_deleting_an_unknown_user_succeeds_and_deletes_nothing(client: TestClient, auth: Tokens) -> None:
    response = client.delete("/v1/users/nobody", headers=auth.admin())

    assert response.status_code == 200
    assert response.json()["user_deleted"] is False


def test_an_invalid_user_id_is_rejected(client: TestClient, auth: Tokens) -> None:
    assert client.delete("/v1/users/bad%23id", headers=auth.admin()).status_code == 422


def test_a_shopper_erases_only_itself(client: TestClient, auth: Tokens) -> None:
    client.post("/v1/consent", json={"granted": True}, headers=auth.shopper("u-1"))

    response = client.delete("/v1/users/u-1", headers=auth.shopper("u-2"))

    assert response.status_code == 403
    assert store_of(client.app).consent.latest("demo", "u-1", BIOMETRIC) is not None


def test_erasure_is_audited_under_the_deployments_keyed_pseudonym_and_its_key_is_never_logged(
    client: TestClient, json_log: io.StringIO
) -> None:
    settings = client.app.state.services.settings
    shopper = tokens_for(client).shopper("u-1")
    client.post("/v1/consent", json={"granted": True}, headers=shopper)

    receipt = client.delete("/v1/users/u-1", headers=shopper).json()

    key = (settings.data_dir / PSEUDONYM_KEY_FILE).read_text()
    audit = store_of(client.app).audit.list("demo")
    assert {entry.entity_id for entry in audit} == {receipt["pseudonym"]}
    assert receipt["pseudonym"] == Pseudonymizer(bytes.fromhex(key)).pseudonym("demo", "u-1")
    logged = [json.loads(line) for line in json_log.getvalue().splitlines()]
    assert [record["path"] for record in logged if "path" in record] == ["/v1/consent", "/v1/users/{user_id}"]
    assert key not in json_log.getvalue()


def test_erasure_drops_the_answers_kept_for_repeat_recommendations(client: TestClient, auth: Tokens) -> None:
    answers = client.app.state.services.answers
    answers.put(b"digest-of-a-request", b'{"explanation": "your 262 mm foot"}')
    assert len(answers) == 1

    client.delete("/v1/users/u-1", headers=auth.shopper("u-1"))

    assert len(answers) == 0


def test_a_shoppers_profile_shows_the_kept_measurements_and_the_consent_they_rest_on(
    client: TestClient, auth: Tokens
) -> None:
    store = store_of(client.app)
    shopper = auth.shopper("u-1")
    client.post("/v1/consent", json={"granted": True}, headers=shopper)
    store_attributes(store, "demo", "u-1", ScanKind.FOOT, {"length_mm": 260.0, "width_mm": 100.0})

    profile = client.get("/v1/users/u-1", headers=shopper).json()
    client.post("/v1/consent", json={"granted": False}, headers=shopper)
    withdrawn = client.get("/v1/users/u-1", headers=shopper).json()

    assert profile == {
        "user_id": "u-1",
        "biometric_consent": True,
        "measurements": {"foot": {"length_mm": 260.0, "width_mm": 100.0}, "face": None, "body": None},
    }
    assert withdrawn["biometric_consent"] is False
    assert withdrawn["measurements"] == {"foot": None, "face": None, "body": None}


def test_a_shopper_reads_only_its_own_profile(client: TestClient, auth: Tokens) -> None:
    response = client.get("/v1/users/u-2", headers=auth.shopper("u-1"))

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "FORBIDDEN"
