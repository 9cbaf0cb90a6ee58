"""Multipart forms read wholly in memory: an uploaded photo or sales file never touches the disk.

Starlette's parser spools a file part to a temporary file past `spool_max_size`; `memory_form` sets that
spool to the route's request-size limit (which the body-size middleware enforces first), so no part within
the limit can overflow it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Request
from starlette.datastructures import FormData
from starlette.formparsers import MultiPartException, MultiPartParser

from core.errors import InvalidInput

MAX_TEXT_PART_BYTES = 16 * 1024


@asynccontextmanager
async def memory_form(
    request: Request, *, part: str, what: str, max_bytes: int, max_files: int, max_fields: int
) -> AsyncIterator[FormData]:
    """The request's multipart form, closed on exit; 422 INVALID_INPUT (naming `part`) when the body is not
    a multipart form or is malformed. `what` names the upload in the message ("the photo")."""
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise InvalidInput(f"send {what} as multipart/form-data with a `{part}` part", {"field": part})
    parser = MultiPartParser(
        request.headers,
        request.stream(),
        max_files=max_files,
        max_fields=max_fields,
        max_part_size=MAX_TEXT_PART_BYTES,
    )
    parser.spool_max_size = max_bytes
    try:
        form = await parser.parse()
    except MultiPartException as error:
        raise InvalidInput(f"malformed form: {error.message}", {"field": part}) from None
    try:
        yield form
    finally:
        await form.close()
