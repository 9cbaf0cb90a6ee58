"""Indian cities a business description may name, in Latin script and Devanagari, with the pakka region
(core/catalog/regions.py) each one is served from when it is a serviceable city."""

from __future__ import annotations

from dataclasses import dataclass

from core.catalog.regions import REGIONS


@dataclass(frozen=True)
class City:
    name: str
    """As written in English."""
    hindi: str
    region: str | None
    """The serviceable region slug, None where pakka does not ship yet."""
    aliases: tuple[str, ...] = ()


_HINDI = {
    "mumbai": "मुंबई",
    "delhi": "दिल्ली",
    "bengaluru": "बेंगलुरु",
    "chennai": "चेन्नई",
    "kolkata": "कोलकाता",
    "hyderabad": "हैदराबाद",
    "pune": "पुणे",
    "ahmedabad": "अहमदाबाद",
    "jaipur": "जयपुर",
    "lucknow": "लखनऊ",
    "chandigarh": "चंडीगढ़",
    "kochi": "कोच्चि",
    "indore": "इंदौर",
    "coimbatore": "कोयंबटूर",
    "surat": "सूरत",
    "nagpur": "नागपुर",
    "bhubaneswar": "भुवनेश्वर",
    "visakhapatnam": "विशाखापत्तनम",
    "guwahati": "गुवाहाटी",
    "udaipur": "उदयपुर",
    "shillong": "शिलांग",
    "tirupati": "तिरुपति",
    "bhagalpur": "भागलपुर",
    "haridwar": "हरिद्वार",
    "panaji": "पणजी",
}
_ALIASES = {
    "mumbai": ("bombay",),
    "delhi": ("new delhi", "नई दिल्ली"),
    "bengaluru": ("bangalore", "बैंगलोर"),
    "kolkata": ("calcutta",),
    "chennai": ("madras",),
    "kochi": ("cochin",),
    "visakhapatnam": ("vizag",),
    "panaji": ("panjim", "goa"),
}
_OTHER = (
    City("Varanasi", "वाराणसी", None, ("banaras", "benares", "kashi", "बनारस")),
    City("Patna", "पटना", None),
    City("Bhopal", "भोपाल", None),
    City("Kanpur", "कानपुर", None),
    City("Agra", "आगरा", None),
    City("Nashik", "नासिक", None),
    City("Mysuru", "मैसूर", None, ("mysore",)),
    City("Madurai", "मदुरै", None),
    City("Ludhiana", "लुधियाना", None),
    City("Amritsar", "अमृतसर", None),
    City("Dehradun", "देहरादून", None),
    City("Ranchi", "रांची", None),
    City("Raipur", "रायपुर", None),
    City("Jodhpur", "जोधपुर", None),
    City("Gwalior", "ग्वालियर", None),
    City("Vadodara", "वडोदरा", None, ("baroda",)),
    City("Rajkot", "राजकोट", None),
    City("Noida", "नोएडा", None),
    City("Gurugram", "गुरुग्राम", None, ("gurgaon",)),
    City("Thane", "ठाणे", None),
    City("Mangaluru", "मंगलुरु", None, ("mangalore",)),
    City("Thiruvananthapuram", "तिरुवनंतपुरम", None, ("trivandrum",)),
    City("Vijayawada", "विजयवाड़ा", None),
    City("Kota", "कोटा", None),
    City("Ajmer", "अजमेर", None),
    City("Meerut", "मेरठ", None),
    City("Prayagraj", "प्रयागराज", None, ("allahabad",)),
    City("Shimla", "शिमला", None),
    City("Siliguri", "सिलीगुड़ी", None),
    City("Jabalpur", "जबलपुर", None),
    City("Aurangabad", "औरंगाबाद", None),
    City("Ujjain", "उज्जैन", None),
    # More cities and district towns a small business may name. Left out: names that are also everyday words
    # or common names in a description ("Gaya", "went" in Hindi; "Erode"; "Anand", "Sagar", "Kalyan").
    City("Faridabad", "फरीदाबाद", None),
    City("Ghaziabad", "गाज़ियाबाद", None),
    City("Navi Mumbai", "नवी मुंबई", None),
    City("Howrah", "हावड़ा", None),
    City("Bareilly", "बरेली", None),
    City("Aligarh", "अलीगढ़", None),
    City("Moradabad", "मुरादाबाद", None),
    City("Saharanpur", "सहारनपुर", None),
    City("Gorakhpur", "गोरखपुर", None),
    City("Jhansi", "झांसी", None),
    City("Mathura", "मथुरा", None),
    City("Vrindavan", "वृंदावन", None),
    City("Ayodhya", "अयोध्या", None),
    City("Rishikesh", "ऋषिकेश", None),
    City("Haldwani", "हल्द्वानी", None),
    City("Bikaner", "बीकानेर", None),
    City("Alwar", "अलवर", None),
    City("Bhilwara", "भीलवाड़ा", None),
    City("Sikar", "सीकर", None),
    City("Satna", "सतना", None),
    City("Rewa", "रीवा", None),
    City("Bilaspur", "बिलासपुर", None),
    City("Bhilai", "भिलाई", None),
    City("Jamshedpur", "जमशेदपुर", None),
    City("Dhanbad", "धनबाद", None),
    City("Bokaro", "बोकारो", None),
    City("Muzaffarpur", "मुज़फ़्फ़रपुर", None),
    City("Darbhanga", "दरभंगा", None),
    City("Cuttack", "कटक", None),
    City("Rourkela", "राउरकेला", None),
    City("Asansol", "आसनसोल", None),
    City("Durgapur", "दुर्गापुर", None),
    City("Jammu", "जम्मू", None),
    City("Srinagar", "श्रीनगर", None),
    City("Jalandhar", "जालंधर", None),
    City("Patiala", "पटियाला", None),
    City("Bathinda", "बठिंडा", None),
    City("Panipat", "पानीपत", None),
    City("Karnal", "करनाल", None),
    City("Rohtak", "रोहतक", None),
    City("Hisar", "हिसार", None),
    City("Kolhapur", "कोल्हापुर", None),
    City("Solapur", "सोलापुर", None),
    City("Amravati", "अमरावती", None),
    City("Akola", "अकोला", None),
    City("Jalgaon", "जलगांव", None),
    City("Latur", "लातूर", None),
    City("Nanded", "नांदेड़", None),
    City("Vasai", "वसई", None),
    City("Bhavnagar", "भावनगर", None),
    City("Jamnagar", "जामनगर", None),
    City("Junagadh", "जूनागढ़", None),
    City("Gandhinagar", "गांधीनगर", None),
    City("Bhuj", "भुज", None),
    City("Hubballi", "हुबली", None, ("hubli", "hubli-dharwad")),
    City("Belagavi", "बेलगावी", None, ("belgaum",)),
    City("Kalaburagi", "कलबुर्गी", None, ("gulbarga",)),
    City("Davanagere", "दावणगेरे", None),
    City("Shivamogga", "शिवमोग्गा", None, ("shimoga",)),
    City("Udupi", "उडुपी", None),
    City("Hosur", "होसुर", None),
    City("Salem", "सेलम", None),
    City("Tiruchirappalli", "तिरुचिरापल्ली", None, ("trichy", "tiruchi")),
    City("Tirunelveli", "तिरुनेलवेली", None),
    City("Tiruppur", "तिरुप्पुर", None),
    City("Vellore", "वेल्लोर", None),
    City("Puducherry", "पुदुच्चेरी", None, ("pondicherry", "pondy")),
    City("Thrissur", "त्रिशूर", None),
    City("Kozhikode", "कोझिकोड", None, ("calicut",)),
    City("Kannur", "कन्नूर", None),
    City("Guntur", "गुंटूर", None),
    City("Nellore", "नेल्लोर", None),
    City("Warangal", "वारंगल", None),
    City("Rajahmundry", "राजमुंदरी", None, ("rajamahendravaram",)),
    City("Kakinada", "काकीनाडा", None),
    City("Dibrugarh", "डिब्रूगढ़", None),
    City("Silchar", "सिलचर", None),
    City("Imphal", "इंफाल", None),
    City("Agartala", "अगरतला", None),
    City("Aizawl", "आइज़ोल", None),
    City("Gangtok", "गंगटोक", None),
    City("Port Blair", "पोर्ट ब्लेयर", None),
    City("Margao", "मडगांव", None, ("madgaon",)),
)

CITIES: tuple[City, ...] = (
    *(
        City(region.city, _HINDI[region.slug], region.slug, _ALIASES.get(region.slug, ()))
        for region in REGIONS
    ),
    *_OTHER,
)


def find_city(text: str) -> City | None:
    """The first city named in `text` (by English name, Hindi name or an old name), by position."""
    lowered = f" {text.casefold()} "
    best: tuple[int, City] | None = None
    for city in CITIES:
        for name in (city.name, city.hindi, *city.aliases):
            position = _word_position(lowered, name.casefold())
            if position >= 0 and (best is None or position < best[0]):
                best = (position, city)
    return None if best is None else best[1]


def city_named(name: str) -> City | None:
    """The city called exactly `name` (any of its names), if known."""
    wanted = name.strip().casefold()
    for city in CITIES:
        if wanted in {city.name.casefold(), city.hindi, *(alias.casefold() for alias in city.aliases)}:
            return city
    return None


def _word_position(text: str, name: str) -> int:
    start = 0
    while True:
        index = text.find(name, start)
        if index < 0:
            return -1
        before, after = text[index - 1], text[index + len(name) : index + len(name) + 1]
        if not before.isalnum() and not (after.isalnum() and after.isascii()):
            return index
        start = index + 1
