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


def proposal_for(description: str, sector: str = "other", language: str = "en"):  # type: ignore[no-untyped-def]
    return propose_site(SiteSpecContext(description=description, sector=sector, language=language))


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("Contact 011-27851234", "01127851234"),
        ("गणेश प्रिंटिंग प्रेस, स्टेशन रोड, सतना। 07672-234567", "07672234567"),
        ("Call 0135-2712345 / 9837012345", "9837012345"),  # the mobile, which customers can WhatsApp
        ("Call 8800 456 789", "8800456789"),
        ("Call: +91-9890012345", "9890012345"),
        ("FSSAI No. 12219999000123, GSTIN 27AABCS1234F1Z5", None),
        ("Sarees Rs 799 999 1,499 and more", None),
        ("Open 10am to 8pm, call 9876543210, since 1987", "9876543210"),
    ],
)
def test_mobiles_in_any_grouping_and_landlines_with_their_std_code(text: str, phone: str | None) -> None:
    assert proposal_for(text).phone == phone


@pytest.mark.parametrize(
    ("text", "name"),
    [
        (
            "Namaste! Main Sunita, ghar ka khana banati hoon - Annapurna Tiffin Service, Baner Pune",
            "Annapurna Tiffin Service",
        ),
        ("🌸 Petals & Stems - fresh flower bouquets and gajra", "Petals & Stems"),
        ("Dadi ke haath ke achaar aur papad, Jodhpur. FSSAI No. 12219999000123", None),
        ("Dr. Anjali Gupta (MBBS, MD) - bachon ki doctor, Bareilly", "Dr Anjali Gupta"),
        ("Hi, I'm Rahul, a wedding photographer based in Indore", None),
        ("Ghar jaisa khana, tiffin service har din office tak, Kochi mein", None),
        ("स्टील और पीतल के बर्तन, प्रेशर कुकर और डिनर सेट की दुकान, मेरठ", None),
        ("LED TV, fridge aur cooler ki dukaan, Raipur", None),
        ("घर का खाना - राजमा चावल ₹120, छोले भटूरे ₹100", None),
        ("डॉ. वर्मा का क्लिनिक, भागलपुर। बच्चों और बड़ों का इलाज", "डॉ वर्मा का क्लिनिक"),
        ("Glow Unisex Salon in Bengaluru: haircuts and facials", "Glow Unisex Salon"),
        ("Sabse saste mobile covers 99₹ se! Shop: Ghanta Ghar, Meerut", None),
    ],
)
def test_a_greeting_an_emoji_a_registration_or_a_description_is_not_the_name(
    text: str, name: str | None
) -> None:
    assert proposal_for(text).business_name == name


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a currency sign after an amount starts the next price, not this one
        (
            "Fees: Class 6-8 ₹1500/month, Class 9-10 ₹2500/month",
            [("Class 6-8", 1500, "per month"), ("Class 9-10", 2500, "per month")],
        ),
        (
            "Sheesham wood sofa 3+1+1 ₹35,000, double bed ₹22,000",
            [("Sheesham Wood Sofa 3+1+1", 35000, None), ("Double Bed", 22000, None)],
        ),
        # a list without currency, line by line
        (
            "Balaji General Store\nAtta 10kg - 420\nSugar 1kg - 44\nTata Salt - 28\nShop no. 4",
            [("Atta", 420, "10 kg"), ("Sugar", 44, "1 kg"), ("Tata Salt", 28, None)],
        ),
        # a bare amount in a sentence that prices other things in rupees; not a sector or a minimum
        (
            "Dog bath Rs 1200, haircut Rs 800, nail clipping 300. Sector 56, min 50",
            [("Dog Bath", 1200, None), ("Haircut", 800, None), ("Nail Clipping", 300, None)],
        ),
        # a quantity before the price is the unit; a quantity alone is another size of the product before it
        (
            "Aam ka achaar 250g Rs 180, nimbu achaar Rs 150",
            [("Aam Ka Achaar", 180, "250 g"), ("Nimbu Achaar", 150, None)],
        ),
        (
            "Asli shahad, 500 gm Rs 450, 1 kg Rs 850. Ghee bhi available 1 ltr 1200.",
            [("Asli Shahad", 450, "500 gm"), ("Asli Shahad", 850, "1 kg"), ("Ghee", 1200, "1 ltr")],
        ),
        ("चॉकलेट केक 1 किलो ₹700, ब्राउनी ₹60 पीस", [("चॉकलेट केक", 700, "1 किलो"), ("ब्राउनी", 60, "प्रति पीस")]),
        # pipes, bullets and exclamation marks end a clause; emoji are not part of a name
        (
            "Root canal ₹3,500 | Cleaning ₹800 | Braces from ₹25,000",
            [("Root Canal", 3500, None), ("Cleaning", 800, None), ("Braces", 25000, None)],
        ),
        ("• Shirt silai ₹350\n• Pant silai ₹400", [("Shirt Silai", 350, None), ("Pant Silai", 400, None)]),
        (
            "Sabse saste mobile covers 99₹ se! Tempered glass 149₹, papad 😋 Aam papad Rs 90",
            [("Mobile Covers", 99, None), ("Tempered Glass", 149, None), ("Aam Papad", 90, None)],
        ),
        # a visit the owner prices is what they sell; a charge on top is not
        (
            "Visiting charge Rs 200, service charge Rs 50, courier charges Rs 80",
            [("Visiting Charge", 200, None)],
        ),
        # the owner's capitals are kept, the rest is title case with small words in lower case
        (
            "SUV wash ₹599, cupcakes (box of 6) ₹350",
            [("SUV Wash", 599, None), ("Cupcakes (box of 6)", 350, None)],
        ),
    ],
)
def test_owners_price_lists_as_they_write_them(
    text: str, expected: list[tuple[str, float, str | None]]
) -> None:
    found = priced_products_in(text)
    assert [(product.name, product.price_inr, product.unit) for product in found] == expected


@pytest.mark.parametrize(
    ("text", "language", "hours"),
    [
        ("9 to 9 khula, Sunday closed", "hinglish", "9 se 9 baje tak, Sunday chhodkar"),
        (
            "Clinic timing shaam 5 se 9 baje, Ravivar band",
            "hinglish",
            "shaam 5 se 9 baje tak, Sunday chhodkar",
        ),
        ("सुबह 10 से शाम 7 बजे तक", "hi", "सुबह 10 से शाम 7 बजे तक"),  # शाम stays शाम, not रात
        ("subah 10 se raat 8", "en", "10 am to 8 pm"),
        ("Timings 4pm to 8pm, Mon-Sat", "en", "Monday to Saturday, 4pm to 8pm"),
        ("Open 8 AM - 8 PM, Tuesday closed", "en", "8 AM to 8 PM, except Tuesday"),
        ("Mon–Sat 10 AM–1 PM & 5 PM–8 PM", "en", "Monday to Saturday, 10 AM to 1 PM and 5 PM to 8 PM"),
        ("10.30 a.m. to 8 p.m.", "en", "10.30 am to 8 pm"),
        ("closed on Sundays", "en", "every day except Sunday"),
        ("class 1 se 8 tak, Sunday open", "hinglish", None),
        ("Morning batches 6-7am and 7-8am", "en", None),
    ],
)
def test_opening_hours_and_days_as_owners_write_them(text: str, language: str, hours: str | None) -> None:
    assert proposal_for(text, language=language).hours == hours


@pytest.mark.parametrize(
    ("text", "payments"),
    [
        ("गणेश प्रिंटिंग प्रेस, शादी के कार्ड, विज़िटिंग कार्ड", []),
        ("Wedding cards and visiting cards printed, SIM card available", []),
        ("UPI and cards", ["upi", "card"]),
        ("EMI aur card payment chalta hai", ["card"]),
    ],
)
def test_cards_that_are_sold_are_not_card_payments(text: str, payments: list[str]) -> None:
    assert proposal_for(text).payment_methods == payments


@pytest.mark.parametrize(
    ("text", "area"),
    [
        ("Annapurna Tiffin Service, Baner Pune. Veg tiffin Rs 90", "Baner"),
        ("Excel Tuition Classes, Sector 15 Rohini, Delhi.", "Sector 15 Rohini"),
        ("Sharma Electricals - house wiring. Jaipur, Malviya Nagar. Ph: 9414056789", "Malviya Nagar"),
        ("Address: 12, Civil Lines, Bareilly. Call 9412345678", "12, Civil Lines"),  # the city is the city's
        ("Address: 12, Civil Lines, Budaun. Call 9412345678", "12, Civil Lines, Budaun"),  # a town not known
        (
            "Balaji General Store\nAll groceries at MRP or less\nShop no. 4, Kalyan West\n9322012345",
            "Shop no 4, Kalyan West",
        ),
        ("माँ अन्नपूर्णा होम बेकर्स। भोपाल, अरेरा कॉलोनी। संपर्क: 9826098260", "अरेरा कॉलोनी"),
        ("गणेश प्रिंटिंग प्रेस, विज़िटिंग कार्ड। स्टेशन रोड, सतना। 07672-234567", "स्टेशन रोड"),
        ("गणेश प्रिंटिंग प्रेस, विज़िटिंग कार्ड। स्टेशन रोड, मैहर। 07674-234567", "स्टेशन रोड, मैहर"),
        ("SmileCare Dental Clinic\n📍 Kakkanad, Kochi", "Kakkanad"),
        ("Vidya Stationers, opposite Govt. College, Jhansi.", "Opposite Govt. College"),
        ("Fresh fruit shop in Lajpat Nagar, near the metro station", "Lajpat Nagar, near the metro station"),
        ("Meera Handlooms, Varanasi: Banarasi silk sarees", None),  # the business, not a locality
        ("Rosy Bakery in Jaipur bakes eggless cakes", None),
    ],
)
def test_the_shops_address_as_the_owner_gives_it(text: str, area: str | None) -> None:
    assert proposal_for(text).area == area


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("Ghar pe delivery free. Vaishali Nagar", 0),
        ("Free delivery within 10 km", 0),
        ("घर पर मुफ़्त डिलीवरी", 0),
        ("Free delivery in Koramangala & HSR above ₹999", 999),
        ("no free delivery, charges Rs 30", None),
    ],
)
def test_delivery_free_on_every_order_or_above_an_amount(text: str, amount: float | None) -> None:
    assert proposal_for(text).free_delivery_above_inr == amount


@pytest.mark.parametrize(
    ("text", "sector"),
    [
        ("Paws N Claws pet grooming at home. Dog bath & grooming Rs 1200, haircut Rs 800", "other"),
        ("Sharma Electricals - house wiring, fan/AC installation. Visiting charge Rs 200", "other"),
        ("Hi, I'm Rahul, a wedding & pre-wedding photographer based in Indore", "other"),
        ("Shree Ganesh Jewellers - hallmarked gold jewellery, silver payal", "fashion"),
        ("Dadi ke haath ke achaar aur papad, homemade", "grocery"),
        ("Vision Plus Opticals: free eye testing, spectacles from Rs. 799", "clinic"),
        ("Gopal Dairy, desi gaay ka doodh, paneer, ghee", "grocery"),
        # a keyword before a danda: "कक्षाएं।" is the word कक्षाएं
        ("सुर संगम विद्यालय - हारमोनियम और गायन की कक्षाएं। फीस ₹800 प्रति माह।", "education"),
    ],
)
def test_more_trades_and_a_hindi_full_stop_name_the_sector(text: str, sector: str) -> None:
    assert guess(text).sector == sector


@pytest.mark.parametrize(
    ("text", "areas", "area"),
    [
        ("Petals & Stems: free delivery in Koramangala & HSR above ₹999", ["Koramangala", "HSR"], None),
        ("Green Acres Farm. Delivery every Saturday in Nashik and Bangalore.", ["Nashik", "Bengaluru"], None),
        ("Sharma Kirana in Lajpat Nagar, home delivery in 2 hours", [], "Lajpat Nagar"),
    ],
)
def test_where_the_owner_delivers_is_not_the_shops_address(
    text: str, areas: list[str], area: str | None
) -> None:
    proposal = proposal_for(text)
    assert (proposal.delivery_areas, proposal.area) == (areas, area)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Samosa @ ₹15, kachori @15, email me @ 9am", [("Samosa", 15), ("Kachori", 15)]),
        ("Gents haircut 100rs, beard 50 rs", [("Gents Haircut", 100), ("Beard", 50)]),
        ("Thali ₹120 only, special thali ₹180 only", [("Thali", 120), ("Special Thali", 180)]),
    ],
)
def test_at_signs_rupees_written_on_and_a_second_kind_of_the_same_thing(
    text: str, expected: list[tuple[str, float]]
) -> None:
    assert [(product.name, product.price_inr) for product in priced_products_in(text)] == expected


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        ("Open 24x7, free home delivery", "24 hours, every day"),
        ("Shree Medical Store, a 24 hour chemist in Guwahati", "24 hours, every day"),
        ("Delivery in 24 hours; orders 24 hrs in advance", None),
    ],
)
def test_open_round_the_clock(text: str, hours: str | None) -> None:
    assert proposal_for(text).hours == hours


def test_an_abbreviations_full_stop_does_not_end_the_sentence_a_bare_price_is_in() -> None:
    found = priced_products_in(
        "Style Step, Lajpat Nagar - ladies sandals 499, gents shoes Rs. 999, kids shoes ₹ 399."
    )
    assert [(product.name, product.price_inr) for product in found] == [
        ("Ladies Sandals", 499),
        ("Gents Shoes", 999),
        ("Kids Shoes", 399),
    ]


def test_a_town_the_city_list_does_not_know_is_kept_as_the_address() -> None:
    assert proposal_for("Laxmi Sweets & Namkeen, Nokha. Bikaneri bhujia ₹240/kg").area == "Nokha"
    assert proposal_for("Sharma Kirana, fresh vegetables and atta").area is None
