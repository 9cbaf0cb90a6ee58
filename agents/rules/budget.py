"""Price bounds in shopping messages: "under 3000", "₹2,500", "3k", "3 hazaar tak", "1000 se 2000 ke beech".

An amount counts as a budget only when something says it is money: a currency sign or word, a multiplier
(k, hazaar, lakh), or a comparison word around it ("under", "se kam", "तक"). Bare numbers are sizes,
counts or volumes ("size 9", "pack of 12", "8 oz") and are left alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal

from agents.rules.lexicon import DEVANAGARI_DIGITS, MULTIPLIERS, NUMBER_WORDS

Currency = Literal["INR", "USD"]
Role = Literal["max", "min", "around", "plain"]

# An amount without currency or multiplier needs a comparison word and at least this value to be money.
MIN_BARE_AMOUNT = 100
# Multipliers that on their own mark an amount as money ("3 hazaar"); "4k" or "one hundred" also name
# resolutions, colour temperatures and counts, so those need a currency or a comparison word.
MONEY_MULTIPLIERS = frozenset(
    {"hazaar", "hazar", "hajar", "hajaar", "हज़ार", "हजार", "lakh", "lakhs", "lac", "लाख"}
)
AROUND_SPREAD = 0.15


@dataclass(frozen=True)
class PriceBounds:
    low: float | None
    high: float | None
    currency: Currency


@dataclass(frozen=True)
class _Amount:
    value: float
    start: int
    end: int
    currency: Currency | None
    multiplier: str | None

    @property
    def has_multiplier(self) -> bool:
        return self.multiplier is not None

    @property
    def is_money(self) -> bool:
        return self.currency is not None or self.multiplier in MONEY_MULTIPLIERS


_MULT = "|".join(sorted((re.escape(word) for word in MULTIPLIERS), key=len, reverse=True))
_WORDS = "|".join(sorted((re.escape(word) for word in NUMBER_WORDS), key=len, reverse=True))
_PRE_CURRENCY = r"(?P<pre>₹|rs\.?|inr|\$|usd)"
_POST_CURRENCY = r"(?P<post>rs\.?|rupees?|rupaye|rupay|rupiya|रुपये|रुपए|रुपया|inr|₹|dollars?|usd|bucks)"
_NUMBER = rf"(?P<num>\d+(?:\.\d+)?)\s*(?P<mult>{_MULT})?"
_WORD_NUMBER = rf"(?P<sadhe>sadhe\s+|साढ़े\s+)?(?P<word>{_WORDS})\s+(?P<wmult>{_MULT})"
_AMOUNT = re.compile(
    rf"(?<![\w.]){_PRE_CURRENCY}?\s*(?:{_NUMBER}|{_WORD_NUMBER})(?![\w.])(?:\s*/-)?\s*{_POST_CURRENCY}?(?!\w)",
    re.IGNORECASE,
)

# A unit after a bare amount makes it a quantity ("8 oz", "pack of 12"); "size" does only when no size value
# follows it ("9 size" is a size, but in "under 2k size 9" the amount is a budget and "size 9" the size).
_UNIT_AFTER = re.compile(
    r"^\s*(?:x\s*\d|\*\s*\d|fl\b|oz\b|ounces?\b|ml\b|l\b|ltr\b|lit(?:re|er)s?\b|kg\b|g\b|grams?\b|gms?\b|gb\b|"
    r"tb\b|mb\b|mah\b|w\b|watts?\b|v\b|volts?\b|inch(?:es)?\b|in\b|ft\b|feet\b|foot\b|cm\b|mm\b|m\b|"
    r"packs?\b|count\b|ct\b|pcs\b|pieces?\b|pairs?\b|sets?\b|years?\b|yrs?\b|months?\b|days?\b|hours?\b|"
    r"hrs?\b|min(?:ute)?s?\b|seconds?\b|%|people\b|persons?\b|seater\b|bags?\b|bars?\b|bottles?\b|"
    r"capsules?\b|tablets?\b|sheets?\b|number\b|no\b|size\b(?!\s*(?:is\s+|:|-|=)?\s*(?:uk|us|eu|\d|x*[sml]\b))|"
    r"pound\b|lbs?\b|piece\b|light\b|tier\b|"
    r"drawers?\b|layers?\b|ply\b|mp\b|hz\b|k\s*resolution|p\b)",
    re.IGNORECASE,
)
_SIZE_WORD_BEFORE = re.compile(r"(?:size|uk|us|eu|euro|waist|chest)\s*$", re.IGNORECASE)
_SIZE_BEFORE = re.compile(r"(?:size|uk|us|eu|euro|waist|chest|pack of|set of|of|#)\s*$", re.IGNORECASE)

_MAX_BEFORE = re.compile(
    r"(?:under|below|less than|lower than|cheaper than|not more than|no more than|within|upto|up to|"
    r"max(?:imum)?|at most|budget(?: is| of| around)?|<=?|price (?:is )?(?:lower|less) than|till|"
    r"नीचे|अंदर)\s*$",
    re.IGNORECASE,
)
_MIN_BEFORE = re.compile(
    r"(?:above|over|more than|greater than|higher than|at least|atleast|min(?:imum)?|starting(?: from| at)?|"
    r">=?|kam se kam)\s*$",
    re.IGNORECASE,
)
_AROUND_BEFORE = re.compile(
    r"(?:around|about|approx(?:imately)?|roughly|nearly|~|lagbhag|लगभग)\s*$", re.IGNORECASE
)
_MAX_AFTER = re.compile(
    r"^\s*(?:se\s+kam|se\s+neeche|se\s+niche|ke\s+andar|ke\s+neeche|ke\s+niche|tak|or\s+less|or\s+below|max\b|"
    r"(?:ka\s+|ki\s+|ke\s+)?budget|बजट|"
    r"से\s+कम|तक|के\s+अंदर|के\s+नीचे|ka\b|ki\b|ke\b|wala|wali|wale|वाला|वाली|वाले)",
    re.IGNORECASE,
)
_MIN_AFTER = re.compile(
    r"^\s*(?:se\s+upar|se\s+zyada|se\s+jyada|se\s+adhik|ke\s+upar|or\s+more|or\s+above|plus\b|\+|"
    r"से\s+ऊपर|से\s+ज़्यादा|से\s+ज्यादा|से\s+अधिक)",
    re.IGNORECASE,
)
_AROUND_AFTER = re.compile(
    r"^\s*(?:ke\s+aas\s*paas|ke\s+around|ke\s+kareeb|ke\s+kar[ie]b|ish\b|के\s+आसपास|के\s+आस\s+पास|के\s+करीब)",
    re.IGNORECASE,
)
_RANGE_JOIN = re.compile(r"^\s*(?:-|–|—|to|and|se|से|aur|और)\s*$", re.IGNORECASE)
_RANGE_TAIL = re.compile(r"^\s*(?:ke\s+beech|ke\s+bich|tak|के\s+बीच|तक)", re.IGNORECASE)


def normalise(text: str) -> str:
    """Lower case, ASCII digits, and thousands separators removed ("1,50,000" -> "150000")."""
    text = text.translate(DEVANAGARI_DIGITS).lower()
    return re.sub(r"(?<=\d),(?=\d)", "", text)


def _amounts(text: str) -> list[_Amount]:
    found: list[_Amount] = []
    for match in _AMOUNT.finditer(text):
        if match.group("num") is not None:
            value = float(match.group("num"))
            mult = match.group("mult")
        else:
            value = NUMBER_WORDS[match.group("word").lower()] + (0.5 if match.group("sadhe") else 0)
            mult = match.group("wmult")
        if mult:
            value *= MULTIPLIERS[mult.lower()]
        marker = (match.group("pre") or match.group("post") or "").lower()
        currency: Currency | None = None
        if marker:
            currency = "USD" if marker in {"$", "usd", "dollar", "dollars", "bucks"} else "INR"
        found.append(_Amount(value, match.start(), match.end(), currency, mult.lower() if mult else None))
    return found


def _role(text: str, amount: _Amount) -> Role | None:
    before = text[max(0, amount.start - 40) : amount.start]
    after = text[amount.end : amount.end + 30]
    if not amount.is_money and _UNIT_AFTER.match(after):
        return None
    if _AROUND_BEFORE.search(before) or _AROUND_AFTER.match(after):
        role: Role = "around"
    elif _MAX_BEFORE.search(before) or _MAX_AFTER.match(after):
        role = "max"
    elif _MIN_BEFORE.search(before) or _MIN_AFTER.match(after):
        role = "min"
    else:
        role = "plain"
    if not amount.is_money:
        if role == "plain" or (amount.value < MIN_BARE_AMOUNT and not amount.has_multiplier):
            return None
        if _SIZE_BEFORE.search(before) and not (
            amount.value >= MIN_BARE_AMOUNT and _SIZE_WORD_BEFORE.search(before) and role != "plain"
        ):
            return None  # "size 9", "pack of 12"; but in "M size 1000 tak" no size is 1000
    return role


def _range(text: str, amounts: list[_Amount]) -> PriceBounds | None:
    for first, second in pairwise(amounts):
        joiner = text[first.end : second.start]
        if not _RANGE_JOIN.match(joiner) or second.value <= first.value:
            continue
        before = text[max(0, first.start - 40) : first.start]
        after = text[second.end : second.end + 30]
        is_money = any(a.is_money or a.has_multiplier for a in (first, second))
        # "between 500 and 1000" is a budget; "size 8 aur 9 ke beech" and "between 8 and 9" are sizes.
        said_range = (
            bool(re.search(r"(?:between|from|range|beech|बीच)\s*$", before)) or bool(_RANGE_TAIL.match(after))
        ) and (second.value >= MIN_BARE_AMOUNT and not _SIZE_BEFORE.search(before))
        bare_range = first.value >= MIN_BARE_AMOUNT and not _UNIT_AFTER.match(after)
        if is_money or said_range or bare_range:
            low = first.value
            if not first.has_multiplier and second.has_multiplier and low < _bare(second):
                low *= _bare(second)
            return PriceBounds(low, second.value, second.currency or first.currency or "INR")
    return None


def _bare(amount: _Amount) -> float:
    """The multiplier of an amount ("3k" -> 1000), used to read "2-3k" as 2000-3000."""
    for factor in (100_000, 1_000, 100):
        if amount.value % factor == 0 and amount.value >= factor:
            return float(factor)
    return 1.0


def extract_price_bounds(text: str) -> PriceBounds | None:
    """The price range a message asks for, or None when it names no price."""
    clean = normalise(text)
    amounts = _amounts(clean)
    if not amounts:
        return None
    ranged = _range(clean, amounts)
    if ranged is not None:
        return ranged
    low: float | None = None
    high: float | None = None
    currency: Currency = "INR"
    for amount in amounts:
        role = _role(clean, amount)
        if role is None:
            continue
        currency = amount.currency or currency
        if role == "around":
            low, high = amount.value * (1 - AROUND_SPREAD), amount.value * (1 + AROUND_SPREAD)
        elif role == "min":
            low = amount.value if low is None else max(low, amount.value)
        elif high is None:
            high = amount.value
    if low is None and high is None:
        return None
    return PriceBounds(low, high, currency)
