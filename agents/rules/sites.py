"""The rule-based tier's answers for the site-generation wizard, with no language model at all:

- `guess_sector`: the sector from keyword evidence in English, Hindi and Hinglish
  (knowledge/data/sites/sectors.yaml), with a confidence that is low when the evidence is thin or split;
- `propose_site`: what the description states as owners write it on WhatsApp (name, city, address or
  locality, mobile or landline, payments, delivery time, areas and terms, hours and days, the products it
  names with the owner's prices, in rupees or in a bare price list) and what the owner's note on a rejected
  proposal asks for (a name, language, colour, count);
- `localized_site_copy`: headline, tagline, intro, About text and call to action from the language templates
  (knowledge/data/sites/language.yaml).

Nothing is invented: what the description does not say is left empty, and code fills it from the sector's
configuration (domain/sites/spec.py)."""

from __future__ import annotations

import functools
import math
import re
import unicodedata

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
from knowledge.sites.places import city_named, find_city
from knowledge.sites.sectors import SECTORS, Language, normalize, sector_profile, sector_profiles


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


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

# A mobile number as Indians write it: 98270 12345, 98270-12345, 9827012345, 8800 456 789, 880 045 6789, with
# or without +91 or a 0 in front; not an amount ("Rs 799 999 1499" is three prices).
_PHONE = re.compile(
    r"(?<![\d₹])(?<!rs )(?<!rs\. )(?<!rs)(?:\+?91[\s-]?|0)?"
    r"([6-9]\d{4}[\s-]?\d{5}|[6-9]\d{3}[\s-]\d{3}[\s-]\d{3}|[6-9]\d{2}[\s-]\d{3}[\s-]\d{4})(?!\d|,\d)",
    re.IGNORECASE,
)
# A landline with its STD code: 011-27851234, 0135 2712345, 07672-234567 (0, then ten digits in all).
_LANDLINE = re.compile(r"(?<![\d+])(0\d{2,4})[\s-]?(\d{6,8})(?!\d|,\d)")
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
# Words written with a full stop that does not end a landmark: "opposite Govt. College".
_ABBREVIATED = ("govt", "st", "rd", "hosp", "no", "sr", "dr", "mkt", "stn", "nr", "opp")
_NEAR = re.compile(
    r"\b(near|opposite|opp\.?|behind|next to)\s+"
    r"((?:(?!\s[-–—]\s)(?:[^,.;:।\n]|"
    + "".join(rf"(?<=\b{word})\." + "|" for word in _ABBREVIATED)
    + r"\.(?=\d))){3,60})",
    re.IGNORECASE,
)
# "in Lajpat Nagar", "at Koramangala": a place named by capitalised words; not a language, a day, a month,
# the country or a festival ("in Hindi", "open from Monday", "made in India", "offers at Diwali"). "from" is
# left out: "sarees from Pochampally" names where the goods come from, not where the shop is.
_NOT_A_LOCALITY = (
    "Hindi|English|Hinglish|India|Bharat|Hindustan|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|"
    "January|February|March|April|May|June|July|August|September|October|November|December|Diwali|Deepavali|"
    "Holi|Eid|Christmas|Navratri|Dussehra|Durga|Onam|Pongal|Rakhi|Raksha|Ganesh|Lohri|Karva|Chhath|Ramzan|"
    "MRP|GST|COD|UPI|EMI|FSSAI|Rs|INR"
)
_IN_PLACE = re.compile(
    rf"\b(?:in|at)\s+(?!(?:{_NOT_A_LOCALITY})\b)([A-Z][\w'.-]*[\w](?:\s+[A-Z][\w'.-]*[\w]){{0,2}})"
)
_PLACE_AT_END = re.compile(rf"(?<=\S)\s+{_IN_PLACE.pattern}$")
# Where the owner delivers: "free delivery in Koramangala & HSR", "delivery every Saturday in Nashik and Pune"
# (places, not the shop's address).
_PLACE = r"[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*){0,2}"
_DELIVERY_AREAS = re.compile(
    r"\b(?i:deliver\w*|shipping|ship|ships|courier|pickup and drop)\s+(?:[\w-]+\s+){0,3}?"
    r"(?:in|to|across|within)\s+"
    rf"(?!(?:{_NOT_A_LOCALITY})\b)({_PLACE}(?:\s*(?:,|&|and|aur)\s*{_PLACE})*)"
)
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
_ABBREVIATION = re.compile(r"(?<!\w)(Dr|Mr|Mrs|Ms|St|Sri|Shri|Smt|डॉ|श्री|श्रीमती)\.\s*")
_OPENERS = {
    "we",
    "i",
    "i'm",
    "im",
    "main",
    "mai",
    "myself",
    "मैं",
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
    business = context.business_name or business_name_in(text, city.name if city else None)
    proposal = SiteProposal(
        business_name=business,
        city=(city.hindi if context.language == "hi" else city.name) if city else context.city,
        area=_area(text, city.name if city else None, business),
        phone=context.phone or _phone(text),
        email=_first(_EMAIL, text),
        products=_named_products(text, context.sector, context.language),
        payment_methods=payment_methods_in(text),
        delivery_areas=[_place_text(area, context.language) for area in delivery_areas_in(text)],
        delivery_time=delivery_time_in(text, context.language),
        free_delivery_above_inr=free_delivery_in(text),
        hours=hours_in(text, context.language),
    )
    if context.note:
        proposal = _follow_note(proposal, context)
    return proposal


# A greeting before the description ("Namaste!", "Hi,", "Hello ji") names nobody.
_GREETING = re.compile(
    r"^\s*(?:(?:hi+|hello|hey|hlo|namaste|namaskar(?:am)?|vanakkam|sat sri akal|ram ram|jai shri krishna|"
    r"radhe radhe|good (?:morning|afternoon|evening)|dear (?:sir|madam|all|friends)|नमस्ते|नमस्कार|राम राम)"
    r"(?:\s+(?:ji|sir|everyone|all|friends|जी))?(?![\w'])[\s!,.:;-]*)+",
    re.IGNORECASE,
)
# Words that make a capitalised run a label or a registration rather than a name ("FSSAI No.", "GSTIN",
# "Call Now", "Insta").
_NOT_NAME_WORDS = _word_set(
    "fssai gst gstin mrp no reg regd pan upi cod tin lic licence license iso call mob whatsapp insta "
    "instagram facebook email address timing timings"
)


def _without_symbols(text: str) -> str:
    """Emoji and other pictographs (and the joiners and variation selectors that build them) as spaces:
    "🌸 Petals & Stems" is named "Petals & Stems"."""
    return "".join(
        " "
        if unicodedata.category(character) in {"So", "Cs", "Co"} or character in "\u200d\ufe0f"
        else character
        for character in text
    )


def business_name_in(text: str, city: str | None) -> str | None:
    """The business's name as the description states it, or None."""
    text = _ABBREVIATION.sub(r"\1 ", _GREETING.sub("", _without_symbols(text)))
    intro = _NAME_INTRO.search(text)
    if intro:
        return _clean_name(intro.group(1))
    head = re.split(r"[,.;:!?।\n]| - | – | — ", text.strip(), maxsplit=1)[0].strip()
    words = head.split()
    if 1 <= len(words) <= 5 and words[0].casefold() not in _OPENERS and _reads_as_a_name(head):
        return _clean_name(head)
    for found in _CAPITALISED_RUN.finditer(text):
        run, words = found.group(0), found.group(0).split()
        if re.search(
            r"\b(?:shop|address|pata|location|add)\s*[:-]\s*$", text[: found.start()], re.IGNORECASE
        ):
            continue
        if words[0].casefold() in _OPENERS:
            run = " ".join(words[1:])
        if any(word.casefold().strip(".:") in _NOT_NAME_WORDS for word in run.split()):
            continue
        if (
            len(run.split()) >= 2
            and (city is None or city.casefold() not in run.casefold())
            and not _only_trade_words(run)
        ):
            return _clean_name(run)
    return None


_NAME_CONNECTORS = _word_set("& and n of di da ki ka ke the")
# Words that make a Devanagari phrase a description rather than a name ("स्टील और पीतल के बर्तन").
_HINDI_PHRASE_WORDS = _word_set("और है हैं में से पर को हम हमारी हमारा हमारे मिलते मिलती मिलता")


def _reads_as_a_name(head: str) -> bool:
    """Whether the words before the first comma name the business: capitalised as a name is ("Sharma
    Kirana", not "Ghar jaisa khana"), not a description in Hindi ("स्टील और पीतल के बर्तन") and not only words
    of the trade ("LED TV", "Medical Store")."""
    words = head.split()
    if head.isascii():
        capitalised = all(
            word[:1].isupper() or word[:1].isdigit() or word.casefold() in _NAME_CONNECTORS for word in words
        )
    else:
        capitalised = not any(word in _HINDI_PHRASE_WORDS for word in words)
    return capitalised and not _only_trade_words(head)


@functools.cache
def _trade_words() -> frozenset[str]:
    """The words of the sectors' strong keywords ("Glow", a weak one, can name a salon)."""
    words = {word for keyword, _, weight in _keyword_table() if weight == STRONG for word in keyword.split()}
    generic = {
        "shop",
        "store",
        "dukaan",
        "dukan",
        "दुकान",
        "aur",
        "और",
        "ghar",
        "घर",
        "का",
        "की",
        "के",
        "homemade",
    }
    return frozenset(words | generic | _NAME_CONNECTORS)


def _only_trade_words(name: str) -> bool:
    words = normalize(name).split()
    return bool(words) and all(word in _trade_words() or word.isdigit() for word in words)


def _clean_name(name: str) -> str | None:
    # A qualification or registration in brackets is not part of the name: "Dr Anjali Gupta (MBBS, MD)".
    name = re.sub(r"\s*\([^)]*(?:\)|$)", " ", name)
    name = re.sub(r"\s+", " ", name).strip(" -–—'\"")
    name = _PLACE_AT_END.sub("", name)  # "Sharma Tailors in Lajpat Nagar": the place is the address
    name = re.sub(r"\s+(?:rakho|rakhiye|rakhein|rakhen|karo|kar do|please|रखो|रखें)$", "", name, flags=re.I)
    name = re.sub(r"\s+(?:in|at|of|from|and|se|mein|में)$", "", name, flags=re.IGNORECASE)
    return name[:80] or None


def _phone(text: str) -> str | None:
    """The first mobile number (customers can WhatsApp it), else the first landline with its STD code."""
    match = _PHONE.search(text)
    if match is not None:
        return re.sub(r"[\s-]", "", match.group(1))
    for landline in _LANDLINE.finditer(text):
        digits = landline.group(1) + landline.group(2)
        if len(digits) == 11 and digits[1] != "0":
            return digits
    return None


def _first(pattern: re.Pattern[str], text: str) -> str | None:
    match = pattern.search(text)
    return None if match is None else match.group(0)


# What the owner labels as the address: "Address: 12, Civil Lines, Bareilly", "पता: गांधी चौक".
_ADDRESS_LABEL = re.compile(
    r"(?:(?:\baddress|\baddr|\bpata|पता|\blocation|\blocated at)\s*(?:[:\-–]|is\b|hai\b)|\bshop\s*:|📍)\s*"
    r"((?:[^\n.।!?]|\.(?=\s*\d)|(?<=\bno)\.|(?<=\bNo)\.){3,120})",
    re.IGNORECASE,
)
# A clause that is a locality: capitalised words with a locality word ("Malviya Nagar", "Civil Lines",
# "Zaveri Bazaar", "Hinjewadi Phase 1", "Sector 15 Rohini", "Shop no 4"), or in Devanagari, words with one
# ("गांधी चौक", "अरेरा कॉलोनी").
_LOCALITY_WORDS = _word_set(
    "nagar colony road rd marg chowk bazaar bazar market mkt lines layout vihar enclave puram ganj gali "
    "galli lane street st block phase sector extension extn cross society apartments complex mandi peth "
    "wadi pada bagh camp cantt chowraha circle square plaza tower towers west east north south park mohalla"
)
_LOCALITY_WORDS_HI = _word_set(
    "नगर कॉलोनी कालोनी रोड चौक बाज़ार बाजार मार्ग गली मोहल्ला गंज विहार सेक्टर मंडी चौराहा पुरा बस्ती"
)
_CLAUSE_SPLIT = re.compile(r"\s*(?:[,;:()|]|\s[-–—]\s)\s*")
_SENTENCE_SPLIT = re.compile(r"[\n!?।]|\.(?!\d)(?:\s+|$)")
_HOUSE_NUMBER = re.compile(
    r"^(?:[A-Z]?-?\d{1,4}[A-Z]?(?:/\d{1,4})?|(?:shop|plot|house|flat|h)\s*(?:no|#)\s*\S+)$", re.I
)


def _area(text: str, city: str | None = None, business: str | None = None) -> str | None:
    """Where the shop is: the address the owner labels, else the locality they name (a clause such as
    "Malviya Nagar" or "स्टेशन रोड", words just before the city as in "Baner Pune", or "in Lajpat Nagar"),
    with a landmark ("near the bus stand") after it; the city itself is left out (the site adds it)."""
    label = _ADDRESS_LABEL.search(text)
    if label:
        address = _without_city(label.group(1).strip(" ,-"), city)
        if address:
            return address
    locality = (
        _locality_clause(text, city, business)
        or _before_city(text, city, business)
        or _clause_before_city(text, business)
    )
    if locality is None:
        delivered = {area.casefold() for area in delivery_areas_in(text)}
        for match in _IN_PLACE.finditer(text):
            place = match.group(1)
            if place.casefold() in delivered:
                continue
            found = find_city(place)
            if found is None and (city is None or city.casefold() not in place.casefold()):
                locality = place
                break
    landmark = _landmark(text)
    if landmark and locality and locality.casefold() in landmark.casefold():
        return landmark  # the words before the city are the landmark's ("opposite Govt. College, Jhansi")
    if landmark and locality and landmark.casefold() not in locality.casefold():
        return (
            f"{locality}, {landmark[:1].lower()}{landmark[1:]}"
            if landmark.isascii()
            else f"{locality}, {landmark}"
        )
    return locality or landmark or _town_after_name(text)


def _town_after_name(text: str) -> str | None:
    """A town the city list does not know, named right after the business ("Laxmi Sweets & Namkeen, Bikaner.
    Bhujia ₹240/kg"): the one clause between the first comma and the end of that sentence."""
    if find_city(text) is not None:
        return None
    sentence = _SENTENCE_SPLIT.split(_without_symbols(text).strip(), maxsplit=1)[0]
    clauses = [clause.strip() for clause in _CLAUSE_SPLIT.split(sentence)]
    return clauses[1] if len(clauses) == 2 and _is_town(clauses[1]) else None


def delivery_areas_in(text: str) -> list[str]:
    """The places the owner says they deliver to, as written ("Koramangala", "HSR")."""
    areas: list[str] = []
    for match in _DELIVERY_AREAS.finditer(text):
        for place in re.split(r"\s*(?:,|&|\band\b|\baur\b)\s*", match.group(1)):
            found = city_named(place)
            areas.append(found.name if found is not None else place)
    return list(dict.fromkeys(area for area in areas if area))


def _place_text(place: str, language: Language) -> str:
    """A known city in the site's script (पुणे on a Hindi site); other places as the owner wrote them."""
    city = city_named(place)
    return city.hindi if city is not None and language == "hi" else place


def _landmark(text: str) -> str | None:
    match = _NEAR.search(text)
    if match:
        return f"{match.group(1).capitalize()} {match.group(2).strip()}"
    match = _NEAR_HI.search(text)
    if match:
        return f"{match.group(1).strip()} {match.group(2)}"
    return None


def _without_city(place: str, city: str | None) -> str:
    """The place less a city named at its end ("Vaishali Nagar, Jaipur" -> "Vaishali Nagar")."""
    words = place.split()
    for end in range(len(words), 0, -1):
        tail = " ".join(words[end - 1 :]).strip(" ,")
        if find_city(tail) is not None and find_city(tail) == find_city(place):
            return " ".join(words[: end - 1]).strip(" ,-–")
    return place


def _is_locality(clause: str) -> bool:
    words = clause.split()
    if not 1 <= len(words) <= 5 or any(word.casefold().strip(".") in _NOT_NAME_WORDS for word in words):
        return False
    if not clause.isascii():
        return len(words) <= 4 and any(word in _LOCALITY_WORDS_HI for word in words)
    capitalised = all(
        word[:1].isupper() or word[:1].isdigit() or word.casefold() in {"no", "&", "of"} for word in words
    )
    return capitalised and any(word.casefold().strip(".") in _LOCALITY_WORDS for word in words)


def _locality_clause(text: str, city: str | None, business: str | None) -> str | None:
    """The first clause that is a locality, with a house or shop number before it and an unknown town after
    it in the same sentence ("Shop no 4, Kalyan West", "12, Civil Lines, Bareilly")."""
    text = re.sub(r"\b([Nn][Oo])\.\s*", r"\1 ", _without_symbols(text))
    for sentence in _SENTENCE_SPLIT.split(text):
        clauses = [_without_city(clause.strip(), city) for clause in _CLAUSE_SPLIT.split(sentence)]
        for index, clause in enumerate(clauses):
            if not clause or not _is_locality(clause) or _names_the_business(clause, business):
                continue
            parts = [clause]
            if index and _HOUSE_NUMBER.match(clauses[index - 1]):
                parts.insert(0, clauses[index - 1])
            after = clauses[index + 1] if index + 1 < len(clauses) else ""
            if _is_town(after):
                parts.append(after)
            return ", ".join(parts)
    return None


def _is_town(clause: str) -> bool:
    """A place name alone (one or two capitalised words, or Devanagari ones) that is not a known city."""
    words = clause.split()
    return (
        1 <= len(words) <= 2
        and find_city(clause) is None
        and all(word[:1].isupper() or not word.isascii() for word in words)
        and not any(word.casefold() in _NOT_NAME_WORDS | _LOCALITY_WORDS for word in words)
        and not re.search(rf"\b(?:{_NOT_A_LOCALITY})\b|\d", clause)
        and not sector_scores(clause)
    )


def _before_city(text: str, city: str | None, business: str | None) -> str | None:
    """Capitalised words just before the city in one clause ("Raja Mobile Care, Lalbagh Lucknow": Lalbagh)."""
    found = find_city(text)
    if found is None:
        return None
    for name in (found.name, *found.aliases):
        match = re.search(rf"((?:[A-Z][\w'-]*\s+){{1,3}}){re.escape(name)}\b", text, re.IGNORECASE)
        if match is None:
            continue
        words = match.group(1).split()
        while words and not words[0][:1].isupper():
            words.pop(0)
        place = " ".join(words)
        if (
            words
            and all(word[:1].isupper() for word in words)
            and not _names_the_business(place, business)
            and not sector_scores(place)
            and not re.search(rf"\b(?:{_NOT_A_LOCALITY})\b", place)
            and words[-1].casefold() not in _OPENERS | {"in", "at"}
        ):
            return place
    return None


def _clause_before_city(text: str, business: str | None) -> str | None:
    """A clause of one to three capitalised words that is not the business, right before the city and a comma
    ("Kakkanad, Kochi"): the locality."""
    found = find_city(text)
    if found is None:
        return None
    text = _without_symbols(text)
    for name in (found.name, *found.aliases):
        pattern = rf"(?:^|[\n.;:!?|]|,)\s*((?:[A-Z][\w'-]*\s+){{0,2}}[A-Z][\w'-]*)\s*,\s*{re.escape(name)}\b"
        match = re.search(pattern, text, re.IGNORECASE)
        if match is None:
            continue
        place = match.group(1)
        if (
            all(word[:1].isupper() for word in place.split())
            and not _names_the_business(place, business)
            and not sector_scores(place)
            and not re.search(rf"\b(?:{_NOT_A_LOCALITY})\b", place)
            and not any(word.casefold() in _NOT_NAME_WORDS | _OPENERS for word in place.split())
        ):
            return place
    return None


def _names_the_business(place: str, business: str | None) -> bool:
    if not business:
        return False
    place, business = place.casefold(), business.casefold()
    return place in business or business in place


# A card that is something sold or made, not a way to pay: "wedding cards", "visiting card", "SIM card",
# "शादी के कार्ड".
_CARD_GOODS = re.compile(
    r"(?:visiting|wedding|shaadi|shadi|invitation|greeting|sim|memory|aadhar|aadhaar|pan|ration|id|business|"
    r"report|birthday|rakhi|diwali|playing|pvc|smart|विज़िटिंग|विजिटिंग|निमंत्रण|सिम|मेमोरी|आधार|राशन|शादी)"
    r"\s+(?:(?:ke|ki|का|के|की)\s+)?(?:cards?|कार्ड)",
    re.IGNORECASE,
)


def payment_methods_in(text: str) -> list[PaymentMethod]:
    lowered = _CARD_GOODS.sub(" ", unicodedata.normalize("NFC", text).casefold().replace("\u093c", ""))
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
    r"free\s+(?:home\s+)?(?:delivery|shipping|pickup and drop)\s+"
    r"(?:(?:in|to|across|within)\s+[^,.;:\n\d₹]{2,40}?\s+)?(?:on\s+|for\s+)?(?:orders?\s+)?"
    rf"(?:above|over|from|of)\s+{_MONEY}"
    r"|(?:delivery|shipping|pickup and drop|pick-up and drop)\s+(?:is\s+)?free\s+"
    rf"(?:on\s+|for\s+)?(?:orders?\s+)?(?:above|over|from)\s+{_MONEY}"
    rf"|{_MONEY}\s*(?:se|ke|से|के)\s+(?:upar|oopar|ऊपर)\s+(?:(?:ki|ke|के|की)\s+)?(?:order\s+|ऑर्डर\s+)?(?:par\s+|पर\s+)?"
    r"(?:free|muft|मुफ़्त|मुफ्त|फ्री)?\s*(?:home\s+)?(?:delivery|डिलीवरी)",
    re.IGNORECASE,
)


# Delivery free with no order value named ("free home delivery", "ghar pe delivery free", "मुफ़्त डिलीवरी").
_FREE_ALWAYS = re.compile(
    r"(?<!\bno )\bfree\s+(?:home\s+)?(?:delivery|shipping)\b|\b(?:delivery|shipping)\s+(?:is\s+|bhi\s+)?"
    r"(?:free|muft)\b|(?:मुफ़्त|मुफ्त|फ्री)\s+(?:होम\s+)?डिलीवरी|डिलीवरी\s+(?:भी\s+)?(?:मुफ़्त|मुफ्त|फ्री)",
    re.IGNORECASE,
)


def free_delivery_in(text: str) -> float | None:
    """The order value delivery is free above (`free_delivery_above_in`); 0 where the owner says delivery is
    free with no minimum ("free home delivery"); None where they say neither."""
    above = free_delivery_above_in(text)
    if above is not None:
        return above
    return 0.0 if _FREE_ALWAYS.search(unicodedata.normalize("NFC", text)) else None


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


_DAYS = (
    ("Monday", "सोमवार", ("monday", "mon", "somvar", "somwar", "सोमवार")),
    ("Tuesday", "मंगलवार", ("tuesday", "tue", "tues", "mangalvar", "mangalwar", "मंगलवार")),
    ("Wednesday", "बुधवार", ("wednesday", "wed", "budhvar", "budhwar", "बुधवार")),
    ("Thursday", "गुरुवार", ("thursday", "thu", "thur", "thurs", "guruvar", "guruwar", "गुरुवार")),
    ("Friday", "शुक्रवार", ("friday", "fri", "shukravar", "shukrawar", "शुक्रवार")),
    ("Saturday", "शनिवार", ("saturday", "sat", "shanivar", "shaniwar", "शनिवार")),
    ("Sunday", "रविवार", ("sunday", "sun", "ravivar", "raviwar", "itwar", "itvaar", "रविवार", "इतवार")),
)
_DAY_NAMES = {name: index for index, (_, _, names) in enumerate(_DAYS) for name in names}
_DAY = "(" + "|".join(sorted(_DAY_NAMES, key=len, reverse=True)) + ")"
_DAY_RANGE = re.compile(rf"(?<!\w){_DAY}s?\s*(?:-|–|to|se|से|till)\s*{_DAY}s?(?!\w)", re.IGNORECASE)
_CLOSED = r"(?:closed|off|holiday|band|bandh|बंद|chhutti|छुट्टी)"
_CLOSED_DAY = re.compile(
    rf"(?<!\w){_DAY}s?\s+(?:ko\s+|को\s+)?{_CLOSED}(?!\w)|(?<!\w)(?:closed|band|बंद)\s+(?:on\s+)?{_DAY}s?(?!\w)",
    re.IGNORECASE,
)
_PERIODS = {
    "subah": ("am", "सुबह", "subah"),
    "savere": ("am", "सुबह", "subah"),
    "सुबह": ("am", "सुबह", "subah"),
    "dopahar": ("pm", "दोपहर", "dopahar"),
    "दोपहर": ("pm", "दोपहर", "dopahar"),
    "shaam": ("pm", "शाम", "shaam"),
    "sham": ("pm", "शाम", "shaam"),
    "शाम": ("pm", "शाम", "shaam"),
    "raat": ("pm", "रात", "raat"),
    "रात": ("pm", "रात", "raat"),
}
_PERIOD = "(" + "|".join(_PERIODS) + ")"
_TIME = r"(\d{1,2}(?:[:.][0-5]\d)?)"
# "subah 10 se raat 8", "shaam 5 se 9 baje", "सुबह 10 से शाम 7 बजे तक", "12 se 2 baje tak": a range in day
# parts, or in o'clock ("baje") without them.
_HOURS_DAY_PARTS = re.compile(
    rf"(?:{_PERIOD}\s+)?{_TIME}\s*(?:baje\s+|बजे\s+)?(?:se|से)\s+(?:{_PERIOD}\s+)?{_TIME}(?:\s*(baje|बजे))?",
    re.IGNORECASE,
)
# "9 to 9 khula", "Open 10 - 8", "Timings: 9 to 9": a bare range only where the words say it is the hours.
_OPEN_WORDS = r"(?:open|opens|opening|khula|khuli|khulta|khulti|timings?|hours|time|samay|समय|खुला|खुली)"
_HOURS_BARE = re.compile(
    rf"{_OPEN_WORDS}\s*(?:[:-]|is|hai|from)?\s*{_TIME}\s*(?:to|-|–|till|se|से)\s*{_TIME}(?!\s*(?:am|pm|a\.m|p\.m|\d))"
    rf"|{_TIME}\s*(?:to|-|–|till|se|से)\s*{_TIME}\s+{_OPEN_WORDS}",
    re.IGNORECASE,
)


def hours_in(text: str, language: Language) -> str | None:
    """Opening hours as the owner gives them ("10am to 7pm", "subah 10 se raat 8", "9 to 9 khula"), with the
    days they name ("Mon-Sat", "Sunday closed", "रविवार बंद"), in the site's language; None if they give
    neither."""
    parts = [part for part in (_open_days(text, language), _time_range(text, language)) if part]
    closed = list(
        dict.fromkeys(_day_text(_DAY_NAMES[day.casefold()], language) for day in _closed_days(text))
    )
    if closed:
        # Read both as "Opening hours: ..." and "We are open ...": "9 am to 9 pm, except Sunday".
        days = {"en": " and ", "hi": " और ", "hinglish": " aur "}[language].join(closed)
        every = not parts
        parts.append(
            {
                "en": f"{'every day ' if every else ''}except {days}",
                "hi": f"{days} छोड़कर{' हर दिन' if every else ''}",
                "hinglish": f"{days} chhodkar{' har din' if every else ''}",
            }[language]
        )
    return ", ".join(parts) or None


# "24x7", "open 24 hours", "a 24 hour chemist": never closed (not "delivery in 24 hours").
_ROUND_THE_CLOCK = re.compile(
    r"\b24\s*[x×/*]\s*7\b|\bopen\s+24\s*(?:hours?|hrs?)\b|\bround the clock\b"
    r"|\b24\s*[- ]?(?:hours?|hrs?|ghante|घंटे)\s+(?:open|khula|खुला|service|seva|सेवा|chemist|pharmacy|medical|"
    r"store|shop|emergency)",
    re.IGNORECASE,
)


def _time_range(text: str, language: Language) -> str | None:
    if _ROUND_THE_CLOCK.search(text):
        return {"en": "24 hours, every day", "hi": "हर दिन 24 घंटे", "hinglish": "har din 24 ghante"}[language]
    ranges = []
    for match in _HOURS.finditer(text):
        opens, closes = (
            re.sub(r"\s+", " ", re.sub(r"([ap])\.m\.?", r"\1m", part, flags=re.IGNORECASE)).strip()
            for part in match.groups()
        )
        ranges.append(
            {"en": f"{opens} to {closes}", "hi": f"{opens} से {closes}", "hinglish": f"{opens} se {closes}"}[
                language
            ]
        )
    if ranges:  # a break in the day: "10 AM–1 PM & 5 PM–8 PM"
        return {"en": " and ", "hi": " और ", "hinglish": " aur "}[language].join(dict.fromkeys(ranges))
    match = _HOURS_DAY_PARTS.search(text)
    if match and (match.group(1) or match.group(3) or match.group(5)):
        first, opens, second, closes = (match.group(index) for index in range(1, 5))
        first_period = _PERIODS.get((first or "").casefold())
        second_period = _PERIODS.get((second or "").casefold()) or (
            first_period if first_period and first_period[0] == "pm" else None
        )
        if language == "en":
            if not first_period and not second_period:
                return f"{opens} to {closes}"
            second_en = second_period[0] if second_period else "pm"
            return f"{opens} {first_period[0] if first_period else 'am'} to {closes} {second_en}"
        index = 1 if language == "hi" else 2
        tak = "बजे तक" if language == "hi" else "baje tak"
        se = "से" if language == "hi" else "se"
        start = f"{first_period[index]} {opens}" if first_period else opens
        end = f"{_PERIODS[second.casefold()][index]} {closes}" if second else closes
        return f"{start} {se} {end} {tak}"
    match = _HOURS_BARE.search(text)
    if match:
        opens, closes = (group for group in match.groups() if group is not None)
        return {
            "en": f"{opens} to {closes}",
            "hi": f"{opens} से {closes} बजे तक",
            "hinglish": f"{opens} se {closes} baje tak",
        }[language]
    return None


def _open_days(text: str, language: Language) -> str | None:
    match = _DAY_RANGE.search(text)
    if match is None:
        return None
    first, last = (_day_text(_DAY_NAMES[day.casefold()], language) for day in match.groups())
    return f"{first} {'से' if language == 'hi' else 'se' if language == 'hinglish' else 'to'} {last}"


def _closed_days(text: str) -> list[str]:
    return [next(group for group in match.groups() if group) for match in _CLOSED_DAY.finditer(text)]


def _day_text(index: int, language: Language) -> str:
    english, hindi, _ = _DAYS[index]
    return hindi if language == "hi" else english


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
    # "kachori @15", not "@ 9am" or a handle such as "@123cakes"
    rf"|@\s*{_AMOUNT}(?!\s*(?:am|pm|a\.m|p\.m)\b|[^\W\d])"
    # A currency sign after an amount is its unit only when no amount follows it: in "Class 6-8 ₹1500" and
    # "sofa 3+1+1 Rs 35,000" the sign starts the price.
    rf"|{_AMOUNT}\s*(?:/-|(?:₹|(?<![a-z])rs\b\.?)(?!\s*\d)|(?<![a-z])rupees?\b|\brupaye\b|\brupay\b|रुपये|रुपए|रु\b"
    r"|se shuru\b|से शुरू)",
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


# A clause ends at these; the words before a price, back to the clause's start, name what it prices.
# ("&" joins the words of one name: "wash & iron Rs 20", "scaling & cleaning Rs 1,200".)
_CLAUSE_END = re.compile(r"[,;:।|!?\n]|\.\s|\s[-–—]\s|\s(?:and|aur|or|ya|और|या|with)\s", re.IGNORECASE)
# The name starts after the last of these in its clause ("... in Udaipur serves pure veg thali Rs 120").
_NAME_STARTS_AFTER = _word_set(
    "serve serves serving sell sells selling make makes making offer offers offering have has stock "
    "stocks bake bakes banate bechte mein में"
)
_LEADING_WORDS = _word_set(
    "we sell selling make making offer offering have serve serving also our my the a an only try "
    "fresh get buy special specials famous hamare hamari yahan milta milti hai hain हमारे हमारी यहाँ "
    "यहां sabse saste sasta sasti cheapest best"
)
_TRAILING_WORDS = _word_set(
    "at for @ - only just from starting starts costs cost is are price priced ka ki ke sirf mein me "
    "का की के सिर्फ में rate each @rs bhi available milta milti milega भी"
)
# A price about the shop rather than something it sells: delivery or packing charges, an order minimum, a
# discount or offer ("flat Rs 100 off", "save Rs 50", "pay Rs 20 extra", "prices start at Rs 99").
_NOT_A_PRODUCT = re.compile(
    r"\b(?:deliver\w*|shipping|order\w*|minimum|min|above|below|under|upto|up to|discount|off|free|emi"
    r"|rent|salary|turnover|packing|parking|prices?|start|starts|everything|all items|flat|save|pay"
    # A charge is a fee on top ("service charge", "courier charges"), but a visit or an installation the owner
    # prices is what a service business sells ("Visiting charge Rs 200").
    r"|(?:service|extra|additional|courier|cancellation|convenience|handling|making)\s+charges?|late fee"
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


# An amount with no currency is a price where the owner's list makes it one: at the end of a line after a
# dash, colon or equals sign ("Atta 10kg - 420", "Haircut: 150"), or at the end of a clause in a sentence
# that prices other things in rupees ("haircut Rs 800, nail clipping 300.").
_BARE_PRICE_LINE = re.compile(rf"(?<=\S)\s*[-–:=]\s*{_AMOUNT}\s*(?:/-)?[ \t]*(?=\n|$)")
_BARE_PRICE_CLAUSE = re.compile(rf"(?<=[^\W\d])\s+{_AMOUNT}\s*(?:/-)?(?=\s*(?:[,;।\n]|\.(?!\d)|$))")
# A sentence runs on over a decimal point and an abbreviation's full stop ("Rs. 999", "No. 4").
_SENTENCE = re.compile(r"(?:[^.!?।\n]|\.(?=\d)|(?<=\brs)\.|(?<=\bRs)\.|(?<=\bno)\.|(?<=\bNo)\.)+")
# Words that make a bare number an address, a count or a date rather than a price ("Sector 56", "Shop no
# 4", "since 1985", "min 50 plates", "Pincode: 411057").
_NOT_A_BARE_PRICE = _word_set(
    "sector phase plot no number shop flat house gali block ward pin pincode code since est established "
    "year years age batch batches min minimum max km floor room lane street road marg"
)
_QUANTITY = r"(\d+(?:\.\d+)?\s*(?:kg|kgs|g|gm|gms|grams?|ml|l|ltr|litres?|liters?|kilo|किलो|ग्राम|लीटर))"
_QUANTITY_AT_END = re.compile(rf"\s+{_QUANTITY}$", re.IGNORECASE)
_QUANTITY_ONLY = re.compile(_QUANTITY, re.IGNORECASE)
# "Ghee 1 ltr 1200": an amount right after a quantity, at the end of its clause, is that quantity's price.
_QUANTITY_PRICE = re.compile(
    rf"(?<=[^\W\d])\s+{_QUANTITY}\s+{_AMOUNT}\s*(?:/-)?(?=\s*(?:[,;।\n]|\.(?!\d)|$))", re.IGNORECASE
)


def _bare_prices(text: str) -> list[tuple[re.Match[str], str | None]]:
    """The amounts without a currency that the owner's list prices (see `_BARE_PRICE_LINE`), each with the
    quantity written just before it, if any ("Ghee 1 ltr 1200")."""
    found: list[tuple[re.Match[str], str | None]] = [
        (match, None) for match in _BARE_PRICE_LINE.finditer(text)
    ]
    for sentence in _SENTENCE.finditer(text):
        if _PRICE.search(sentence.group(0)):
            found.extend(
                (match, None) for match in _BARE_PRICE_CLAUSE.finditer(text, sentence.start(), sentence.end())
            )
    if _PRICE.search(text):
        found.extend((match, match.group(1)) for match in _QUANTITY_PRICE.finditer(text))
    return found


def priced_products_in(text: str) -> list[ProposedProduct]:
    """What the description prices, in its order: "kaju katli ₹900/kg", "thali Rs. 120 per plate",
    "gulab jamun 20 rupees each", "काजू कतली ₹900 किलो", "Atta 10kg - 420" in a list. The name is the clause's
    words before the price (less openers such as "we sell" and connectors such as "at", and a quantity at its
    end, which is the unit: "achaar 250g Rs 180"); a quantity alone is another size of the product before it
    ("shahad, 500 gm Rs 450, 1 kg Rs 850"); a price of delivery, an order minimum or a discount is not a
    product, and an amount with no words before it is left out."""
    text = _without_symbols(text).replace("  ", "; ")
    found: list[ProposedProduct] = []
    seen: dict[tuple[str, str | None], float] = {}
    priced: list[tuple[re.Match[str], bool, str | None]] = [
        (match, False, None) for match in _PRICE.finditer(text)
    ]
    taken = [range(match.start(), match.end()) for match, _, _ in priced]
    for match, quantity in _bare_prices(text):
        amount_start = match.start(match.lastindex or 1)
        if not any(amount_start in span for span in taken):
            taken.append(range(match.start(), match.end()))
            priced.append((match, True, quantity))
    priced.sort(key=lambda item: item[0].start())
    for match, bare, written in priced:
        amount = (
            match.group(match.lastindex or 1) if written else next(g for g in match.groups() if g is not None)
        )
        price = float(amount.replace(",", ""))
        before = text[: match.start()]
        name = _priced_name(before)
        unit_match = _UNIT.match(text, match.end())
        unit = None if unit_match is None else _unit_text(unit_match.group(1))
        if written:
            unit = unit or _unit_text(written)
        elif name is not None and _QUANTITY_ONLY.fullmatch(name):
            # "500 gm Rs 450" after "asli shahad,": the product of the clause before, in this size.
            unit = unit or _unit_text(name)
            ends = list(_CLAUSE_END.finditer(before))
            name = _priced_name(before[: ends[-1].start()]) if ends else None
            if (name is None or _QUANTITY_ONLY.fullmatch(name)) and found:
                name = found[-1].name
        if name is None or price < 1 or _NOT_A_PRODUCT_AFTER.match(text, match.end()):
            continue
        if bare and (price < 10 or _word_set(name.casefold()) & _NOT_A_BARE_PRICE):
            continue
        quantity = _QUANTITY_AT_END.search(name)
        if quantity is not None and len(name[: quantity.start()].split()) >= 1:
            name = name[: quantity.start()]
            unit = unit or _unit_text(quantity.group(1))
        key = (normalize(name), unit)
        if key in seen and seen[key] != price:  # "thali ₹120, special thali ₹180": "special" tells them apart
            name = _priced_name(before, keep_leading=True) or name
            key = (normalize(name), unit)
        if key in seen:
            continue
        seen[key] = price
        found.append(ProposedProduct(name=name, price_inr=price, unit=unit))
    return found


def _priced_name(before: str, *, keep_leading: bool = False) -> str | None:
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
    while words and words[0].casefold() in _LEADING_WORDS and not (keep_leading and len(words) > 1):
        words.pop(0)
    if not words or len(words) > MAX_PRODUCT_NAME_WORDS or _NOT_A_PRODUCT.search(" ".join(words)):
        return None
    name = " ".join(words).strip(" -–—'\"([•*·▪►✓✔>")
    if not any(character.isalpha() for character in name) or _PRICE.search(name):
        return None
    # Title case, as a shop lists products, except the words the owner cased themselves ("iPhone", "SUV").
    if not name.isascii():
        return name
    return " ".join(
        word
        if word in _LOWER_CASE_UNITS
        or (index and word in _TITLE_CASE_SMALL_WORDS)
        or any(character.isupper() for character in word[1:])
        else word[:1].upper() + word[1:]
        for index, word in enumerate(name.split())
    )


_TITLE_CASE_SMALL_WORDS = _word_set("of and with for in per the or a an")


def _unit_text(unit: str) -> str:
    """ "500 g" as it is; a bare unit as what the price is per: "per kg", "प्रति किलो"."""
    unit = " ".join(unit.split())
    if unit[:1].isdigit():
        return re.sub(r"^([\d.]+)(?=[^\d\s.])", r"\1 ", unit)  # "10kg" as "10 kg"
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
