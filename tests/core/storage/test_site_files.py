"""The site store: a directory under the data dir, and S3 (on the moto server), with the same behaviour:
a site's files replaced as a whole, read back, listed, deleted; paths that could leave the site refused."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from core.errors import InvalidInput
from core.settings import Settings
from core.storage.site_files import LocalSiteFiles, S3SiteFiles, SiteFiles, open_site_files


@pytest.fixture(params=["local", "s3"])
def files(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SiteFiles]:
    if request.param == "local":
        yield LocalSiteFiles(tmp_path / "sites")
        return
    endpoint = request.getfixturevalue("moto_endpoint")
    bucket = f"sites-{uuid.uuid4().hex[:10]}"
    boto3.client("s3", region_name="us-east-1", endpoint_url=endpoint).create_bucket(Bucket=bucket)
    settings = Settings(
        data_dir=tmp_path,
        sites_bucket=bucket,
        sites_s3_endpoint_url=endpoint,
        sites_s3_region="us-east-1",
        _env_file=None,
    )
    opened = open_site_files(settings)
    assert isinstance(opened, S3SiteFiles)
    yield opened


def test_replace_read_list_delete(files: SiteFiles) -> None:
    files.replace("site_a", {"index.html": b"<h1>one</h1>", "images/logo.svg": b"<svg/>", "old.html": b"x"})
    files.replace("site_a", {"index.html": b"<h1>two</h1>", "images/logo.svg": b"<svg/>"})
    files.replace("site_b", {"index.html": b"b"})

    assert files.read("site_a", "index.html") == b"<h1>two</h1>"
    assert files.list("site_a") == ["images/logo.svg", "index.html"]
    assert files.read("site_a", "old.html") is None
    assert files.read("site_missing", "index.html") is None

    files.delete("site_a")
    assert files.list("site_a") == []
    assert files.read("site_b", "index.html") == b"b"


@pytest.mark.parametrize("path", ["../secret", "/etc/passwd", "a/../../b", "", ".hidden", "a\\b"])
def test_paths_outside_the_site_are_refused(files: SiteFiles, path: str) -> None:
    with pytest.raises(InvalidInput):
        files.read("site_a", path)
