"""Metadata quality: how completely a product is described, as a score from 0 to 1.

The decision engine gives metadata quality 0.2 of a recommendation's confidence, so a listing with no
brand, no description and no sizes should never look as trustworthy as a fully described one. Only the
fields that matter for the product's category count (ingredients for skincare, sizes and fit data for
footwear and apparel).
"""

from __future__ import annotations

from core.schemas import Product

SIZED_CATEGORIES = frozenset({"footwear", "apparel", "skincare"})
FIT_CATEGORIES = frozenset({"footwear", "apparel"})
INGREDIENT_CATEGORIES = frozenset({"skincare"})

FULL_DESCRIPTION_CHARS = 200
FULL_ATTRIBUTE_COUNT = 5


def metadata_quality(product: Product) -> float:
    """Weighted share of the category's relevant fields that are filled in, rounded to 3 decimals."""
    scores: list[tuple[float, float]] = [
        (1.0, 1.0 if product.brand.strip() else 0.0),
        (1.0, min(len(product.description.strip()) / FULL_DESCRIPTION_CHARS, 1.0)),
        (1.5, min(_filled_attribute_count(product) / FULL_ATTRIBUTE_COUNT, 1.0)),
        (1.0, 1.0 if product.images else 0.0),
        (0.5, 0.0 if product.rating is None else 1.0),
    ]
    if product.category in SIZED_CATEGORIES:
        scores.append((1.0, 1.0 if product.sizes else 0.0))
    if product.category in FIT_CATEGORIES:
        scores.append((1.0, 1.0 if product.fit else 0.0))
    if product.category in INGREDIENT_CATEGORIES:
        scores.append((1.5, 1.0 if product.ingredients else 0.0))
    total_weight = sum(weight for weight, _ in scores)
    return round(sum(weight * score for weight, score in scores) / total_weight, 3)


def with_metadata_quality(product: Product) -> Product:
    """A copy of `product` whose `metadata_quality` is computed from its own fields."""
    return product.model_copy(update={"metadata_quality": metadata_quality(product)})


def _filled_attribute_count(product: Product) -> int:
    return sum(1 for value in product.attributes.values() if value not in (None, "", [], {}))
