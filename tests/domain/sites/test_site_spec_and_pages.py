"""The rules tier makes a complete, valid site for every sector in every language, with no model at all:
the spec (every gap filled from the sector's data, palette AA), the pages and images, and the browser-free
checks all pass. The checks find what they are for (broken link, missing alt/h1/lang/viewport, a price not
in INR, a page over budget)."""

from __future__ import annotations

import pytest

from agents.rules.sites import localized_site_copy, propose_site
from agents.schemas import SiteCopyContext, SiteProposal, SiteSpecContext
from domain.sites.checks import PAGE_BUDGET_BYTES, static_checks
from domain.sites.palette import accessible_palette, contrast
from domain.sites.render import HTML_LANG, render_images, render_pages
from domain.sites.spec import SiteRequest, SiteSpec, SpecEditError, apply_edit, build_spec, nice_price
from knowledge.sites.sectors import LANGUAGES, SECTORS, sector_profile


def site(
    sector: str, language: str, description: str = "A small shop in Indore, call 9827012345"
) -> SiteSpec:
    proposal = propose_site(SiteSpecContext(description=description, sector=sector, language=language))
    built = build_spec(
        SiteRequest(description=description),
        sector=sector,
        language=language,
        proposal=proposal,
        description_language="en",
    )
    return built.spec


def files_of(spec: SiteSpec) -> dict[str, str]:
    copy = localized_site_copy(
        SiteCopyContext(
            business_name=spec.business_name,
            sector=spec.sector,
            city=spec.city,
            language=spec.language,
            products=[product.description for product in spec.products],
        )
    )
    return {**render_pages(spec, copy), **render_images(spec)}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("sector", SECTORS)
def test_every_sector_and_language_gives_a_complete_valid_site(sector: str, language: str) -> None:
    spec = site(sector, language)
    files = files_of(spec)

    assert spec.palette.contrast_problems() == []
    assert len(spec.products) == len(sector_profile(sector).products)
    assert {
        "index.html",
        "products.html",
        "about.html",
        "contact.html",
        "delivery.html",
        "faq.html",
        "policies.html",
    } <= set(files)
    assert all(f"product-{product.id}.html" in files for product in spec.products)
    assert all(f"images/{product.id}.svg" in files for product in spec.products)
    assert static_checks(files, lang=HTML_LANG[spec.language]) == []
    assert "http://" not in files["style.css"] and "@import" not in files["style.css"]


def test_every_sector_palette_passes_aa_as_configured() -> None:
    for sector in SECTORS:
        base = sector_profile(sector).palette
        palette, notes = accessible_palette(**base.model_dump())
        assert notes == [], (sector, notes)
        assert contrast(palette.on_primary, palette.primary) >= 4.5


def test_a_low_contrast_colour_is_darkened_and_noted() -> None:
    built = build_spec(
        SiteRequest(description="Rosy Bakery in Jaipur, cakes"),
        sector="bakery",
        language="en",
        proposal=SiteProposal(colour="#ffd700"),
        description_language="en",
    )
    assert built.spec.palette.primary != "#ffd700"
    assert any("darkened" in note for note in built.notes)


def test_edits_are_validated() -> None:
    spec = site("grocery", "en")
    assert apply_edit(spec, {"business_name": "New Name"}).spec.business_name == "New Name"
    with pytest.raises(SpecEditError, match="products"):
        apply_edit(spec, {"products": []})
    with pytest.raises(SpecEditError, match="unknown"):
        apply_edit(spec, {"colour_scheme": "red"})
    fixed = apply_edit(spec, {"palette": {"primary": "#eeeeee"}}).spec
    assert fixed.palette.contrast_problems() == []


def test_prices_are_shop_prices_inside_the_range() -> None:
    assert nice_price(95, 160) == 130
    assert nice_price(450, 750) == 599
    assert nice_price(1500, 3200) == 2349
    assert nice_price(27, 32) == 30


def test_checks_find_what_they_are_for() -> None:
    files = files_of(site("grocery", "en"))
    broken = dict(files)
    broken["about.html"] = (
        files["about.html"]
        .replace('lang="en"', "")
        .replace('<meta name="viewport" content="width=device-width, initial-scale=1">', "")
        .replace("<h1>", "<h2>")
        .replace("</h1>", "</h2>")
        .replace('href="faq.html"', 'href="missing.html"')
        .replace('alt="Sharma', 'alt="')
    )
    broken["products.html"] = files["products.html"].replace("₹130", "Rs. 130")
    broken["faq.html"] = files["faq.html"] + "<!--" + "x" * PAGE_BUDGET_BYTES + "-->"

    found = {(finding.page, finding.check) for finding in static_checks(broken, lang="en")}

    assert {
        ("about.html", "lang"),
        ("about.html", "viewport"),
        ("about.html", "h1"),
        ("about.html", "links"),
    } <= found
    assert ("products.html", "inr") in found
    assert ("faq.html", "weight") in found


def test_the_owners_prices_are_on_the_site_in_rupees() -> None:
    description = "Mishra Sweets, Jaipur: besan ladoo Rs 380 per kg, kaju katli Rs. 900/kg. UPI and cash."
    spec = site("bakery", "en", description)
    prices = {product.name: (product.price_inr, product.unit) for product in spec.products}
    # The owner's price wins over the sector sample's for the same product, and their own products come first.
    assert [product.name for product in spec.products[:2]] == ["Besan Ladoo", "Kaju Katli"]
    assert prices["Besan Ladoo"] == (380, "per kg") and prices["Kaju Katli"] == (900, "per kg")
    ladoo = next(product for product in spec.products if product.name == "Besan Ladoo")
    assert ladoo.sizes == ["per kg"]  # not the sample's "500 g"
    copy = localized_site_copy(
        SiteCopyContext(
            business_name=spec.business_name, sector=spec.sector, language="en", description=description
        )
    )
    # The About page quotes the owner, with every amount written in ₹ as the INR check wants.
    assert "₹380 per kg" in copy.about and "Rs" not in copy.about
    assert [
        finding for finding in static_checks(render_pages(spec, copy), lang="en") if finding.check == "inr"
    ] == []


def test_without_a_phone_the_site_never_says_call_us_on_ask_us() -> None:
    spec = site("fashion", "en", "Sharma Tailors in Lajpat Nagar: blouse stitching Rs. 450")
    pages = render_pages(
        spec,
        localized_site_copy(
            SiteCopyContext(business_name=spec.business_name, sector=spec.sector, language="en")
        ),
    )

    assert spec.contact.directions == "Ask for Sharma Tailors in Lajpat Nagar."
    assert not any("Ask us" in html for html in pages.values())


def test_a_landmark_is_written_as_it_is_in_the_directions() -> None:
    spec = site("other", "en", "Student stationery shop near DU north campus, call 9876543210")

    assert spec.contact.directions.startswith("Ask for Local Services near DU north campus; call us on")


def test_no_sample_product_contradicts_a_price_the_owner_gave_for_the_same_kind_of_thing() -> None:
    spec = site("electronics", "hinglish", "Mobile repair shop in Andheri - screen replacement 1500 se shuru")
    screens = [(product.name, product.price_inr) for product in spec.products if "Screen" in product.name]

    assert screens == [("Screen Replacement", 1500)]


def test_the_owners_free_delivery_threshold_is_the_delivery_policy() -> None:
    spec = site("other", "en", "Paws Corner pet supplies in Gurgaon, free home delivery above Rs. 999")

    assert "free above ₹999" in spec.policies.delivery


def test_the_seo_title_does_not_repeat_a_name_that_already_says_the_sector() -> None:
    spec = site("grocery", "hinglish", "Hamari masala dukaan hai - kali mirch ₹900/kg")

    assert spec.seo_title == spec.business_name == "Kirana"


def test_the_owners_priced_products_are_not_padded_with_made_up_ones() -> None:
    tailor = site("fashion", "en", "Sharma Tailors: blouse stitching Rs. 450, alterations from Rs. 100")
    unpriced = site("fashion", "en", "Sharma Tailors in Lajpat Nagar, call 9876543210")

    sweets = site("bakery", "en", "Mishra Sweets: besan ladoo ₹380 per kg, and jeera cookies")

    assert [product.name for product in tailor.products] == ["Blouse Stitching", "Alterations"]
    assert [product.name for product in sweets.products] == ["Besan Ladoo"]  # not the sample's cookie price
    assert len(unpriced.products) == len(sector_profile("fashion").products)


def test_delivery_the_owner_says_is_free_is_free_on_every_order() -> None:
    free = site("grocery", "hinglish", "Gopal Dairy, doodh ₹60/litre. Ghar pe delivery free. Jaipur")
    threshold = site("grocery", "en", "Gopal Dairy, milk ₹60/litre, free delivery above ₹300, Jaipur")

    assert (
        "Har order par delivery free hai" in free.policies.delivery and "₹499" not in free.policies.delivery
    )
    assert "free above ₹300" in threshold.policies.delivery


def test_a_price_without_a_unit_is_each_and_a_hindi_unit_is_no_size_label() -> None:
    english = site("other", "en", "Petals & Stems: red rose bouquet ₹499, car decoration from ₹2500")
    hindi = site("bakery", "hi", "होम बेकर्स, भोपाल: चॉकलेट केक 1 किलो ₹700, ब्राउनी ₹60 पीस")

    assert [(product.unit, product.sizes) for product in english.products] == [
        ("each", ["Standard"]),
        ("each", ["Standard"]),
    ]
    assert [(product.name, product.unit, product.sizes) for product in hindi.products] == [
        ("चॉकलेट केक", "1 किलो", ["Standard"]),
        ("ब्राउनी", "प्रति पीस", ["Standard"]),
    ]
