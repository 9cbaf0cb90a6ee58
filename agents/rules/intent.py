"""Shopping intent from one message: category, budget, size, colour, brand, gender, occasion, search words."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from agents.rules.budget import extract_price_bounds, normalise
from agents.rules.lexicon import (
    AMBIGUOUS_BRANDS,
    BRANDS,
    COLOURS,
    GENDERS,
    HINDI_QUERY_WORDS,
    MULTIPLIERS,
    NOT_TYPOS,
    NUMBER_WORDS,
    OCCASIONS,
    PRODUCTS,
    STOPWORDS,
)
from agents.schemas import Gender, ShoppingIntent

MAX_PHRASE_WORDS = 3
MAX_QUERY_WORDS = 6
MIN_VARIANT_LENGTH = 3
"""Shorter words are not read as the singular or plural of a lexicon word ("s" is a size, not "ss")."""
MIN_TYPO_LENGTH = 6
"""Shorter words are not read as a misspelt product word: "feels", "means", "books" are words of their own."""

_TOKEN = re.compile(r"[^\s,;:!?()\[\]{}\"/|]+")
_LETTER_SIZES = {
    "xxs": "XXS",
    "xs": "XS",
    "x-small": "XS",
    "extra small": "XS",
    "s": "S",
    "small": "S",
    "m": "M",
    "medium": "M",
    "l": "L",
    "large": "L",
    "xl": "XL",
    "x-large": "XL",
    "extra large": "XL",
    "xxl": "XXL",
    "xx-large": "XXL",
    "2xl": "XXL",
    "xxxl": "XXXL",
    "xxx-large": "XXXL",
    "3xl": "XXXL",
    "4xl": "4XL",
    "5xl": "5XL",
    "2x-large": "XXL",
    "3x-large": "XXXL",
    "4x-large": "4XL",
    "free": "Free Size",
    "free size": "Free Size",
}
_LETTER = "|".join(sorted((re.escape(key) for key in _LETTER_SIZES), key=len, reverse=True))
_NUMERIC = r"\d{1,2}(?:\.5)?(?:\s*-\s*\d{1,2}(?:\.5)?)?(?!\s*[x*×]\s*\d)"
_SIZE_PATTERNS = (
    re.compile(r"\b(?P<waist>\d{2})\s*w\s*[x*×/]\s*(?P<length>\d{2})\s*l\b"),
    re.compile(rf"\b(?P<system>uk|us|eu|euro|ind|india|indian)\s*-?\s*(?P<num>{_NUMERIC})\b"),
    re.compile(rf"\b(?P<num>{_NUMERIC})\s*(?P<system>uk|us|eu|euro|ind|india|indian)\b"),
    re.compile(
        rf"(?:\bsize|\bsz|साइज़|साइज)\s*(?:is|of|:|-|=)?\s*(?P<system>uk|us|eu|euro|ind|india|indian)?\s*"
        rf"(?P<num>{_NUMERIC})\b"
    ),
    re.compile(rf"(?:\bsize|\bsz|साइज़|साइज)\s*(?:is|of|:|-|=)?\s*(?P<letter>{_LETTER})\b"),
    re.compile(r"\b(?P<num>\d{1,2})\s*(?:number|no\.?|नंबर)(?!\w)"),
    re.compile(r"\b(?:waist|kamar)\s*(?P<num>\d{2})\b|\b(?P<num2>\d{2})\s*(?:inch\s*)?waist\b"),
    re.compile(
        r"\b(?:chest|seena|सीना)\s*(?:size\s*)?(?P<num>\d{2})\b|\b(?P<num2>\d{2})\s*(?:inch(?:es)?\s*)?chest\b"
    ),
    re.compile(
        r"\b(?P<letter>xxs|xs|xxl|xxxl|[2-5]xl|x-large|xx-large|xxx-large|[2-4]x-large|x-small|extra large|"
        r"extra small|free size|xl)\b"
    ),
    re.compile(r"\b(?P<letter>small|medium|large)[- ]sized?\b"),
    re.compile(
        r"\bin\s+(?:a\s+|an\s+|the\s+)?(?P<letter>small|medium|large|s|m|l)\b"
        r"(?!\s*(?:size|sized)?\s*-?\w*\s*(?:pack|bottle|box|bag))"
    ),
    re.compile(rf"\b(?P<letter>{_LETTER})\s+size\b"),
)
# Indian shoe sizes are UK sizes (the standard chart lists them side by side).
_SIZE_SYSTEMS = {"uk": "UK", "us": "US", "eu": "EU", "euro": "EU", "ind": "UK", "india": "UK", "indian": "UK"}
_BRAND_CONTEXT = re.compile(r"\bbrand\b|\bbrands\b|ब्रांड")
_UNKNOWN_BRAND = re.compile(
    r"\bbrand\s+(?:of\s+|name\s+|is\s+|called\s+|named\s+)?(?P<name>[a-z][a-z0-9&'-]{1,30})\b"
)
_PRONOUN_GENDER: tuple[tuple[str, Gender], ...] = (("for her", "women"), ("for him", "men"))
_ONE_WORD_PRODUCTS: dict[str, tuple[str, ...]] = {}
for _key in PRODUCTS:
    if " " not in _key and _key.isascii() and _key.isalpha():
        _ONE_WORD_PRODUCTS[_key[0]] = (*_ONE_WORD_PRODUCTS.get(_key[0], ()), _key)


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    value: str


def tokens(text: str) -> list[str]:
    """Normalised words: lower case, punctuation stripped from the ends of each word, and a possessive's
    "'s" dropped ("sister's" -> "sister"; "men's" stays the lexicon's own word)."""
    words = (_without_possessive(word.strip(".'-")) for word in _TOKEN.findall(normalise(text)))
    return [word for word in words if word]


def _without_possessive(word: str) -> str:
    if word.endswith("'s") and len(word) > len("x's") and word not in GENDERS:
        return word[:-2]
    return word


def near_product_key(word: str) -> str | None:
    """The one-word product the word is a slip of the keyboard away from ("snekers" -> "sneakers",
    "trousres" -> "trousers"): same first letter, one edit (two for long words), and only when exactly one
    product word is that close and the word means nothing else to the parser (a colour, a brand, a size, a
    word of its own such as "sports" or "cleaner")."""
    if len(word) < MIN_TYPO_LENGTH or not word.isalpha() or _known_elsewhere(word):
        return None
    near = {
        key
        for key in _ONE_WORD_PRODUCTS.get(word[0], ())
        if abs(len(key) - len(word)) <= 1 and _edits(word, key, 1) <= 1
    }
    canonical = {PRODUCTS[key] for key in near}
    return min(near) if len(canonical) == 1 else None


def _known_elsewhere(word: str) -> bool:
    lexicons = (COLOURS, BRANDS, GENDERS, OCCASIONS, MULTIPLIERS, NUMBER_WORDS)
    return word in STOPWORDS or word in NOT_TYPOS or any(word in lexicon for lexicon in lexicons)


def _edits(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (insertions, deletions, substitutions, swaps of neighbours), or
    `limit + 1` once it is sure to exceed `limit`."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char in enumerate(a, 1):
        current = [i]
        for j, other in enumerate(b, 1):
            cost = 0 if char == other else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char == b[j - 2] and a[i - 2] == other:
                value = min(value, previous2[j - 2] + 1)
            current.append(value)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def lexicon_key(phrase: str, lexicon: Mapping[str, object]) -> str | None:
    """The lexicon's form of a phrase, singular or plural ("curtain" -> "curtains", "mugs" -> "mug")."""
    if phrase in lexicon:
        return phrase
    if len(phrase) < MIN_VARIANT_LENGTH:
        return None
    variants = [f"{phrase}s", f"{phrase}es"]
    if phrase.endswith("s"):
        variants.append(phrase[:-1])
    if phrase.endswith("es"):
        variants.append(phrase[:-2])
    return next((variant for variant in variants if variant in lexicon), None)


def _phrases(words: list[str], lexicon: Mapping[str, object], plurals: bool = False) -> list[_Hit]:
    """Longest-first, non-overlapping matches of lexicon phrases (up to three words); with `plurals`, a
    phrase's singular or plural counts too (product words: "mugs", "curtain"; not colours: "cc creams"), and
    when no product word is written right, a misspelt one ("snekers")."""
    hits = _exact_phrases(words, lexicon, plurals)
    if hits or not plurals or lexicon is not PRODUCTS:
        return hits
    return [
        _Hit(index, index + 1, key) for index, word in enumerate(words) if (key := near_product_key(word))
    ][:1]


def _exact_phrases(words: list[str], lexicon: Mapping[str, object], plurals: bool) -> list[_Hit]:
    hits: list[_Hit] = []
    index = 0
    while index < len(words):
        for length in range(MAX_PHRASE_WORDS, 0, -1):
            phrase = " ".join(words[index : index + length])
            key = lexicon_key(phrase, lexicon) if plurals else (phrase if phrase in lexicon else None)
            if index + length <= len(words) and key is not None:
                hits.append(_Hit(index, index + length, key))
                index += length
                break
        else:
            index += 1
    return hits


def extract_size(text: str) -> str | None:
    clean = normalise(text)
    for pattern in _SIZE_PATTERNS:
        match = pattern.search(clean)
        if match is None:
            continue
        groups = match.groupdict()
        if groups.get("waist"):
            return f"{groups['waist']}W x {groups['length']}L"
        if groups.get("letter"):
            return _LETTER_SIZES[groups["letter"]]
        number = groups.get("num") or groups.get("num2")
        if number:
            number = re.sub(r"\s+", "", number)
            system = groups.get("system")
            return f"{_SIZE_SYSTEMS[system]} {number}" if system else number
    return None


def extract_brand(text: str, words: list[str]) -> str | None:
    has_context = bool(_BRAND_CONTEXT.search(text.lower()))
    for hit in _phrases(words, BRANDS):
        if (
            hit.value in AMBIGUOUS_BRANDS
            and not has_context
            and not _capitalised(text, hit.value)
            and BRANDS[hit.value] not in text
        ):
            continue
        return BRANDS[hit.value]
    match = _UNKNOWN_BRAND.search(normalise(text))
    if match and match.group("name") not in STOPWORDS:
        return match.group("name").title()
    return None


def _capitalised(text: str, word: str) -> bool:
    return (
        re.search(rf"\b{re.escape(word[0].upper() + word[1:])}\b|\b{re.escape(word.upper())}\b", text)
        is not None
    )


def extract_gender(text: str, words: list[str]) -> Gender | None:
    lowered = text.lower()
    for phrase, value in _PRONOUN_GENDER:
        if phrase in lowered:
            return value
    for word in words:
        if word in GENDERS:
            return GENDERS[word]  # type: ignore[return-value]
    return None


def _first(words: list[str], lexicon: Mapping[str, str]) -> str | None:
    hits = _phrases(words, lexicon)
    return lexicon[hits[0].value] if hits else None


def _query_words(
    words: list[str], product: _Hit | None, consumed: set[int], brand: str | None, occasion: str | None = None
) -> str:
    """The words to search with: the product's catalog word and the words no slot took. With no product
    word, the occasion ("Diwali gifts" searches "festive") is all that says what to look for."""
    kept: list[str] = [PRODUCTS[product.value][1]] if product and PRODUCTS[product.value][1] else []
    if product is None and occasion:
        kept.append(occasion)
    dropped = {brand.lower()} if brand else set()
    for index, word in enumerate(words):
        if index in consumed or word in dropped or _is_constraint_word(word):
            continue
        word = HINDI_QUERY_WORDS.get(word, word)
        if not re.fullmatch(r"[a-z][a-z'&-]*", word) or len(word) < 2:
            continue
        if word not in kept:
            kept.append(word)
    return " ".join(kept[:MAX_QUERY_WORDS])


def _is_constraint_word(word: str) -> bool:
    return (
        word in STOPWORDS
        or word in MULTIPLIERS
        or word in NUMBER_WORDS
        or word in _LETTER_SIZES
        or word in _SIZE_SYSTEMS
    )


def parse_shopping_intent(text: str) -> ShoppingIntent:
    """Deterministic parse of a shopper's message; fields the message does not state stay None."""
    words = tokens(text)
    product_hits = _phrases(words, PRODUCTS, plurals=True)
    product = product_hits[0] if product_hits else None
    consumed: set[int] = set()
    for lexicon in (PRODUCTS, COLOURS, GENDERS, OCCASIONS, BRANDS):
        for hit in _phrases(words, lexicon, plurals=lexicon is PRODUCTS):
            consumed.update(range(hit.start, hit.end))
    brand = extract_brand(text, words)
    bounds = extract_price_bounds(text)
    occasion = _first(words, OCCASIONS)
    low = high = None
    if bounds is not None and bounds.currency == "INR":
        low = round(bounds.low) if bounds.low is not None else None
        high = round(bounds.high) if bounds.high is not None else None
    return ShoppingIntent(
        category=PRODUCTS[product.value][0] if product else None,
        budget_min_inr=low,
        budget_max_inr=high,
        size=extract_size(text),
        colour=_first(words, COLOURS),
        brand=brand,
        gender=extract_gender(text, words),
        occasion=occasion,
        query=_query_words(words, product, consumed, brand, occasion),
    )
