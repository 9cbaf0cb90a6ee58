"""POST /v1/pricing/import: a merchant's Mercari or thredUP sales file, uploaded and loaded as sales history.

The file is read whole before anything is written (domain/pricing/uploads.py, with the importers' rules: the
same columns, skip reasons, listing ids and synthetic times as `pakka pricing import`): a file that is empty,
not UTF-8 or not in the format named is refused with 422, and one over IMPORT_BODY_MAX_BYTES with 413. Its
sales then go through the events route's batch path (`apply_batch` on the app's event service, a sale's
listed and sold events in the same batch), so idempotency is the events': a file sent again answers its
sales as `already`, and a listing the history held before the file counts as already there, as the command
says. A sale whose sold event the listing's state refuses is kept as a dead letter (the async path's shape),
to read and replay on the dead-letters routes.

The answer is the counts, in one JSON body, rather than a stream of progress: the route mirrors the events
route's batch answer; the size limit keeps an import to seconds; and every failure keeps an HTTP status in the
error shape (a store fault midway is a 503, and sending the file again finishes the import), which a stream
that has started cannot give.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from api.auth import MERCHANT
from api.deps import ServicesDep, TenantDep
from api.multipart import memory_form
from api.routes.pricing_events import MAX_BATCH, EventResult, apply_batch
from core.errors import InvalidInput
from core.storage.repositories import SalesHistoryRepository
from domain.pricing.events import PricingEventService
from domain.pricing.importers import ImportFormat
from domain.pricing.uploads import SalesUpload, read_upload
from domain.pricing.worker import REPLAY_LIMIT, dead_letter

router = APIRouter(prefix="/v1/pricing", tags=["pricing"])

IMPORT_BODY_MAX_BYTES = 2 * 1024 * 1024
"""The request-size limit of the import route (the app's body-size middleware applies it): about 9,000 Mercari
rows. The 3,037-row Mercari dev file (0.7 MB) imports in about 6 s on two busy laptop cores, so a file at the
limit answers well within a minute; a larger history is for `pakka pricing import`, or several files."""
EVENTS_PER_BATCH = MAX_BATCH - MAX_BATCH % 2
"""A sale is two events side by side (listed, sold): an even batch never splits one."""

Verdict = Literal["imported", "already", "dead_lettered"]


class ImportResult(BaseModel):
    format: ImportFormat
    read: int = Field(description="Data rows in the file.")
    imported: int = Field(description="Sales stored now, each as a product.listed and a product.sold event.")
    already: int = Field(description="Sales the history already held: sending a file again adds nothing.")
    skipped: int = Field(description="Rows that cannot become a listing (no title, zero price...).")
    dead_lettered: int = Field(
        description="Sales whose event the listing's state refused: kept in GET /v1/pricing/dead-letters "
        "with the reason, to replay."
    )
    reasons: dict[str, int] = Field(description="Why rows were skipped, with how many each.")


MERCARI_EXAMPLE = (
    "train_id\tname\titem_condition_id\tcategory_name\tbrand_name\tprice\tshipping\titem_description\n"
    "910001\tLevi's 511 slim jeans\t2\tMen/Jeans/Slim\tLevi's\t24\t1\tWorn twice, no fading\n"
    "910002\tNike Air Max 90 white\t3\tMen/Shoes/Athletic\tNike\t58\t0\tNo description yet\n"
)
UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "The sales file as the multipart part `file`: UTF-8 text, the first line naming the "
        f"columns; the whole request (the file and its multipart envelope) at most "
        f"{IMPORT_BODY_MAX_BYTES // (1024 * 1024)} MiB.",
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "Mercari: tab-separated (train_id, name, item_condition_id, "
                            "category_name, brand_name, price...). thredUP: comma-separated (id, title, "
                            "brand, category, category_tags, gender, price...).",
                        }
                    },
                },
                "examples": {
                    "mercari": {
                        "summary": "Two Mercari sales (format=mercari)",
                        "value": {"file": MERCARI_EXAMPLE},
                    }
                },
            }
        },
    }
}
RESULT_EXAMPLE = {
    "format": "mercari",
    "read": 3,
    "imported": 2,
    "already": 0,
    "skipped": 1,
    "dead_lettered": 0,
    "reasons": {"price is zero or negative": 1},
}


async def read_file_part(request: Request) -> bytes:
    """The bytes of the form's `file` part; 422 INVALID_INPUT when the body is not such a form."""
    async with memory_form(
        request,
        part="file",
        what="the sales file",
        max_bytes=IMPORT_BODY_MAX_BYTES,
        max_files=1,
        max_fields=10,
    ) as form:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise InvalidInput("the form has no `file` part", {"field": "file"})
        return await upload.read()


def verdict(listed: EventResult, sold: EventResult) -> Verdict:
    """What became of a sale: its sale stored now, already there (its events seen before, or its listing in
    the history before the file, as `pakka pricing import` counts it), or refused by the listing's state."""
    if sold.outcome is not None:
        return "already" if sold.outcome.duplicate else "imported"
    if listed.error is not None:  # product.listed is refused only when the listing exists
        return "already"
    return "dead_lettered"


def ingest(
    service: PricingEventService, sales: SalesHistoryRepository, tenant_id: str, upload: SalesUpload
) -> dict[Verdict, int]:
    """Apply the file's sales in event batches, in file order; keep each refused sale as a dead letter."""
    counts: dict[Verdict, int] = {"imported": 0, "already": 0, "dead_lettered": 0}
    lettered: set[str] | None = None  # event ids already kept as letters, read at the first refusal
    events = upload.events(tenant_id)
    for start in range(0, len(events), EVENTS_PER_BATCH):
        batch = events[start : start + EVENTS_PER_BATCH]
        results = apply_batch(service, batch).results
        for index in range(0, len(batch), 2):
            listed, sold = results[index], results[index + 1]
            outcome = verdict(listed, sold)
            if outcome == "dead_lettered" and sold.error is not None:
                if lettered is None:
                    lettered = {
                        letter.event_id
                        for letter in sales.list_dead_letters(tenant_id, limit=REPLAY_LIMIT)
                        if letter.event_id
                    }
                event_id = batch[index + 1].event_id
                if event_id in lettered:
                    outcome = "already"  # a file sent again: its refused sale is kept once
                else:
                    error = sold.error
                    payload = batch[index + 1].model_dump(mode="json")
                    sales.record_dead_letter(
                        dead_letter(tenant_id, payload, error.code, error.message, error.details)
                    )
                    lettered.add(event_id)
            counts[outcome] += 1
    return counts


@router.post(
    "/import",
    dependencies=[MERCHANT],
    openapi_extra=UPLOAD_BODY,
    responses={
        200: {"content": {"application/json": {"example": RESULT_EXAMPLE}}},
        413: {"description": "PAYLOAD_TOO_LARGE: the file is larger than the route allows."},
        422: {
            "description": "EMPTY_SALES_FILE (no rows), SALES_FILE_NOT_UTF8, WRONG_SALES_FORMAT (the header "
            "lacks the format's columns: `details.missing_columns`), INVALID_INPUT (no `file` part), "
            "VALIDATION_ERROR (an unknown format). Nothing is written."
        },
        503: {
            "description": "STORE_UNAVAILABLE: the sales stored before the fault stay; send the file again."
        },
    },
)
async def import_sales(
    request: Request,
    services: ServicesDep,
    tenant_id: TenantDep,
    file_format: Annotated[
        ImportFormat,
        Query(alias="format", description="The file's layout, as `pakka pricing import --format` names it."),
    ],
) -> ImportResult:
    """Load a Mercari or thredUP sales file into the tenant's sales history: each usable row becomes a
    product.listed and a product.sold event, applied like a batch of POST /v1/pricing/events. Answers with
    how many rows were read, imported, already there, skipped (with why) and dead-lettered."""
    data = await read_file_part(request)
    upload = await run_in_threadpool(read_upload, data, file_format)
    service = services.running_pricing().service
    counts = await run_in_threadpool(ingest, service, services.store.sales, tenant_id, upload)
    report = upload.report
    return ImportResult(
        format=file_format, read=report.read, skipped=report.skipped, reasons=dict(report.reasons), **counts
    )
