"""The opensearch-py client and the translation of its faults into pakka errors.

The transport retries timeouts and 502/503/504 itself; what is left after those retries is a backend
fault and becomes `StoreUnavailable`. A 400 is never transient: the cluster rejected the request we
built (a missing k-NN plugin, a mapping or vector-dimension mismatch), so it becomes
`SearchBackendRejected` carrying OpenSearch's own error type and reason.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from opensearchpy import OpenSearch
from opensearchpy.exceptions import ConnectionError as OpenSearchConnectionError
from opensearchpy.exceptions import TransportError
from opensearchpy.helpers.errors import BulkIndexError

from core.errors import PakkaError, StoreUnavailable

RETRIED_STATUSES = (502, 503, 504)


class SearchBackendRejected(PakkaError):
    """OpenSearch refused a request as invalid: the index or cluster does not match what pakka expects."""

    code = "SEARCH_BACKEND_REJECTED"


def open_client(url: str, *, timeout_s: float = 10.0, max_retries: int = 2) -> OpenSearch:
    """A client for one cluster URL (credentials may sit in the URL); timeouts and 502-504 are retried."""
    return OpenSearch(
        hosts=[url],
        timeout=timeout_s,
        max_retries=max_retries,
        retry_on_timeout=True,
        retry_on_status=RETRIED_STATUSES,
    )


def error_summary(body: object) -> tuple[str, str]:
    """OpenSearch's (error type, reason) from an error body, preferring the root cause."""
    if not isinstance(body, Mapping):
        return "", str(body or "")
    error = body.get("error", body)
    if not isinstance(error, Mapping):
        return str(error), ""
    root_causes = error.get("root_cause") or []
    cause = root_causes[0] if root_causes and isinstance(root_causes[0], Mapping) else error
    return str(cause.get("type", "")), str(cause.get("reason", ""))


def fault_for_status(operation: str, status: object, body: object) -> PakkaError:
    """The pakka error for an OpenSearch answer with this HTTP status and error body."""
    error_type, reason = error_summary(body)
    details = {"operation": operation, "status": status, "type": error_type, "reason": reason}
    if status == 400:
        return SearchBackendRejected(f"OpenSearch rejected {operation}: {error_type}: {reason}", details)
    return StoreUnavailable(f"OpenSearch {operation} failed: {status} {error_type}".rstrip(), details)


def bulk_fault(operation: str, failures: list[dict[str, Any]]) -> PakkaError:
    """One error for failed bulk items (`{op: item}` each): rejected if any item was invalid, else a fault."""
    items: list[dict[str, Any]] = [next(iter(entry.values())) for entry in failures]
    invalid = [item for item in items if item.get("status") == 400]
    first = (invalid or items)[0]
    fault = fault_for_status(operation, first.get("status"), {"error": first.get("error", {})})
    fault.details["failed_items"] = len(items)
    return fault


@contextmanager
def backend_faults(operation: str) -> Iterator[None]:
    """Turn opensearch-py exceptions escaping the block into `StoreUnavailable` or `SearchBackendRejected`."""
    try:
        yield
    except BulkIndexError as error:
        raise bulk_fault(operation, error.errors) from error
    except OpenSearchConnectionError as error:
        raise StoreUnavailable(
            f"OpenSearch {operation} failed: cannot reach the cluster ({type(error).__name__})",
            {"operation": operation},
        ) from error
    except TransportError as error:
        raise fault_for_status(operation, error.status_code, error.info) from error
