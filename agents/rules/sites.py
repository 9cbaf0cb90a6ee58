"""The rule-based tier's answers for the site-generation wizard, with no language model at all:

- `guess_sector`: the sector from keyword evidence in English, Hindi and Hinglish
  (knowledge/data/sites/sectors.yaml), with a confidence that is low when the evidence is thin or split;
- `propose_site`: what the description states (name, city, phone, payments, delivery time, hours, products
  it names) and what the owner's note on a rejected proposal asks for (a name, language, colour, count);
- `localized_site_copy`: headline, tagline, intro, About text and call to action from the language templates
  (knowledge/data/sites/language.yaml).

Nothing is invented: what the description does not say is left empty, and code fills it from the sector's
configuration (domain/sites/spec.py)."""

from __future__ import annotations

import functools
import math
import re

from agents.schemas import (
    PaymentMethod,
    ProposedProduct,
    SectorGuess,
    SiteCopy,
    SiteCopyContext,
    SiteLanguage,
    SiteProposal,
    SiteSectorContext,
    SiteSpecContext,
)
from knowledge.sites.language import detect_language, phrase
from knowledge.sites.places import find_city
from knowledge.sites.sectors import SECTORS, Language, normalize, sector_profile, sector_profiles

STRONG, WEAK = 2.0, 1.0
EVIDENCE_SCALE = 1.5
"""Confidence grows with the winning sector's evidence as 1 - exp(-score / EVIDENCE_SCALE): one strong
keyword alone gives 0.74, two give 0.93."""
NO_EVIDENCE_CONFIDENCE = 0.15


@functools.cache
def _keyword_table() -> list[tuple[str, str, float]]:
    """(normalised keyword, sector, weight), longest first, so "cyber cafe" is taken before "cafe"."""
    table: list[tuple[str, str, float]] = []
    for profile in sector_profiles().values():
        for words, weight in ((profile.keywords.strong, STRONG), (profile.keywords.weak, WEAK)):
            table.extend((normalize(word), profile.id, weight) for word in words if normalize(word))
    table.sort(key=lambda row: (-len(row[0]), row[0]))
    return table


def sector_scores(description: str) -> dict[str, float]:
    """Keyword evidence per sector: each keyword counts once, and a longer keyword's words are not matched
    again by a shorter one inside it."""
    text = f" {normalize(description)} "
    scores: dict[str, float] = {}
    seen: set[tuple[str, str]] = set()
    for keyword, sector, weight in _keyword_table():
        needles = [f" {form} " for form in _plural_forms(keyword)]
        if not any(needle in text for needle in needles):
            continue
        for needle in needles:
            text = text.replace(needle, " \u2063 ")
        if (keyword, sector) in seen:
            continue
        seen.add((keyword, sector))
        scores[sector] = scores.get(sector, 0.0) + weight
    return scores


def _plural_forms(keyword: str) -> list[str]:
    """An English keyword and its plurals ("bouquet", "bouquets"); other scripts are listed form by form."""
    if not keyword.isascii() or not keyword[-1:].isalpha():
        return [keyword]
    return [keyword, f"{keyword}s", f"{keyword}es"]


def guess_sector(context: SiteSectorContext) -> SectorGuess:
    allowed = [sector for sector in context.sectors if sector in SECTORS] or list(SECTORS)
    language = detect_language(context.description)
    scores = {
        sector: score for sector, score in sector_scores(context.description).items() if sector in allowed
    }
    ranked = sorted(scores.items(), key=lambda item: (-item[1], allowed.index(item[0])))
    if not ranked:
        fallback = "other" if "other" in allowed else allowed[0]
        return SectorGuess(sector=fallback, confidence=NO_EVIDENCE_CONFIDENCE, language=language)
    best, top = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    share = top / (top + second)
    evidence = 1.0 - math.exp(-top / EVIDENCE_SCALE)
    return SectorGuess(
        sector=best,
        confidence=round(share * evidence, 3),
        alternatives=[sector for sector, _ in ranked[1:4]],
        language=language,
    )


# -- proposals -------------------------------------------------------------------------------------------

_PHONE = re.compile(r"(?<!\d)(?:\+?91[\s-]?|0)?([6-9]\d{4}[\s-]?\d{5})(?!\d)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_DELIVERY_TIME = re.compile(
    r"(?:within|in|under)\s+(\d{1,3})\s*(hours?|hrs?|minutes?|mins?|days?)\b", re.IGNORECASE
)
_DELIVERY_TIME_HI = re.compile(
    r"(\d{1,3})\s*(ghante|ghanton|minute|minat|din|घंटे|घंटों|मिनट|दिन)\s*(?:mein|me|में)"
)
_SAME_DAY = re.compile(r"same[\s-]day|usi din|उसी दिन", re.IGNORECASE)
_HOURS = re.compile(
    r"(\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.))\s*(?:to|-|–|till|until|se)\s*"
    r"(\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.))",
    re.IGNORECASE,
)
_HOURS_HINGLISH = re.compile(
    r"subah\s+(\d{1,2})\s+(?:baje\s+)?se\s+(?:raat|shaam|sham)\s+(\d{1,2})", re.IGNORECASE
)
_HOURS_HI = re.compile(r"सुबह\s+(\d{1,2})\s+(?:बजे\s+)?से\s+(?:रात|शाम)\s+(\d{1,2})")
_NEAR = re.compile(r"\b(near|opposite|behind|next to)\s+((?:(?!\s[-–—]\s)[^,.;:।\n]){3,60})", re.IGNORECASE)
# "in Lajpat Nagar", "at Koramangala": a place named by capitalised words; not a language, a day, a month,
# the country or a festival ("in Hindi", "open from Monday", "made in India", "offers at Diwali"). "from" is
# left out: "sarees from Pochampally" names where the goods come from, not where the shop is.
_NOT_A_LOCALITY = (
    "Hindi|English|Hinglish|India|Bharat|Hindustan|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|"
    "January|February|March|April|May|June|July|August|September|October|November|December|Diwali|Deepavali|"
    "Holi|Eid|Christmas|Navratri|Dussehra|Durga|Onam|Pongal|Rakhi|Raksha|Ganesh|Lohri|Karva|Chhath|Ramzan"
)
_IN_PLACE = re.compile(
    rf"\b(?:in|at)\s+(?!(?:{_NOT_A_LOCALITY})\b)([A-Z][\w'.-]*[\w](?:\s+[A-Z][\w'.-]*[\w]){{0,2}})"
)
_PLACE_AT_END = re.compile(rf"(?<=\S)\s+{_IN_PLACE.pattern}$")
_NEAR_HI = re.compile(r"([^,.;।\n]{3,40})\s+(के पास|के सामने|के पीछे|ke paas|ke pass|ke saamne)")
_NAME_INTRO = re.compile(
    r"\b(?:we are|this is|i run|we run|i own|welcome to|called|named|naam hai|naam)\s+"
    r"((?:[A-Z][\w'&.-]*)(?:\s+(?:[A-Z][\w'&.-]*|&|and|of|di|da|ki|ka|ke))*)"
)
_CAPITALISED_RUN = re.compile(r"(?:[A-Z][\w'&.-]*)(?:\s+(?:&\s+)?[A-Z][\w'&.-]*)+")
_NOTE_NAME = re.compile(
    r"(?:name it|call it|rename (?:it )?to|name should be|business name(?: is|:)?|name:|naam)\s*"
    r"[\"'“]?([^\"'”,.;\n]{2,60}?)(?=[\"'”,.;\n]|\s+and\s|\s+aur\s|$)",
    re.IGNORECASE,
)
_NOTE_COUNT = re.compile(
    r"(?:only|just|sirf|keval)\s+(\d{1,2})\s+(?:products?|items?|services?|cheez)", re.IGNORECASE
)
_NOTE_TAGLINE = re.compile(r"tagline\s*(?:is|:|should be)?\s*[\"'“]([^\"'”]{3,80})[\"'”]", re.IGNORECASE)
_ABBREVIATION = re.compile(r"\b(Dr|Mr|Mrs|Ms|St|Sri|Shri|Smt)\.\s*")
_OPENERS = {
    "we",
    "i",
    "our",
    "my",
    "this",
    "the",
    "a",
    "an",
    "welcome",
    "hamari",
    "humari",
    "hamara",
    "meri",
    "mera",
    "हमारी",
    "हमारा",
    "हमारे",
    "मेरी",
    "मेरा",
    "यह",
    "हम",
}

COLOURS = {
    "blue": "#1f4fbf",
    "navy": "#1e2f6e",
    "green": "#1b6b3a",
    "red": "#a3271b",
    "maroon": "#7a1f2b",
    "orange": "#a84b0c",
    "purple": "#5b2a86",
    "pink": "#a02c64",
    "brown": "#7d4325",
    "teal": "#0b5f6a",
    "black": "#1f2937",
    "grey": "#3f4a5a",
    "gray": "#3f4a5a",
    "yellow": "#7a5d00",
    "gold": "#7a5d00",
    "नीला": "#1f4fbf",
    "हरा": "#1b6b3a",
    "लाल": "#a3271b",
    "नारंगी": "#a84b0c",
    "गुलाबी": "#a02c64",
    "bhura": "#7d4325",
    "neela": "#1f4fbf",
    "hara": "#1b6b3a",
    "laal": "#a3271b",
    "lal": "#a3271b",
    "gulabi": "#a02c64",
}
_LANGUAGE_WORDS: dict[SiteLanguage, tuple[str, ...]] = {
    "hi": ("in hindi", "hindi mein", "hindi me", "हिंदी में", "हिन्दी में", "devanagari"),
    "hinglish": ("hinglish", "roman hindi"),
    "en": ("in english", "english mein", "english me", "अंग्रेज़ी में", "अंग्रेजी में"),
}


def propose_site(context: SiteSpecContext) -> SiteProposal:
    text = context.description
    city = find_city(context.city or "") or find_city(text)
    proposal = SiteProposal(
        business_name=context.business_name or business_name_in(text, city.name if city else None),
        city=(city.hindi if context.language == "hi" else city.name) if city else context.city,
        area=_area(text, city.name if city else None),
        phone=context.phone or _phone(text),
        email=_first(_EMAIL, text),
        products=_named_products(text, context.sector, context.language),
        payment_methods=payment_methods_in(text),
        delivery_time=delivery_time_in(text, context.language),
        free_delivery_above_inr=free_delivery_above_in(text),
        hours=hours_in(text, context.language),
    )
    if context.note:
        proposal = _follow_note(proposal, context)
    return proposal


def business_name_in(text: str, city: str | None) -> str | None:
    """The business's name as the description states it, or None."""
    text = _ABBREVIATION.sub(r"\1 ", text)
    intro = _NAME_INTRO.search(text)
    if intro:
        return _clean_name(intro.group(1))
    head = re.split(r"[,.;:!?।\n]| - | – | — ", text.strip(), maxsplit=1)[0].strip()
    words = head.split()
    named_first = not head.isascii() or any(word[:1].isupper() for word in words)
    if 1 <= len(words) <= 5 and words[0].casefold() not in _OPENERS and named_first:
        return _clean_name(head)
    for run in _CAPITALISED_RUN.findall(text):
        words = run.split()
        if words[0].casefold() in _OPENERS:
            run = " ".join(words[1:])
        if len(run.split()) >= 2 and (city is None or city.casefold() not in run.casefold()):
            return _clean_name(run)
    return None


def _clean_name(name: str) -> str | None:
    name = re.sub(r"\s+", " ", name).strip(" -–—'\"")
    name = _PLACE_AT_END.sub("", name)  # "Sharma Tailors in Lajpat Nagar": the place is the address
    name = re.sub(r"\s+(?:rakho|rakhiye|rakhein|rakhen|karo|kar do|please|रखो|रखें)$", "", name, flags=re.I)
    name = re.sub(r"\s+(?:in|at|of|from|and|se|mein|में)$", "", name, flags=re.IGNORECASE)
    return name[:80] or None


def _phone(text: str) -> str | None:
    match = _PHONE.search(text)
    return None if match is None else re.sub(r"[\s-]", "", match.group(1))


def _first(pattern: re.Pattern[str], text: str) -> str | None:
    match = pattern.search(text)
    return None if match is None else match.group(0)


def _area(text: str, city: str | None = None) -> str | None:
    """A landmark ("near the bus stand") or, failing that, the locality the description names ("in Lajpat
    Nagar") when it is not the city itself."""
    match = _NEAR.search(text)
    if match:
        return f"{match.group(1).capitalize()} {match.group(2).strip()}"
    match = _NEAR_HI.search(text)
    if match:
        return f"{match.group(1).strip()} {match.group(2)}"
    for match in _IN_PLACE.finditer(text):
        place = match.group(1)
        found = find_city(place)
        if found is None and (city is None or city.casefold() not in place.casefold()):
            return place
    return None


def payment_methods_in(text: str) -> list[PaymentMethod]:
    lowered = text.casefold()
    found: list[PaymentMethod] = []
    if re.search(r"\bupi\b|gpay|google pay|phonepe|paytm|यूपीआई|bhim", lowered):
        found.append("upi")
    if re.search(r"\bcash\b|\bcod\b|nakad|naqad|नकद|कैश", lowered):
        found.append("cod")
    if re.search(r"\bcards?\b|debit|credit|कार्ड", lowered):
        found.append("card")
    return found


def delivery_time_in(text: str, language: Language) -> str | None:
    match = _DELIVERY_TIME.search(text)
    if match:
        amount, unit = int(match.group(1)), match.group(2).casefold()
        unit = {"h": "hour", "m": "minute", "d": "day"}[unit[0]]
        return _within(amount, unit, language)
    match = _DELIVERY_TIME_HI.search(text)
    if match:
        unit = {"g": "hour", "घ": "hour", "m": "minute", "म": "minute", "d": "day", "द": "day"}[
            match.group(2)[0]
        ]
        return _within(int(match.group(1)), unit, language)
    if _SAME_DAY.search(text):
        return {"en": "the same day", "hi": "उसी दिन", "hinglish": "usi din"}[language]
    return None


_AMOUNT = r"(?<![\d,])(\d{1,3}(?:,\d{2,3})+(?:\.\d{1,2})?|\d{1,7}(?:\.\d{1,2})?)(?!\d|,\d)"
# An amount with or without its currency, not a distance ("free delivery within 5 km").
_MONEY = (
    rf"(?:₹|rs\.?|inr|रु\.?)?\s*{_AMOUNT}(?!\s*(?:km|kms|kilomet\w*|metres?|meters?)\b)"
    r"\s*(?:/-|rs\b\.?|rupees?|रुपये|रुपए)?"
)
_FREE_DELIVERY = re.compile(
    r"free\s+(?:home\s+)?(?:delivery|shipping|pickup and drop)\s+(?:on\s+|for\s+)?(?:orders?\s+)?"
    rf"(?:above|over|from|of)\s+{_MONEY}"
    r"|(?:delivery|shipping|pickup and drop|pick-up and drop)\s+(?:is\s+)?free\s+"
    rf"(?:on\s+|for\s+)?(?:orders?\s+)?(?:above|over|from)\s+{_MONEY}"
    rf"|{_MONEY}\s*(?:se|ke|से|के)\s+(?:upar|oopar|ऊपर)\s+(?:(?:ki|ke|के|की)\s+)?(?:order\s+|ऑर्डर\s+)?(?:par\s+|पर\s+)?"
    r"(?:free|muft|मुफ़्त|मुफ्त|फ्री)?\s*(?:home\s+)?(?:delivery|डिलीवरी)",
    re.IGNORECASE,
)


def free_delivery_above_in(text: str) -> float | None:
    """ "free home delivery above Rs. 999", "500 se upar free delivery": the order value delivery is free
    above, or None."""
    match = _FREE_DELIVERY.search(text)
    if match is None:
        return None
    amount = next(group for group in match.groups() if group is not None)
    return float(amount.replace(",", ""))


def _within(amount: int, unit: str, language: Language) -> str:
    if language == "hi":
        words = {"hour": "घंटे", "minute": "मिनट", "day": "दिन"}
        return f"{amount} {words[unit]} में"
    if language == "hinglish":
        words = {"hour": "ghante", "minute": "minute", "day": "din"}
        return f"{amount} {words[unit]} mein"
    return f"within {amount} {unit}{'' if amount == 1 else 's'}"


def hours_in(text: str, language: Language) -> str | None:
    match = _HOURS.search(text)
    if match:
        opens, closes = (re.sub(r"\s+", " ", part.replace(".", "")).strip() for part in match.groups())
        return {
            "en": f"{opens} to {closes}",
            "hi": f"{opens} से {closes}",
            "hinglish": f"{opens} se {closes}",
        }[language]
    match = _HOURS_HINGLISH.search(text) or _HOURS_HI.search(text)
    if match:
        opens, closes = match.groups()
        return {
            "en": f"{opens} am to {closes} pm",
            "hi": f"सुबह {opens} से रात {closes} बजे तक",
            "hinglish": f"subah {opens} se raat {closes} baje tak",
        }[language]
    return None


def _named_products(text: str, sector: str, language: Language) -> list[ProposedProduct]:
    """What the owner prices in the description (`priced_products_in`), then the sector's sample products it
    names (by their English or Hindi name, or its last word: "chappal", "biryani") where that name is not
    part of a priced one ("cakes ₹450" is the owner's cake, not the sample's), in the description's order."""
    priced = priced_products_in(text)
    priced_words = {word for product in priced for word in normalize(product.name).split()}
    normalized = f" {normalize(text)} "
    named: list[tuple[int, ProposedProduct]] = []
    for sample in sector_profile(sector).products:
        for name in (sample.name.en, sample.name.hi):
            words = normalize(name).split()
            candidates = [" ".join(words)] + ([words[-1]] if len(words[-1]) >= 4 else [])
            if set(candidates[-1].split()) <= priced_words:
                break
            positions = [normalized.find(f" {candidate} ") for candidate in candidates]
            found = [position for position in positions if position >= 0]
            if found:
                named.append((min(found), ProposedProduct(name=sample.name.text(language))))
                break
    return [*priced, *(product for _, product in sorted(named, key=lambda item: item[0]))]


_PRICE = re.compile(
    rf"(?:₹|\brs\.?|\binr\b|रु\.?|रुपये)\s*{_AMOUNT}"
    rf"|{_AMOUNT}\s*(?:/-|₹|\brs\b\.?|\brupees?\b|\brupaye\b|\brupay\b|रुपये|रुपए|रु\b|se shuru\b|से शुरू)",
    re.IGNORECASE,
)
_UNIT = re.compile(
    r"\s*(?:/|\bper\b|\bfor\b|\ba\b|\bka\b|\bki\b|\bke\b|का|की|के|प्रति)?\s*"
    r"(\d+\s*(?:kg|g|gm|gms|grams?|ml|l|litres?|liters?)"
    r"|kg|kilo|gram|grams|gm|g|plate|piece|pc|pcs|box|dozen|litre|liter|l|ml|pair|packet|pack|hour|visit"
    r"|session|class|month|night|person|metre|meter|meal|jar|bottle|bunch|cup|glass|each|darjan|dazan"
    r"|किलो|प्लेट|पीस|डिब्बा|दर्जन|लीटर|जोड़ी)"
    r"(?=[\s,.;:!?।)/]|$)",
    re.IGNORECASE,
)


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# A clause ends at these; the words before a price, back to the clause's start, name what it prices.
# ("&" joins the words of one name: "wash & iron Rs 20", "scaling & cleaning Rs 1,200".)
_CLAUSE_END = re.compile(r"[,;:।\n]|\.\s|\s[-–—]\s|\s(?:and|aur|or|ya|और|या|with)\s", re.IGNORECASE)
# The name starts after the last of these in its clause ("... in Udaipur serves pure veg thali Rs 120").
_NAME_STARTS_AFTER = _word_set(
    "serve serves serving sell sells selling make makes making offer offers offering have has stock "
    "stocks bake bakes banate bechte mein में"
)
_LEADING_WORDS = _word_set(
    "we sell selling make making offer offering have serve serving also our my the a an only try "
    "fresh get buy special specials famous hamare hamari yahan milta milti hai hain हमारे हमारी यहाँ "
    "यहां"
)
_TRAILING_WORDS = _word_set(
    "at for @ - only just from starting starts costs cost is are price priced ka ki ke sirf mein me "
    "का की के सिर्फ में rate each @rs"
)
# A price about the shop rather than something it sells: delivery or packing charges, an order minimum, a
# discount or offer ("flat Rs 100 off", "save Rs 50", "pay Rs 20 extra", "prices start at Rs 99").
_NOT_A_PRODUCT = re.compile(
    r"\b(?:deliver\w*|shipping|order\w*|minimum|min|above|below|under|upto|up to|discount|off|free|emi"
    r"|rent|salary|turnover|charges?|packing|parking|prices?|start|starts|everything|all items|flat|save|pay"
    r"|cashback|offer|sale|tax|gst)\b|डिलीवरी|ऑर्डर",
    re.IGNORECASE,
)
_NOT_A_PRODUCT_AFTER = re.compile(
    r"^\s*(?:off|cashback|extra|discount|less|only on|per order)\b", re.IGNORECASE
)
MAX_PRODUCT_NAME_WORDS = 6
_LOWER_CASE_UNITS = _word_set("kg g gm ml l ltr")  # left as written in a product's name ("Honey 500g Jar")
_UNIT_SPELLING = {
    "kilo": "kg",
    "gm": "g",
    "gms": "g",
    "pc": "piece",
    "pcs": "piece",
    "liter": "litre",
    "each": "piece",
    "darjan": "dozen",
    "dazan": "dozen",
}


def priced_products_in(text: str) -> list[ProposedProduct]:
    """What the description prices, in its order: "kaju katli ₹900/kg", "thali Rs. 120 per plate",
    "gulab jamun 20 rupees each", "काजू कतली ₹900 किलो". The name is the clause's words before the price (less
    openers such as "we sell" and connectors such as "at"); a price of delivery, an order minimum or a
    discount is not a product, and an amount with no words before it is left out."""
    found: list[ProposedProduct] = []
    seen: set[str] = set()
    for match in _PRICE.finditer(text):
        amount = next(group for group in match.groups() if group is not None)
        price = float(amount.replace(",", ""))
        name = _priced_name(text[: match.start()])
        if name is None or price < 1 or _NOT_A_PRODUCT_AFTER.match(text, match.end()):
            continue
        unit_match = _UNIT.match(text, match.end())
        unit = None if unit_match is None else _unit_text(unit_match.group(1))
        key = normalize(name)
        if key in seen:
            continue
        seen.add(key)
        found.append(ProposedProduct(name=name, price_inr=price, unit=unit))
    return found


def _priced_name(before: str) -> str | None:
    """The words naming what a price is for: the clause before it, or, where the price follows a colon or a
    dash ("Haircut: Rs 250", "Paneer tikka - Rs 220"), the clause before that."""
    ends = list(_CLAUSE_END.finditer(before))
    starts = [0, *(end.end() for end in ends)]
    stops = [end.start() for end in ends] + [len(before)]
    clause = before[starts[-1] :]
    if (
        not clause.strip(" \t-–—@")
        and len(starts) > 1
        and before[stops[-2] : starts[-1]].strip()[:1] in ":-–—"
    ):
        clause = before[starts[-2] : stops[-2]]
    words = clause.split()
    starts = [index for index, word in enumerate(words) if word.casefold() in _NAME_STARTS_AFTER]
    if starts:
        words = words[starts[-1] + 1 :]
    while words and words[-1].casefold().strip(".") in _TRAILING_WORDS:
        words.pop()
    while words and words[0].casefold() in _LEADING_WORDS:
        words.pop(0)
    if not words or len(words) > MAX_PRODUCT_NAME_WORDS or _NOT_A_PRODUCT.search(" ".join(words)):
        return None
    name = " ".join(words).strip(" -–—'\"([")
    if not any(character.isalpha() for character in name) or _PRICE.search(name):
        return None
    # Title case, as a shop lists products, unless the owner cased a word themselves ("iPhone", "KFC").
    owner_cased = any(character.isupper() for word in name.split() for character in word[1:])
    if not name.isascii() or owner_cased:
        return name
    return " ".join(
        word if word in _LOWER_CASE_UNITS else word[:1].upper() + word[1:] for word in name.split()
    )


def _unit_text(unit: str) -> str:
    """ "500 g" as it is; a bare unit as what the price is per: "per kg", "प्रति किलो"."""
    unit = " ".join(unit.split())
    if unit[:1].isdigit():
        return unit
    unit = _UNIT_SPELLING.get(unit.casefold(), unit.casefold() if unit.isascii() else unit)
    return f"per {unit}" if unit.isascii() else f"प्रति {unit}"


def _follow_note(proposal: SiteProposal, context: SiteSpecContext) -> SiteProposal:
    note = context.note or ""
    lowered = note.casefold()
    update: dict[str, object] = {}
    name = _NOTE_NAME.search(note)
    if name:
        update["business_name"] = _clean_name(name.group(1))
    tagline = _NOTE_TAGLINE.search(note)
    if tagline:
        update["tagline"] = tagline.group(1).strip()
    for language, words in _LANGUAGE_WORDS.items():
        if any(word in lowered for word in words):
            update["language"] = language
            break
    colour = next(
        (hex_ for word, hex_ in COLOURS.items() if re.search(rf"(?<!\w){word}(?!\w)", lowered)), None
    )
    if colour:
        update["colour"] = colour
    count = _NOTE_COUNT.search(note)
    if count:
        update["product_count"] = max(1, min(24, int(count.group(1))))
    guess = guess_sector(SiteSectorContext(description=note, sectors=list(SECTORS)))
    if guess.confidence >= 0.7 and guess.sector != context.sector:
        update["sector"] = guess.sector
    payments = payment_methods_in(note)
    if payments:
        update["payment_methods"] = payments
    return proposal.model_copy(update=update)


# -- copy ------------------------------------------------------------------------------------------------


def localized_site_copy(context: SiteCopyContext) -> SiteCopy:
    """The copy of a wizard-generated site in its language, from the language templates."""
    language: Language = context.language or "en"
    profile = sector_profile(context.sector)
    sector = profile.label.text(language)
    noun = phrase("strings", profile.catalog_noun, language)
    features = [feature.text(language) for feature in profile.features]
    features = [*context.highlights, *features][:3]
    in_city = phrase("texts", "in_city", language, city=context.city) if context.city else ""
    values = {
        "business": context.business_name,
        "sector": sector,
        "sector_lower": sector if language == "hi" else sector.lower(),
        "city": context.city or "",
        "in_city": in_city,
        "products": noun,
        "products_lower": noun if language == "hi" else noun.lower(),
        "first_feature": features[0],
        "second_feature": features[1],
        "second_feature_lower": features[1] if language == "hi" else _lower_first(features[1]),
    }
    tagline = context.tagline or phrase(
        "texts", "tagline" if context.city else "tagline_nocity", language, **values
    )
    about = phrase("texts", "about", language, description="", **values).strip()
    if context.description:
        quote = _in_rupee_sign(" ".join(context.description.split())[:300])
        about += " " + phrase("texts", "description_quote", language, text=quote)
    return SiteCopy(
        headline=phrase("texts", "headline", language, tagline=tagline, **values),
        tagline=tagline,
        intro=phrase("texts", "intro", language, **values),
        product_blurbs=list(context.products),
        call_to_action=phrase("texts", "cta", language, **values),
        about=about,
    )


_RS_AMOUNT = re.compile(r"\b(?:Rs\.?|INR)\s*(?=\d)", re.IGNORECASE)


def _in_rupee_sign(text: str) -> str:
    """ "Rs 300", "Rs.1,299" and "INR 450" as ₹300, ₹1,299 and ₹450: the site writes every amount in ₹
    (domain/sites/checks.py)."""
    return _RS_AMOUNT.sub("₹", text)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[1:2].islower() else text
