"""The typed spec of a generated store website (`SiteSpec`), built from the model's proposal: code validates
every field and fills what the proposal leaves out from the sector's configuration
(knowledge/data/sites/sectors.yaml), so a complete spec comes out even with no model at all."""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from agents.schemas import PaymentMethod, ProposedProduct, SiteProposal
from core.schemas import ID_PATTERN, REGION_PATTERN, SIZE_PATTERN
from domain.sites.palette import Palette, accessible_palette, normalize_hex
from knowledge.sites.language import phrase
from knowledge.sites.places import city_named
from knowledge.sites.sectors import Language, Sector, SectorProfile, sector_profile

PageSlug = Literal["index", "products", "about", "contact", "delivery", "faq", "policies"]
PAGE_SLUGS: tuple[PageSlug, ...] = ("index", "products", "about", "contact", "delivery", "faq", "policies")
MAX_PRODUCTS = 24
DEFAULT_FREE_DELIVERY_ABOVE = 499
DEFAULT_PAYMENTS: list[PaymentMethod] = ["upi", "cod"]


class SiteRequest(BaseModel):
    """What the owner asked for (POST /v1/sites, `pakka sites generate`)."""

    model_config = ConfigDict(extra="forbid")

    description: str = Field(min_length=10, max_length=4000)
    language: Language | None = Field(default=None, description="en, hi or hinglish; default: as written.")
    business_name: str | None = Field(default=None, min_length=1, max_length=80)
    phone: str | None = Field(default=None, max_length=20)
    city: str | None = Field(default=None, max_length=60)
    auto_approve: bool = Field(default=False, description="Skip the review stop (scripted use).")


class SiteProduct(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=ID_PATTERN, description="Becomes the product id in the store.")
    name: str = Field(min_length=1, max_length=120)
    description: str = Field(default="", max_length=500)
    price_inr: int = Field(ge=1, le=10_000_000, description="Whole rupees.")
    unit: str = Field(min_length=1, max_length=40, description="As shoppers read it: '1 kg', 'per plate'.")
    sizes: list[str] = Field(min_length=1, max_length=12, description="What an order picks from.")
    stock: int = Field(ge=0, le=100_000)
    glyph: str = Field(default="star", max_length=24)

    @field_validator("sizes")
    @classmethod
    def _sizes(cls, sizes: list[str]) -> list[str]:
        for size in sizes:
            if not re.match(SIZE_PATTERN, size):
                raise ValueError(f"size {size!r} is not a valid size label")
        return list(dict.fromkeys(sizes))


class Contact(BaseModel):
    model_config = ConfigDict(extra="forbid")

    phone: str | None = Field(default=None, pattern=r"^[6-9]\d{9}$|^0\d{9,10}$")
    whatsapp: bool = False
    email: str | None = Field(default=None, pattern=r"^[\w.+-]+@[\w-]+(\.[\w-]+)+$")
    address: str = Field(min_length=1, max_length=200)
    directions: str = Field(min_length=1, max_length=300, description="Landmarks, no map needed.")


class PageSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    slug: PageSlug
    title: str = Field(min_length=1, max_length=80)
    sections: list[str] = Field(min_length=1)


class Policies(BaseModel):
    model_config = ConfigDict(extra="forbid")

    returns: str = Field(min_length=1, max_length=1000)
    delivery: str = Field(min_length=1, max_length=1000)
    privacy: str = Field(min_length=1, max_length=1000)


class SiteSpec(BaseModel):
    """Everything a store website is generated from; the owner reviews and edits it."""

    model_config = ConfigDict(extra="forbid")

    business_name: str = Field(min_length=1, max_length=80)
    tagline: str = Field(min_length=1, max_length=140)
    sector: Sector
    language: Language
    palette: Palette
    pages: list[PageSpec] = Field(min_length=1)
    products: list[SiteProduct] = Field(min_length=1, max_length=MAX_PRODUCTS)
    features: list[str] = Field(default_factory=list, max_length=6)
    contact: Contact
    city: str | None = Field(default=None, max_length=60)
    region: str = Field(pattern=REGION_PATTERN, description="The pakka region the store's stock is held in.")
    delivery_areas: list[str] = Field(min_length=1, max_length=20)
    delivery_time: str = Field(min_length=1, max_length=80)
    hours: str = Field(min_length=1, max_length=120)
    payment_methods: list[PaymentMethod] = Field(min_length=1)
    seo_title: str = Field(min_length=1, max_length=70)
    seo_description: str = Field(min_length=1, max_length=170)
    policies: Policies

    @model_validator(mode="after")
    def _checked(self) -> SiteSpec:
        problems = self.palette.contrast_problems()
        if problems:
            raise ValueError("palette fails WCAG AA contrast: " + "; ".join(problems))
        ids = [product.id for product in self.products]
        if len(ids) != len(set(ids)):
            raise ValueError("product ids must be unique")
        if {page.slug for page in self.pages} != set(PAGE_SLUGS):
            raise ValueError(f"pages must be exactly {', '.join(PAGE_SLUGS)}")
        return self

    def product(self, product_id: str) -> SiteProduct | None:
        return next((product for product in self.products if product.id == product_id), None)


class BuiltSpec(BaseModel):
    spec: SiteSpec
    notes: list[str] = Field(default_factory=list, description="What code changed or filled, in words.")


def slugify(text: str, fallback: str = "item") -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60].strip("-")
    return slug or fallback


def nice_price(low: int, high: int) -> int:
    """A shop price inside [low, high] near its middle: ₹45, ₹249, ₹1,499."""
    middle = (low + high) / 2
    if middle < 50:
        price = round(middle)
    elif middle < 200:
        price = round(middle / 5) * 5
    else:
        price = round(middle / 50) * 50 - 1
    return max(low, min(high, price))


def size_label(text: str) -> str | None:
    cleaned = re.sub(r"[^A-Za-z0-9 ._/+-]", "", text).strip()[:32].strip()
    return cleaned if cleaned and re.match(SIZE_PATTERN, cleaned) else None


def build_spec(
    request: SiteRequest,
    *,
    sector: str,
    language: Language,
    proposal: SiteProposal,
    description_language: Language,
) -> BuiltSpec:
    """The spec from the proposal, every gap filled from the sector's configuration."""
    profile = sector_profile(sector)
    notes: list[str] = []
    label = profile.label.text(language)
    city_name = request.city or proposal.city
    city = city_named(city_name) if city_name else None
    if city is not None:
        city_name = city.hindi if language == "hi" else city.name
    business = (request.business_name or proposal.business_name or "").strip()
    if not business or (language != "hi" and not business.isascii() and description_language != "hi"):
        business = f"{city_name} {label}" if city_name else label
        notes.append(f"no business name was given: '{business}' until the owner names it")
    palette, palette_notes = _palette(profile, proposal.colour)
    notes.extend(palette_notes)
    products = _products(profile, language, proposal.products, proposal.product_count, notes)
    phone = _phone(request.phone or proposal.phone)
    town = city_name or phrase("texts", "town", language)
    area = proposal.area or town
    delivery_time = proposal.delivery_time or phrase("texts", "delivery_default", language)
    hours = proposal.hours or phrase("texts", "hours_default", language)
    payments = list(dict.fromkeys(proposal.payment_methods)) or list(DEFAULT_PAYMENTS)
    areas = [area for area in proposal.delivery_areas if area.strip()] or [town]
    tagline_key = "tagline" if city_name else "tagline_nocity"
    sector_lower = label if language == "hi" else label.lower()
    tagline = proposal.tagline or phrase(
        "texts", tagline_key, language, city=city_name or "", sector=label, sector_lower=sector_lower
    )
    features = [feature.text(language) for feature in profile.features]
    phone_text = _display_phone(phone) if phone else phrase("strings", "not_stated", language)
    spec = SiteSpec(
        business_name=business[:80],
        tagline=tagline[:140],
        sector=profile.id,
        language=language,
        palette=palette,
        pages=default_pages(profile, language),
        products=products,
        features=features,
        contact=Contact(
            phone=phone,
            whatsapp=phone is not None and phone.startswith(tuple("6789")),
            email=proposal.email,
            address=f"{area}, {city_name}" if city_name and area != city_name else area,
            directions=phrase(
                "texts",
                "directions_default" if phone else "directions_nophone",
                language,
                business=business,
                area=area,
                where=_where(area),
                phone=phone_text,
            ),
        ),
        city=city_name,
        region=_region(city_name, city.region if city else None),
        delivery_areas=areas,
        delivery_time=delivery_time,
        hours=hours,
        payment_methods=payments,
        seo_title=_seo_title(business, label, city_name),
        seo_description=f"{business}: {tagline}. {features[0]}, {features[1]}."[:170],
        policies=default_policies(
            profile, language, areas, delivery_time, free_above=proposal.free_delivery_above_inr
        ),
    )
    return BuiltSpec(spec=spec, notes=notes)


_LANDMARK = re.compile(r"(?:near|opposite|behind|next to)\b", re.IGNORECASE)


def _where(area: str) -> str:
    """ "in Lajpat Nagar", or a landmark as it is: "near the bus stand" (never "in Near the bus stand")."""
    return area[:1].lower() + area[1:] if _LANDMARK.match(area) else f"in {area}"


def _seo_title(business: str, label: str, city: str | None) -> str:
    """ "Crumbs & Co | Bakery and Sweets, Pune"; a name that already says the sector or the city (the
    placeholder "Pune Bakery and Sweets") is not followed by it again."""
    parts = [part for part in (label, city) if part and part.casefold() not in business.casefold()]
    return " | ".join([business, ", ".join(parts)] if parts else [business])[:70]


def default_pages(profile: SectorProfile, language: Language) -> list[PageSpec]:
    catalog = phrase("strings", profile.catalog_noun, language)
    titles = {
        "index": phrase("strings", "home", language),
        "products": catalog,
        "about": phrase("strings", "about", language),
        "contact": phrase("strings", "contact", language),
        "delivery": phrase("strings", "delivery", language),
        "faq": phrase("strings", "faq", language),
        "policies": phrase("strings", "policies", language),
    }
    sections: dict[PageSlug, list[str]] = {
        "index": list(profile.home_sections),
        "products": ["products"],
        "about": ["about", "features"],
        "contact": ["contact", "hours"],
        "delivery": ["delivery", "payments"],
        "faq": ["faq"],
        "policies": ["policies"],
    }
    return [PageSpec(slug=slug, title=titles[slug], sections=sections[slug]) for slug in PAGE_SLUGS]


def default_policies(
    profile: SectorProfile,
    language: Language,
    areas: list[str],
    delivery_time: str,
    free_above: float | None = None,
) -> Policies:
    """The sector's returns policy and the delivery terms: free above what the owner said (free on every
    order where they said 0: "free home delivery"), else ₹499."""
    from agents.pricing.money import rupees

    return Policies(
        returns=phrase("returns", profile.returns, language),
        delivery=phrase(
            "delivery_policy",
            "text_free" if free_above is not None and free_above <= 0 else "text",
            language,
            delivery_time=delivery_time,
            areas=", ".join(areas),
            free_above=rupees(DEFAULT_FREE_DELIVERY_ABOVE if free_above is None else free_above),
            fee=rupees(30),
        ),
        privacy=phrase("strings", "privacy_text", language),
    )


def _palette(profile: SectorProfile, colour: str | None) -> tuple[Palette, list[str]]:
    base = profile.palette
    primary = base.primary
    notes: list[str] = []
    if colour:
        try:
            primary = normalize_hex(colour)
        except ValueError:
            notes.append(f"colour {colour!r} is not a hex colour: the sector's own is kept")
    palette, fixes = accessible_palette(
        primary=primary, accent=base.accent, background=base.background, surface=base.surface, text=base.text
    )
    return palette, notes + fixes


def _products(
    profile: SectorProfile,
    language: Language,
    proposed: list[ProposedProduct],
    count: int | None,
    notes: list[str],
) -> list[SiteProduct]:
    """The proposed products first (a sample product's data where the name matches one, else the proposal's
    own price and unit); then, only when the owner priced nothing, the sector's samples, so that a site shows
    something to order until the owner lists their own. `count` of them, or all."""
    chosen: list[SiteProduct] = []
    used_samples: set[int] = set()
    # Beside the owner's own prices, a sample's made-up price would read as theirs (or contradict them:
    # "Phone Screen Repair ₹2,849" beside "Screen Replacement ₹1,500"), so samples then come only priced.
    owner_terms = [_owner_terms(item, language) for item in proposed]
    priced = any(terms is not None for terms in owner_terms)
    for item, terms in zip(proposed, owner_terms, strict=True):
        index = _matching_sample(profile, item.name)
        if index is not None:
            if terms is None and priced:
                notes.append(f"'{item.name}' has no price: left out until the owner adds one")
                continue
            if index not in used_samples:
                used_samples.add(index)
                # The owner's own price, per the owner's unit, for one of the sector's sample products (never
                # the sample's unit: "₹900" for kaju katli is not per the sample's 500 g).
                sample = _sample_product(profile, index, language)
                chosen.append(sample if terms is None else sample.model_copy(update=terms))
            continue
        if terms is None:
            notes.append(f"'{item.name}' has no price: left out until the owner adds one")
            continue
        chosen.append(
            SiteProduct(
                id=slugify(item.name, f"item-{len(chosen) + 1}"),
                name=item.name,
                description=item.description,
                stock=10,
                glyph=profile.products[0].glyph,
                **terms,
            )
        )
    # Nor the sector's other samples (a tailor's stitching rates, then "Banarasi Silk Saree ₹4,499"): they
    # fill a site only when the owner priced nothing.
    for index in range(0 if priced else len(profile.products)):
        if index not in used_samples:
            chosen.append(_sample_product(profile, index, language))
    unique: dict[str, SiteProduct] = {}
    for product in chosen:
        product_id = product.id
        while product_id in unique:
            product_id = f"{product_id}-2"
        unique[product_id] = product.model_copy(update={"id": product_id})
    limit = min(count or MAX_PRODUCTS, MAX_PRODUCTS)
    return list(unique.values())[:limit]


def _owner_terms(item: ProposedProduct, language: Language) -> dict[str, Any] | None:
    """The price, unit and sizes the owner gave a proposed product; None when they gave no price."""
    if item.price_inr is None or item.price_inr < 1:
        return None
    # No unit from the owner: "each", not the label "Unit" as if it were one; and a unit in Devanagari is no
    # size label ("1 किलो" would read "1").
    unit = item.unit or phrase("strings", "unit_default", language)
    sizes = [label for label in (size_label(size) for size in item.sizes) if label]
    own_size = size_label(item.unit) if item.unit and item.unit.isascii() else None
    return {
        "price_inr": round(item.price_inr),
        "unit": unit,
        "sizes": sizes or [own_size or "Standard"],
    }


def _matching_sample(profile: SectorProfile, name: str) -> int | None:
    wanted = name.strip().casefold()
    for index, sample in enumerate(profile.products):
        if wanted in {sample.name.en.casefold(), sample.name.hi.casefold()}:
            return index
    return None


def _sample_product(profile: SectorProfile, index: int, language: Language) -> SiteProduct:
    sample = profile.products[index]
    low, high = sample.price
    return SiteProduct(
        id=slugify(sample.name.en),
        name=sample.name.text(language),
        description=sample.description.text(language),
        price_inr=nice_price(low, high),
        unit=sample.unit.text(language),
        sizes=list(sample.sizes) or [size_label(sample.unit.en) or "Standard"],
        stock=sample.stock,
        glyph=sample.glyph,
    )


def _phone(value: str | None) -> str | None:
    if not value:
        return None
    digits = re.sub(r"\D", "", value)
    if digits.startswith("91") and len(digits) == 12:
        digits = digits[2:]
    if re.fullmatch(r"[6-9]\d{9}|0\d{9,10}", digits):
        return digits
    return None


def _display_phone(phone: str) -> str:
    return f"+91 {phone[:5]} {phone[5:]}" if len(phone) == 10 else phone


def display_phone(phone: str) -> str:
    return _display_phone(phone)


def _region(city: str | None, serviceable: str | None) -> str:
    if serviceable:
        return serviceable
    slug = slugify(city or "", "local").replace("-", "_")
    return slug if re.match(REGION_PATTERN, slug) else "local"


EDITABLE = frozenset(SiteSpec.model_fields) - {"sector"}


class SpecEditError(ValueError):
    """An owner's edit that does not give a valid spec; the message names what is wrong."""


def apply_edit(spec: SiteSpec, changes: dict[str, Any]) -> BuiltSpec:
    """The spec with the owner's changes (any top-level field; a palette's colours are made AA-compliant),
    or SpecEditError naming the problem."""
    unknown = sorted(set(changes) - set(SiteSpec.model_fields))
    if unknown:
        raise SpecEditError(f"unknown fields: {', '.join(unknown)}")
    merged = spec.model_dump(mode="json")
    notes: list[str] = []
    for key, value in changes.items():
        if key == "palette" and isinstance(value, dict):
            colours = {**merged["palette"], **value}
            try:
                palette, fixes = accessible_palette(
                    primary=colours["primary"],
                    accent=colours["accent"],
                    background=colours["background"],
                    surface=colours["surface"],
                    text=colours["text"],
                )
            except (KeyError, ValueError) as error:
                raise SpecEditError(f"palette: {error}") from None
            merged["palette"] = palette.model_dump()
            notes.extend(fixes)
        else:
            merged[key] = value
    if "sector" in changes and changes["sector"] != spec.sector:
        raise SpecEditError("the sector cannot be edited here: reject with a note naming the sector instead")
    try:
        edited = SiteSpec.model_validate(merged)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise SpecEditError(f"{where}: {first['msg']}") from None
    if edited.business_name != spec.business_name:
        edited = _renamed(edited, spec.business_name)
    return BuiltSpec(spec=edited, notes=notes)


def _renamed(spec: SiteSpec, old: str) -> SiteSpec:
    """The texts that quote the old business name quote the new one."""
    new = spec.business_name

    def swap(text: str) -> str:
        return text.replace(old, new)

    return spec.model_copy(
        update={
            "seo_title": swap(spec.seo_title)[:70],
            "seo_description": swap(spec.seo_description)[:170],
            "contact": spec.contact.model_copy(update={"directions": swap(spec.contact.directions)[:300]}),
        }
    )
