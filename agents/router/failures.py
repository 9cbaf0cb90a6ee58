"""How a tier failed decides what the router does next.

- RETRYABLE (throttling, 5xx, timeouts, dropped connections): retry the tier with backoff; counts
  against its circuit breaker once retries run out.
- TIER_DOWN (access denied, model not available, no credentials, unexpected crashes): next tier at once;
  counts against the breaker.
- REQUEST (validation, context overflow, output the schema rejects): next tier at once; the tier
  itself is healthy, so the breaker is not charged.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    HTTPClientError,
    NoCredentialsError,
    ParamValidationError,
    PartialCredentialsError,
)
from botocore.exceptions import (
    ConnectionError as BotoConnectionError,
)
from langchain_core.exceptions import ContextOverflowError

from core.errors import PakkaError

RETRYABLE_CODES = frozenset(
    code.lower()
    for code in (
        "ThrottlingException",
        "TooManyRequestsException",
        "ModelTimeoutException",
        "ServiceUnavailableException",
        "ServiceUnavailable",
        "InternalServerException",
        "InternalFailure",
        "ModelNotReadyException",
        "ModelStreamErrorException",
        "RequestTimeout",
        "RequestTimeoutException",
    )
)
REQUEST_CODES = frozenset(code.lower() for code in ("ValidationException", "SerializationException"))


class FailureKind(StrEnum):
    RETRYABLE = "retryable"
    TIER_DOWN = "tier_down"
    REQUEST = "request"


class TierTimeout(TimeoutError):
    """A tier did not answer (or send its first token) within its timeout."""


class AllTiersFailed(PakkaError):
    """Every tier failed or was skipped; `details["attempts"]` says what happened at each."""

    code = "MODEL_UNAVAILABLE"


class ModelStreamInterrupted(PakkaError):
    """A tier failed after its first token: the streamed text stands, no other tier continues it."""

    code = "MODEL_STREAM_INTERRUPTED"


def error_name(error: BaseException) -> str:
    """A stable label: the AWS error code for service errors, otherwise the exception class name."""
    if isinstance(error, ClientError):
        code = str(error.response.get("Error", {}).get("Code") or "")
        if code:
            return code[0].upper() + code[1:]
    return type(error).__name__


def _status(error: ClientError) -> int:
    metadata: dict[str, Any] = error.response.get("ResponseMetadata") or {}
    return int(metadata.get("HTTPStatusCode") or 0)


def classify(error: BaseException) -> FailureKind:
    if isinstance(error, ContextOverflowError | ParamValidationError):
        return FailureKind.REQUEST
    if isinstance(error, ClientError):
        code = error_name(error).lower()
        if code in RETRYABLE_CODES or _status(error) >= 500 or _status(error) == 429:
            return FailureKind.RETRYABLE
        if code in REQUEST_CODES:
            return FailureKind.REQUEST
        return FailureKind.TIER_DOWN
    if isinstance(error, NoCredentialsError | PartialCredentialsError):
        return FailureKind.TIER_DOWN
    if isinstance(error, TimeoutError | ConnectionError | BotoConnectionError | HTTPClientError):
        return FailureKind.RETRYABLE
    if isinstance(error, BotoCoreError):
        return FailureKind.TIER_DOWN
    if isinstance(error, ValueError | TypeError):
        return FailureKind.REQUEST
    return FailureKind.TIER_DOWN
