"""The words of generated store websites in English, Hindi and Hinglish
(knowledge/data/sites/language.yaml), and telling which of the three a description is written in."""

from __future__ import annotations

import functools
import re
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict

from knowledge.sites.sectors import SITES_DIR, Language, Localized

HINGLISH_MARKERS = frozenset(
    [
        "hai",
        "hain",
        "ka",
        "ki",
        "ke",
        "ko",
        "mein",
        "me",
        "aur",
        "se",
        "tak",
        "wala",
        "wali",
        "wale",
        "hum",
        "hamara",
        "hamari",
        "humara",
        "humari",
        "hamare",
        "humare",
        "dukaan",
        "dukan",
        "ghar",
        "milta",
        "milti",
        "milega",
        "milegi",
        "karte",
        "karti",
        "kar",
        "bhi",
        "sab",
        "sabhi",
        "ekdum",
        "accha",
        "acha",
        "naya",
        "nayi",
        "purana",
        "yahan",
        "kripya",
        "ji",
        "bahut",
        "saath",
        "sath",
        "liye",
        "apna",
        "apni",
        "apne",
        "chahiye",
        "hota",
        "hoti",
        "hote",
        "raha",
        "rahe",
        "rahi",
        "karo",
        "karein",
        "karenge",
        "kijiye",
        "lijiye",
        "dijiye",
        "khana",
        "banate",
        "banta",
        "bani",
        "bana",
        "wahan",
        "yeh",
        "ye",
        "woh",
        "wo",
        "kaun",
        "kya",
        "kyun",
        "nahi",
        "nahin",
        "sasta",
        "sasti",
        "badiya",
        "badhiya",
        "bilkul",
        "sirf",
    ]
)
_DEVANAGARI = re.compile(r"[\u0900-\u097f]")
_LATIN = re.compile(r"[A-Za-z]")
_WORDS = re.compile(r"[A-Za-z]+")


class LanguageData(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str
    strings: dict[str, Localized]
    texts: dict[str, Localized]
    returns: dict[str, Localized]
    delivery_policy: dict[str, Localized]


@functools.cache
def language_data() -> LanguageData:
    raw = yaml.safe_load((SITES_DIR / "language.yaml").read_text(encoding="utf-8"))
    return LanguageData.model_validate(raw)


def labels(language: Language) -> dict[str, str]:
    """Every interface string of a site in `language`, by key."""
    return {key: value.text(language) for key, value in language_data().strings.items()}


def phrase(group: str, key: str, language: Language, **values: Any) -> str:
    """One template of `group` (texts, returns, delivery_policy, strings) in `language`, filled."""
    table: dict[str, Localized] = getattr(language_data(), group)
    return table[key].text(language).format(**values)


def detect_language(text: str) -> Language:
    """hi when the text is mostly Devanagari, hinglish when Latin script carries Hindi function words
    ("hai", "ke", "mein"...), else en."""
    devanagari = len(_DEVANAGARI.findall(text))
    latin = len(_LATIN.findall(text))
    if devanagari and devanagari >= latin:
        return "hi"
    words = [word.casefold() for word in _WORDS.findall(text)]
    markers = sum(1 for word in words if word in HINGLISH_MARKERS)
    if markers >= 2 and markers >= len(words) * 0.08:
        return "hinglish"
    return "en"
