"""Bulk-loads resale history files into a tenant's sales history as `product.listed` + `product.sold` events.

Formats (see ../shared/data/*/SOURCE.txt):
- mercari: the Kaggle Mercari Price Suggestion TSV (train_id, name, item_condition_id, category_name,
  brand_name, price, shipping, item_description). `price` is the sold price in USD and stays in USD.
  Conditions map 1 new, 2 like new, 3 good, 4 fair, 5 poor. "No description yet" means no description.
- thredup: the flattened thredUP listing CSV (id, title, brand, category, category_tags, department, colors,
  materials, size_label, msrp, price, new_with_tags, photo_ids, gender...). `price` is thredUP's resale price
  (USD), loaded as the sale price. thredUP grades no condition beyond new-with-tags, so NWT items are `new`
  and every other item `good`. The category is "{gender}/{broadest tag}/{category}" ("women/tops/blouse");
  size, colours, materials and the retail price (msrp) go into the description. photo_ids are not URLs, so
  no photos are loaded.

Neither file has dates, so both timestamps are synthetic but deterministic: a SHA-256 of the listing id picks
the sale moment, to the minute, within the `SPREAD` (365 days) before the `anchor` (default 2025-01-01 UTC),
and a listing time 1 to 30 days before the sale. The same file always gives the same history, whatever the
row order, and sales fall in every month, so seasonal statistics have data to learn from.

Rows that cannot become a valid listing (zero price, missing title...) are skipped and counted by reason; a
listing already in the history is skipped as "already imported", so importing a file twice adds nothing.

Speed: sales are written through the event service without per-event follow-ups (no index announcement,
no embedding) in batches of BATCH rows, about a millisecond and a half per sale on SQLite, so 3k sales take a
few seconds and 100k a few minutes (evals/benchmarks/pricing.py measures it). Embedding is opt-in
(`embedder`): the bundled MiniLM runs in numpy at a few dozen texts per second on a laptop CPU, which would
make embedding, not writing, the whole cost of an import; comparables read lexical similarity without it.
`progress` hears how many rows have been read after every batch.
"""

from __future__ import annotations

import csv
import hashlib
import itertools
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path
from typing import TextIO

import numpy
from pydantic import ValidationError

from core.records.sales import ListingCondition, ListingFields, PricingEvent, PricingEventType
from core.schemas import Tenant
from core.storage.repositories import Store
from domain.pricing.events import PricingEventService, listing_text
from knowledge.embeddings import Embedder

DEFAULT_ANCHOR = datetime(2025, 1, 1, tzinfo=UTC)
SPREAD = timedelta(days=365)
MAX_DAYS_LISTED = 30
BATCH = 256
UNCATEGORISED = "uncategorised"

MERCARI_CONDITIONS = {
    "1": ListingCondition.NEW,
    "2": ListingCondition.LIKE_NEW,
    "3": ListingCondition.GOOD,
    "4": ListingCondition.FAIR,
    "5": ListingCondition.POOR,
}
MERCARI_NO_DESCRIPTION = "No description yet"
MERCARI_COLUMNS = frozenset({"train_id", "name", "item_condition_id", "category_name", "brand_name", "price"})
THREDUP_COLUMNS = frozenset({"id", "title", "brand", "category", "category_tags", "gender", "price"})


class ImportFormat(StrEnum):
    MERCARI = "mercari"
    THREDUP = "thredup"


class RowSkipped(Exception):
    """A row that cannot become a listing; the message is the reason it is counted under."""


class MissingColumns(ValueError):
    """The file's header lacks columns the format needs: it is not a file of that format."""

    def __init__(self, file_format: ImportFormat, missing: set[str]) -> None:
        self.missing = sorted(missing)
        super().__init__(f"not a {file_format.value} file: missing columns {self.missing}")


@dataclass(frozen=True)
class HistoricSale:
    listing_id: str
    fields: ListingFields


@dataclass
class ImportReport:
    read: int = 0
    imported: int = 0
    embedded: int = 0
    skipped: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0

    def skip(self, reason: str) -> None:
        self.skipped += 1
        self.reasons[reason] += 1

    @property
    def per_second(self) -> float:
        return self.imported / self.seconds if self.seconds > 0 else 0.0

    def as_dict(self) -> dict[str, object]:
        return {
            "read": self.read,
            "imported": self.imported,
            "embedded": self.embedded,
            "skipped": self.skipped,
            "reasons": dict(self.reasons),
            "seconds": round(self.seconds, 3),
            "sales_per_second": round(self.per_second, 1),
        }


Progress = Callable[[int], None]
"""Told the number of rows read so far, after every batch."""


def count_rows(path: Path, file_format: ImportFormat) -> int:
    """How many data rows the file holds (a quick pass, for a progress bar's total)."""
    _, delimiter, _ = READERS[file_format]
    with path.open(newline="", encoding="utf-8") as stream:
        return max(sum(1 for _ in csv.reader(stream, delimiter=delimiter)) - 1, 0)


def synthetic_times(listing_id: str, anchor: datetime) -> tuple[datetime, datetime]:
    """(listed_at, sold_at) derived from the listing id alone, as the module docstring describes."""
    digest = int.from_bytes(hashlib.sha256(listing_id.encode()).digest()[:8], "big")
    spread_minutes = int(SPREAD.total_seconds() // 60)
    sold_at = anchor - timedelta(minutes=digest % spread_minutes)
    days_listed = 1 + (digest // spread_minutes) % MAX_DAYS_LISTED
    return sold_at - timedelta(days=days_listed), sold_at


def _price(text: str) -> Decimal:
    try:
        price = Decimal(text.strip()).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise RowSkipped("price is not a number") from None
    if not price.is_finite():  # "nan", "snan": a Decimal, but compared with nothing
        raise RowSkipped("price is not a number")
    if price <= 0:
        raise RowSkipped("price is zero or negative")
    return price


def _fields(**values: object) -> ListingFields:
    try:
        return ListingFields.model_validate(values)
    except ValidationError as error:
        first = error.errors(include_url=False, include_input=False)[0]
        raise RowSkipped(f"{'.'.join(str(part) for part in first['loc'])}: {first['msg']}") from None


def mercari_sale(row: dict[str, str]) -> HistoricSale:
    condition = MERCARI_CONDITIONS.get(row["item_condition_id"].strip())
    if condition is None:
        raise RowSkipped("unknown item_condition_id")
    description = (row.get("item_description") or "").strip()
    return HistoricSale(
        listing_id=f"mercari-{row['train_id'].strip()}",
        fields=_fields(
            title=row["name"].strip(),
            description="" if description == MERCARI_NO_DESCRIPTION else description,
            category=row["category_name"].strip() or UNCATEGORISED,
            brand=row["brand_name"].strip() or None,
            condition=condition,
            price=_price(row["price"]),
            currency="USD",
        ),
    )


def thredup_sale(row: dict[str, str]) -> HistoricSale:
    tags = [tag for tag in row["category_tags"].split("|") if tag.strip()]
    category = "/".join(
        part for part in (row["gender"], tags[-1] if tags else "", row["category"]) if part.strip()
    )
    details = [
        row.get("size_label", ""),
        row.get("colors", "").replace("|", ", "),
        row.get("materials", "").replace("|", ", "),
    ]
    msrp = (row.get("msrp") or "").strip()
    if msrp:
        details.append(f"Retail ${msrp}")
    nwt = (row.get("new_with_tags") or "").strip().lower() == "true"
    return HistoricSale(
        listing_id=f"thredup-{row['id'].strip()}",
        fields=_fields(
            title=row["title"].strip(),
            description=". ".join(detail.strip() for detail in details if detail.strip()),
            category=category or UNCATEGORISED,
            brand=row["brand"].strip() or None,
            condition=ListingCondition.NEW if nwt else ListingCondition.GOOD,
            price=_price(row["price"]),
            currency="USD",
        ),
    )


READERS = {
    ImportFormat.MERCARI: (mercari_sale, "\t", MERCARI_COLUMNS),
    ImportFormat.THREDUP: (thredup_sale, ",", THREDUP_COLUMNS),
}


MAX_FIELD_CHARS = 131_072
"""The longest cell a sales file may hold (the csv module's default limit): a longer one is a broken file."""


def read_sales(stream: TextIO, file_format: ImportFormat, report: ImportReport) -> Iterator[HistoricSale]:
    """The file's rows as sales; unusable rows are counted in `report` and left out."""
    to_sale, delimiter, required = READERS[file_format]
    reader = csv.DictReader(stream, delimiter=delimiter)
    missing = required - set(reader.fieldnames or ())
    if missing:
        raise MissingColumns(file_format, missing)
    for row in reader:
        if any(len(value) > MAX_FIELD_CHARS for value in row.values() if isinstance(value, str)):
            # The csv module's own limit is process-wide and raised by the Flipkart loader: this one is ours.
            raise csv.Error(f"field larger than field limit ({MAX_FIELD_CHARS})")
        report.read += 1
        try:
            yield to_sale({name: value or "" for name, value in row.items() if name is not None})
        except RowSkipped as skipped:
            report.skip(str(skipped))


def sale_events(tenant_id: str, sale: HistoricSale, anchor: datetime) -> tuple[PricingEvent, PricingEvent]:
    listed_at, sold_at = synthetic_times(sale.listing_id, anchor)
    common = {"tenant_id": tenant_id, "listing_id": sale.listing_id, "product": sale.fields}
    return (
        PricingEvent(
            event_id=f"import-{sale.listing_id}-listed",
            type=PricingEventType.LISTED,
            occurred_at=listed_at,
            **common,
        ),
        PricingEvent(
            event_id=f"import-{sale.listing_id}-sold",
            type=PricingEventType.SOLD,
            occurred_at=sold_at,
            **common,
        ),
    )


def import_history(
    store: Store,
    path: Path,
    file_format: ImportFormat,
    tenant_id: str,
    *,
    embedder: Embedder | None = None,
    limit: int | None = None,
    anchor: datetime = DEFAULT_ANCHOR,
    progress: Progress | None = None,
) -> ImportReport:
    """Load `path` into `tenant_id` (created when missing), BATCH rows at a time, embedding each batch of
    listings when an embedder is given."""
    started = time.perf_counter()
    if store.tenants.get(tenant_id) is None:
        store.tenants.put(Tenant(id=tenant_id, name=tenant_id))
    service = PricingEventService(store.sales)
    report = ImportReport()
    with path.open(newline="", encoding="utf-8") as stream:
        sales = itertools.islice(read_sales(stream, file_format, report), limit)
        while batch := list(itertools.islice(sales, BATCH)):
            loaded = [sale for sale in batch if _load(service, store, tenant_id, sale, anchor, report)]
            if embedder is not None and loaded:
                report.embedded += _embed(store, tenant_id, embedder, loaded)
            if progress is not None:
                progress(report.read)
    report.seconds = time.perf_counter() - started
    return report


def _load(
    service: PricingEventService,
    store: Store,
    tenant_id: str,
    sale: HistoricSale,
    anchor: datetime,
    report: ImportReport,
) -> bool:
    if store.sales.get_listing(tenant_id, sale.listing_id) is not None:
        report.skip("already imported")
        return False
    for event in sale_events(tenant_id, sale, anchor):
        service.record(event)  # no follow-ups: nothing listens, and embedding is per batch
    report.imported += 1
    return True


def _embed(store: Store, tenant_id: str, embedder: Embedder, sales: list[HistoricSale]) -> int:
    vectors = numpy.asarray(
        embedder.embed([listing_text(sale.fields) for sale in sales]), dtype=numpy.float32
    )
    return store.sales.put_embeddings(
        tenant_id, {sale.listing_id: vector.tobytes() for sale, vector in zip(sales, vectors, strict=True)}
    )


def embed_missing(
    store: Store, tenant_id: str, embedder: Embedder, *, progress: Progress | None = None
) -> tuple[int, int]:
    """Embed every sold listing of the tenant that has no stored vector yet, BATCH per model call (what an
    import without `embedder` leaves for later); returns (embedded, missing before). `progress` hears how
    many have been embedded after every batch."""
    have = set(store.sales.get_embeddings(tenant_id))
    latest: dict[str, str] = {}
    for item in store.sales.sold_items(tenant_id):
        if item.listing_id not in have and item.listing_id not in latest:
            latest[item.listing_id] = " ".join(
                part for part in (item.title, item.brand, item.category, item.description) if part
            )
    missing = list(latest.items())
    embedded = 0
    for start in range(0, len(missing), BATCH):
        batch = missing[start : start + BATCH]
        vectors = numpy.asarray(embedder.embed([text for _, text in batch]), dtype=numpy.float32)
        embedded += store.sales.put_embeddings(
            tenant_id,
            {listing_id: vector.tobytes() for (listing_id, _), vector in zip(batch, vectors, strict=True)},
        )
        if progress is not None:
            progress(embedded)
    return embedded, len(missing)
