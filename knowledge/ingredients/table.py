"""The ingredient reference: pakka's curated table first, the MIT papitosu tables as a fallback."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from knowledge.data import DATA_DIR
from knowledge.ingredients.parse import ParsedIngredient, normalise

INGREDIENTS_DIR = DATA_DIR / "ingredients"
PAPITOSU_SOURCE = "MIT: papitosu/cosmetic-inci-bot (data/, commit 54bf712)"
SkinType = Literal["oily", "dry", "combination", "normal", "sensitive"]
Climate = Literal["humid", "hot-dry", "cold"]
Irritancy = Literal["none", "low", "medium", "high"]
_COLOURANT = re.compile(r"^ci ?\d{5}$")


class IngredientInfo(BaseModel):
    """What pakka knows about one INCI ingredient, with where that knowledge comes from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    inci: str
    synonyms: list[str] = Field(default_factory=list)
    functions: list[str] = Field(default_factory=list)
    comedogenic: int | None = Field(default=None, ge=0, le=5)
    irritancy: Irritancy = "none"
    allergen: bool = False
    good_for: list[SkinType] = Field(default_factory=list)
    caution_for: list[SkinType] = Field(default_factory=list)
    avoid_for: list[SkinType] = Field(default_factory=list)
    concerns: list[str] = Field(default_factory=list)
    climate_good: list[Climate] = Field(default_factory=list)
    climate_caution: list[Climate] = Field(default_factory=list)
    conflicts: list[str] = Field(default_factory=list)
    source: str = Field(min_length=3)
    curated: bool = True

    @property
    def id(self) -> str:
        """The citation id, e.g. "ingredient:salicylic-acid"."""
        return "ingredient:" + "-".join(re.sub(r"[^a-z0-9]+", " ", self.inci.lower()).split())


class IngredientTable:
    """Lookup by INCI name or synonym, case- and punctuation-insensitive."""

    def __init__(self, curated: Iterable[IngredientInfo], fallback: Iterable[IngredientInfo] = ()) -> None:
        self.curated = list(curated)
        self._index: dict[str, IngredientInfo] = {}
        for info in fallback:
            self._index[normalise(info.inci)] = info
        for info in self.curated:
            for name in (info.inci, *info.synonyms):
                self._index[normalise(name)] = info

    def lookup(self, name: str) -> IngredientInfo | None:
        key = normalise(name)
        if key in self._index:
            return self._index[key]
        if _COLOURANT.match(key):
            return IngredientInfo(
                inci=key.upper(),
                functions=["colourant"],
                comedogenic=0,
                source="pakka curated: EU Annex IV colour index colourant",
                curated=False,
            )
        return None

    def find(self, ingredient: ParsedIngredient) -> IngredientInfo | None:
        """The entry for a parsed ingredient: its name, then its aliases, then each part of "a/b/c"."""
        candidates = [ingredient.name, *ingredient.aliases]
        candidates += [part for name in candidates if "/" in name for part in name.split("/")]
        return next((info for info in map(self.lookup, candidates) if info is not None), None)


@lru_cache(maxsize=1)
def curated_table() -> IngredientTable:
    return load_table(INGREDIENTS_DIR)


def load_table(directory: Path) -> IngredientTable:
    rows = yaml.safe_load((directory / "ingredients.yaml").read_text(encoding="utf-8"))
    curated = [IngredientInfo.model_validate(row) for row in rows]
    return IngredientTable(curated, _papitosu_entries(directory / "papitosu"))


def _papitosu_entries(directory: Path) -> list[IngredientInfo]:
    """One entry per name in the MIT tables, merging comedogenic, irritant and allergen ratings."""
    comedogenic: dict[str, int] = _read(directory / "comedogenic.json")["ingredients"]
    irritants: dict[str, dict[str, str]] = _read(directory / "irritants.json")["ingredients"]
    allergens: dict[str, dict[str, str]] = _read(directory / "allergens.json")["allergens"]
    names = sorted(set(comedogenic) | set(irritants) | set(allergens))
    return [
        IngredientInfo(
            inci=name,
            comedogenic=comedogenic.get(name),
            irritancy=_worst(
                irritants.get(name, {}).get("severity"), allergens.get(name, {}).get("severity")
            ),
            allergen=name in allergens,
            functions=[irritants[name]["category"]]
            if name in irritants and "category" in irritants[name]
            else [],
            source=PAPITOSU_SOURCE,
            curated=False,
        )
        for name in names
    ]


def _worst(*severities: str | None) -> Irritancy:
    order: list[Irritancy] = ["none", "low", "medium", "high"]
    found = [severity for severity in severities if severity in order]
    return max(found, key=order.index) if found else "none"  # type: ignore[return-value]


def _read(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data
