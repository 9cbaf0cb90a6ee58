"""Is an explanation faithful to its evidence? Checked by code, so it works offline on every model tier.

Every number the text states (evals/metrics/numbers.py) must be one of the evidence's facts, shown at the
text's precision: a fact supports a number when they differ by less than one unit of the last digit the text
shows ("97%" for 0.9665, "₹1,142" for 1141.62, "99%" for a clamped 0.9991), and only between compatible kinds
(rupees with rupees, a percentage with a share or a percentage, millimetres with millimetres, a size label
exactly). A number written with a sign must match the sign; one without is compared with the fact's size.

Every citation the text makes must be in the evidence:
- source ids ("chart:sprintara:uk-7", "ingredient:niacinamide") must be among the answer's citations;
- a quoted title ("our guide "How to measure your feet"") must be a cited source's or a named item's title
  (a known name is matched whole first, so quotes inside it do not split it);
- a sale cited as "title, ₹price, date (similarity s)" must be one comparable sale with all of those;
- a known term (an ingredient name) must be one the evidence supports (the product has it and cites its rule).

Names the evidence knows verbatim (a product's name, a listing title) are not claims: their digits ("511",
"50ml") are not counted. An explanation with no number and no citation is vacuously faithful.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from evals.metrics.numbers import Kind, NumberToken, extract_numbers

SOURCE_ID_PREFIXES = frozenset(
    {"chart", "chart-source", "fit", "ingredient", "skin-rule", "article", "region", "guide", "product"}
)
"""Namespaces of pakka's citation ids; an id-like "prefix:rest" in one of these is a citation."""
_QUOTED = re.compile(r"[\"“]([^\"”]{2,200})[\"”]")
_SALE = re.compile(
    r"(?P<title>[^;:\n]+?),\s(?P<price>(?:₹|Rs\.?\s?|\$|US\$)\s?[\d,]+(?:\.\d+)?),\s"
    r"(?P<date>\d{1,2}\s[A-Za-z]{3,9}\.?\s\d{4})(?:\s\(similarity\s(?P<similarity>\d+(?:\.\d+)?)\))?"
)


@dataclass(frozen=True)
class Fact:
    """One number the evidence holds, in the unit an explanation would state it in."""

    value: float
    kind: Kind
    unit: str = ""
    source: str = ""
    fraction: bool = False
    """A share in 0-1: "89%" and "0.89" both state it."""


@dataclass(frozen=True)
class Sale:
    """A comparable sale an explanation may cite."""

    title: str
    price: float
    currency: str
    sold_at: date
    similarity: float | None = None


@dataclass
class Evidence:
    """What one explanation may draw on; built by the suite from the result, its chart rows, comparables and
    rules. Add facts with the typed helpers."""

    facts: list[Fact] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    """Verbatim strings (product names, listing titles) whose digits are not claims."""
    citations: set[str] = field(default_factory=set)
    """Source ids the answer cites."""
    titles: set[str] = field(default_factory=set)
    """Titles a quote may name: cited guides, the product, the listing."""
    sales: list[Sale] = field(default_factory=list)
    terms: dict[str, bool] = field(default_factory=dict)
    """Known terms whose mention is a citation (ingredient names), and whether this evidence supports each."""

    def money(self, value: float, currency: str, source: str) -> None:
        self.facts.append(Fact(float(value), Kind.MONEY, currency.upper(), source))

    def share(self, value: float | None, source: str) -> None:
        """A probability, confidence or share in 0-1."""
        if value is not None:
            self.facts.append(Fact(float(value), Kind.NUMBER, "", source, fraction=True))

    def percent(self, value: float, source: str) -> None:
        """A value already in percent points (e.g. an adjustment of -3.6%)."""
        self.facts.append(Fact(float(value), Kind.PERCENT, "%", source))

    def length_mm(self, value: float | None, source: str) -> None:
        if value is not None:
            self.facts.append(Fact(float(value), Kind.LENGTH, "mm", source))

    def number(self, value: float | None, source: str) -> None:
        """A count, a factor, a similarity: stated as a plain number."""
        if value is not None:
            self.facts.append(Fact(float(value), Kind.NUMBER, "", source))

    def day(self, when: date | datetime, source: str) -> None:
        day = when.date() if isinstance(when, datetime) else when
        self.facts.append(Fact(float(day.toordinal()), Kind.DATE, "", source))

    def size(self, label: str, source: str) -> None:
        """A size label ("UK 7.5", "EU 42", "40", "30 ml"): its numbers as sizes of its system."""
        written = f"size {label.strip()}" if label.strip()[:1].isdigit() else label
        for token in extract_numbers(written):
            if token.kind is Kind.SIZE:
                self.facts.append(Fact(token.value, Kind.SIZE, token.unit, source))
            else:
                self.facts.append(Fact(token.value, token.kind, token.unit, source))

    def text(self, text: str, source: str) -> None:
        """Every number of a code-written text (a rule's wording, an adjustment's reason) as a fact."""
        for token in extract_numbers(text):
            self.facts.append(Fact(token.value, token.kind, token.unit, source))

    def name(self, name: str | None) -> None:
        if name and name.strip():
            self.names.append(name.strip())
            self.titles.add(_fold(name))


@dataclass(frozen=True)
class FaithfulnessCheck:
    numbers_found: int
    numbers_supported: int
    citations_found: int
    citations_supported: int
    unsupported: tuple[str, ...]
    """The text of each unsupported number or citation, in order."""

    @property
    def fully_faithful(self) -> bool:
        return not self.unsupported

    def as_row(self) -> dict[str, object]:
        return {
            "numbers_found": self.numbers_found,
            "numbers_supported": self.numbers_supported,
            "citations_found": self.citations_found,
            "citations_supported": self.citations_supported,
            "unsupported": list(self.unsupported),
            "fully_faithful": self.fully_faithful,
        }


def supports(fact: Fact, token: NumberToken) -> bool:
    """Whether `fact` is what `token` states, at the token's precision and kind."""
    if token.kind is Kind.DATE or fact.kind is Kind.DATE:
        return token.kind is fact.kind and token.value == fact.value
    if token.kind is Kind.SIZE:
        same_system = not token.unit or not fact.unit or token.unit == fact.unit
        return fact.kind is Kind.SIZE and same_system and abs(token.value - fact.value) < 1e-9
    if token.kind is Kind.MONEY:
        return fact.kind is Kind.MONEY and fact.unit == token.unit and _close(token, fact.value)
    if token.kind is Kind.PERCENT:
        if fact.kind is Kind.PERCENT:
            return _close(token, fact.value)
        return fact.fraction and _close(token, fact.value * 100)
    if token.kind is Kind.LENGTH:
        return fact.kind is Kind.LENGTH and _close(token, fact.value)
    # a plain number ("6 comparable sales", "similarity 0.84", "x1.02", "50ml") may state any fact's value
    return _close(token, fact.value) or (fact.fraction and _close(token, fact.value * 100))


def _close(token: NumberToken, value: float) -> bool:
    stated = token.value if token.signed else abs(token.value)
    target = value if token.signed else abs(value)
    return abs(stated - target) < token.step * (1 - 1e-9)


def check_explanation(text: str, evidence: Evidence) -> FaithfulnessCheck:
    """Count the numbers and citations of `text` and which of them `evidence` supports."""
    masked = list(text)
    unsupported: list[tuple[int, str]] = []
    found = supported = 0
    numbers_found = numbers_supported = 0

    def mask(start: int, end: int) -> None:
        masked[start:end] = " " * (end - start)

    def cite(start: int, end: int, ok: bool, shown: str) -> None:
        nonlocal found, supported
        found += 1
        supported += ok
        if not ok:
            unsupported.append((start, shown))
        mask(start, end)

    for cited in sorted(evidence.citations, key=len, reverse=True):
        for match in re.finditer(re.escape(cited), "".join(masked)):
            cite(*match.span(), True, cited)
    for match in _source_ids("".join(masked), evidence.citations):
        cite(*match.span(), match.group(0) in evidence.citations, match.group(0))
    for match in _SALE.finditer("".join(masked)):
        sale_ok, numbers = _check_sale(match, evidence)
        cite(match.start("title"), match.end(), sale_ok, match.group(0).strip())
        for token in numbers:
            numbers_found += 1
            ok = sale_ok or any(supports(fact, token) for fact in evidence.facts)
            numbers_supported += ok
            if not ok:
                unsupported.append((match.start("price") + token.start, token.text))
    for name in sorted(evidence.names, key=len, reverse=True):
        quoted = rf"[\"“]\s*{re.escape(name)}\s*[\"”]"
        for match in re.finditer(quoted, "".join(masked), re.I):
            cite(*match.span(), True, match.group(0))
        for match in re.finditer(re.escape(name), "".join(masked), re.I):
            mask(*match.span())
    for match in _QUOTED.finditer("".join(masked)):
        cite(*match.span(), _fold(match.group(1)) in evidence.titles, match.group(0))
    for term, ok in sorted(evidence.terms.items(), key=lambda item: len(item[0]), reverse=True):
        for match in re.finditer(rf"(?<![\w-]){re.escape(term)}(?![\w-])", "".join(masked), re.I):
            cite(*match.span(), ok, match.group(0))
    for token in extract_numbers("".join(masked)):
        numbers_found += 1
        ok = any(supports(fact, token) for fact in evidence.facts)
        numbers_supported += ok
        if not ok:
            unsupported.append((token.start, token.text))
    return FaithfulnessCheck(
        numbers_found=numbers_found,
        numbers_supported=numbers_supported,
        citations_found=found,
        citations_supported=supported,
        unsupported=tuple(shown for _, shown in sorted(unsupported, key=lambda item: item[0])),
    )


def _source_ids(text: str, cited: Iterable[str]) -> Iterable[re.Match[str]]:
    prefixes = SOURCE_ID_PREFIXES | {citation.split(":", 1)[0] for citation in cited if ":" in citation}
    alternatives = "|".join(re.escape(prefix) for prefix in sorted(prefixes, key=len, reverse=True))
    return re.finditer(rf"(?<![\w-])(?:{alternatives}):[A-Za-z0-9][\w\-.:/]*(?<![.:])", text)


def _check_sale(match: re.Match[str], evidence: Evidence) -> tuple[bool, list[NumberToken]]:
    """Whether one comparable has the cited title, price, date (and similarity); and the cited numbers."""
    tail = match.group(0)[match.start("price") - match.start() :]
    numbers = extract_numbers(tail)
    price = next((t for t in numbers if t.kind is Kind.MONEY), None)
    day = next((t for t in numbers if t.kind is Kind.DATE), None)
    similarity = match.group("similarity")
    title = _fold(match.group("title"))
    for sale in evidence.sales:
        if not (title == _fold(sale.title) or title.endswith(" " + _fold(sale.title))):
            continue
        if price is None or price.unit != sale.currency.upper() or not _close(price, sale.price):
            continue
        if day is None or day.value != float(sale.sold_at.toordinal()):
            continue
        if similarity is not None and sale.similarity is not None:
            shown = next(t for t in numbers if t.kind is Kind.NUMBER)
            if not _close(shown, sale.similarity):
                continue
        return True, numbers
    return False, numbers


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())
