"""Reading an uploaded sales file whole, with the importers' rules, before anything is written."""

from __future__ import annotations

import csv

import pytest

from domain.pricing.errors import EmptySalesFile, SalesFileNotUtf8, WrongSalesFormat
from domain.pricing.importers import DEFAULT_ANCHOR, ImportFormat, sale_events
from domain.pricing.uploads import read_upload

HEADER = "train_id\tname\titem_condition_id\tcategory_name\tbrand_name\tprice"
ROWS = ["1\tKurta\t3\twomen/kurtas\tFabindia\t12", "2\tFree sticker\t2\tOther\t\t0"]


def mercari(*rows: str, newline: str = "\n") -> bytes:
    return newline.join([HEADER, *rows]).encode() + newline.encode()


def test_the_rows_become_the_importers_sales_and_events_with_the_skips_counted() -> None:
    upload = read_upload(mercari(*ROWS), ImportFormat.MERCARI)

    [sale] = upload.sales
    assert sale.listing_id == "mercari-1"
    assert (upload.report.read, upload.report.skipped) == (2, 1)
    assert upload.report.reasons == {"price is zero or negative": 1}
    assert upload.events("demo") == list(sale_events("demo", sale, DEFAULT_ANCHOR))


def test_a_byte_order_mark_and_crlf_line_ends_change_nothing() -> None:
    plain = read_upload(mercari(*ROWS), ImportFormat.MERCARI)
    spreadsheet = read_upload(b"\xef\xbb\xbf" + mercari(*ROWS, newline="\r\n"), ImportFormat.MERCARI)

    assert spreadsheet.sales == plain.sales


@pytest.mark.parametrize(
    ("data", "refusal"),
    [
        (b"  \n", EmptySalesFile),
        (mercari(), EmptySalesFile),
        ("train_id\tname\n1\tकुर्ता\n".encode("utf-16"), SalesFileNotUtf8),
        (b"id,title,brand,category,category_tags,gender,price\n", WrongSalesFormat),
        (mercari('1\t"' + "x" * 200_000 + '"\t3\tw/k\t\t12'), WrongSalesFormat),
    ],
    ids=["blank", "header-only", "utf-16", "other-format", "unreadable-row"],
)
def test_a_file_that_cannot_be_read_is_refused_whole(data: bytes, refusal: type[Exception]) -> None:
    with pytest.raises(refusal) as refused:
        read_upload(data, ImportFormat.MERCARI)

    assert refused.value.details["field"] == "file"  # type: ignore[attr-defined]


@pytest.mark.parametrize("price", ["nan", "sNaN", "inf", "twelve"])
def test_a_price_that_is_not_a_number_skips_its_row(price: str) -> None:
    upload = read_upload(mercari(ROWS[0], f"3\tShawl\t3\twomen/shawls\t\t{price}"), ImportFormat.MERCARI)

    assert [sale.listing_id for sale in upload.sales] == ["mercari-1"]
    assert upload.report.reasons == {"price is not a number": 1}


def test_an_overlong_cell_refuses_the_file_whatever_the_csv_modules_process_wide_limit() -> None:
    # The Flipkart catalog loader raises the csv module's limit for the whole process; a sales file's limit
    # does not move with it.
    before = csv.field_size_limit(10_000_000)
    try:
        with pytest.raises(WrongSalesFormat):
            read_upload(mercari('1\t"' + "x" * 200_000 + '"\t3\tw/k\t\t12'), ImportFormat.MERCARI)
    finally:
        csv.field_size_limit(before)
