"""The shopping chat's own tools, beside the nine commerce tools (tools/commerce):

- `recommend_for_me`: the decision graph run as a subgraph for this shopper (its 3-5 confident picks, each
  with size, confidence and a one-line reason, or its guidance when it cannot pick);
- `ask_knowledge`: hybrid search over the knowledge base's guides (size charts, fit rules, ingredients,
  articles); every passage carries the source id to cite;
- `scan_photo`: measures the photo attached to this message, which travels in the run's context only
  (`AppContext.attachment`), never in state, checkpoints, the store or logs; with biometric consent it stores
  the allow-listed attributes exactly as the scan routes do, and returns only those;
- `remember_preference` / `recall_preferences`: sizes, brands, budgets and the delivery region in the
  long-term store (graphs/chat_memory.py).

Like the commerce tools, each reads who is asking from the run context, never from its arguments, and every
failure a model can act on comes back as an error ToolMessage."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any, Literal, ParamSpec, TypeVar

from langchain_core.tools import BaseTool, StructuredTool, ToolException
from pydantic import BaseModel, Field

from core.catalog.region_text import region_in_text
from core.catalog.regions import find_region, is_serviceable
from core.context import AppContext
from core.errors import PakkaError
from core.privacy import ScanKind, require_consent, store_attributes
from domain.decision.results import DecisionResult
from graphs import chat_memory, decision
from knowledge.search.documents import DocType, SearchFilters
from knowledge.sizing.charts import curated_library
from knowledge.sizing.footwear import standard_sizes
from tools.commerce import COMMERCE_TOOLS
from tools.commerce.args import ShopperOnlyArgs, ToolArgs
from tools.commerce.context import ShopRuntime, shop_context, shopper_id
from tools.commerce.errors import describe_domain_error, describe_validation_error, tool_error
from tools.commerce.factory import commerce_tool
from tools.retrieval import passage
from tools.vision.body import measure_body
from tools.vision.face import analyse_face
from tools.vision.foot import measure_foot
from tools.vision.image import decode_image, fit_within
from tools.vision.schemas import SkinQuestionnaire
from tools.vision.sheet_geometry import sheet_sizes

P = ParamSpec("P")
R = TypeVar("R")

FOOT_MAX_SIDE_PX = 1280
"""As the foot scan route measures (api/routes/scan.py): a 720p photo measures as well as a 1080p one."""
KNOWLEDGE_PASSAGES = 3
REASON_CHARS = 140
PASSAGE_CHARS = 400
GUIDE_TYPES = [DocType.SIZE_CHART, DocType.FIT_RULE, DocType.INGREDIENT, DocType.ARTICLE, DocType.REGION]
SCAN_CATEGORY = {"foot": "footwear", "face": "skincare", "body": "apparel"}
DECISION = decision.builder.compile(checkpointer=False, name="decision")
"""The decision graph as the chat's subgraph: it never checkpoints into the chat's thread."""


def async_tool(args_schema: type[BaseModel]) -> Callable[[Callable[..., Awaitable[Any]]], StructuredTool]:
    """`commerce_tool` for coroutines: the schema, the name and docstring the model reads, and domain errors
    and bad arguments as error ToolMessages."""

    def build(func: Callable[..., Awaitable[Any]]) -> StructuredTool:
        @functools.wraps(func)
        async def reporting(*args: Any, **kwargs: Any) -> Any:
            try:
                return await func(*args, **kwargs)
            except PakkaError as error:
                raise ToolException(describe_domain_error(error)) from error

        return StructuredTool.from_function(
            coroutine=reporting,
            name=func.__name__,
            description=inspect.getdoc(func),
            args_schema=args_schema,
            handle_tool_error=True,
            handle_validation_error=describe_validation_error,
        )

    return build


# -- recommend_for_me --------------------------------------------------------------------------------------


class RecommendArgs(ToolArgs):
    category: Literal["footwear", "apparel", "skincare"] = Field(
        description="What to recommend: footwear (sizes from a foot scan), apparel (a body scan) or skincare "
        "(a face scan)."
    )
    budget_inr: float | None = Field(default=None, gt=0, le=10_000_000, description="Highest price, rupees.")


@async_tool(RecommendArgs)
async def recommend_for_me(
    *, category: str, budget_inr: float | None, runtime: ShopRuntime
) -> dict[str, Any]:
    """The 3-5 products in a category this shopper can be most confident about (size, confidence, one-line
    reason), from their stored scan; or guidance (e.g. which scan to take) when none is confident enough."""
    context = shop_context(runtime)
    request: dict[str, Any] = {"user_id": shopper_id(context), "category": category, "region": context.region}
    if budget_inr is not None:
        request["budget_inr"] = Decimal(str(budget_inr))
    state = await DECISION.ainvoke(request, config=runtime.config, context=context)
    return recommendation_view(category, state["result"])


def recommendation_view(category: str, result: DecisionResult) -> dict[str, Any]:
    picks = [
        {
            "product_id": item.product_id,
            "name": item.name,
            "brand": item.brand,
            "price_inr": float(item.price_inr),
            "size": item.size,
            "confidence": round(item.confidence, 2),
            "reason": one_line(item.explanation),
            "citations": item.citations[:3],
        }
        for item in result.recommendations
    ]
    view: dict[str, Any] = {
        "category": category,
        "recommendations": picks,
        "attributes_source": result.attributes_source,
    }
    if not picks:
        view["guidance"] = result.guidance
        view["needs_scan"] = SCAN_FOR.get(category) if result.attributes_source is None else None
    return view


SCAN_FOR = {"footwear": "foot", "apparel": "body", "skincare": "face"}


def one_line(explanation: str) -> str:
    """The reason part of an explanation ("Why: ..."), else its first sentence."""
    text = " ".join(explanation.split())
    _, found, reason = text.partition("Why: ")
    chosen = reason if found else text
    first = chosen.split(". ")[0].split("; ")[0].rstrip(".")
    if len(first) > REASON_CHARS and ", and " in first:
        first = first.split(", and ")[0]
    return first if len(first) <= REASON_CHARS else first[:REASON_CHARS].rsplit(" ", 1)[0] + "..."


# -- ask_knowledge ---------------------------------------------------------------------------------------


class AskKnowledgeArgs(ToolArgs):
    question: str = Field(min_length=1, max_length=300, description="The shopper's question, in their words.")
    category: str | None = Field(
        default=None, max_length=64, description="Only this category: footwear, apparel, skincare, home."
    )


@commerce_tool(AskKnowledgeArgs)
def ask_knowledge(*, question: str, category: str | None, runtime: ShopRuntime) -> dict[str, Any]:
    """Look up the store's guides: size charts, fit rules, skincare ingredient facts, shopping articles.
    Returns passages, each with its source_id: cite the ones you use."""
    context = shop_context(runtime)
    knowledge = context.services.knowledge
    if knowledge is None:
        raise tool_error("NO_KNOWLEDGE_BASE", "the store's guides are still loading; try again in a minute")
    filters = SearchFilters(
        tenant_id=context.tenant_id, category=category.lower() if category else None, doc_types=GUIDE_TYPES
    )
    hits = knowledge.search(question, filters, k=KNOWLEDGE_PASSAGES)
    return {"passages": [_cited(passage(hit, question)) for hit in hits]}


def _cited(found: dict[str, Any]) -> dict[str, Any]:
    return {
        "source_id": found["source_id"],
        "title": found["title"],
        "doc_type": found["doc_type"],
        "text": _trimmed(found["text"]),
    }


def _trimmed(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= PASSAGE_CHARS else text[:PASSAGE_CHARS].rsplit(" ", 1)[0] + " ..."


# -- scan_photo ------------------------------------------------------------------------------------------


class ScanPhotoArgs(ToolArgs):
    kind: Literal["foot", "face", "body"] = Field(
        description="What the attached photo shows: foot (on an A4 sheet), face (in daylight) or body."
    )
    height_cm: float | None = Field(
        default=None, ge=100, le=230, description="Body scans only: the shopper's height in centimetres."
    )
    skin_type: Literal["dry", "oily", "combination", "normal"] | None = Field(
        default=None, description="Face scans: the skin type the shopper says they have, if they said."
    )


@commerce_tool(ScanPhotoArgs)
def scan_photo(
    *, kind: str, height_cm: float | None, skin_type: str | None, runtime: ShopRuntime
) -> dict[str, Any]:
    """Measure the photo the shopper attached to this message (needs their biometric consent) and store the
    measurements for sizing. Returns the measurements (and, for a foot, its standard size)."""
    context = shop_context(runtime)
    user_id = shopper_id(context)
    attachment = context.attachment
    if attachment is None:
        raise tool_error("NO_PHOTO", "no photo is attached to this message; ask the shopper to attach one")
    require_consent(context.services.store, context.tenant_id, user_id)
    scan_kind = ScanKind(kind)
    image = decode_image(attachment.data)
    if scan_kind is ScanKind.FOOT:
        sheets = sheet_sizes(context.services.settings.scan_sheet)
        return _foot(context, user_id, measure_foot(fit_within(image, FOOT_MAX_SIDE_PX), sheets))
    if scan_kind is ScanKind.FACE:
        questionnaire = SkinQuestionnaire(skin_type=skin_type)  # type: ignore[arg-type]
        face = analyse_face(image, questionnaire, landmarker=context.services.vision.face())
        values = {
            name: getattr(face, name).value
            for name in ("ita_deg", "monk_band", "undertone", "shine", "redness", "skin_type", "sensitivity")
        }
        values["concerns"] = face.concerns
        store_attributes(context.services.store, context.tenant_id, user_id, scan_kind, values)
        return {"kind": "face", "stored": True, "category": SCAN_CATEGORY["face"], "attributes": values}
    if height_cm is None:
        raise tool_error(
            "HEIGHT_REQUIRED", "a body scan needs the shopper's height in centimetres; ask for it"
        )
    models = context.services.vision
    body = measure_body(image, height_cm, None, landmarker=models.pose(), priors=models.priors())
    values = {name: round(measurement.value, 1) for name, measurement in body.measurements.items()}
    sigmas = {f"{name}_sigma": round(item.sigma, 1) for name, item in body.measurements.items()}
    stored = {**values, **sigmas, "height_cm": height_cm}
    store_attributes(context.services.store, context.tenant_id, user_id, scan_kind, stored)
    return {"kind": "body", "stored": True, "category": SCAN_CATEGORY["body"], "attributes": values}


def _foot(context: AppContext, user_id: str, scan: Any) -> dict[str, Any]:
    values: dict[str, Any] = scan.model_dump(
        include={"length_mm", "width_mm", "length_sigma_mm", "width_sigma_mm"}
    )
    store_attributes(context.services.store, context.tenant_id, user_id, ScanKind.FOOT, values)
    view: dict[str, Any] = {
        "kind": "foot",
        "stored": True,
        "category": SCAN_CATEGORY["foot"],
        "attributes": {name: round(float(value), 1) for name, value in values.items()},
    }
    row = standard_sizes(scan.length_mm)
    standard = curated_library().standard_footwear
    if row is not None and standard is not None:
        view["standard_size"] = {
            "uk": row.uk,
            "india": row.india,
            "eu": row.eu,
            "citation": standard.row_id(row.size),
        }
    return view


# -- remember_preference / recall_preferences -------------------------------------------------------------


class RememberArgs(ToolArgs):
    category: str | None = Field(
        default=None, max_length=64, description="The category a size or budget is for: footwear, apparel..."
    )
    size: str | None = Field(default=None, max_length=20, description="The shopper's size, e.g. 'UK 9', 'M'.")
    brand: str | None = Field(default=None, max_length=120, description="A brand the shopper likes.")
    budget_inr: float | None = Field(default=None, gt=0, le=10_000_000, description="Usual highest price.")
    region: str | None = Field(default=None, max_length=64, description="Delivery city, as the shopper said.")


@async_tool(RememberArgs)
async def remember_preference(
    *,
    category: str | None,
    size: str | None,
    brand: str | None,
    budget_inr: float | None,
    region: str | None,
    runtime: ShopRuntime,
) -> dict[str, Any]:
    """Remember the shopper's size (per category), a favourite brand, a budget (per category) or their
    delivery region for later conversations. Returns everything remembered."""
    context = shop_context(runtime)
    user_id = shopper_id(context)
    if runtime.store is None:
        raise tool_error("NO_MEMORY", "this conversation cannot remember anything (no long-term store)")
    slug = None
    if region:
        slug = region.lower() if is_serviceable(region.lower()) else region_in_text(region)
        if slug is None:
            raise tool_error("UNKNOWN_REGION", f"we do not deliver to {region!r}")
    if (size or budget_inr is not None) and not category:
        raise tool_error("CATEGORY_REQUIRED", "say which category the size or budget is for")
    if not any((size, brand, budget_inr, slug)):
        raise tool_error("NOTHING_TO_REMEMBER", "give a size, brand, budget or region to remember")
    known = await chat_memory.recall(runtime.store, context.tenant_id, user_id)
    updated = known.merged(
        size=size,
        category=category.lower() if category else None,
        brand=brand,
        budget_inr=budget_inr,
        region=slug,
    )
    await chat_memory.remember(runtime.store, context.tenant_id, user_id, updated)
    remembered = updated.facts()
    if slug is not None:
        found = find_region(slug)
        remembered["region_city"] = found.city if found else slug
    return {"remembered": remembered}


@async_tool(ShopperOnlyArgs)
async def recall_preferences(*, runtime: ShopRuntime) -> dict[str, Any]:
    """What is remembered about the shopper from earlier conversations: sizes, brands, budgets, region."""
    context = shop_context(runtime)
    known = await chat_memory.recall(runtime.store, context.tenant_id, shopper_id(context))
    return {"remembered": known.facts()}


CHAT_TOOLS: list[BaseTool] = [
    *COMMERCE_TOOLS,
    recommend_for_me,
    ask_knowledge,
    scan_photo,
    remember_preference,
    recall_preferences,
]
WRITE_TOOLS = frozenset(
    {"add_to_cart", "remove_from_cart", "place_order", "cancel_order", "remember_preference", "scan_photo"}
)
"""Tools that change something the shopper owns: a turn whose tool results carried instructions may not call
them (graphs/chat.py)."""
CONFIRMED_TOOLS = frozenset({"place_order", "cancel_order"})
"""Tools that run only after the shopper approved the exact action (the chat's confirmation interrupt)."""
