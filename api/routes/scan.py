"""Foot, face and body scans: multipart uploads measured in memory, never written to disk, database or logs.

The form is parsed with a spool large enough for the biggest allowed photo, so the upload never rolls over
into a temporary file; the bytes are dropped when the request ends. A scan needs biometric consent, and
stores only the allow-listed attributes it derives (core.privacy)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, get_args

import anyio.to_thread
import numpy as np
from fastapi import APIRouter, Request
from pydantic import BaseModel, Field, TypeAdapter, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from api.auth import SHOPPER, Caller, CallerDep
from api.deps import ServicesDep, TenantDep
from api.multipart import memory_form
from core.errors import InvalidInput
from core.privacy import ScanKind, require_consent, store_attributes
from core.schemas import ID_PATTERN, Id
from domain.decision.skincare import IngredientGuidance, ingredient_guidance, skin_profile
from graphs.services import Services
from knowledge.sizing.charts import curated_library
from knowledge.sizing.footwear import standard_sizes
from tools.vision.body import measure_body
from tools.vision.face import analyse_face
from tools.vision.foot import measure_foot
from tools.vision.image import DEFAULT_MAX_BYTES, decode_image, fit_within
from tools.vision.schemas import (
    BodyScan,
    FaceScan,
    FootScan,
    SensitivityLevel,
    SkinQuestionnaire,
    SkinType,
)
from tools.vision.sheet_geometry import sheet_sizes

router = APIRouter(prefix="/v1/scan", tags=["scan"])

FORM_OVERHEAD_BYTES = 64 * 1024
SCAN_BODY_MAX_BYTES = DEFAULT_MAX_BYTES + FORM_OVERHEAD_BYTES
"""The request-size limit of the scan routes (the app's body-size middleware applies it to /v1/scan/)."""
FOOT_MAX_SIDE_PX = 1280
"""Foot photos are measured at 1280x720 at most: the foot eval's 720p photos measure as well as its 1080p
ones (MAE 0.2-0.3 mm length, 0.4 mm width either way), and a 1080p photo costs 20-30% more to measure."""
T = TypeVar("T")


class PhotoForm(BaseModel):
    image: bytes = Field(repr=False)
    side_image: bytes | None = Field(default=None, repr=False, description="The body scan's side photo")
    fields: dict[str, str]


class SizeGuidance(BaseModel):
    uk: float
    eu: float
    us_men: float
    us_women: float
    india: float
    mondopoint: int
    citation: str


class FootScanResponse(BaseModel):
    scan: FootScan
    size_guidance: SizeGuidance | None = Field(description="The standard chart row holding this foot length")
    stored: bool


class FaceScanResponse(BaseModel):
    scan: FaceScan
    ingredients: IngredientGuidance | None = Field(description="None when the skin type is not known")
    stored: bool


class BodyScanResponse(BaseModel):
    scan: BodyScan
    height_cm: float
    stored: bool


async def read_photo_form(request: Request) -> PhotoForm:
    """The `image` part's bytes (and an optional `side_image` part's, for the body scan) and the text fields;
    422 when the form is malformed or has no image. Both photos together share the request-size limit."""
    async with memory_form(
        request, part="image", what="the photo", max_bytes=SCAN_BODY_MAX_BYTES, max_files=2, max_fields=20
    ) as form:
        upload = form.get("image")
        if not isinstance(upload, UploadFile):
            raise InvalidInput("the form has no `image` file part", {"field": "image"})
        image = await upload.read()
        side = form.get("side_image")
        side_image = await side.read() if isinstance(side, UploadFile) else None
        fields = {name: value for name, value in form.multi_items() if isinstance(value, str)}
    return PhotoForm(image=image, side_image=side_image or None, fields=fields)


def field(fields: dict[str, str], name: str, adapter: TypeAdapter[T]) -> T:
    try:
        return adapter.validate_python(fields.get(name))
    except ValidationError as error:
        message = error.errors()[0]["msg"]
        raise InvalidInput(f"form field `{name}`: {message}", {"field": name}) from None


ID = TypeAdapter(Id)


SCAN_MAX_PIXELS = 16_000_000
"""The most pixels a scan decodes (48 MB as BGR): a larger PNG or WebP is refused from its header; a larger
JPEG is decoded reduced (tools/vision/image.py). With PAKKA_SCAN_CONCURRENCY decodes at a time, 16 concurrent
worst-case uploads stay under 1 GB (`python -m evals.benchmarks.upload_memory`)."""
SCAN_LONG_SIDE_PX = 2048
"""What the face and body scans need at least on the long side (foot photos are measured at 1280)."""


def decode_photo(photo: bytes, long_side_px: int = SCAN_LONG_SIDE_PX) -> np.ndarray:
    return decode_image(photo, max_pixels=SCAN_MAX_PIXELS, long_side_px=long_side_px)


async def measure(
    services: Services,
    form: PhotoForm,
    measure_photo: Callable[[np.ndarray], T],
    long_side_px: int = SCAN_LONG_SIDE_PX,
) -> T:
    """Decode and measure off the event loop, at most PAKKA_SCAN_CONCURRENCY photos at a time (the others
    wait holding only their bytes); only the derived measurement leaves this function."""

    def decode_and_measure() -> T:
        return measure_photo(decode_photo(form.image, long_side_px))

    return await anyio.to_thread.run_sync(decode_and_measure, limiter=services.scan_slots)


OPTIONAL_ID = TypeAdapter(Id | None)


def photo_form(description: str, **fields: dict[str, Any]) -> dict[str, Any]:
    """The multipart body of a scan route for OpenAPI (the route parses the form itself, in memory)."""
    properties: dict[str, Any] = {
        "image": {"type": "string", "format": "binary", "description": "The photo: JPEG, PNG or WebP."},
        "user_id": {
            "type": "string",
            "pattern": ID_PATTERN,
            "description": "The shopper; defaults to the caller (a shopper may only name itself).",
        },
        **fields,
    }
    schema = {
        "type": "object",
        "required": ["image", *[n for n, f in fields.items() if f.pop("required", False)]],
    }
    return {
        "requestBody": {
            "required": True,
            "description": description,
            "content": {"multipart/form-data": {"schema": schema | {"properties": properties}}},
        }
    }


FOOT_FORM = photo_form("A foot from above on an A4 or Letter sheet.")
FACE_FORM = photo_form(
    "A selfie in daylight, and optional questionnaire answers.",
    skin_type={"type": "string", "enum": list(get_args(SkinType))},
    sensitivity={"type": "string", "enum": list(get_args(SensitivityLevel))},
    concerns={"type": "string", "description": "Comma-separated, e.g. `acne,pigmentation`."},
)
BODY_FORM = photo_form(
    "A front photo, whole body in frame; optionally a side photo.",
    side_image={"type": "string", "format": "binary", "description": "The same, standing side-on."},
    height_cm={"type": "number", "minimum": 100, "maximum": 230, "required": True},
)


def consented_user(
    services: Services,
    caller: Caller,
    tenant_id: str,
    fields: dict[str, str],
    budget: Callable[[str, str], object] | None = None,
) -> str:
    """The shopper the scan is for (the caller; a `user_id` field naming anyone else is 403), once their
    biometric consent is checked and `budget` (by default the hourly scan budget) has room (429 otherwise)."""
    user_id = caller.acting_as(field(fields, "user_id", OPTIONAL_ID))
    require_consent(services.store, tenant_id, user_id)
    (budget or services.limits.for_scan)(tenant_id, user_id)
    return user_id


@router.post(
    "/foot",
    dependencies=[SHOPPER],
    openapi_extra=FOOT_FORM,
    responses={
        403: {"description": "No biometric consent."},
        422: {"description": "Photo rejected: reason."},
    },
)
async def scan_foot(
    request: Request, services: ServicesDep, tenant_id: TenantDep, caller: CallerDep
) -> FootScanResponse:
    """multipart: `image` (a foot from above on an A4 or Letter sheet), `user_id`."""
    form = await read_photo_form(request)
    user_id = consented_user(services, caller, tenant_id, form.fields)
    sheets = sheet_sizes(services.settings.scan_sheet)
    scan = await measure(
        services,
        form,
        lambda image: measure_foot(fit_within(image, FOOT_MAX_SIDE_PX), sheets),
        FOOT_MAX_SIDE_PX,
    )
    values: dict[str, Any] = scan.model_dump(
        include={"length_mm", "width_mm", "length_sigma_mm", "width_sigma_mm"}
    )
    await run_in_threadpool(store_attributes, services.store, tenant_id, user_id, ScanKind.FOOT, values)
    row = standard_sizes(scan.length_mm)
    standard = curated_library().standard_footwear
    guidance = None
    if row is not None and standard is not None:
        guidance = SizeGuidance(
            **row.model_dump(include={"uk", "eu", "us_men", "us_women", "india", "mondopoint"}),
            citation=standard.row_id(row.size),
        )
    return FootScanResponse(scan=scan, size_guidance=guidance, stored=True)


@router.post(
    "/face",
    dependencies=[SHOPPER],
    openapi_extra=FACE_FORM,
    responses={
        403: {"description": "No biometric consent."},
        422: {"description": "Photo rejected: reason."},
    },
)
async def scan_face(
    request: Request, services: ServicesDep, tenant_id: TenantDep, caller: CallerDep
) -> FaceScanResponse:
    """multipart: `image` (a selfie in daylight), `user_id`, optional `skin_type`, `sensitivity`, `concerns`
    (comma-separated)."""
    form = await read_photo_form(request)
    user_id = consented_user(services, caller, tenant_id, form.fields)
    concerns = [item.strip() for item in form.fields.get("concerns", "").split(",") if item.strip()]
    try:
        questionnaire = SkinQuestionnaire.model_validate(
            {
                "skin_type": form.fields.get("skin_type") or None,
                "sensitivity": form.fields.get("sensitivity") or None,
                "concerns": concerns,
            }
        )
    except ValidationError as error:
        raise InvalidInput(
            "invalid questionnaire answer", {"errors": [e["msg"] for e in error.errors()]}
        ) from None
    models = services.vision
    scan = await measure(
        services, form, lambda image: analyse_face(image, questionnaire, landmarker=models.face())
    )
    values = {
        name: getattr(scan, name).value
        for name in ("ita_deg", "monk_band", "undertone", "shine", "redness", "skin_type", "sensitivity")
    }
    await run_in_threadpool(
        store_attributes,
        services.store,
        tenant_id,
        user_id,
        ScanKind.FACE,
        {**values, "concerns": scan.concerns},
    )
    profile = skin_profile(
        {"skin_type": scan.skin_type.value, "sensitivity": scan.sensitivity.value, "concerns": scan.concerns}
    )
    guidance = None if profile is None else ingredient_guidance(profile)
    return FaceScanResponse(scan=scan, ingredients=guidance, stored=True)


MIN_HEIGHT_CM, MAX_HEIGHT_CM = 100, 230


def height_field(fields: dict[str, str]) -> float:
    """The shopper's height from the `height_cm` form field, with a message that says what to send when it
    is missing, not a number, or not a plausible height (422 INVALID_INPUT, field `height_cm`)."""
    raw = (fields.get("height_cm") or "").strip()
    if not raw:
        raise InvalidInput(
            "enter your height in centimetres in the form field `height_cm` (for example 170): the body "
            "scan needs it to turn the photo into centimetres",
            {"field": "height_cm"},
        )
    try:
        height_cm = float(raw.removesuffix("cm").strip())
    except ValueError:
        raise InvalidInput(
            f"`height_cm` must be your height in centimetres, a number such as 170; got {raw[:20]!r}",
            {"field": "height_cm"},
        ) from None
    if not MIN_HEIGHT_CM <= height_cm <= MAX_HEIGHT_CM:
        raise InvalidInput(
            f"height_cm must be between {MIN_HEIGHT_CM} and {MAX_HEIGHT_CM} (your height in centimetres); "
            f"got {height_cm:g}",
            {"field": "height_cm"},
        )
    return height_cm


@router.post(
    "/body",
    dependencies=[SHOPPER],
    openapi_extra=BODY_FORM,
    responses={
        403: {"description": "No biometric consent."},
        422: {"description": "Photo rejected: reason."},
    },
)
async def scan_body(
    request: Request, services: ServicesDep, tenant_id: TenantDep, caller: CallerDep
) -> BodyScanResponse:
    """multipart: `image` (a front photo, whole body in frame), optional `side_image` (the same, standing
    side-on: it adds the chest, waist and hip depths and narrows their uncertainty), `user_id`, `height_cm`
    (your height in centimetres)."""
    form = await read_photo_form(request)
    user_id = consented_user(services, caller, tenant_id, form.fields)
    height_cm = height_field(form.fields)
    models = services.vision
    side_photo = form.side_image

    def measure_photos(image: np.ndarray) -> BodyScan:
        side = None if side_photo is None else decode_photo(side_photo)
        return measure_body(image, height_cm, side, landmarker=models.pose(), priors=models.priors())

    scan = await measure(services, form, measure_photos)
    values = {name: measurement.value for name, measurement in scan.measurements.items()}
    sigmas = {f"{name}_sigma": measurement.sigma for name, measurement in scan.measurements.items()}
    await run_in_threadpool(
        store_attributes,
        services.store,
        tenant_id,
        user_id,
        ScanKind.BODY,
        {**values, **sigmas, "height_cm": height_cm},
    )
    return BodyScanResponse(scan=scan, height_cm=height_cm, stored=True)
