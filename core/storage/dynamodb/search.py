"""Product matching and ranking in Python, for a catalog read whole from DynamoDB.

Follows ProductRepository.search: every query word must be a prefix of some word of the name, brand,
category, subcategory or description. Relevance is a term score: for each query word, the best field
it prefixes counts (name 3, brand 2, category and subcategory 1.5, description 1), doubled when it is a
whole word there. Ties go to name, then id.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Set

from core.schemas import Product, ProductQuery

FIELD_WEIGHTS: tuple[tuple[str, float], ...] = (
    ("name", 3.0),
    ("brand", 2.0),
    ("category", 1.5),
    ("subcategory", 1.5),
    ("description", 1.0),
)
WHOLE_WORD_BONUS = 2.0


def _is_word_char(char: str) -> bool:
    """Letters, digits and combining marks (so Devanagari words stay whole), like SQLite's unicode61."""
    return unicodedata.category(char)[0] in "LNM"


def words(text: str) -> list[str]:
    """The lower-cased words of `text`, split at anything that is not a letter, digit or mark."""
    found: list[str] = []
    current: list[str] = []
    for char in text.lower():
        if _is_word_char(char):
            current.append(char)
        elif current:
            found.append("".join(current))
            current = []
    if current:
        found.append("".join(current))
    return found


def relevance(product: Product, terms: Iterable[str]) -> float:
    """The term score of `product`, or 0 when some term prefixes no word of it (not a match)."""
    fields = [(set(words(getattr(product, name))), weight) for name, weight in FIELD_WEIGHTS]
    score = 0.0
    for term in terms:
        best = 0.0
        for field_words, weight in fields:
            if term in field_words:
                best = max(best, weight * WHOLE_WORD_BONUS)
            elif any(word.startswith(term) for word in field_words):
                best = max(best, weight)
        if best == 0.0:
            return 0.0
        score += best
    return score


def passes_filters(product: Product, query: ProductQuery, in_stock: Set[str] | None) -> bool:
    """The non-text filters; `in_stock` holds the ids with stock in the queried region (None: no filter)."""
    return query.admits(product) and (in_stock is None or product.id in in_stock)


def rank(products: Iterable[Product], query: ProductQuery, in_stock: Set[str] | None) -> list[Product]:
    """Every product matching `query`, best first (by name then id when there is no text)."""
    terms = words(query.text or "")
    if not terms:
        return sorted(
            (product for product in products if passes_filters(product, query, in_stock)),
            key=lambda product: (product.name, product.id),
        )
    scored = [
        (score, product)
        for product in products
        if passes_filters(product, query, in_stock) and (score := relevance(product, terms)) > 0
    ]
    scored.sort(key=lambda pair: (-pair[0], pair[1].name, pair[1].id))
    return [product for _, product in scored]
