"""Threads over HTTP, with the checkout graph (it stops to ask before placing an order): the stream ends with
an `interrupt`; approve places the order exactly once, reject places nothing and the thread goes on, a second
answer to the same interrupt is a 409; threads survive a restart (SQLite and PostgreSQL) and belong to one
tenant and user."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from core.settings import Settings
from tests.api.conftest import OTHER_TENANT, seed_catalog, seed_other_tenant, store_of, tokens_for
from tests.api.sse import parse_sse
from tests.core import conftest as postgres_fixtures

postgres_server = postgres_fixtures.postgres_server
postgres_url = postgres_fixtures.postgres_url

USER = "u-1"


@pytest.fixture
def start(sqlite_settings: Settings) -> Iterator[Any]:
    """Starts the app on `settings` (default: SQLite store and checkpointer) with the test catalog, signed in
    as USER."""
    with ExitStack() as running:

        def start_app(settings: Settings = sqlite_settings) -> TestClient:
            client = running.enter_context(TestClient(create_app(settings)))
            seed_catalog(store_of(client.app), settings.default_tenant)
            client.headers.update(as_user(client))
            return client

        yield start_app


@pytest.fixture
def client(start: Any) -> TestClient:
    return start()


def as_user(client: TestClient, user_id: str = USER, tenant_id: str | None = None) -> dict[str, str]:
    """The headers of a shopper signed in (the access token names the caller)."""
    return tokens_for(client).shopper(user_id, tenant_id)


def new_thread(client: TestClient, user_id: str = USER, graph: str = "checkout") -> str:
    response = client.post("/v1/threads", json={"graph": graph}, headers=as_user(client, user_id))
    assert response.status_code == 201, response.text
    assert response.json()["graph"] == graph
    thread_id: str = response.json()["thread_id"]
    return thread_id


def stream(client: TestClient, path: str, body: dict[str, Any], user_id: str = USER) -> list[tuple[str, Any]]:
    response = client.post(path, json=body, headers=as_user(client, user_id))
    assert response.status_code == 200, response.text
    return parse_sse(response.text)


def run(client: TestClient, thread_id: str, graph_input: dict[str, Any], user_id: str = USER) -> list[Any]:
    return stream(client, f"/v1/threads/{thread_id}/runs/stream", {"input": graph_input}, user_id)


def answer(client: TestClient, thread_id: str, interrupt_id: str, decision: dict[str, Any]) -> list[Any]:
    body = {"interrupt_id": interrupt_id, "decisions": [decision]}
    return stream(client, f"/v1/threads/{thread_id}/resume/stream", body)


def the(events: list[tuple[str, Any]], name: str) -> Any:
    found = [data for event, data in events if event == name]
    assert len(found) == 1, events
    return found[0]


ORDER = {"region": "mumbai", "items": [{"product_id": "shoe-run", "size": "UK8", "quantity": 1}]}


def orders_of(client: TestClient, user_id: str = USER) -> list[dict[str, Any]]:
    response = client.get("/v1/orders", headers=as_user(client, user_id))
    assert response.status_code == 200
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def test_a_run_stops_before_ordering_and_asks_in_the_human_in_the_loop_shape(client: TestClient) -> None:
    thread_id = new_thread(client)

    events = run(client, thread_id, ORDER)

    names = [event for event, _ in events]
    assert names == ["progress", "interrupt", "done"]
    question = the(events, "interrupt")
    assert question["id"]
    [request] = question["action_requests"]
    assert request["name"] == "place_order"
    assert request["args"]["region"] == "mumbai"
    assert "₹2,499" in request["description"]
    assert question["review_configs"] == [
        {"action_name": "place_order", "allowed_decisions": ["approve", "edit", "reject"]}
    ]
    assert orders_of(client) == []


def test_approve_places_the_order_exactly_once_and_a_second_answer_is_a_409(client: TestClient) -> None:
    thread_id = new_thread(client)
    question = the(run(client, thread_id, ORDER), "interrupt")

    events = answer(client, thread_id, question["id"], {"type": "approve"})
    again = client.post(
        f"/v1/threads/{thread_id}/resume/stream",
        json={"interrupt_id": question["id"], "decisions": [{"type": "approve"}]},
    )

    result = the(events, "result")
    assert result["status"] == "placed"
    assert [order["id"] for order in orders_of(client)] == [result["order"]["id"]]
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "THREAD_CONFLICT"
    assert len(orders_of(client)) == 1


def test_reject_places_nothing_and_the_thread_goes_on(client: TestClient) -> None:
    thread_id = new_thread(client)
    question = the(run(client, thread_id, ORDER), "interrupt")

    declined = answer(client, thread_id, question["id"], {"type": "reject", "message": "too expensive"})
    later = run(client, thread_id, ORDER)

    assert the(declined, "result") == {
        "status": "declined",
        "message": "not ordered: too expensive",
        "order": None,
        "code": None,
    }
    assert orders_of(client) == []
    assert the(later, "interrupt")["id"] != question["id"]


def test_edit_changes_the_order_and_asks_again(client: TestClient) -> None:
    thread_id = new_thread(client)
    question = the(run(client, thread_id, ORDER), "interrupt")
    edited = {"region": "delhi", "items": [{"product_id": "shoe-run", "size": "UK8", "quantity": 2}]}

    asked_again = the(
        answer(client, thread_id, question["id"], {"type": "edit", "args": edited}), "interrupt"
    )
    placed = the(answer(client, thread_id, asked_again["id"], {"type": "approve"}), "result")

    assert asked_again["action_requests"][0]["args"]["region"] == "delhi"
    assert placed["order"]["region"] == "delhi"
    assert placed["order"]["items"][0]["quantity"] == 2


def test_a_thread_waiting_for_an_answer_takes_no_new_run_and_unknown_interrupts_are_409(
    client: TestClient,
) -> None:
    thread_id = new_thread(client)
    run(client, thread_id, ORDER)

    busy = client.post(f"/v1/threads/{thread_id}/runs/stream", json={"input": ORDER})
    unknown = client.post(
        f"/v1/threads/{thread_id}/resume/stream",
        json={"interrupt_id": "nope", "decisions": [{"type": "approve"}]},
    )

    assert busy.status_code == 409
    assert unknown.status_code == 409


def test_the_thread_shows_its_values_and_pending_question(client: TestClient) -> None:
    thread_id = new_thread(client)
    question = the(run(client, thread_id, ORDER), "interrupt")

    view = client.get(f"/v1/threads/{thread_id}").json()

    assert view["thread_id"] == thread_id
    assert view["graph"] == "checkout"
    assert view["values"]["region"] == "mumbai"
    assert view["messages"] == []
    assert [item["id"] for item in view["pending_interrupts"]] == [question["id"]]
    assert view["created_at"]


def test_someone_elses_thread_is_not_found(client: TestClient) -> None:
    seed_other_tenant(store_of(client.app))
    thread_id = new_thread(client)

    other = as_user(client, "u-2")

    as_other_user = client.get(f"/v1/threads/{thread_id}", headers=other)
    same_id_in_other_tenant = client.get(
        f"/v1/threads/{thread_id}", headers=as_user(client, USER, OTHER_TENANT)
    )
    run_by_other = client.post(f"/v1/threads/{thread_id}/runs/stream", json={"input": ORDER}, headers=other)
    deleted_by_other = client.delete(f"/v1/threads/{thread_id}", headers=other)
    naming_the_owner = client.get(f"/v1/threads/{thread_id}", params={"user_id": USER}, headers=other)
    anonymous = client.get(f"/v1/threads/{thread_id}", headers={"Authorization": ""})

    for response in (as_other_user, same_id_in_other_tenant, run_by_other, deleted_by_other):
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "THREAD_NOT_FOUND"
    assert naming_the_owner.status_code == 403  # a shopper acts only as itself
    assert anonymous.status_code == 401
    assert client.get(f"/v1/threads/{thread_id}").status_code == 200


def test_deleting_a_thread_removes_it(client: TestClient) -> None:
    thread_id = new_thread(client)
    run(client, thread_id, ORDER)

    deleted = client.delete(f"/v1/threads/{thread_id}")

    assert deleted.status_code == 204
    assert client.get(f"/v1/threads/{thread_id}").status_code == 404


def test_only_graphs_that_keep_threads_open_one_and_bad_input_is_a_422(client: TestClient) -> None:
    not_threaded = client.post("/v1/threads", json={"graph": "decision"})
    unknown = client.post("/v1/threads", json={"graph": "nope"})
    thread_id = new_thread(client)
    bad_input = client.post(f"/v1/threads/{thread_id}/runs/stream", json={"input": {"items": "many"}})

    assert not_threaded.status_code == 422
    assert not_threaded.json()["error"]["details"]["graphs_with_threads"] == ["chat", "checkout", "sitegen"]
    assert unknown.status_code == 422
    assert bad_input.status_code == 422
    assert bad_input.json()["error"]["details"]["problems"][0]["field"] == "items"


def test_an_empty_cart_says_so_without_asking(client: TestClient) -> None:
    thread_id = new_thread(client)

    events = run(client, thread_id, {"region": "mumbai"})

    assert the(events, "result")["status"] == "nothing_to_order"
    assert "interrupt" not in [event for event, _ in events]


def test_the_cart_is_ordered_and_emptied_when_no_lines_are_given(client: TestClient) -> None:
    client.app.state.services.carts.add("demo", USER, "shoe-run", "UK8", 1)
    thread_id = new_thread(client)

    question = the(run(client, thread_id, {"region": "mumbai"}), "interrupt")
    placed = the(answer(client, thread_id, question["id"], {"type": "approve"}), "result")

    assert placed["status"] == "placed"
    assert client.app.state.services.carts.view("demo", USER).items == []


def interrupted_thread(client: TestClient) -> tuple[str, str]:
    thread_id = new_thread(client)
    return thread_id, the(run(client, thread_id, ORDER), "interrupt")["id"]


def test_a_thread_survives_a_restart_on_sqlite(start: Any, sqlite_settings: Settings) -> None:
    with TestClient(create_app(sqlite_settings)) as first:
        seed_catalog(store_of(first.app), sqlite_settings.default_tenant)
        thread_id, interrupt_id = interrupted_thread(first)  # the key in the data dir signs on after restart

    restarted = start()
    placed = the(answer(restarted, thread_id, interrupt_id, {"type": "approve"}), "result")

    assert placed["status"] == "placed"
    assert len(orders_of(restarted)) == 1


@pytest.mark.integration
def test_a_thread_survives_a_restart_on_postgres(
    start: Any, sqlite_settings: Settings, postgres_url: str
) -> None:
    settings = sqlite_settings.model_copy(update={"checkpointer": "postgres", "postgres_url": postgres_url})
    with TestClient(create_app(settings)) as first:
        seed_catalog(store_of(first.app), settings.default_tenant)
        thread_id, interrupt_id = interrupted_thread(first)

    restarted = start(settings)
    placed = the(answer(restarted, thread_id, interrupt_id, {"type": "approve"}), "result")

    assert placed["status"] == "placed"
    assert client_view_is_gone_after_erasure(restarted, thread_id)


def client_view_is_gone_after_erasure(client: TestClient, thread_id: str) -> bool:
    receipt = client.delete(f"/v1/users/{USER}").json()
    gone = client.get(f"/v1/threads/{thread_id}").status_code == 404
    return gone and receipt["threads_deleted"] == 1 and receipt["memories_deleted"] == 1


def test_erasure_removes_the_users_threads_and_their_records(
    client: TestClient, sqlite_settings: Settings
) -> None:
    thread_id, _ = interrupted_thread(client)
    other = new_thread(client, user_id="u-2")
    run(client, other, ORDER, user_id="u-2")

    receipt = client.delete(f"/v1/users/{USER}").json()

    assert receipt["threads_deleted"] == 1
    assert receipt["memories_deleted"] == 1
    assert client.get(f"/v1/threads/{thread_id}").status_code == 404
    assert client.get(f"/v1/threads/{other}", headers=as_user(client, "u-2")).status_code == 200
    with sqlite3.connect(sqlite_settings.checkpoint_sqlite_file) as checkpoints:
        owners = {row[0].split("/")[1] for row in checkpoints.execute("SELECT thread_id FROM checkpoints")}
    with sqlite3.connect(sqlite_settings.memory_sqlite_file) as memory:
        records = [row[0] for row in memory.execute("SELECT prefix FROM store")]
    assert owners == {"u-2"}
    assert records and all(USER not in prefix.split(".") for prefix in records)
