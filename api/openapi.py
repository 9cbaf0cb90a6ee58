"""The OpenAPI document tells the truth about every answer: FastAPI's generated document, completed once.

- Every error response is the shared error shape (`Error`), including 422 (FastAPI would describe its own).
- Every route documents 401 (credential missing, invalid, expired or revoked), 403 (role, another shopper,
  TENANT_MISMATCH), 429 (RATE_LIMITED, with Retry-After), 404 TENANT_NOT_FOUND, and, when it takes a JSON
  body, 400 MALFORMED_JSON and 413 PAYLOAD_TOO_LARGE.
- Security: bearer tokens and API keys (api/auth.py); public routes also take no credential at all.
- An optional query or header parameter is left out, never `null`; the order body's payment methods are the
  running app's.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from api.auth import Access, api_routes, route_access
from core.commerce.payments import default_gateway

ERROR_SCHEMA: dict[str, Any] = {
    "title": "Error",
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "details", "correlation_id"],
            "properties": {
                "code": {"type": "string", "examples": ["VALIDATION_ERROR"]},
                "message": {"type": "string"},
                "details": {"type": "object", "additionalProperties": True},
                "correlation_id": {"type": "string"},
            },
        }
    },
}
ERROR_REF = {"$ref": "#/components/schemas/Error"}
RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds until the bucket has a token again.",
        "schema": {"type": "integer"},
    }
}
COMMON: dict[str, str] = {
    "401": "UNAUTHENTICATED (no credential where the route needs one), INVALID_TOKEN, TOKEN_EXPIRED, "
    "SESSION_ENDED or INVALID_API_KEY.",
    "404": "TENANT_NOT_FOUND: the tenant does not exist.",
    "429": "RATE_LIMITED: too many requests for this caller; Retry-After says when to try again.",
}
FORBIDDEN: dict[Access, str] = {
    Access.PUBLIC: "TENANT_MISMATCH: X-Tenant-ID names another tenant than the credential's.",
    Access.SHOPPER: "FORBIDDEN: a merchant, or a shopper naming another user; TENANT_MISMATCH.",
    Access.ORDERS: "FORBIDDEN: a shopper naming another user; TENANT_MISMATCH.",
    Access.MERCHANT: "FORBIDDEN: not a merchant (or admin) of this tenant; TENANT_MISMATCH.",
}
WITH_JSON_BODY: dict[str, str] = {
    "400": "MALFORMED_JSON: the body is not valid JSON (whatever is wrong with it).",
    "413": "PAYLOAD_TOO_LARGE: the body is larger than the route allows.",
}
ANY_CREDENTIAL = [{"HTTPBearer": []}, {"APIKeyHeader": []}]


def install_openapi(app: FastAPI) -> None:
    """Replace `app.openapi` with one that completes FastAPI's document (built once, then cached)."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = complete(generate(), app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def complete(schema: dict[str, Any], app: FastAPI) -> dict[str, Any]:
    schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    schemas = schema["components"]["schemas"]
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    for route in api_routes(app.routes):
        if not route.include_in_schema:
            continue
        [access] = route_access(route)
        for method in route.methods:
            operation = schema["paths"].get(route.path_format, {}).get(method.lower())
            if operation is not None:
                _document(operation, access)
                _no_null_parameters(operation)
    _list_payment_methods(schemas, app)
    return schema


def _no_null_parameters(operation: dict[str, Any]) -> None:
    """A query string or a header cannot say `null`: an optional one is left out. FastAPI describes a
    `str | None` parameter as `anyOf: [string, null]`, which tells a client that `null` may be sent (it would
    arrive as the text "null", or the header would be dropped); keep only the non-null schema."""
    for parameter in operation.get("parameters", []):
        schema = parameter.get("schema", {})
        choices = schema.get("anyOf")
        if not choices or {"type": "null"} not in choices:
            continue
        rest = [choice for choice in choices if choice != {"type": "null"}]
        del schema["anyOf"]
        if schema.get("default", ...) is None:
            del schema["default"]
        if len(rest) == 1:
            schema.update(rest[0])
        else:
            schema["anyOf"] = rest


def _list_payment_methods(schemas: dict[str, Any], app: FastAPI) -> None:
    """The order body's payment methods are the running app's gateway's (another one is 422 INVALID_INPUT)."""
    order_body = schemas.get("PlaceOrderBody", {}).get("properties", {})
    services = getattr(app.state, "services", None)
    gateway = services.payments if services is not None else default_gateway()
    if "payment_method" in order_body:
        order_body["payment_method"]["enum"] = gateway.methods()


def _document(operation: dict[str, Any], access: Access) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    wanted = dict(COMMON) | {"403": FORBIDDEN[access]}
    body = operation.get("requestBody", {}).get("content", {})
    if "application/json" in body:
        wanted |= WITH_JSON_BODY
    elif body:
        wanted["413"] = WITH_JSON_BODY["413"]
    for status, description in wanted.items():
        existing = responses.setdefault(status, {"description": description})
        if description not in existing.get("description", ""):
            existing["description"] = f"{existing['description']} Or {description}"
    if "422" in responses:
        responses["422"]["description"] = responses["422"].get("description", "") or "Validation error."
    for status, response in responses.items():
        if status[0] in "45":
            response["content"] = {"application/json": {"schema": ERROR_REF}}
    responses["429"]["headers"] = RETRY_AFTER
    operation["security"] = [{}, *ANY_CREDENTIAL] if access is Access.PUBLIC else ANY_CREDENTIAL
