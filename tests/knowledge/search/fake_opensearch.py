"""A small HTTP server on 127.0.0.1 that records requests and answers like OpenSearch would.

Tests point a real opensearch-py client at it, so the client's serialisation, bulk helper, retries and
error classes all run for real; only the cluster's answers are canned.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from knowledge.search.documents import KnowledgeDoc
from knowledge.search.opensearch.backend import OpenSearchBackend
from knowledge.search.opensearch.client import open_client


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    query: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def ndjson(self) -> list[Any]:
        """The lines of a `_bulk` or `_msearch` body."""
        return [json.loads(line) for line in self.body.decode().splitlines() if line.strip()]


Answer = tuple[int, Any]
Responder = Callable[[RecordedRequest], Answer]


@dataclass
class Route:
    method: str
    path: re.Pattern[str]
    responder: Responder
    times: int | None


class FakeOpenSearch:
    """Routes are (method, full-match path regex) -> canned answer or responder; the newest match wins.

    A route registered with `times=n` answers n requests and then stands aside, which scripts sequences
    such as "503 once, then 200". Unmatched requests get OpenSearch's 404 shape, naming the route.
    """

    def __init__(self) -> None:
        self.requests: list[RecordedRequest] = []
        self._routes: list[Route] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fake-opensearch",
            daemon=True,
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def on(
        self,
        method: str,
        path: str,
        answer: Answer | Responder = (200, {"acknowledged": True}),
        *,
        times: int | None = None,
    ) -> None:
        responder = answer if callable(answer) else _constant(answer)
        with self._lock:
            self._routes.append(Route(method, re.compile(path), responder, times))

    def requests_to(self, method: str, path: str) -> list[RecordedRequest]:
        pattern = re.compile(path)
        return [r for r in self.requests if r.method == method and pattern.fullmatch(r.path)]

    def answer(self, request: RecordedRequest) -> Answer:
        with self._lock:
            self.requests.append(request)
            for route in reversed(self._routes):
                if route.method != request.method or not route.path.fullmatch(request.path):
                    continue
                if route.times is not None:
                    if route.times == 0:
                        continue
                    route.times -= 1
                break
            else:
                return 404, error_body("fake_route_missing", f"no route for {request.method} {request.path}")
        return route.responder(request)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                url = urlsplit(self.path)
                request = RecordedRequest(
                    method=self.command,
                    path=url.path,
                    query=dict(parse_qsl(url.query)),
                    body=self.rfile.read(length) if length else b"",
                )
                status, body = fake.answer(request)
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=UTF-8")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _serve

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet: the recorded requests are what tests look at."""

        return Handler


def _constant(answer: Answer) -> Responder:
    return lambda _request: answer


def error_body(error_type: str, reason: str, status: int = 400) -> dict[str, Any]:
    """OpenSearch's error envelope."""
    cause = {"type": error_type, "reason": reason}
    return {"error": {"root_cause": [cause], **cause}, "status": status}


def search_response(hits: Sequence[tuple[str, KnowledgeDoc, float]]) -> dict[str, Any]:
    """A `_search` answer with these (`_id`, document, score) hits."""
    return {
        "took": 3,
        "timed_out": False,
        "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0},
        "hits": {
            "total": {"value": len(hits), "relation": "eq"},
            "max_score": max((score for _, _, score in hits), default=None),
            "hits": [
                {
                    "_index": "pakka-knowledge-v1",
                    "_id": hit_id,
                    "_score": score,
                    "_source": doc.model_dump(mode="json"),
                }
                for hit_id, doc, score in hits
            ],
        },
    }


def bulk_answer(item_status: Callable[[str, dict[str, Any]], tuple[int, dict[str, Any]]]) -> Responder:
    """A `_bulk` responder answering each action line with `item_status(op, action) -> (status, extra)`."""

    def respond(request: RecordedRequest) -> Answer:
        lines = request.ndjson()
        items = []
        position = 0
        while position < len(lines):
            op, action = next(iter(lines[position].items()))
            position += 1 if op == "delete" else 2
            status, extra = item_status(op, action)
            items.append({op: {"_index": action["_index"], "_id": action["_id"], "status": status, **extra}})
        errors = any(not 200 <= next(iter(item.values()))["status"] < 300 for item in items)
        return 200, {"took": 5, "errors": errors, "items": items}

    return respond


def created(op: str, action: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """Every bulk item succeeds."""
    return (200, {"result": "deleted"}) if op == "delete" else (201, {"result": "created"})


def serve() -> Iterator[FakeOpenSearch]:
    """Generator for a pytest fixture: a started fake, stopped afterwards."""
    fake = FakeOpenSearch()
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()


def backend_for(fake: FakeOpenSearch, **overrides: Any) -> OpenSearchBackend:
    """An `OpenSearchBackend` (prefix `t`, 2-d vectors, no waiting between retries) on a real client."""
    options: dict[str, Any] = {
        "index_prefix": "t",
        "dimension": 2,
        "candidates": 3,
        "bulk_initial_backoff_s": 0,
        **overrides,
    }
    return OpenSearchBackend(open_client(fake.url, timeout_s=5, max_retries=2), **options)
