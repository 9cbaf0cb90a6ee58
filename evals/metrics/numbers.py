"""Every number an explanation states, as a typed token: money (₹ or $, Indian or western digit grouping, k /
lakh / crore), percentages (signed or not), lengths (mm, cm), shoe and clothing sizes ("UK 8", "EU 42",
"size 40"), dates ("16 Jun 2026", "2026-06-16") and plain numbers (counts, similarities, factors "x1.02").

Ranges share their unit: in "256-267 mm" both ends are millimetres, in "₹46 to ₹172" and "₹46-172" both are
rupees. A minus sign counts only when it is attached to the digits and does not join two numbers, so
"256-267" is a range, not 256 and -267, while "condition -1%" is a signed percentage.

Numbers inside words ("w34", "B5", "iPhone12") are not claims and are not extracted; digits followed by
letters ("50ml", "64GB") are, with the letters as their unit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum


class Kind(StrEnum):
    MONEY = "money"
    PERCENT = "percent"
    LENGTH = "length"
    SIZE = "size"
    DATE = "date"
    NUMBER = "number"


@dataclass(frozen=True)
class NumberToken:
    text: str
    """As written, e.g. "₹1,23,456" or "UK 7.5"."""
    value: float
    """The number in its unit: rupees, percent points, millimetres, the size; for a date its proleptic
    Gregorian ordinal (`date.toordinal`)."""
    kind: Kind
    unit: str = ""
    """INR / USD for money, "mm" for lengths (cm are converted), the size system (UK, EU, US, IN; "" for a
    bare "size 40"), other letters written after the digits ("ml", "gb", "x" for a factor)."""
    step: float = 1.0
    """One unit of the last digit shown, in `value`'s unit (0.01 for "0.89", 1000 for "₹3k", 10 for
    "26 cm")."""
    signed: bool = False
    """Written with a sign ("+1%", "-4%")."""
    start: int = 0
    end: int = 0


MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))

# Digits: Indian grouping (1,23,456), western grouping (123,456), or none; an optional decimal part.
_DIGITS = r"(?:\d{1,2}(?:,\d{2})+,\d{3}|\d{1,3}(?:,\d{3})+|\d+)(?!\d)(?:\.\d+)?"
_START = r"(?<![\w.,])"
"""A number starts after neither a letter or digit ("w34", "B5") nor a decimal point or digit group."""
_SIGN = r"(?P<sign>[+\-−])"
_CURRENCY_BEFORE = r"(?P<cur>₹|(?i:rs\.?|inr|us\$|usd)|\$)\s?"
_CURRENCY_AFTER = r"\s?(?P<cur_after>(?i:inr|rupees?|usd|dollars?))\b"
_SCALE = r"\s?(?P<scale>(?i:k|lakhs?|lacs?|crores?|cr))\b"
_PERCENT = r"\s?(?P<percent>%|(?i:percent|per\scent)\b)"
_LENGTH = r"\s?(?P<length>(?i:mm|cm|millimet(?:er|re)s?|centimet(?:er|re)s?))\b"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("date", re.compile(rf"{_START}(?P<day>\d{{1,2}})\s(?P<month>(?i:{_MONTH}))\.?,?\s(?P<year>\d{{4}})\b")),
    ("date", re.compile(rf"{_START}(?P<month>(?i:{_MONTH}))\.?\s(?P<day>\d{{1,2}}),?\s(?P<year>\d{{4}})\b")),
    ("date", re.compile(rf"{_START}(?P<year>\d{{4}})-(?P<month>\d{{2}})-(?P<day>\d{{2}})\b")),
    # "US" only in capitals: "tell us 3 things" is no size
    (
        "size",
        re.compile(
            rf"{_START}(?P<system>(?i:uk|eu|india|ind|size)|US)\s?(?P<number>{_DIGITS})(?![\d,]*\d|[A-Za-z])"
        ),
    ),
    ("money", re.compile(rf"{_START}{_SIGN}?{_CURRENCY_BEFORE}(?P<number>{_DIGITS})(?:{_SCALE})?")),
    (
        "number",
        re.compile(
            rf"{_START}(?:(?P<times>[x×])|{_SIGN})?(?P<number>{_DIGITS})"
            rf"(?:{_CURRENCY_AFTER}|{_PERCENT}|{_LENGTH}|{_SCALE}|(?P<letters>[A-Za-z]+))?"
        ),
    ),
]

_SCALES = {
    "k": 1e3,
    "lakh": 1e5,
    "lakhs": 1e5,
    "lac": 1e5,
    "lacs": 1e5,
    "crore": 1e7,
    "crores": 1e7,
    "cr": 1e7,
}
_CURRENCIES = {
    "₹": "INR",
    "rs": "INR",
    "rs.": "INR",
    "inr": "INR",
    "rupee": "INR",
    "rupees": "INR",
    "$": "USD",
    "us$": "USD",
    "usd": "USD",
    "dollar": "USD",
    "dollars": "USD",
}
_SIZE_SYSTEMS = {"uk": "UK", "eu": "EU", "us": "US", "ind": "IN", "india": "IN", "size": ""}
_RANGE_JOIN = re.compile(r"^\s?(?:-|–|—|to|and)\s?$", re.I)


def _number(text: str) -> tuple[float, float]:
    """(value, one unit of its last digit)."""
    plain = text.replace(",", "")
    decimals = len(plain.split(".")[1]) if "." in plain else 0
    return float(plain), 10.0**-decimals


def _signed(value: float, sign: str | None) -> float:
    return -value if sign in ("-", "−") else value


def _token(name: str, match: re.Match[str]) -> NumberToken | None:
    groups = match.groupdict()
    where = {"text": match.group(0).strip(), "start": match.start(), "end": match.end()}
    if name == "date":
        month = groups["month"]
        month_number = int(month) if month.isdigit() else MONTHS[month.lower()]
        try:
            day = date(int(groups["year"]), month_number, int(groups["day"]))
        except ValueError:
            return None
        return NumberToken(value=float(day.toordinal()), kind=Kind.DATE, **where)
    value, step = _number(groups["number"])
    if name == "size":
        return NumberToken(
            value=value, step=step, kind=Kind.SIZE, unit=_SIZE_SYSTEMS[groups["system"].lower()], **where
        )
    scale = _SCALES.get((groups.get("scale") or "").lower(), 1.0)
    value, step = value * scale, step * scale
    sign = groups.get("sign")
    currency = groups.get("cur") or groups.get("cur_after")
    if currency:
        unit = _CURRENCIES[currency.lower().strip()]
        return NumberToken(
            value=_signed(value, sign), step=step, kind=Kind.MONEY, unit=unit, signed=bool(sign), **where
        )
    if groups.get("percent"):
        return NumberToken(
            value=_signed(value, sign), step=step, kind=Kind.PERCENT, unit="%", signed=bool(sign), **where
        )
    if groups.get("length"):
        factor = 10.0 if groups["length"].lower().startswith("c") else 1.0
        return NumberToken(value=value * factor, step=step * factor, kind=Kind.LENGTH, unit="mm", **where)
    unit = "x" if groups.get("times") else (groups.get("letters") or "").lower()
    return NumberToken(
        value=_signed(value, sign), step=step, kind=Kind.NUMBER, unit=unit, signed=bool(sign), **where
    )


def extract_numbers(text: str) -> list[NumberToken]:
    """Every number in `text`, in order; earlier patterns win where they overlap (a date over its
    digits)."""
    taken = [False] * len(text)
    found: list[NumberToken] = []
    for name, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(taken[start:end]):
                continue
            token = _token(name, match)
            if token is None:
                continue
            found.append(token)
            for position in range(start, end):
                taken[position] = True
    found.sort(key=lambda token: token.start)
    return _share_range_units(text, found)


def _share_range_units(text: str, tokens: list[NumberToken]) -> list[NumberToken]:
    """In "256-267 mm" and "₹46-172" the end without a unit takes the other end's; in "5%-10%" the "-" joins a
    range rather than signing the 10."""
    shared = list(tokens)
    for index in range(len(shared) - 1):
        first, second = shared[index], shared[index + 1]
        joined = text[first.end : second.start]
        if joined == "" and second.signed and second.text[0] in "-–—−":
            second = replace(second, value=abs(second.value), signed=False)
            shared[index + 1] = second
        elif not _RANGE_JOIN.match(joined):
            continue
        if _unitless(first) and second.kind in _RANGE_KINDS:
            scale = 10.0 if _in_cm(second) else 1.0
            shared[index] = replace(
                first, kind=second.kind, unit=second.unit, value=first.value * scale, step=first.step * scale
            )
        elif _unitless(second) and first.kind in _RANGE_KINDS:
            scale = 10.0 if _in_cm(first) else 1.0
            shared[index + 1] = replace(
                second, kind=first.kind, unit=first.unit, value=second.value * scale, step=second.step * scale
            )
    return shared


_RANGE_KINDS = (Kind.LENGTH, Kind.PERCENT, Kind.MONEY)


def _unitless(token: NumberToken) -> bool:
    return token.kind is Kind.NUMBER and not token.unit


def _in_cm(token: NumberToken) -> bool:
    return token.kind is Kind.LENGTH and "c" in token.text.lower().lstrip("0123456789.,- ")
