"""Multi-request operations: paginated queries, batches with unprocessed leftovers, transactions."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from botocore.client import BaseClient
from botocore.exceptions import ClientError
from tenacity import (
    RetryError,
    Retrying,
    retry,
    retry_if_exception_type,
    retry_if_result,
    stop_after_attempt,
    wait_random_exponential,
)

from core.errors import StoreUnavailable
from core.storage.dynamodb.client import (
    TRANSACTION_CANCELED,
    TransactionContended,
    backend_faults,
    error_code,
)
from core.storage.dynamodb.codec import Item

BATCH_WRITE_LIMIT = 25
BATCH_GET_LIMIT = 100
TRANSACTION_LIMIT = 100
LEFTOVER_ATTEMPTS = 8
TRANSACTION_ATTEMPTS = 5
CONDITION_FAILED = "ConditionalCheckFailed"
CONTENTION_REASONS = frozenset({"TransactionConflict", "ThrottlingError"})


def query(client: BaseClient, operation: str, **request: Any) -> Iterator[Item]:
    """Every item a Query returns, following LastEvaluatedKey across pages."""
    with backend_faults(operation):
        for page in client.get_paginator("query").paginate(**request):
            yield from page.get("Items", [])


def count(client: BaseClient, operation: str, **request: Any) -> int:
    """How many items a Query matches, summed over pages."""
    with backend_faults(operation):
        pages = client.get_paginator("query").paginate(Select="COUNT", **request)
        return sum(int(page.get("Count", 0)) for page in pages)


def scan(client: BaseClient, operation: str, **request: Any) -> Iterator[Item]:
    with backend_faults(operation):
        for page in client.get_paginator("scan").paginate(**request):
            yield from page.get("Items", [])


def _chunks(entries: Sequence[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(entries), size):
        yield list(entries[start : start + size])


def _until_nothing_left(operation: str, send: Callable[[], dict[str, Any]]) -> None:
    """Call `send` (which returns what DynamoDB left unprocessed) with jittered backoff until it returns
    nothing; leftovers after the last attempt mean the table is overloaded."""
    retrying = Retrying(
        retry=retry_if_result(bool),
        stop=stop_after_attempt(LEFTOVER_ATTEMPTS),
        wait=wait_random_exponential(multiplier=0.05, max=2),
    )
    try:
        retrying(send)
    except RetryError as error:
        details = {"operation": operation}
        raise StoreUnavailable(f"DynamoDB {operation} left items unprocessed", details) from error


def batch_write(client: BaseClient, operation: str, table: str, requests: Sequence[dict[str, Any]]) -> None:
    """Send PutRequest/DeleteRequest entries in batches of 25, re-sending unprocessed ones with backoff.
    Entries must have distinct keys (DynamoDB rejects a batch touching one item twice)."""
    for chunk in _chunks(requests, BATCH_WRITE_LIMIT):
        pending: dict[str, Any] = {table: chunk}

        def send() -> dict[str, Any]:
            nonlocal pending
            with backend_faults(operation):
                pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems", {})
            return pending

        _until_nothing_left(operation, send)


def batch_get(client: BaseClient, operation: str, table: str, keys: Sequence[Item]) -> list[Item]:
    """Strongly consistent reads of distinct keys, 100 per request; missing keys are left out."""
    found: list[Item] = []
    for chunk in _chunks(keys, BATCH_GET_LIMIT):
        pending: dict[str, Any] = {table: {"Keys": chunk, "ConsistentRead": True}}

        def send() -> dict[str, Any]:
            nonlocal pending
            with backend_faults(operation):
                response = client.batch_get_item(RequestItems=pending)
            found.extend(response.get("Responses", {}).get(table, []))
            pending = response.get("UnprocessedKeys", {})
            return pending

        _until_nothing_left(operation, send)
    return found


@dataclass(frozen=True)
class CancellationReason:
    """Why one operation of a cancelled transaction failed; `item` is the stored item (ALL_OLD) if any."""

    code: str
    item: Item | None

    @property
    def condition_failed(self) -> bool:
        return self.code == CONDITION_FAILED


class TransactionCancelled(Exception):
    """A transaction's condition failed; `reasons` line up with the transaction's operations.
    Internal: repositories turn it into a domain error."""

    def __init__(self, reasons: list[CancellationReason]) -> None:
        super().__init__(", ".join(reason.code for reason in reasons))
        self.reasons = reasons


@retry(
    retry=retry_if_exception_type(TransactionContended),
    stop=stop_after_attempt(TRANSACTION_ATTEMPTS),
    wait=wait_random_exponential(multiplier=0.02, max=0.5),
    reraise=True,
)
def transact_write(client: BaseClient, operation: str, items: list[dict[str, Any]]) -> None:
    """Run TransactWriteItems. A failed condition raises TransactionCancelled; a conflict with another
    transaction (or throttling) is retried with jittered backoff and ends as TransactionContended (503)."""
    with backend_faults(operation):
        try:
            client.transact_write_items(TransactItems=items)
        except ClientError as error:
            if error_code(error) != TRANSACTION_CANCELED:
                raise
            reasons = [
                CancellationReason(
                    code=str(reason.get("Code", "None")),
                    item=reason.get("Item") or None,
                )
                for reason in error.response.get("CancellationReasons", [])
            ]
            if any(reason.condition_failed for reason in reasons):
                raise TransactionCancelled(reasons) from None
            if any(reason.code in CONTENTION_REASONS for reason in reasons):
                raise TransactionContended(
                    f"DynamoDB {operation} conflicted with another transaction", {"operation": operation}
                ) from error
            raise
