"""The one error shape every response uses, and the handlers that map exceptions onto it.

`{"error": {"code", "message", "details", "correlation_id"}}`: domain errors keep their stable `code`, request
validation becomes 422, and anything unexpected becomes a 500 that says nothing about the internals.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from core.errors import (
    Busy,
    Forbidden,
    IdempotencyKeyReused,
    InsufficientStock,
    InvalidInput,
    InvalidTransition,
    NotFound,
    PakkaError,
    PaymentFailed,
    RateLimited,
    RetryLater,
    ServiceNotRunning,
    StoreUnavailable,
    ThreadBusy,
    Unauthenticated,
    VersionConflict,
)
from core.identity.senders import SmsUnavailable
from core.logging import correlation_id_var
from core.privacy import ConsentRequired
from domain.pricing.errors import EventOutOfOrder, InvalidEvent, NoSalesHistory
from tools.vision.errors import ScanRejected

logger = logging.getLogger("pakka.api")

STATUS_BY_ERROR: dict[type[PakkaError], int] = {
    NotFound: 404,
    InvalidInput: 422,
    InsufficientStock: 409,
    VersionConflict: 409,
    InvalidTransition: 409,
    IdempotencyKeyReused: 422,
    PaymentFailed: 402,
    StoreUnavailable: 503,
    ThreadBusy: 409,
    ServiceNotRunning: 503,
    Busy: 503,
    ConsentRequired: 403,
    ScanRejected: 422,
    InvalidEvent: 422,
    EventOutOfOrder: 409,
    NoSalesHistory: 422,
    Unauthenticated: 401,
    Forbidden: 403,
    RateLimited: 429,
    SmsUnavailable: 503,
}

CODE_BY_HTTP_STATUS = {
    400: "MALFORMED_JSON",  # FastAPI's only 400: a JSON body it could not decode (e.g. invalid UTF-8)
    401: "UNAUTHENTICATED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    413: "PAYLOAD_TOO_LARGE",
}


class TenantNotFound(NotFound):
    code = "TENANT_NOT_FOUND"


def error_response(
    status_code: int,
    code: str,
    message: str,
    details: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """A response in the shared error shape, carrying the current request's correlation id."""
    body = {
        "error": {
            "code": code,
            "message": message,
            "details": dict(details or {}),
            "correlation_id": correlation_id_var.get(),
        }
    }
    return JSONResponse(body, status_code=status_code, headers=headers)


def internal_error_response() -> JSONResponse:
    return error_response(500, "INTERNAL", "internal error; quote the correlation id when reporting it")


def status_for(error: PakkaError) -> int | None:
    """The HTTP status of a domain error (the nearest mapped base class wins), None when it has none."""
    for cls in type(error).__mro__:
        if cls in STATUS_BY_ERROR:
            return STATUS_BY_ERROR[cls]
    return None


async def handle_pakka_error(request: Request, exc: PakkaError) -> JSONResponse:
    status_code = status_for(exc)
    if status_code is None:
        logger.error("unmapped domain error", exc_info=exc)
        return internal_error_response()
    if isinstance(exc, StoreUnavailable):
        logger.error("store unavailable: %s", exc.message, extra={"details": exc.details})
        return error_response(status_code, exc.code, "the store is unavailable; try again shortly")
    headers: dict[str, str] = {}
    if isinstance(exc, Unauthenticated):
        headers["WWW-Authenticate"] = "Bearer"
    if isinstance(exc, RetryLater):
        headers["Retry-After"] = str(exc.retry_after_s)
    return error_response(status_code, exc.code, exc.message, exc.details, headers=headers or None)


async def handle_validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = exc.errors()
    malformed = next((error for error in errors if error.get("type") == "json_invalid"), None)
    if malformed is not None:
        details = {"position": malformed["loc"][-1], "reason": malformed.get("ctx", {}).get("error")}
        return malformed_json(details)
    # Only location, message and type: `input` and `ctx` may hold the raw body or exception objects.
    field_errors = [
        {"loc": [str(part) for part in error["loc"]], "message": error["msg"], "type": error["type"]}
        for error in errors
    ]
    return error_response(422, "VALIDATION_ERROR", "request validation failed", {"errors": field_errors})


def malformed_json(details: Mapping[str, Any] | None = None) -> JSONResponse:
    """The one answer to a JSON body that cannot be decoded, whatever is wrong with it (syntax, encoding)."""
    return error_response(400, "MALFORMED_JSON", "request body is not valid JSON", details)


async def handle_http_error(request: Request, exc: HTTPException) -> JSONResponse:
    """Starlette's own HTTP errors: unknown route, method not allowed, and the like."""
    if exc.status_code == 400:
        return malformed_json()
    status = HTTPStatus(exc.status_code)
    code = CODE_BY_HTTP_STATUS.get(exc.status_code, status.name)
    # fastapi's HTTPException accepts any detail; a message is always text
    message = exc.detail if isinstance(exc.detail, str) else status.phrase
    return error_response(exc.status_code, code, message, headers=exc.headers)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(PakkaError, handle_pakka_error)
    app.add_exception_handler(RequestValidationError, handle_validation_error)
    app.add_exception_handler(HTTPException, handle_http_error)
