"""The web app (shopper, merchant and business-owner screens): static files from the package `api.web`.

`/` is the shell (`index.html`), `/sw.js` the service worker (served from the root so that its scope is the
whole app), `/manifest.webmanifest` the web app manifest, and `/static/...` the modules, styles and icons.
There is no build step: the browser loads native ES modules. The service worker is sent with the list of every
static file and a digest of their contents filled in, so it caches the whole shell, and any change to a file
makes a new cache (the browser re-checks /sw.js on every visit).

Like /docs (api/docs.py), these are plain Starlette routes outside the OpenAPI schema and the per-route access
rules: they read no credential and serve the same public files to everyone, so loading the shell costs no
rate-limit tokens. Every API call the app makes goes through /v1 and its rules as usual.
"""

from __future__ import annotations

import hashlib
import json
from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, Response

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


async def shell(request: Request) -> Response:
    return _file(
        "index.html",
        "text/html; charset=utf-8",
        **{"Content-Security-Policy": CONTENT_SECURITY_POLICY, "X-Content-Type-Options": "nosniff"},
    )


def shell_files() -> list[Path]:
    """Every file under /static (modules, styles, icons), in a stable order."""
    served_at_root = {"sw.js", "index.html", "manifest.webmanifest"}
    return sorted(p for p in STATIC_DIR.rglob("*") if p.is_file() and p.name not in served_at_root)


def service_worker_source() -> str:
    """sw.js with the shell's URLs and a digest of the shell's contents (index.html included) filled in."""
    paths = [*shell_files(), STATIC_DIR / "index.html", STATIC_DIR / "manifest.webmanifest"]
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.relative_to(STATIC_DIR).as_posix().encode())
        digest.update(path.read_bytes())
    urls = [f"{STATIC_URL}/{path.relative_to(STATIC_DIR).as_posix()}" for path in shell_files()]
    source = (STATIC_DIR / "sw.js").read_text(encoding="utf-8")
    return source.replace("__SHELL_DIGEST__", digest.hexdigest()[:16]).replace(
        "__SHELL_FILES__", json.dumps(urls)
    )


async def service_worker(request: Request) -> Response:
    return Response(
        service_worker_source(),
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
    app.add_route("/", shell, methods=["GET", "HEAD"], include_in_schema=False)
    app.add_route("/sw.js", service_worker, methods=["GET", "HEAD"], include_in_schema=False)
    app.add_route("/manifest.webmanifest", manifest, methods=["GET", "HEAD"], include_in_schema=False)
