"""Pure ASGI middleware (no BaseHTTPMiddleware, so streamed responses pass straight through).

Outermost first, as `create_app` stacks them:
- `CorrelationIdMiddleware`: binds the request's correlation id and returns it on every response;
- `AccessLogMiddleware`: one log line per request (method, path, status, duration_ms);
- `UnhandledErrorMiddleware`: turns an unexpected exception into a 500 in the shared error shape;
- `BodySizeLimitMiddleware`: 413 for bodies over the limit, by Content-Length or by counting streamed bytes.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Mapping

from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import error_response, internal_error_response
from core.logging import correlation_id_var

CORRELATION_HEADER = "X-Correlation-ID"
CORRELATION_ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")

access_logger = logging.getLogger("pakka.access")
logger = logging.getLogger("pakka.api")


def accepted_correlation_id(value: str | None) -> str:
    """The client's id when it is at most 128 safe characters, otherwise a fresh uuid4 hex."""
    if value is not None and CORRELATION_ID_PATTERN.fullmatch(value):
        return value
    return uuid.uuid4().hex


class CorrelationIdMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        correlation_id = accepted_correlation_id(Headers(scope=scope).get(CORRELATION_HEADER))

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)[CORRELATION_HEADER] = correlation_id
            await send(message)

        token = correlation_id_var.set(correlation_id)
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            correlation_id_var.reset(token)


class ResponseWatcher:
    """Wraps `send` and remembers the response status once the response has started."""

    def __init__(self, send: Send) -> None:
        self._send = send
        self.status: int | None = None

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
        await self._send(message)


def logged_path(scope: Scope) -> str:
    """The matched route's template (`/v1/users/{user_id}`), never the ids in the path: paths carry user ids,
    and logs keep no personal data. Unmatched requests log their raw path."""
    route = scope.get("route")
    return getattr(route, "path_format", None) or scope["path"]


class AccessLogMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        watcher = ResponseWatcher(send)
        try:
            await self.app(scope, receive, watcher)
        finally:
            status = (
                watcher.status or 500
            )  # no response started: the server answers 500 or drops the connection
            path = logged_path(scope)
            access_logger.info(
                "%s %s %s",
                scope["method"],
                path,
                status,
                extra={
                    "method": scope["method"],
                    "path": path,
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                },
            )


class UnhandledErrorMiddleware:
    """The last line of defence: log the exception with its traceback, answer 500 without internals."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        watcher = ResponseWatcher(send)
        try:
            await self.app(scope, receive, watcher)
        except Exception:
            logger.exception("unhandled error while serving %s %s", scope["method"], logged_path(scope))
            if watcher.status is not None:
                raise  # too late for an error response: let the server drop the connection
            await internal_error_response()(scope, receive, send)


class RequestBodyTooLarge(HTTPException):
    """Raised from `receive` once a streamed body passes the limit. FastAPI lets HTTP errors raised while it
    reads the body through unchanged, so the app's HTTP error handler answers with 413 PAYLOAD_TOO_LARGE."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body is larger than {limit} bytes")


class BodySizeLimitMiddleware:
    """Rejects bodies over `max_body_bytes` without buffering them.

    A declared Content-Length over the limit is refused before the app runs. A body without one (chunked)
    is counted as it streams in; the `receive` call that passes the limit raises `RequestBodyTooLarge`.
    """

    def __init__(
        self, app: ASGIApp, max_body_bytes: int, larger_limits: Mapping[str, int] | None = None
    ) -> None:
        """`larger_limits` maps a path prefix (e.g. "/v1/scan/" for photo uploads) to its own limit."""
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.larger_limits = dict(larger_limits or {})

    def limit_for(self, path: str) -> int:
        return next(
            (limit for prefix, limit in self.larger_limits.items() if path.startswith(prefix)),
            self.max_body_bytes,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        max_body_bytes = self.limit_for(scope["path"])
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > max_body_bytes:
            too_large = RequestBodyTooLarge(max_body_bytes)
            await error_response(413, "PAYLOAD_TOO_LARGE", too_large.detail)(scope, receive, send)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > max_body_bytes:
                    raise RequestBodyTooLarge(max_body_bytes)
            return message

        await self.app(scope, counting_receive, send)
