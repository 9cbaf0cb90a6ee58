"""Pages of a generated site: server-rendered HTML from the Jinja2 templates in templates/ (one per section
type: hero, features, products, delivery, hours, about, faq, contact, payments, policies; a product page;
a base layout) and one self-contained stylesheet. Links are relative, so the same files work under
/sites/{id}/, from a folder on disk, and in the validator's browser."""

from __future__ import annotations

import base64
import functools
import hashlib
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from agents.pricing.money import rupees
from agents.schemas import SiteCopy
from domain.sites.images import hero_svg, logo_svg, product_svg
from domain.sites.spec import PAGE_SLUGS, SiteProduct, SiteSpec, display_phone
from knowledge.sites.language import labels, phrase
from knowledge.sites.sectors import Language, sector_profile

HTML_LANG: dict[Language, str] = {"en": "en", "hi": "hi", "hinglish": "hi-Latn"}
BOOKING_SECTORS = frozenset({"clinic", "beauty", "education", "other"})
NBSP = "\u00a0"


@functools.cache
def environment() -> Environment:
    return Environment(
        loader=PackageLoader("domain.sites", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=StrictUndefined,
    )


def page_path(slug: str) -> str:
    return f"{slug}.html"


def product_path(product: SiteProduct) -> str:
    return f"product-{product.id}.html"


def image_path(name: str) -> str:
    return f"images/{name}.svg"


def render_pages(spec: SiteSpec, copy: SiteCopy) -> dict[str, str]:
    """Every HTML page and the stylesheet, by relative path."""
    env = environment()
    css = env.get_template("style.css.j2").render(spec=spec, palette=spec.palette)
    shared = _shared_context(spec, copy, css)
    files: dict[str, str] = {"style.css": css}
    page_template = env.get_template("page.html.j2")
    for page in spec.pages:
        title = spec.seo_title if page.slug == "index" else f"{page.title} | {spec.business_name}"
        files[page_path(page.slug)] = page_template.render(
            **shared,
            page=page,
            nav=_nav(spec, page.slug),
            title=title[:70],
            description=spec.seo_description,
        )
    product_template = env.get_template("product.html.j2")
    for product in spec.products:
        files[product_path(product)] = product_template.render(
            **shared,
            product=product,
            nav=_nav(spec, "products"),
            title=f"{product.name} | {spec.business_name}"[:70],
            description=(product.description or spec.seo_description)[:160],
        )
    return files


def render_images(spec: SiteSpec) -> dict[str, str]:
    """The logo, the hero illustration and one placeholder per product, by relative path."""
    t = labels(spec.language)
    profile = sector_profile(spec.sector)
    sector = profile.label.text(spec.language)
    images = {
        image_path("logo"): logo_svg(
            spec.business_name, spec.palette, t["logo_alt"].format(business=spec.business_name)
        ),
        image_path("hero"): hero_svg(profile.glyph, spec.palette, t["hero_alt"].format(sector=sector)),
    }
    for product in spec.products:
        label = t["product_alt"].format(product=product.name)
        images[image_path(product.id)] = product_svg(product.name, product.glyph, spec.palette, label)
    return images


def sri(content: str) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(content.encode("utf-8")).digest()).decode("ascii")


def _shared_context(spec: SiteSpec, copy: SiteCopy, css: str) -> dict[str, Any]:
    language = spec.language
    t = labels(language)
    profile = sector_profile(spec.sector)
    sector = profile.label.text(language)
    booking = spec.sector in BOOKING_SECTORS
    blurbs = {
        product.id: text.strip()
        for product, text in zip(spec.products, copy.product_blurbs, strict=False)
        if text and text.strip()
    }
    phone = spec.contact.phone
    catalog_title = next(page.title for page in spec.pages if page.slug == "products")

    def blurb(product: SiteProduct) -> str:
        return blurbs.get(product.id) or product.description

    def product_alt(product: SiteProduct) -> str:
        return t["product_alt"].format(product=product.name)

    return {
        "spec": spec,
        "copy": copy,
        "palette": spec.palette,
        "t": t,
        "lang": HTML_LANG[language],
        "css_integrity": sri(css),
        "logo_alt": t["logo_alt"].format(business=spec.business_name),
        "hero_alt": t["hero_alt"].format(sector=sector),
        "phone": phone,
        "phone_tel": f"+91{phone}" if phone and len(phone) == 10 else phone,
        "phone_display": display_phone(phone).replace(" ", NBSP) if phone else "",
        "call_label": t["book_call" if booking else "order_call"],
        "call_label_tel": t["book_call" if booking else "order_call"].replace(" ", NBSP),
        "whatsapp_label": t["book_whatsapp" if booking else "order_whatsapp"],
        "catalog_title": catalog_title,
        "delivery_intro": phrase("texts", "delivery_intro", language, delivery_time=spec.delivery_time),
        "faq": _faq(spec),
        "rupees": rupees,
        "blurb": blurb,
        "product_alt": product_alt,
    }


def _nav(spec: SiteSpec, current: str) -> list[dict[str, Any]]:
    titles = {page.slug: page.title for page in spec.pages}
    return [
        {"href": page_path(slug), "title": titles[slug], "current": slug == current}
        for slug in PAGE_SLUGS
        if slug in titles
    ]


def _faq(spec: SiteSpec) -> list[dict[str, str]]:
    language = spec.language
    t = labels(language)
    phone = display_phone(spec.contact.phone) if spec.contact.phone else t["not_stated"]
    payments = ", ".join(t[f"pay_{method}"] for method in spec.payment_methods)
    values = {
        "phone": phone,
        "payments": payments,
        "areas": ", ".join(spec.delivery_areas),
        "delivery_time": spec.delivery_time,
        "hours": spec.hours,
    }
    answers = {key: f"faq_{key}_a" for key in ("order", "pay", "area", "hours")}
    if not spec.contact.phone:
        answers["order"] = "faq_order_a_nophone"  # never "call us on Ask us"
    return [
        {"q": phrase("texts", f"faq_{key}_q", language), "a": phrase("texts", answer, language, **values)}
        for key, answer in answers.items()
    ] + [{"q": phrase("texts", "faq_returns_q", language), "a": spec.policies.returns}]
