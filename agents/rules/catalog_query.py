"""A catalog search box's text, read with the intent parser: the price it names becomes a filter and the words
a shopper writes in Hindi or Hinglish also search as the catalog's English.

`GET /v1/products?q=running shoes under 3000` searches "running shoes" at most ₹3,000 (the price phrase is
taken out of the words: no product says "under 3000"); "3 hazaar tak", "₹2,500 se kam", "1000 se 2000 ke
beech" the same way (agents/rules/budget.py). "चप्पल" or "chappal" also searches "sandals", "laal kurta" also
"red": the lexicon's English product word and colour are added when the text does not have them already
(agents/rules/lexicon.py). A lower bound ("above 2000") is parsed but not applied: catalog search has only a
price cap.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agents.rules.budget import (
    _AMOUNT,
    _AROUND_AFTER,
    _AROUND_BEFORE,
    _MAX_AFTER,
    _MAX_BEFORE,
    _MIN_AFTER,
    _MIN_BEFORE,
    _RANGE_JOIN,
    _RANGE_TAIL,
    extract_price_bounds,
    normalise,
)
from agents.rules.intent import parse_shopping_intent, tokens

_BEFORE = (_MAX_BEFORE, _MIN_BEFORE, _AROUND_BEFORE, re.compile(r"(?:between|from|range|beech|बीच)\s*$"))
_AFTER = (_MAX_AFTER, _MIN_AFTER, _AROUND_AFTER, _RANGE_TAIL)


@dataclass(frozen=True)
class CatalogText:
    words: str | None
    """What to search for: the text without its price phrase, plus the English words the lexicon adds; None
    when nothing but a price was written."""
    plain: str | None
    """The text without its price phrase only: for a search that needs every word to match (the store's)."""
    max_price_inr: int | None
    min_price_inr: int | None
    added: tuple[str, ...] = ()
    """The lexicon's English words added to the search (e.g. "sandals" for "चप्पल")."""


def has_searchable_characters(text: str) -> bool:
    return any(char.isalnum() for char in text)


def read_catalog_text(text: str) -> CatalogText:
    """The search words and price bounds of a search box's text (see the module docstring)."""
    bounds = extract_price_bounds(text)
    low = high = None
    if bounds is not None and bounds.currency == "INR":
        low = round(bounds.low) if bounds.low is not None else None
        high = round(bounds.high) if bounds.high is not None else None
    words = without_price(text) if bounds is not None else normalise(text)
    intent = parse_shopping_intent(text)
    present = tokens(words)
    english = [*intent.query.split(), *([intent.colour] if intent.colour else [])]
    added = tuple(
        dict.fromkeys(word for word in english if word.isascii() and not _variant_of_any(word, present))
    )
    searched = " ".join([words.strip(), *added]).strip()
    return CatalogText(
        words=searched if has_searchable_characters(searched) else None,
        plain=words.strip() if has_searchable_characters(words) else None,
        max_price_inr=high,
        min_price_inr=low,
        added=added,
    )


def _variant_of_any(word: str, present: list[str]) -> bool:
    """`word` is already there, or a form of a word there ("shoes" for "shoe")."""
    return any(word.startswith(other) or other.startswith(word) for other in present if len(other) >= 3)


def without_price(text: str) -> str:
    """The (normalised) text with every amount that names a price taken out, with the words around it that
    say so ("under", "tak", "se kam", "between ... and ...")."""
    clean = normalise(text)
    amounts = list(_AMOUNT.finditer(clean))
    spans: list[tuple[int, int]] = []
    index = 0
    while index < len(amounts):
        first = amounts[index]
        second = amounts[index + 1] if index + 1 < len(amounts) else None
        if second is not None and _RANGE_JOIN.match(clean[first.end() : second.start()]):
            start, _ = _extended_left(clean, first.start())
            end, _ = _extended_right(clean, second.end(), (_RANGE_TAIL, *_AFTER))
            spans.append((start, end))
            index += 2
            continue
        start, marked_before = _extended_left(clean, first.start())
        end, marked_after = _extended_right(clean, first.end(), _AFTER)
        money = any(first.group(name) for name in ("pre", "post", "mult", "wmult"))
        if marked_before or marked_after or money:
            spans.append((start, end))
        index += 1
    kept, last = [], 0
    for start, end in spans:
        kept.append(clean[last:start])
        last = end
    kept.append(clean[last:])
    return re.sub(r"\s+", " ", " ".join(kept)).strip()


def _extended_left(text: str, start: int) -> tuple[int, bool]:
    before = text[max(0, start - 40) : start]
    for pattern in _BEFORE:
        if found := pattern.search(before):
            return start - (len(before) - found.start()), True
    return start, False


def _extended_right(text: str, end: int, patterns: tuple[re.Pattern[str], ...]) -> tuple[int, bool]:
    after = text[end : end + 30]
    for pattern in patterns:
        if found := pattern.match(after):
            return end + found.end(), True
    return end, False
