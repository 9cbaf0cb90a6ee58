"""Templates the rule-based tier writes with: explanations, merchant notes, site copy and chat replies.

Every sentence is filled from the structured facts it is given, never invented, so the text is as honest
as the numbers behind it.
"""

from __future__ import annotations

import json
from typing import Any

from agents.pricing.money import money, money_range, rupees
from agents.pricing.schemas import PriceCheckContext, PriceReviewContext
from agents.rules.pricing import check_price, review_price
from agents.schemas import (
    ChatAction,
    ChatTurn,
    FitExplanationContext,
    FitExplanations,
    FitExplanationsContext,
    MerchantNoteContext,
    ProductExplanation,
    ShoppingIntent,
    SiteCopy,
    SiteCopyContext,
    SiteSectorContext,
    SiteSpecContext,
)
from agents.text_tasks import TaskRequest

MAX_LISTED = 5


def percent(value: float) -> str:
    return f"{round(value * 100)}%"


def chance(value: float) -> str:
    """A probability as a shopper reads it: a whole percent, never a certain 0% or 100%."""
    return f"{min(max(round(value * 100), 1), 99)}%"


def product_title(brand: str, name: str) -> str:
    """The product as a shopper reads it: its name, with the brand in front unless the name starts with it
    ("Kadam Footworks Heritage Oxford", not "Kadam Footworks Kadam Footworks Heritage Oxford")."""
    brand, name = " ".join(brand.split()), " ".join(name.split())
    if not brand or name.casefold().startswith(brand.casefold()):
        return name
    return f"{brand} {name}"


def fit_explanation(context: FitExplanationContext) -> str:
    name = product_title(context.brand, context.product_name)
    size = f" in size {context.size}" if context.size else ""
    price = f" at {rupees(context.price_inr)}" if context.price_inr is not None else ""
    sentences = [
        f"We picked {name}{size}{price} with {chance(context.confidence)} confidence that it suits you."
    ]
    if context.reasons:
        sentences.append("Why: " + "; ".join(context.reasons) + ".")
    if context.cautions:
        sentences.append("Keep in mind: " + "; ".join(context.cautions) + ".")
    return " ".join(sentences)


def fit_explanations(context: FitExplanationsContext) -> FitExplanations:
    """Each product explained from its own facts alone (the one-product template, per item)."""
    return FitExplanations(
        explanations=[
            ProductExplanation(product_id=item.product_id or "", text=fit_explanation(item))
            for item in context.items
        ]
    )


def fit_explanations_text(context: FitExplanationsContext) -> str:
    """The list answer as plain text: one paragraph per product."""
    return "\n\n".join(explained.text for explained in fit_explanations(context).explanations)


def merchant_note(context: MerchantNoteContext) -> str:
    basis = (
        f"based on {context.comparables} comparable sales"
        if context.comparables
        else "with no comparable sales, so treat it as a starting point"
    )
    currency = context.currency
    sentences = [
        f'Suggested price for "{context.title}": {money(context.suggested_price_inr, currency)} '
        f"(range {money_range(context.low_inr, context.high_inr, currency)}), {basis}.",
        f"Confidence: {percent(context.confidence)}.",
    ]
    if context.cited_sales:
        sentences.append("Closest sales: " + "; ".join(context.cited_sales[:3]) + ".")
    if context.adjustments:
        sentences.append("Adjustments applied: " + "; ".join(context.adjustments) + ".")
    return " ".join(sentences)


def site_copy(context: SiteCopyContext) -> SiteCopy:
    place = f" in {context.city}" if context.city else ""
    highlights = ", ".join(context.highlights)
    intro = f"{context.business_name} is a {context.sector} business{place}."
    intro += f" Known for {highlights}." if highlights else " Browse our range and order online."
    return SiteCopy(
        headline=f"{context.business_name}: {context.sector}{place}",
        intro=intro,
        product_blurbs=[f"{product}, from {context.business_name}." for product in context.products],
        call_to_action=f"Shop {context.business_name} today",
    )


def site_copy_text(context: SiteCopyContext) -> str:
    if context.language is not None:
        from agents.rules.sites import localized_site_copy

        copy = localized_site_copy(context)
    else:
        copy = site_copy(context)
    lines = [copy.headline, "", copy.intro, ""]
    lines += [f"- {blurb}" for blurb in copy.product_blurbs]
    lines += ["", copy.call_to_action]
    return "\n".join(lines)


def write_task(request: TaskRequest) -> str:
    context = request.context
    if isinstance(context, FitExplanationContext):
        return fit_explanation(context)
    if isinstance(context, FitExplanationsContext):
        return fit_explanations_text(context)
    if isinstance(context, MerchantNoteContext):
        return merchant_note(context)
    if isinstance(context, SiteCopyContext):
        return site_copy_text(context)
    if isinstance(context, SiteSectorContext | SiteSpecContext):
        # Imported here: agents.rules.sites reads the site knowledge, which only these tasks need.
        from agents.rules.sites import guess_sector, propose_site

        if isinstance(context, SiteSectorContext):
            return guess_sector(context).model_dump_json()
        return propose_site(context).model_dump_json(exclude_none=True)
    if isinstance(context, PriceReviewContext):
        return " ".join(review_price(context).reasons)
    if isinstance(context, PriceCheckContext):
        verdict = check_price(context)
        return "Approved." if verdict.approved else "Problems: " + "; ".join(verdict.problems)
    raise TypeError(f"no template for {type(context).__name__}")


def describe_intent(intent: ShoppingIntent) -> str:
    """A short phrase for what the shopper wants: "red kurta for women under ₹3,000 (size XL)"."""
    words = [intent.colour or "", intent.brand or "", intent.query or intent.category or "products"]
    phrase = " ".join(word for word in words if word)
    if intent.gender:
        phrase += f" for {intent.gender}"
    if intent.occasion:
        phrase += f" ({intent.occasion})"
    if intent.budget_min_inr is not None and intent.budget_max_inr is not None:
        phrase += f" between {rupees(intent.budget_min_inr)} and {rupees(intent.budget_max_inr)}"
    elif intent.budget_max_inr is not None:
        phrase += f" under {rupees(intent.budget_max_inr)}"
    elif intent.budget_min_inr is not None:
        phrase += f" above {rupees(intent.budget_min_inr)}"
    if intent.size:
        phrase += f", size {intent.size}"
    return phrase


def chat_reply(turn: ChatTurn) -> str:
    """The reply when no tool can act on the message."""
    if turn.action is ChatAction.SMALLTALK:
        return "Namaste! Tell me what you are shopping for, with a budget or size if you have one."
    return f"You are looking for {describe_intent(turn.intent)}. I can search the catalog for it."


def ask_for(missing: list[str], action: ChatAction) -> str:
    needed = " and ".join(name.replace("_", " ") for name in missing)
    return f"To {action.value.replace('_', ' ')} I need the {needed}. Could you share it?"


def _product_line(item: dict[str, Any]) -> str:
    name = item.get("name") or item.get("product_id") or item.get("id") or "item"
    line = product_title(str(item.get("brand") or ""), str(name))
    if isinstance(item.get("price_inr"), int | float):
        line += f", {rupees(float(item['price_inr']))}"
    if item.get("size"):
        line += f", size {item['size']}"
    if item.get("quantity"):
        line += f" x{item['quantity']}"
    if item.get("id"):
        line += f" [{item['id']}]"
    return line


def summarise_tool_result(tool_name: str, content: str) -> str:
    """One readable paragraph from a tool's JSON (or plain-text) result."""
    try:
        data: Any = json.loads(content)
    except ValueError:
        return content.strip()[:500] or f"{tool_name} returned nothing."
    if isinstance(data, dict) and "error" in data:
        error = data["error"]
        message = error.get("message") if isinstance(error, dict) else str(error)
        return f"That did not work: {message}"
    items = (data.get("items") or data.get("products")) if isinstance(data, dict) else data
    if isinstance(items, list):
        if not items:
            return "I found nothing that matches. Try a wider budget or fewer filters."
        lines = [
            f"{index}. {_product_line(item)}"
            for index, item in enumerate(items[:MAX_LISTED], 1)
            if isinstance(item, dict)
        ]
        more = f" (and {len(items) - MAX_LISTED} more)" if len(items) > MAX_LISTED else ""
        return f"Here is what I found{more}:\n" + "\n".join(lines)
    if isinstance(data, dict):
        if data.get("status") and data.get("id"):
            total = f", total {rupees(float(data['total_inr']))}" if data.get("total_inr") is not None else ""
            return f"Order {data['id']} is {data['status']}{total}."
        if data.get("name"):
            return _product_line(data) + (f". {data['description']}" if data.get("description") else "")
        facts = ", ".join(f"{key}: {value}" for key, value in list(data.items())[:8])
        return f"{tool_name}: {facts}."
    return f"{tool_name}: {data}"
