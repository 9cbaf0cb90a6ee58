"""Swagger UI at /docs and ReDoc at /redoc, every asset served by the app itself: the docs work offline.

FastAPI's own doc pages load Swagger UI and ReDoc from a CDN (and ReDoc its fonts from Google). The
`fastapi-offline` package ships the same assets (Swagger UI 5, ReDoc, their licences in the bundles); they are
mounted under STATIC_URL. Swagger UI's validator badge is off: it would send the spec's URL to swagger.io.
The pages are plain Starlette routes, like FastAPI's own, outside the OpenAPI schema and the access rules.
"""

from __future__ import annotations

from importlib.resources import files

from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.staticfiles import StaticFiles
from starlette.requests import Request
from starlette.responses import HTMLResponse

STATIC_URL = "/static-offline-docs"
DOCS_URL = "/docs"
REDOC_URL = "/redoc"
OAUTH2_REDIRECT_URL = "/docs/oauth2-redirect"
SWAGGER_UI_PARAMETERS = {"validatorUrl": None}


def install_offline_docs(app: FastAPI) -> None:
    """Mount the doc assets and add /docs, its OAuth2 redirect page and /redoc to `app`."""
    assets = files("fastapi_offline") / "static"
    app.mount(STATIC_URL, StaticFiles(directory=str(assets)), name="offline-docs-assets")
    openapi_url = app.openapi_url or "/openapi.json"

    async def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_swagger_ui_html(
            openapi_url=f"{root}{openapi_url}",
            title=f"{app.title} - Swagger UI",
            oauth2_redirect_url=f"{root}{OAUTH2_REDIRECT_URL}",
            swagger_js_url=f"{root}{STATIC_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{STATIC_URL}/swagger-ui.css",
            swagger_favicon_url=f"{root}{STATIC_URL}/favicon.png",
            swagger_ui_parameters=SWAGGER_UI_PARAMETERS,
        )

    async def oauth2_redirect(request: Request) -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    async def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_redoc_html(
            openapi_url=f"{root}{openapi_url}",
            title=f"{app.title} - ReDoc",
            redoc_js_url=f"{root}{STATIC_URL}/redoc.standalone.js",
            redoc_favicon_url=f"{root}{STATIC_URL}/favicon.png",
            with_google_fonts=False,
        )

    app.add_route(DOCS_URL, swagger_ui, include_in_schema=False)
    app.add_route(OAUTH2_REDIRECT_URL, oauth2_redirect, include_in_schema=False)
    app.add_route(REDOC_URL, redoc, include_in_schema=False)
