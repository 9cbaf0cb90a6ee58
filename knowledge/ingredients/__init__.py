"""Skincare ingredient knowledge: the curated table, parsing of printed INCI lists, compatibility checks."""

from knowledge.ingredients.check import IngredientCheck, IngredientVerdict, SkinProfile, ingredient_check
from knowledge.ingredients.parse import ParsedIngredient, parse_ingredient_list
from knowledge.ingredients.table import IngredientInfo, IngredientTable, curated_table

__all__ = [
    "IngredientCheck",
    "IngredientInfo",
    "IngredientTable",
    "IngredientVerdict",
    "ParsedIngredient",
    "SkinProfile",
    "curated_table",
    "ingredient_check",
    "parse_ingredient_list",
]
