"""Live capture feedback: the scan's own checks on a camera frame, answered without measuring for keeps.

The web app's capture guide sends a small frame every few seconds while the camera runs and shows the answer
("move back: a corner of the sheet is cut off"). The frame goes through exactly the checks a scan makes
(tools/vision: the sheet, its corners, the foot, blur, light; a face; a whole body) and is dropped with the
request, like a scan's photo; nothing is stored and the hourly scan budget is not spent (the caller's request
rate limit still applies). Biometric consent is needed, as for a scan."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import numpy as np
from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from api.auth import SHOPPER, CallerDep
from api.deps import ServicesDep, TenantDep
from api.routes.scan import (
    FOOT_MAX_SIDE_PX,
    OPTIONAL_ID,
    SCAN_LONG_SIDE_PX,
    field,
    measure,
    photo_form,
    read_photo_form,
)
from core.privacy import require_consent
from graphs.services import Services
from tools.vision.body import measure_body
from tools.vision.errors import ScanRejected
from tools.vision.face import analyse_face
from tools.vision.foot import measure_foot
from tools.vision.image import fit_within
from tools.vision.schemas import SkinQuestionnaire

router = APIRouter(prefix="/v1/scan", tags=["scan"])

NOMINAL_HEIGHT_CM = 170.0
"""The body check only asks whether a whole body is in frame; the height only scales the centimetres."""


class FrameCheck(BaseModel):
    ok: bool = Field(description="True when a scan of this frame would be measured.")
    reason: str | None = Field(default=None, description="The scan's rejection reason (SHEET_CUT_OFF...).")
    message: str | None = None
    suggestions: list[str] = Field(default_factory=list, description="What to change, in short sentences.")


def checker(services: Services, kind: str) -> tuple[Callable[[np.ndarray], object], int]:
    """The scan's measurement for `kind` (run only for its checks) and the size it decodes frames at."""
    models = services.vision
    if kind == "foot":
        return (lambda image: measure_foot(fit_within(image, FOOT_MAX_SIDE_PX))), FOOT_MAX_SIDE_PX
    if kind == "face":
        return (
            lambda image: analyse_face(image, SkinQuestionnaire(), landmarker=models.face())
        ), SCAN_LONG_SIDE_PX
    return (
        lambda image: measure_body(
            image, NOMINAL_HEIGHT_CM, None, landmarker=models.pose(), priors=models.priors()
        )
    ), SCAN_LONG_SIDE_PX


@router.post(
    "/{kind}/check",
    dependencies=[SHOPPER],
    openapi_extra=photo_form("A camera frame to check before taking the photo."),
    responses={403: {"description": "No biometric consent."}},
)
async def check_frame(
    kind: Literal["foot", "face", "body"],
    request: Request,
    services: ServicesDep,
    tenant_id: TenantDep,
    caller: CallerDep,
) -> FrameCheck:
    """multipart: `image` (a camera frame), `user_id`. 200 either way: `ok`, or the reason a scan of this
    frame would be refused and what to change."""
    form = await read_photo_form(request)
    user_id = caller.acting_as(field(form.fields, "user_id", OPTIONAL_ID))
    require_consent(services.store, tenant_id, user_id)
    run_checks, long_side_px = checker(services, kind)
    try:
        await measure(services, form, run_checks, long_side_px)
    except ScanRejected as rejected:
        return FrameCheck(
            ok=False, reason=rejected.reason, message=rejected.message, suggestions=rejected.suggestions
        )
    return FrameCheck(ok=True)
