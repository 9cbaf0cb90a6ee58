"""The delivery region a shopper names in a message: a city (English, Hindi or an old name) or a six-digit PIN
code, mapped to the slug of one of pakka's serviceable regions (core/catalog/regions.py).

PIN codes are read by their first three digits (the sorting district), which is where the served city's own
codes start: "400050" is Mumbai, "110001" Delhi. A PIN code of a district pakka does not serve names no
region, and so does a city it does not serve."""

from __future__ import annotations

import re

from core.catalog.regions import REGIONS

ALIASES: dict[str, str] = {
    "bombay": "mumbai",
    "navi mumbai": "mumbai",
    "new delhi": "delhi",
    "dilli": "delhi",
    "bangalore": "bengaluru",
    "bengalooru": "bengaluru",
    "madras": "chennai",
    "calcutta": "kolkata",
    "poona": "pune",
    "vizag": "visakhapatnam",
    "cochin": "kochi",
    "ernakulam": "kochi",
    "goa": "panaji",
    "panjim": "panaji",
    "मुंबई": "mumbai",
    "मुम्बई": "mumbai",
    "दिल्ली": "delhi",
    "बेंगलुरु": "bengaluru",
    "बैंगलोर": "bengaluru",
    "चेन्नई": "chennai",
    "कोलकाता": "kolkata",
    "हैदराबाद": "hyderabad",
    "पुणे": "pune",
    "अहमदाबाद": "ahmedabad",
    "जयपुर": "jaipur",
    "लखनऊ": "lucknow",
    "चंडीगढ़": "chandigarh",
    "इंदौर": "indore",
    "सूरत": "surat",
    "नागपुर": "nagpur",
    "गुवाहाटी": "guwahati",
    "उदयपुर": "udaipur",
    "हरिद्वार": "haridwar",
    "भागलपुर": "bhagalpur",
}

PIN_PREFIXES: dict[str, str] = {
    "400": "mumbai",
    "110": "delhi",
    "560": "bengaluru",
    "600": "chennai",
    "700": "kolkata",
    "500": "hyderabad",
    "411": "pune",
    "380": "ahmedabad",
    "302": "jaipur",
    "226": "lucknow",
    "160": "chandigarh",
    "682": "kochi",
    "452": "indore",
    "641": "coimbatore",
    "395": "surat",
    "440": "nagpur",
    "751": "bhubaneswar",
    "530": "visakhapatnam",
    "781": "guwahati",
    "313": "udaipur",
    "793": "shillong",
    "517": "tirupati",
    "812": "bhagalpur",
    "249": "haridwar",
    "403": "panaji",
}

_NAMES: dict[str, str] = {
    **{region.city.lower(): region.slug for region in REGIONS},
    **{region.slug: region.slug for region in REGIONS},
    **ALIASES,
}
_NAME_PATTERN = re.compile(
    r"(?<![\w])("
    + "|".join(sorted((re.escape(name) for name in _NAMES), key=len, reverse=True))
    + r")(?![\w])"
)
_PIN = re.compile(r"(?<!\d)([1-9]\d{2})\s?(\d{3})(?!\d)")


def region_in_text(text: str) -> str | None:
    """The serviceable region the text names (the last one named wins: "not Delhi, Pune"), or None."""
    lowered = text.lower()
    found: list[tuple[int, str]] = [
        (match.start(), _NAMES[match.group(1)]) for match in _NAME_PATTERN.finditer(lowered)
    ]
    found += [
        (match.start(), PIN_PREFIXES[match.group(1)])
        for match in _PIN.finditer(lowered)
        if match.group(1) in PIN_PREFIXES
    ]
    if not found:
        return None
    return max(found)[1]


def pin_code_in_text(text: str) -> str | None:
    """A six-digit PIN code written in the text, or None."""
    match = _PIN.search(text)
    return None if match is None else match.group(1) + match.group(2)
