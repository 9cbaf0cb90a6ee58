"""The boto3 client and the translation of its faults into pakka errors.

botocore retries throttling and transient network errors itself (standard mode, jittered exponential
backoff); whatever is left after those retries is a backend fault and becomes `StoreUnavailable`.
Conditional-check failures are not faults: repositories catch them first and raise domain errors.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

import botocore.loaders
import botocore.session
from botocore.client import BaseClient
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from core.errors import InvalidInput, StoreUnavailable

CONDITIONAL_CHECK_FAILED = "ConditionalCheckFailedException"
TRANSACTION_CANCELED = "TransactionCanceledException"
TRANSACTION_CONFLICT = "TransactionConflictException"
MAX_POOL_CONNECTIONS = 50
"""HTTP connections kept per client: one store serves every request thread (FastAPI's pool has 40)."""


class TransactionContended(StoreUnavailable):
    """Another transaction held an item we wrote; retried with backoff, a 503 once retries run out."""


def open_client(
    endpoint_url: str | None,
    region: str,
    *,
    max_attempts: int,
    connect_timeout: float,
    read_timeout: float,
) -> BaseClient:
    """A DynamoDB client with standard-mode retries and short timeouts (a dead endpoint fails fast)."""
    config = Config(
        region_name=region,
        retries={"mode": "standard", "total_max_attempts": max_attempts},
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
        max_pool_connections=MAX_POOL_CONNECTIONS,
    )
    session = botocore.session.Session()
    session.register_component("data_loader", _service_models())
    return session.create_client("dynamodb", endpoint_url=endpoint_url, config=config)


@cache
def _service_models() -> botocore.loaders.Loader:
    """botocore's bundled JSON (endpoints, the DynamoDB model), parsed once per process: a fresh session
    re-parses about a megabyte of it, a third of a second that every store opened would otherwise pay."""
    return botocore.loaders.create_loader()


def error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


@contextmanager
def backend_faults(operation: str) -> Iterator[None]:
    """Turn botocore exceptions escaping the block into `StoreUnavailable` (or `InvalidInput` for an item
    over DynamoDB's 400 KB limit, which only oversized input can cause)."""
    try:
        yield
    except ClientError as error:
        code = error_code(error)
        message = str(error.response.get("Error", {}).get("Message", ""))
        details = {"operation": operation, "code": code}
        if code == "ValidationException" and "exceeded the maximum allowed size" in message:
            raise InvalidInput("record too large to store", details) from error
        if code == TRANSACTION_CONFLICT:
            raise TransactionContended(f"DynamoDB {operation} met a transaction", details) from error
        raise StoreUnavailable(f"DynamoDB {operation} failed: {code}", details) from error
    except BotoCoreError as error:
        raise StoreUnavailable(
            f"DynamoDB {operation} failed: {type(error).__name__}", {"operation": operation}
        ) from error
