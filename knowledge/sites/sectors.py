"""Sector configurations as data (knowledge/data/sites/sectors.yaml): one `SectorProfile` per sector a
generated store can belong to, and the text normalisation sector keywords are matched with."""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from knowledge.data import DATA_DIR

SITES_DIR = DATA_DIR / "sites"

Sector = Literal[
    "grocery",
    "restaurant",
    "bakery",
    "clinic",
    "pharmacy",
    "fashion",
    "footwear",
    "beauty",
    "electronics",
    "handicrafts",
    "home",
    "education",
    "other",
]
SECTORS: tuple[Sector, ...] = (
    "grocery",
    "restaurant",
    "bakery",
    "clinic",
    "pharmacy",
    "fashion",
    "footwear",
    "beauty",
    "electronics",
    "handicrafts",
    "home",
    "education",
    "other",
)
Language = Literal["en", "hi", "hinglish"]
LANGUAGES: tuple[Language, ...] = ("en", "hi", "hinglish")
SectionType = Literal["hero", "features", "products", "delivery", "hours", "about", "faq"]
ReturnsKind = Literal["perishable", "exchange", "service", "standard"]

HEX = r"^#[0-9a-f]{6}$"


class Localized(BaseModel):
    """One text in each language a site is written in (Hinglish falls back to English where absent)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    en: str = Field(min_length=1)
    hi: str = Field(min_length=1)
    hinglish: str | None = None

    def text(self, language: Language) -> str:
        if language == "hi":
            return self.hi
        if language == "hinglish":
            return self.hinglish or self.en
        return self.en


class BasePalette(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    primary: str = Field(pattern=HEX)
    accent: str = Field(pattern=HEX)
    background: str = Field(pattern=HEX)
    surface: str = Field(pattern=HEX)
    text: str = Field(pattern=HEX)


class SampleProduct(BaseModel):
    """A product a new store of the sector starts with (the owner edits it); price range in whole rupees."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Localized
    description: Localized
    price: tuple[int, int]
    unit: Localized
    sizes: tuple[str, ...] = ()
    stock: int = Field(ge=0)
    glyph: str

    @field_validator("price")
    @classmethod
    def _ordered(cls, value: tuple[int, int]) -> tuple[int, int]:
        if not 0 < value[0] <= value[1]:
            raise ValueError("price range must be 0 < low <= high")
        return value


class Keywords(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    strong: tuple[str, ...]
    weak: tuple[str, ...] = ()


class SectorProfile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Sector
    label: Localized
    glyph: str
    returns: ReturnsKind
    palette: BasePalette
    home_sections: tuple[SectionType, ...]
    keywords: Keywords
    features: tuple[Localized, ...] = Field(min_length=2)
    products: tuple[SampleProduct, ...] = Field(min_length=4)

    @model_validator(mode="after")
    def _home_has_hero(self) -> SectorProfile:
        if not self.home_sections or self.home_sections[0] != "hero":
            raise ValueError(f"{self.id}: the home page starts with the hero section")
        return self

    @property
    def catalog_noun(self) -> str:
        """What the store's catalog is called in its navigation: products, menu, services or courses."""
        return CATALOG_NOUNS.get(self.id, "products")


CATALOG_NOUNS: dict[str, str] = {
    "restaurant": "menu",
    "clinic": "services",
    "beauty": "services",
    "other": "services",
    "education": "courses",
}


class SectorData(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str
    sectors: tuple[SectorProfile, ...]

    @model_validator(mode="after")
    def _every_sector_once(self) -> SectorData:
        ids = [sector.id for sector in self.sectors]
        if sorted(ids) != sorted(SECTORS):
            raise ValueError(f"sectors.yaml must configure each sector once: {sorted(ids)}")
        return self


@functools.cache
def sector_data() -> SectorData:
    raw = yaml.safe_load((SITES_DIR / "sectors.yaml").read_text(encoding="utf-8"))
    return SectorData.model_validate(raw)


@functools.cache
def sector_profiles() -> dict[str, SectorProfile]:
    return {profile.id: profile for profile in sector_data().sectors}


def sector_profile(sector: str) -> SectorProfile:
    """The configuration of `sector`; unknown names get the `other` sector's."""
    profiles = sector_profiles()
    return profiles.get(sector, profiles["other"])


# Devanagari letters and signs, without the danda and double danda (U+0964, U+0965): they end a sentence
# as a full stop does, so "कक्षाएं।" is the word "कक्षाएं".
_WORD = re.compile(r"[\w\u0900-\u0963\u0966-\u097f]+", re.UNICODE)
NUKTA = "\u093c"


def normalize(text: str) -> str:
    """Lower case, NFC, Devanagari nukta dropped (ज़ = ज), punctuation and hyphens to spaces, simple English
    plurals dropped ("vegetables" -> "vegetable"), single spaces. Keywords and descriptions go through the
    same."""
    text = unicodedata.normalize("NFC", text).casefold().replace(NUKTA, "")
    words = [_singular(word) for word in _WORD.findall(text)]
    return " ".join(words)


def _singular(word: str) -> str:
    if not word.isascii() or len(word) <= 3 or word.endswith("ss"):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("shes", "ches", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("us", "is")):
        return word[:-1]
    return word
