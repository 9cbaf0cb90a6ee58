"""Turns an ingredient list as printed on a pack into clean, lower-case names in label order.

Real lists are messy: "Aqua/Water/Eau", "Tremella Fuciformis (Mushroom) Extract", "Niacinamide 10%",
"Alcohol Denat.", "Ingredients: ...", and a trailing "May Contain (+/-): CI 77491, ..." section for shades.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pydantic import BaseModel

_LABEL = re.compile(r"^\s*(active\s+)?ingredients?\s*:\s*", re.IGNORECASE)
_MAY_CONTAIN = re.compile(r"\[?\s*(may\s+contain|\+\s*/\s*-|\+-)\s*\]?\s*:?", re.IGNORECASE)
_PERCENT = re.compile(r"\(?\s*\d+(\.\d+)?\s*%\s*\)?")
_PARENTHESISED = re.compile(r"\(([^()]*)\)")
_NOISE = re.compile(r"[*†‡™®]")


class ParsedIngredient(BaseModel):
    """One listed ingredient. `aliases` holds alternative spellings found in the same entry."""

    raw: str
    name: str
    aliases: list[str]
    position: int
    may_contain: bool


def normalise(name: str) -> str:
    """Lower case, single spaces, no trailing dots or stray marks: the key used for every lookup."""
    name = _NOISE.sub("", name.lower()).replace("–", "-")
    return " ".join(name.split()).strip(" .;:-")


def parse_ingredient_list(ingredients: str | Sequence[str]) -> list[ParsedIngredient]:
    """Parse a printed list (one string) or already-split entries into ingredients, keeping label order."""
    if isinstance(ingredients, str):
        listed, optional = _split_may_contain(_LABEL.sub("", ingredients.strip()))
        entries = [(entry, False) for entry in _split_top_level(listed)]
        entries += [(entry, True) for entry in _split_top_level(optional)]
    else:
        entries = [(entry, False) for entry in ingredients]
    parsed: list[ParsedIngredient] = []
    for raw, may_contain in entries:
        name, aliases = _clean(raw)
        if name:
            parsed.append(
                ParsedIngredient(
                    raw=raw.strip(), name=name, aliases=aliases, position=len(parsed), may_contain=may_contain
                )
            )
    return parsed


def _split_may_contain(text: str) -> tuple[str, str]:
    match = _MAY_CONTAIN.search(text)
    if match is None:
        return text, ""
    return text[: match.start()], text[match.end() :].lstrip(" ()[]+/-:")


def _split_top_level(text: str) -> list[str]:
    """Split on commas and semicolons that are not inside parentheses or brackets."""
    entries: list[str] = []
    depth = 0
    current: list[str] = []
    for char in text:
        if char in "([":
            depth += 1
        elif char in ")]":
            depth = max(0, depth - 1)
        if char in ",;" and depth == 0:
            entries.append("".join(current))
            current = []
        else:
            current.append(char)
    entries.append("".join(current))
    return [entry for entry in (entry.strip() for entry in entries) if entry]


def _clean(raw: str) -> tuple[str, list[str]]:
    text = _PERCENT.sub(" ", raw)
    aliases = [normalise(inner) for inner in _PARENTHESISED.findall(text)]
    name = normalise(_PARENTHESISED.sub(" ", text).replace("[", " ").replace("]", " "))
    return name, [alias for alias in aliases if alias and alias != name]
