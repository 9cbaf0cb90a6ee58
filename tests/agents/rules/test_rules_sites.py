"""The rules tier's sector guess and site proposal, in English, Hindi and Hinglish."""

from __future__ import annotations

import pytest

from agents.rules.sites import free_delivery_above_in, guess_sector, priced_products_in, propose_site
from agents.schemas import SiteSectorContext, SiteSpecContext
from knowledge.sites.sectors import SECTORS


def guess(text: str):  # type: ignore[no-untyped-def]
    return guess_sector(SiteSectorContext(description=text, sectors=list(SECTORS)))


@pytest.mark.parametrize(
    ("text", "sector", "language"),
    [
        ("Sharma Kirana, fresh vegetables and daily groceries in Indore", "grocery", "en"),
        ("डॉ. वर्मा का क्लिनिक, भागलपुर। बच्चों का इलाज", "clinic", "hi"),
        ("Punjabi jutti aur mojari banate hain, shaadi ke liye", "footwear", "hinglish"),
        ("Quick Wash laundry and dry cleaning across Thane", "other", "en"),
        ("Cyber cafe with printing and xerox", "other", "en"),
    ],
)
def test_sector_and_language(text: str, sector: str, language: str) -> None:
    result = guess(text)
    assert (result.sector, result.language) == (sector, language)
    assert result.confidence >= 0.55


def test_split_or_thin_evidence_is_not_confident() -> None:
    split = guess("We sell sarees and chappals")
    assert split.confidence < 0.55 and split.alternatives
    assert guess("Best shop in town").confidence < 0.55
    assert guess("Best shop in town").sector == "other"


def test_home_delivery_does_not_make_a_home_store() -> None:
    assert "home" not in guess("Kirana with home delivery, ghar tak delivery").alternatives


def test_proposal_takes_what_the_description_says() -> None:
    proposal = propose_site(
        SiteSpecContext(
            description="Dr. Mehta's Dental Clinic near Rajwada, Indore: 10am to 7pm, call +91 98270 12345, "
            "UPI and cards, delivery in 2 hours",
            sector="clinic",
            language="en",
        )
    )
    assert proposal.business_name == "Dr Mehta's Dental Clinic"
    assert (proposal.city, proposal.phone, proposal.area) == ("Indore", "9827012345", "Near Rajwada")
    assert proposal.payment_methods == ["upi", "card"]
    assert (proposal.hours, proposal.delivery_time) == ("10am to 7pm", "within 2 hours")


def test_proposal_follows_the_owners_note() -> None:
    proposal = propose_site(
        SiteSpecContext(
            description="Sharma Kirana in Indore",
            sector="grocery",
            language="en",
            note='naam "Sharma Fresh" rakho, make it blue, only 3 products, hindi mein',
        )
    )
    assert proposal.business_name == "Sharma Fresh"
    assert (proposal.language, proposal.colour, proposal.product_count) == ("hi", "#1f4fbf", 3)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Mishra Sweets, Jaipur: kaju katli ₹900/kg, soan papdi Rs 300 per box, "
            "gulab jamun 20 rupees each. Free delivery above ₹500.",
            [("Kaju Katli", 900, "per kg"), ("Soan Papdi", 300, "per box"), ("Gulab Jamun", 20, "per piece")],
        ),
        (
            "Annapurna Bhojanalaya in Udaipur serves pure veg thali Rs. 120 per plate, paratha at 40/- and "
            "masala chai for ₹15",
            [("Pure Veg Thali", 120, "per plate"), ("Paratha", 40, None), ("Masala Chai", 15, None)],
        ),
        (
            "Hamari dukaan mein chole bhature 80 rupay plate milta hai aur lassi ₹40",
            [("Chole Bhature", 80, "per plate"), ("Lassi", 40, None)],
        ),
        ("काजू कतली ₹900 किलो, समोसा 15 रुपये", [("काजू कतली", 900, "प्रति किलो"), ("समोसा", 15, None)]),
        (
            "Dr Verma clinic, consultation fee ₹400, follow-up ₹200, delivery charges Rs 30, "
            "minimum order ₹200",
            [("Consultation Fee", 400, None), ("Follow-up", 200, None)],
        ),
        (
            "Kolhapuri chappals Rs 899 a pair and juttis for Rs.1,299",
            [("Kolhapuri Chappals", 899, "per pair"), ("Juttis", 1299, None)],
        ),
        ("Cakes starting from ₹450 for 500 g", [("Cakes", 450, "500 g")]),
        (
            "Kumar Tiffin Service - veg lunch box Rs 90 per meal, delivery charges extra Rs 20",
            [("Veg Lunch Box", 90, "per meal")],
        ),
        ("organic honey 500g jar for Rs 350", [("Organic Honey 500g Jar", 350, None)]),
        ("Open 10am to 8pm, call 9876543210, since 1987", []),
    ],
)
def test_the_owners_prices_name_their_products(
    text: str, expected: list[tuple[str, int, str | None]]
) -> None:
    found = priced_products_in(text)
    assert [(product.name, product.price_inr, product.unit) for product in found] == expected


def test_a_priced_product_comes_first_and_replaces_the_sample_it_names() -> None:
    proposal = propose_site(
        SiteSpecContext(
            description="Mishra Sweets: besan ladoo ₹380 per kg, cakes from ₹450, and jeera cookies",
            sector="bakery",
            language="en",
        )
    )
    assert [(product.name, product.price_inr) for product in proposal.products] == [
        ("Besan Ladoo", 380),
        ("Cakes", 450),
        ("Jeera Cookies", None),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Haircut: Rs 250, Facial: Rs 800", [("Haircut", 250), ("Facial", 800)]),
        ("Paneer tikka - Rs 220", [("Paneer Tikka", 220)]),
        ("Biryani (full) Rs 250", [("Biryani (full)", 250)]),
        ("T-shirts Rs 99.99, jeans Rs 799.", [("T-shirts", 99.99), ("Jeans", 799)]),
        ("Flat Rs 100 off on your first order. Pay Rs 20 extra for gift wrap", []),
        ("Prices start at Rs 99; packing charges Rs 10 per box; parking Rs 20", []),
        ("Call 9876543210 rs", []),
    ],
)
def test_menus_decimals_and_offers(text: str, expected: list[tuple[str, float]]) -> None:
    assert [(product.name, product.price_inr) for product in priced_products_in(text)] == expected


@pytest.mark.parametrize(
    ("text", "sector"),
    [
        ("Petals florist in Koramangala: fresh bouquets from ₹499", "other"),
        ("Paws Corner pet supplies: dog food, cat litter and toys", "other"),
        ("हमारी आयुर्वेदिक दवाइयों की दुकान है - त्रिफला चूर्ण ₹120", "pharmacy"),
        ("Hamari masala dukaan hai - kali mirch ₹900/kg, elaichi, haldi", "grocery"),
        ("Gupta Mishthan Bhandar - kaju katli 1100 rupaye kilo, rasgulla 20 rs piece", "bakery"),
        ("Punjabi Tadka dhaba near the toll: dal makhani Rs 180, butter naan Rs 40", "restaurant"),
    ],
)
def test_plurals_inflections_and_everyday_shop_words_name_the_sector(text: str, sector: str) -> None:
    result = guess(text)
    assert result.sector == sector and result.confidence >= 0.55


def test_a_locality_after_the_name_is_the_address_not_part_of_the_name() -> None:
    proposal = propose_site(
        SiteSpecContext(
            description="Sharma Tailors in Lajpat Nagar: suit stitching Rs. 650, blouse stitching Rs. 450",
            sector="fashion",
            language="en",
        )
    )
    assert (proposal.business_name, proposal.area, proposal.city) == ("Sharma Tailors", "Lajpat Nagar", None)


@pytest.mark.parametrize(
    "description",
    [
        "Handloom sarees made in India, Rs 1200 each",
        "Open from Monday to Saturday: cotton kurtis Rs 450",
        "Diya sets at Diwali prices, Rs 199 a box",
        "Ikat sarees from Pochampally, Rs 2,400",
    ],
)
def test_a_country_a_day_a_festival_or_where_goods_come_from_is_not_the_shops_locality(
    description: str,
) -> None:
    proposal = propose_site(SiteSpecContext(description=description, sector="fashion", language="en"))
    assert proposal.area is None


def test_a_landmark_stops_where_its_clause_does() -> None:
    proposal = propose_site(
        SiteSpecContext(
            description="Student stationery shop near DU north campus: notebooks ₹40",
            sector="other",
            language="en",
        )
    )
    assert proposal.area == "Near DU north campus"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("eggless cakes (₹1,200/kg), brownies 80 rupees each", [("Eggless Cakes", 1200), ("Brownies", 80)]),
        (
            "screen replacement 1500 se shuru, battery change Rs.800",
            [("Screen Replacement", 1500), ("Battery Change", 800)],
        ),
    ],
)
def test_prices_in_brackets_and_starting_prices_in_hinglish(
    text: str, expected: list[tuple[str, float]]
) -> None:
    assert [(product.name, product.price_inr) for product in priced_products_in(text)] == expected


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("free home delivery above Rs. 999", 999),
        ("Free delivery on orders above ₹1,500.", 1500),
        ("500 se upar free delivery", 500),
        ("1000 रुपये से ऊपर मुफ़्त डिलीवरी", 1000),
        ("pickup and drop free above ₹300", 300),
        ("delivery is free over Rs 250", 250),
        ("free delivery, packing charges Rs 10", None),
        ("free delivery above 5 km is not possible", None),
    ],
)
def test_the_free_delivery_threshold_the_owner_states(text: str, amount: float | None) -> None:
    assert free_delivery_above_in(text) == amount


def test_an_ampersand_joins_one_name_and_darjan_is_a_dozen() -> None:
    found = priced_products_in("wash & iron Rs 20 per piece, kela 60 rs darjan")

    assert [(product.name, product.unit) for product in found] == [
        ("Wash & Iron", "per piece"),
        ("Kela", "per dozen"),
    ]
