"""The web app (shopper, merchant and business-owner screens): static files from the package `api.web`.

`/` is the shell (`index.html`), `/sw.js` the service worker (served from the root so that its scope is the
whole app), `/manifest.webmanifest` the web app manifest, and `/static/...` the modules, styles and icons.
There is no build step: the browser loads native ES modules. The service worker is sent with the list of every
static file and a digest of their contents filled in, so it caches the whole shell, and any change to a file
makes a new cache (the browser re-checks /sw.js on every visit). The shell carries the serviceable regions
(core/catalog/regions.py) as a JSON block, so the screens' region lists follow the server's. Both are built
once, on first use, and kept for the life of the process.

Like /docs (api/docs.py), these are plain Starlette routes outside the OpenAPI schema and the per-route access
rules: they read no credential and serve the same public files to everyone, so loading the shell costs no
rate-limit tokens. Every API call the app makes goes through /v1 and its rules as usual.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from core.catalog.regions import REGIONS

STATIC_URL = "/static"
STATIC_DIR = Path(str(files("api.web") / "static"))

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data: blob:",
        "media-src 'self' blob:",
        "style-src 'self' 'unsafe-inline'",  # element styles set by the screens (bars, meters)
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'self'",
    ]
)
"""Nothing loads from outside the server (no CDN, no external font): the policy makes that a rule."""

NO_CACHE = "no-cache"
"""Revalidate every time (ETag): the service worker keeps the offline copy, the HTTP cache never serves a
stale shell."""


class ShellStaticFiles(StaticFiles):
    """StaticFiles that always revalidates and declares module scripts' type (some systems map .js oddly)."""

    def file_response(self, full_path: object, *args: object, **kwargs: object) -> Response:
        response = super().file_response(full_path, *args, **kwargs)  # type: ignore[arg-type]
        response.headers["Cache-Control"] = NO_CACHE
        if str(full_path).endswith(".js"):
            response.headers["Content-Type"] = "text/javascript; charset=utf-8"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response


def _file(name: str, media_type: str, **headers: str) -> FileResponse:
    return FileResponse(
        STATIC_DIR / name, media_type=media_type, headers={"Cache-Control": NO_CACHE, **headers}
    )


REGIONS_MARK = "__REGIONS__"
"""Where index.html takes the serviceable regions (a JSON block the screens read as `app.regions`)."""


def regions_json() -> str:
    """[{slug, city}] of every region pakka ships to (core/catalog/regions.py), safe in a <script> block."""
    regions = [{"slug": region.slug, "city": region.city} for region in REGIONS]
    return json.dumps(regions, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


def shell_files(static_dir: Path = STATIC_DIR) -> list[Path]:
    """Every file under /static (modules, styles, icons), in a stable order."""
    served_at_root = {"sw.js", "index.html", "manifest.webmanifest"}
    return sorted(p for p in static_dir.rglob("*") if p.is_file() and p.name not in served_at_root)


@dataclass(frozen=True)
class BuiltShell:
    """The shell page (regions filled in) and the service worker (file list and digest filled in)."""

    index_html: bytes
    index_etag: str
    service_worker: str


def build_shell(static_dir: Path = STATIC_DIR) -> BuiltShell:
    """Reads every static file once: index.html with the regions, sw.js with the shell's URLs and a digest of
    the shell's contents (the page as served included, so a change of regions is a new cache too)."""
    index_html = (static_dir / "index.html").read_text(encoding="utf-8").replace(REGIONS_MARK, regions_json())
    page = index_html.encode()
    files = shell_files(static_dir)
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(static_dir).as_posix().encode())
        digest.update(path.read_bytes())
    digest.update(b"index.html")
    digest.update(page)
    digest.update(b"manifest.webmanifest")
    digest.update((static_dir / "manifest.webmanifest").read_bytes())
    urls = [f"{STATIC_URL}/{path.relative_to(static_dir).as_posix()}" for path in files]
    source = (static_dir / "sw.js").read_text(encoding="utf-8")
    worker = source.replace("__SHELL_DIGEST__", digest.hexdigest()[:16]).replace(
        "__SHELL_FILES__", json.dumps(urls)
    )
    return BuiltShell(
        index_html=page, index_etag=f'"{hashlib.sha256(page).hexdigest()[:20]}"', service_worker=worker
    )


class WebShell:
    """Serves the shell page and the service worker, built once on first use in a worker thread (it reads
    every static file) and kept: the package's files do not change while the server runs."""

    def __init__(self, static_dir: Path = STATIC_DIR) -> None:
        self.static_dir = static_dir
        self._built: BuiltShell | None = None
        self._building = asyncio.Lock()

    async def built(self) -> BuiltShell:
        if self._built is None:
            async with self._building:
                if self._built is None:
                    self._built = await asyncio.to_thread(build_shell, self.static_dir)
        return self._built

    async def index(self, request: Request) -> Response:
        built = await self.built()
        headers = {
            "Cache-Control": NO_CACHE,
            "ETag": built.index_etag,
            "Content-Security-Policy": CONTENT_SECURITY_POLICY,
            "X-Content-Type-Options": "nosniff",
        }
        if built.index_etag in request.headers.get("if-none-match", ""):
            return Response(status_code=304, headers=headers)
        return Response(built.index_html, media_type="text/html; charset=utf-8", headers=headers)

    async def service_worker(self, request: Request) -> Response:
        built = await self.built()
        return Response(
            built.service_worker,
            media_type="text/javascript; charset=utf-8",
            headers={"Cache-Control": NO_CACHE, "Service-Worker-Allowed": "/"},
        )


async def manifest(request: Request) -> Response:
    return _file("manifest.webmanifest", "application/manifest+json")


def install_web_app(app: FastAPI) -> None:
    """Serve the web app from `app`: the shell at /, its service worker, manifest and static files."""
    # Modules and styles go gzipped (a third of their size) to browsers that accept it.
    static = GZipMiddleware(ShellStaticFiles(directory=STATIC_DIR), minimum_size=1024)
    app.mount(STATIC_URL, static, name="web-static")
    shell = WebShell()
    app.add_route("/", shell.index, methods=["GET", "HEAD"], include_in_schema=False)
    app.add_route("/sw.js", shell.service_worker, methods=["GET", "HEAD"], include_in_schema=False)
    app.add_route("/manifest.webmanifest", manifest, methods=["GET", "HEAD"], include_in_schema=False)
