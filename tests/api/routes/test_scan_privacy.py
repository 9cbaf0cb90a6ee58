"""Privacy by construction: after 100 scans over real HTTP, no byte of any photo is left in the data
directory, the database, the temporary directory or the logs.

Each upload carries a unique marker inside the image file (a JPEG comment or PNG text chunk) and the test
also searches for a slice of each photo's compressed data, so any copy of an upload would be found. Every
tenth photo is a measurable foot (stored attributes follow), the rest are refused as unmeasurable: refused
photos must leave no trace either. The temporary directory is redirected to an empty folder for the test,
so a spooled upload that rolled over to disk would show up there."""

from __future__ import annotations

import io
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from core.privacy import ScanKind, stored_attributes
from core.settings import Settings
from core.storage.dynamodb.codec import deserialize
from tests.api.conftest import store_of, tokens_for
from tests.api.routes.photos import foot_on_a4, plain_png

SCANS = 100


def files_under(directory: Path) -> Iterator[Path]:
    return (path for path in directory.rglob("*") if path.is_file())


def database_dump(app: FastAPI, settings: Settings) -> bytes:
    """Every stored row as bytes: the SQLite files are in the data dir; DynamoDB tables are scanned."""
    if settings.store != "dynamodb":
        return b""
    store = store_of(app)
    client = store._client  # type: ignore[attr-defined]
    chunks = []
    for table in vars(store.tables).values():  # type: ignore[attr-defined]
        for page in client.get_paginator("scan").paginate(TableName=table):
            chunks.extend(repr(deserialize(item)).encode() for item in page["Items"])
    return b"\n".join(chunks)


def unique_photo(index: int, marker: bytes) -> bytes:
    """Every tenth a measurable foot, every third a GIF (refused unread), the rest a photo with no sheet."""
    if index % 10 == 0:
        return foot_on_a4(240.0 + index / 10, 95.0, marker=marker, px_per_mm=2.0)
    if index % 3 == 0:
        return b"GIF89a" + marker + uuid.uuid4().bytes * 8
    return plain_png(marker, width=320, height=240)


def test_no_photo_bytes_survive_a_hundred_scans(
    live_server: tuple[str, FastAPI],
    settings: Settings,
    json_log: io.StringIO,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    base_url, app = live_server
    temp_dir = tmp_path / "tmp"
    temp_dir.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp_dir))
    needles: list[bytes] = []
    with httpx.Client(base_url=base_url, timeout=30, headers=tokens_for(app).shopper("u-1")) as http:
        http.post("/v1/consent", json={"user_id": "u-1", "granted": True}).raise_for_status()
        for index in range(SCANS):
            marker = f"PAKKA-PRIVACY-{uuid.uuid4().hex}".encode()
            photo = unique_photo(index, marker)
            needles += [marker, photo[len(photo) // 2 : len(photo) // 2 + 48]]
            response = http.post(
                "/v1/scan/foot", files={"image": ("p.jpg", photo, "image/jpeg")}, data={"user_id": "u-1"}
            )
            assert response.status_code in {200, 422}
            assert response.status_code == 200 or response.json()["error"]["code"] == "SCAN_REJECTED"

    assert stored_attributes(store_of(app), settings.default_tenant, "u-1", ScanKind.FOOT) is not None
    haystacks = {str(path): path.read_bytes() for path in files_under(settings.data_dir)}
    haystacks |= {str(path): path.read_bytes() for path in files_under(temp_dir)}
    haystacks["logs"] = json_log.getvalue().encode()
    haystacks["database"] = database_dump(app, settings)
    assert json_log.getvalue().count("/v1/scan/foot") >= SCANS
    leaks = [(name, needle) for name, data in haystacks.items() for needle in needles if needle in data]
    assert leaks == []
