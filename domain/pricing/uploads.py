"""A sales file sent over HTTP, read whole with the importers' rules before anything is written.

The bytes are decoded as UTF-8 (a byte-order mark, as spreadsheet programs write, is dropped), then read by
`importers.read_sales` with the format named: the same columns, mapping, skip reasons and listing ids as
`pakka pricing import`, and `importers.sale_events` gives each sale's listed + sold events with the same
synthetic times. A file that cannot be read is refused as a whole, with a code that says why:

- EMPTY_SALES_FILE: no bytes, or a header and no rows;
- SALES_FILE_NOT_UTF8: bytes that are not UTF-8 text;
- WRONG_SALES_FORMAT: the header lacks the format's columns, or the text is not delimited rows.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime

from core.records.sales import PricingEvent
from domain.pricing.errors import EmptySalesFile, SalesFileNotUtf8, WrongSalesFormat
from domain.pricing.importers import (
    DEFAULT_ANCHOR,
    HistoricSale,
    ImportFormat,
    ImportReport,
    MissingColumns,
    read_sales,
    sale_events,
)


@dataclass(frozen=True)
class SalesUpload:
    """Every usable row of a file as a sale, and the report of the rows read and skipped (by reason)."""

    sales: list[HistoricSale]
    report: ImportReport

    def events(self, tenant_id: str, anchor: datetime = DEFAULT_ANCHOR) -> list[PricingEvent]:
        """Each sale's listed and sold events, in file order (a sale's two events side by side)."""
        return [event for sale in self.sales for event in sale_events(tenant_id, sale, anchor)]


def read_upload(data: bytes, file_format: ImportFormat) -> SalesUpload:
    """The file's sales, or the refusal of the whole file (nothing is read halfway)."""
    if not data.strip():
        raise EmptySalesFile("the file is empty", {"field": "file", "rows": 0})
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SalesFileNotUtf8(
            "the file is not UTF-8 text; save it as CSV/TSV in UTF-8 and send it again",
            {"field": "file", "byte_offset": error.start},
        ) from None
    report = ImportReport()
    try:
        sales = list(read_sales(io.StringIO(text, newline=""), file_format, report))
    except MissingColumns as error:
        raise WrongSalesFormat(
            str(error), {"field": "file", "format": file_format.value, "missing_columns": error.missing}
        ) from None
    except csv.Error as error:
        raise WrongSalesFormat(
            f"not a {file_format.value} file: row {report.read + 1} cannot be read ({error})",
            {"field": "file", "format": file_format.value, "row": report.read + 1},
        ) from None
    if report.read == 0:
        raise EmptySalesFile("the file has a header but no rows", {"field": "file", "rows": 0})
    return SalesUpload(sales, report)
