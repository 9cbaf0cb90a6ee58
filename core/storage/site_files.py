"""The site store: the files of generated store websites (HTML, CSS, SVG, screenshots), one folder per site.

A directory under the data dir by default (`LocalSiteFiles`, PAKKA_SITES_DIR), an S3 bucket when
PAKKA_SITES_BUCKET is set (`S3SiteFiles`, boto3; PAKKA_SITES_S3_ENDPOINT_URL points it at moto or another
S3-compatible server). A site's files are always replaced as a whole, so a regenerated site never keeps a
stale page."""

from __future__ import annotations

import re
import shutil
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

from core.errors import InvalidInput, StoreUnavailable
from core.settings import Settings

_PATH = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*$")
_SITE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$")
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".json": "application/json",
    ".txt": "text/plain; charset=utf-8",
    ".xml": "application/xml",
}


def content_type(path: str) -> str:
    suffix = path[path.rfind(".") :].lower() if "." in path else ""
    return CONTENT_TYPES.get(suffix, "application/octet-stream")


def check_path(path: str) -> str:
    """A relative file path inside a site: no '..', no leading '/', only safe characters."""
    if not _PATH.match(path) or ".." in path.split("/"):
        raise InvalidInput(f"invalid site file path {path!r}", {"path": path})
    return path


def check_site(site_id: str) -> str:
    if not _SITE.match(site_id):
        raise InvalidInput(f"invalid site id {site_id!r}", {"site_id": site_id})
    return site_id


class SiteFiles(Protocol):
    kind: str

    def replace(self, site_id: str, files: Mapping[str, bytes]) -> None:
        """Make `files` (relative path -> bytes) the site's whole content."""
        ...

    def read(self, site_id: str, path: str) -> bytes | None:
        """One file, None when the site has no such file."""
        ...

    def list(self, site_id: str) -> list[str]:
        """Every file of the site, sorted."""
        ...

    def delete(self, site_id: str) -> None: ...


class LocalSiteFiles:
    """Files under `root/<site_id>/`; a replacement is written beside the old folder and swapped in."""

    kind = "local"

    def __init__(self, root: Path) -> None:
        self.root = root

    def _folder(self, site_id: str) -> Path:
        return self.root / check_site(site_id)

    def replace(self, site_id: str, files: Mapping[str, bytes]) -> None:
        paths = {check_path(path): body for path, body in files.items()}
        self.root.mkdir(parents=True, exist_ok=True)
        staging = self.root / f".staging-{check_site(site_id)}-{uuid.uuid4().hex[:8]}"
        for path, body in paths.items():
            target = staging / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(body)
        folder = self._folder(site_id)
        retired = self.root / f".old-{site_id}-{uuid.uuid4().hex[:8]}"
        if folder.exists():
            folder.rename(retired)
        staging.rename(folder)
        shutil.rmtree(retired, ignore_errors=True)

    def read(self, site_id: str, path: str) -> bytes | None:
        target = self._folder(site_id) / check_path(path)
        try:
            return target.read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return None

    def list(self, site_id: str) -> list[str]:
        folder = self._folder(site_id)
        if not folder.is_dir():
            return []
        return sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file())

    def delete(self, site_id: str) -> None:
        shutil.rmtree(self._folder(site_id), ignore_errors=True)


class S3SiteFiles:
    """Objects under `s3://bucket/<prefix><site_id>/<path>`, each with its content type."""

    kind = "s3"

    def __init__(self, bucket: str, *, prefix: str = "sites/", client: Any) -> None:
        self.bucket = bucket
        self.prefix = prefix
        self._client = client

    @classmethod
    def open(cls, settings: Settings) -> S3SiteFiles:
        import boto3
        from botocore.config import Config

        client = boto3.client(
            "s3",
            region_name=settings.sites_s3_region,
            endpoint_url=settings.sites_s3_endpoint_url,
            config=Config(
                retries={"max_attempts": 4, "mode": "standard"}, connect_timeout=2, read_timeout=10
            ),
        )
        assert settings.sites_bucket is not None
        return cls(settings.sites_bucket, prefix=settings.sites_s3_prefix, client=client)

    def _key(self, site_id: str, path: str = "") -> str:
        return f"{self.prefix}{check_site(site_id)}/{path}"

    def replace(self, site_id: str, files: Mapping[str, bytes]) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        paths = {check_path(path): body for path, body in files.items()}
        try:
            for path, body in paths.items():
                self._client.put_object(
                    Bucket=self.bucket,
                    Key=self._key(site_id, path),
                    Body=body,
                    ContentType=content_type(path),
                )
            stale = [path for path in self.list(site_id) if path not in paths]
            for start in range(0, len(stale), 1000):
                self._client.delete_objects(
                    Bucket=self.bucket,
                    Delete={
                        "Objects": [{"Key": self._key(site_id, path)} for path in stale[start : start + 1000]]
                    },
                )
        except (BotoCoreError, ClientError) as error:
            raise StoreUnavailable(f"site store: {error}") from error

    def read(self, site_id: str, path: str) -> bytes | None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            response = self._client.get_object(Bucket=self.bucket, Key=self._key(site_id, check_path(path)))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NotFound"):
                return None
            raise StoreUnavailable(f"site store: {error}") from error
        except BotoCoreError as error:
            raise StoreUnavailable(f"site store: {error}") from error
        body: bytes = response["Body"].read()
        return body

    def list(self, site_id: str) -> list[str]:
        from botocore.exceptions import BotoCoreError, ClientError

        base = self._key(site_id)
        found: list[str] = []
        try:
            for page in self._client.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=base
            ):
                found.extend(item["Key"][len(base) :] for item in page.get("Contents", []))
        except (BotoCoreError, ClientError) as error:
            raise StoreUnavailable(f"site store: {error}") from error
        return sorted(found)

    def delete(self, site_id: str) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        paths = self.list(site_id)
        try:
            for start in range(0, len(paths), 1000):
                self._client.delete_objects(
                    Bucket=self.bucket,
                    Delete={
                        "Objects": [{"Key": self._key(site_id, path)} for path in paths[start : start + 1000]]
                    },
                )
        except (BotoCoreError, ClientError) as error:
            raise StoreUnavailable(f"site store: {error}") from error


def open_site_files(settings: Settings) -> SiteFiles:
    """S3 when PAKKA_SITES_BUCKET is set, else a directory under the data dir."""
    if settings.sites_bucket:
        return S3SiteFiles.open(settings)
    return LocalSiteFiles(settings.sites_root)
