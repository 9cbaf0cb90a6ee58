"""Structured outputs shared by every model tier.

Graphs ask the router for these with `with_structured_output(...)`; a Bedrock tier fills them by tool
calling, the local tier by a JSON-schema grammar, and the rule-based tier by its own parsers. Field
descriptions are part of the prompt a language model sees, so they say what a good value looks like.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Gender = Literal["women", "men", "girls", "boys", "kids", "unisex"]


class ShoppingIntent(BaseModel):
    """What a shopper is looking for, parsed from one message in English, Hindi or Hinglish."""

    model_config = ConfigDict(extra="ignore")

    category: str | None = Field(
        default=None,
        description="Catalog category in lower case: footwear, apparel, skincare, haircare, makeup, "
        "fragrance, accessories, jewellery, bags, electronics, home, kitchen, sports.",
    )
    budget_min_inr: int | None = Field(default=None, ge=0, description="Lowest price in rupees, if stated.")
    budget_max_inr: int | None = Field(default=None, ge=0, description="Highest price in rupees, if stated.")
    size: str | None = Field(default=None, description="Size as said: 'UK 9', 'M', 'XL', '32'.")
    colour: str | None = Field(default=None, description="Colour in English, lower case.")
    brand: str | None = Field(default=None, description="Brand name as the catalog writes it.")
    gender: Gender | None = Field(default=None, description="Who the product is for.")
    occasion: str | None = Field(default=None, description="wedding, office, party, festive, sports...")
    query: str = Field(
        default="",
        description="Product words without the constraints above, in English: 'running shoes', 'kurta'.",
    )


class ChatAction(StrEnum):
    """What a chat message asks the shopping assistant to do; each maps to one tool."""

    SEARCH = "search"
    PRODUCT_DETAILS = "product_details"
    INVENTORY = "inventory"
    ADD_TO_CART = "add_to_cart"
    REMOVE_FROM_CART = "remove_from_cart"
    VIEW_CART = "view_cart"
    PLACE_ORDER = "place_order"
    ORDER_STATUS = "order_status"
    CANCEL_ORDER = "cancel_order"
    RECOMMEND = "recommend"
    KNOWLEDGE = "knowledge"
    SMALLTALK = "smalltalk"


class ChatTurn(BaseModel):
    """One chat message understood: the action, the shopping constraints and any ids it mentions."""

    model_config = ConfigDict(extra="ignore")

    action: ChatAction = Field(description="The single action the message asks for.")
    intent: ShoppingIntent = Field(default_factory=ShoppingIntent)
    product_id: str | None = Field(default=None, description="A product id quoted in the message.")
    order_id: str | None = Field(default=None, description="An order id quoted in the message.")
    quantity: int | None = Field(default=None, ge=1, le=20)


class FitExplanationContext(BaseModel):
    """Facts behind one recommendation; the explainer turns them into two or three sentences."""

    model_config = ConfigDict(extra="ignore")

    product_id: str | None = Field(default=None, description="Echoed with its explanation in a list answer.")
    product_name: str
    brand: str = ""
    size: str | None = None
    confidence: float = Field(ge=0, le=1)
    price_inr: float | None = Field(default=None, ge=0)
    reasons: list[str] = Field(default_factory=list, description="Chart rows and rules that were applied.")
    cautions: list[str] = Field(default_factory=list)


class FitExplanationsContext(BaseModel):
    """Facts behind every recommendation of one answer, explained in a single call."""

    model_config = ConfigDict(extra="ignore")

    items: list[FitExplanationContext] = Field(min_length=1)


class ProductExplanation(BaseModel):
    """One product's explanation in a list answer."""

    product_id: str = Field(description="The product_id of the facts this explains, exactly as given.")
    text: str = Field(
        description="Two or three plain sentences for the shopper: why this product and size, its confidence "
        "as a percentage, the chart rows or ingredient rules behind it, and any caution."
    )


class FitExplanations(BaseModel):
    """One explanation per recommended product, each written only from that product's own facts."""

    explanations: list[ProductExplanation]


class MerchantNoteContext(BaseModel):
    """A computed price suggestion; the analyst explains it to the merchant."""

    model_config = ConfigDict(extra="ignore")

    title: str
    suggested_price_inr: float = Field(ge=0, description="The suggested price, in `currency`.")
    low_inr: float = Field(ge=0, description="The low end of the range, in `currency`.")
    high_inr: float = Field(ge=0, description="The high end of the range, in `currency`.")
    currency: str = Field(default="INR", description="ISO code of every amount here (INR, USD...).")
    amounts: dict[str, str] = Field(
        default_factory=dict,
        description="The amounts as the merchant reads them ('price': '$32.83', "
        "'range': '$20.00 to $50.00'): quote these exactly.",
    )
    confidence: float = Field(ge=0, le=1)
    comparables: int = Field(default=0, ge=0)
    adjustments: list[str] = Field(default_factory=list, description="e.g. 'condition: -10%'.")
    cited_sales: list[str] = Field(
        default_factory=list, description="The closest sales, e.g. 'Levi's 511, ₹1,200, 3 Jun 2026'."
    )


class SiteCopyContext(BaseModel):
    """A small business's spec; the copywriter writes the store's headline, intro and product blurbs."""

    model_config = ConfigDict(extra="ignore")

    business_name: str
    sector: str
    city: str | None = None
    products: list[str] = Field(default_factory=list)
    highlights: list[str] = Field(default_factory=list)


class SiteCopy(BaseModel):
    """Text blocks of a generated store website."""

    headline: str
    intro: str
    product_blurbs: list[str] = Field(default_factory=list)
    call_to_action: str
