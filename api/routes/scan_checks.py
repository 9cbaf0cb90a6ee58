"""Live capture feedback: the scan's own checks on a camera frame, answered without measuring for keeps.

The web app's capture guide sends a small frame every few seconds while the camera runs and shows the answer
("move back: a corner of the sheet is cut off"). The frame goes through exactly the checks a scan makes
(tools/vision: the sheet, its corners, the foot, blur, light; a face; a whole body) and is dropped with the
request, like a scan's photo; nothing is stored and the hourly scan budget is not spent. Biometric consent is
needed, as for a scan.

A check costs a scan's analysis, so it has budgets of its own: PAKKA_SCAN_CHECK_LIMIT_PER_MINUTE per shopper
(429 RATE_LIMITED past it; the guide's one frame every 2.5 s stays under the default), and its own
PAKKA_SCAN_CHECK_CONCURRENCY slots, apart from the scans' (PAKKA_SCAN_CONCURRENCY): a check never waits for
a slot and never takes one a scan could use. When every check slot is taken it is answered 503 BUSY with
Retry-After at once (the guide simply checks the next frame)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

import anyio
import anyio.to_thread
import numpy as np
from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from api.auth import SHOPPER, CallerDep
from api.deps import ServicesDep, TenantDep
from api.routes.scan import (
    FOOT_MAX_SIDE_PX,
    SCAN_LONG_SIDE_PX,
    PhotoForm,
    consented_user,
    decode_photo,
    photo_form,
    read_photo_form,
)
from core.errors import Busy
from graphs.services import Services
from tools.vision.body import measure_body
from tools.vision.errors import ScanRejected
from tools.vision.face import analyse_face
from tools.vision.foot import measure_foot
from tools.vision.image import fit_within
from tools.vision.schemas import SkinQuestionnaire
from tools.vision.sheet_geometry import sheet_sizes

router = APIRouter(prefix="/v1/scan", tags=["scan"])

NOMINAL_HEIGHT_CM = 170.0
"""The body check only asks whether a whole body is in frame; the height only scales the centimetres."""
BUSY_RETRY_AFTER_S = 2
"""A check takes about a second: a busy answer asks for the next frame a little later."""


class FrameCheck(BaseModel):
    ok: bool = Field(description="True when a scan of this frame would be measured.")
    reason: str | None = Field(default=None, description="The scan's rejection reason (SHEET_CUT_OFF...).")
    message: str | None = None
    suggestions: list[str] = Field(default_factory=list, description="What to change, in short sentences.")


def checker(services: Services, kind: str) -> tuple[Callable[[np.ndarray], object], int]:
    """The scan's measurement for `kind` (run only for its checks) and the size it decodes frames at."""
    models = services.vision
    if kind == "foot":
        sheets = sheet_sizes(services.settings.scan_sheet)
        return (lambda image: measure_foot(fit_within(image, FOOT_MAX_SIDE_PX), sheets)), FOOT_MAX_SIDE_PX
    if kind == "face":
        return (
            lambda image: analyse_face(image, SkinQuestionnaire(), landmarker=models.face())
        ), SCAN_LONG_SIDE_PX
    return (
        lambda image: measure_body(
            image, NOMINAL_HEIGHT_CM, None, landmarker=models.pose(), priors=models.priors()
        )
    ), SCAN_LONG_SIDE_PX


async def run_check(
    services: Services, form: PhotoForm, run_checks: Callable[[np.ndarray], Any], long_side_px: int
) -> None:
    """Decode and check the frame off the event loop in a check slot (`services.check_slots`), never in a
    scan's; 503 BUSY at once when every check slot is taken (a check is not worth waiting for)."""
    slots = services.check_slots
    if slots is not None:
        try:
            slots.acquire_nowait()
        except anyio.WouldBlock:
            raise Busy(
                "every capture check slot is taken; check a later frame",
                {"limit": "scan_check_slots"},
                retry_after_s=BUSY_RETRY_AFTER_S,
            ) from None
    try:
        await anyio.to_thread.run_sync(lambda: run_checks(decode_photo(form.image, long_side_px)))
    finally:
        if slots is not None:
            slots.release()


@router.post(
    "/{kind}/check",
    dependencies=[SHOPPER],
    openapi_extra=photo_form("A camera frame to check before taking the photo."),
    responses={
        403: {"description": "No biometric consent."},
        429: {
            "description": "RATE_LIMITED (`details.limit` = `scan_check`): more checks than "
            "PAKKA_SCAN_CHECK_LIMIT_PER_MINUTE for this shopper."
        },
        503: {
            "description": "BUSY: every capture check slot is taken (the scans have their own); nothing was "
            "checked, try a later frame after Retry-After.",
            "headers": {
                "Retry-After": {
                    "description": "Seconds to wait before the next check.",
                    "schema": {"type": "integer"},
                }
            },
        },
    },
)
async def check_frame(
    kind: Literal["foot", "face", "body"],
    request: Request,
    services: ServicesDep,
    tenant_id: TenantDep,
    caller: CallerDep,
) -> FrameCheck:
    """multipart: `image` (a camera frame), `user_id`. 200 either way: `ok`, or the reason a scan of this
    frame would be refused and what to change; 429 past the shopper's check rate, 503 BUSY when every check
    slot is taken."""
    form = await read_photo_form(request)
    consented_user(services, caller, tenant_id, form.fields, budget=services.limits.for_scan_check)
    run_checks, long_side_px = checker(services, kind)
    try:
        await run_check(services, form, run_checks, long_side_px)
    except ScanRejected as rejected:
        return FrameCheck(
            ok=False, reason=rejected.reason, message=rejected.message, suggestions=rejected.suggestions
        )
    return FrameCheck(ok=True)
