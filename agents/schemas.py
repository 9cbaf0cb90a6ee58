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

    @property
    def states_budget(self) -> bool:
        """Whether the message names a price bound (a floor, a cap or both)."""
        return self.budget_min_inr is not None or self.budget_max_inr is not None

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
    confidence: float = Field(ge=0, le=1, description="Quote it as a whole percentage.")
    price_inr: float | None = Field(default=None, ge=0)
    reasons: list[str] = Field(
        default_factory=list, description="The size facts and rules that were applied, in plain words."
    )
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
        "as a whole percentage, the size and fit facts or ingredient rules behind it in plain words (no "
        "source ids, no long decimals, the brand named once), and any caution."
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


SiteLanguage = Literal["en", "hi", "hinglish"]
PaymentMethod = Literal["upi", "cod", "card"]


class SiteCopyContext(BaseModel):
    """A small business's spec; the copywriter writes the store's headline, intro and product blurbs.

    With `language` set (the site-generation wizard), every text is written in that language: en, hi
    (Devanagari) or hinglish (Hindi in Latin script)."""

    model_config = ConfigDict(extra="ignore")

    business_name: str
    sector: str
    city: str | None = None
    products: list[str] = Field(default_factory=list)
    highlights: list[str] = Field(default_factory=list)
    language: SiteLanguage | None = None
    tagline: str | None = Field(default=None, description="The owner's tagline, when they gave one.")
    description: str | None = Field(default=None, description="The owner's own words about the business.")
    avoid: list[str] = Field(
        default_factory=list, description="Problems a checker found in the last copy: do not repeat them."
    )


class SiteCopy(BaseModel):
    """Text blocks of a generated store website."""

    headline: str
    intro: str
    product_blurbs: list[str] = Field(default_factory=list)
    call_to_action: str
    tagline: str = Field(default="", description="One short line under the business name.")
    about: str = Field(default="", description="Three or four sentences for the About page.")


class SiteSectorContext(BaseModel):
    """An owner's description of their business; the classifier names its sector."""

    model_config = ConfigDict(extra="ignore")

    description: str
    sectors: list[str] = Field(description="The sectors to choose from.")


class SectorGuess(BaseModel):
    """The sector of a small business from its owner's description, and how sure that is."""

    sector: str = Field(description="Exactly one of the sectors offered.")
    confidence: float = Field(ge=0, le=1, description="0-1: how clearly the description names this sector.")
    alternatives: list[str] = Field(
        default_factory=list, description="Other sectors the description could mean, likeliest first."
    )
    language: SiteLanguage = Field(
        default="en", description="en, hi (Devanagari) or hinglish (Hindi written in Latin script)."
    )


class SiteSpecContext(BaseModel):
    """What is known about a new store: the owner's description and answers, and any note on a rejected
    proposal."""

    model_config = ConfigDict(extra="ignore")

    description: str
    sector: str
    language: SiteLanguage
    business_name: str | None = None
    phone: str | None = None
    city: str | None = None
    note: str | None = Field(default=None, description="The owner's note on the last proposal: follow it.")
    previous_business_name: str | None = None


class ProposedProduct(BaseModel):
    name: str = Field(min_length=1, max_length=120)
    description: str = Field(default="", max_length=500)
    price_inr: float | None = Field(default=None, ge=0, description="Whole rupees, if the owner said.")
    unit: str | None = Field(default=None, description="'1 kg', 'per plate', 'per pair'...")
    sizes: list[str] = Field(default_factory=list)


class SiteProposal(BaseModel):
    """A proposal for a new store website; code validates it and fills every gap from the sector's own
    configuration, so leave out what the owner did not say rather than invent it."""

    business_name: str | None = None
    tagline: str | None = None
    sector: str | None = Field(default=None, description="Only when the owner's note names another sector.")
    language: SiteLanguage | None = Field(default=None, description="Only when the owner asks for one.")
    city: str | None = None
    area: str | None = Field(default=None, description="Locality or landmark, e.g. 'near Rajwada'.")
    phone: str | None = Field(default=None, description="Indian mobile or landline, as written.")
    email: str | None = None
    products: list[ProposedProduct] = Field(default_factory=list)
    product_count: int | None = Field(default=None, ge=1, le=24, description="When the owner asks for N.")
    payment_methods: list[PaymentMethod] = Field(default_factory=list)
    delivery_areas: list[str] = Field(default_factory=list)
    delivery_time: str | None = Field(default=None, description="e.g. 'within 2 hours', 'the same day'.")
    free_delivery_above_inr: float | None = Field(
        default=None, ge=0, description="The order value above which the owner says delivery is free."
    )
    hours: str | None = Field(default=None, description="Opening hours as the owner says them.")
    colour: str | None = Field(default=None, description="A colour the owner asked for, in English.")
