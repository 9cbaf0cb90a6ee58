"""The catalog: products as JSON plus indexed columns, and an FTS5 index that triggers keep in sync."""

from __future__ import annotations

import sqlite3
import unicodedata
from collections.abc import Iterable, Sequence

from core.schemas import Product, ProductPage, ProductQuery
from core.storage.sqlite.columns import placeholders, require_tenant, to_paise
from core.storage.sqlite.database import SqliteDatabase

_UPSERT = """
INSERT INTO products (tenant_id, id, name, brand, category, subcategory, description, price_paise, doc)
VALUES (:tenant_id, :id, :name, :brand, :category, :subcategory, :description, :price_paise, :doc)
ON CONFLICT (tenant_id, id) DO UPDATE SET
    name = excluded.name, brand = excluded.brand, category = excluded.category,
    subcategory = excluded.subcategory, description = excluded.description,
    price_paise = excluded.price_paise, doc = excluded.doc
"""

# Column weights for bm25 (name, brand, category, subcategory, description): a hit in the name counts most.
_RANK = "bm25(products_fts, 10.0, 6.0, 4.0, 4.0, 1.0)"
_IDS_PER_QUERY = 500


def query_words(text: str) -> list[str]:
    """The lower-cased runs of letters, digits and combining marks (Unicode L*, N*, M*) of `text`.

    Marks count as word characters: Python's `\\w` leaves out vowel signs, virama and nukta (Mc/Mn), which
    would split "जूते" into "ज" and "त"."""
    return "".join(char if unicodedata.category(char)[0] in "LNM" else " " for char in text.lower()).split()


def match_expression(text: str | None) -> str | None:
    """An FTS5 MATCH expression requiring every word of `text` as a prefix, or None when it has no words.

    Only runs of letters, digits and marks survive, each quoted, so no input can inject FTS syntax (OR, NEAR,
    columns). FTS5 tokenises a quoted word itself: where unicode61 splits a Devanagari word at its vowel
    signs, the word becomes a phrase of its parts, so it still matches that word and not its letters
    scattered over the text."""
    words = query_words(text or "")
    if not words:
        return None
    return " AND ".join(f'"{word}"*' for word in words)


def _row(product: Product) -> dict[str, object]:
    return {
        "tenant_id": product.tenant_id,
        "id": product.id,
        "name": product.name,
        "brand": product.brand,
        "category": product.category,
        "subcategory": product.subcategory,
        "description": product.description,
        "price_paise": to_paise(product.price_inr),
        "doc": product.model_dump_json(),
    }


def _filters(tenant_id: str, query: ProductQuery) -> tuple[list[str], list[object]]:
    """SQL conditions on `p` (products) for every filter of the query except the text."""
    conditions: list[str] = ["p.tenant_id = ?"]
    params: list[object] = [tenant_id]
    if query.category is not None:
        conditions.append("p.category = ?")
        params.append(query.category)
    if query.brand is not None:
        conditions.append("p.brand = ? COLLATE NOCASE")
        params.append(query.brand)
    if query.max_price_inr is not None:
        # With a category or brand, unary + keeps the planner on that index (price is checked from it)
        # instead of scanning a wide price range and sorting.
        narrowed = query.category is not None or query.brand is not None
        conditions.append("+p.price_paise <= ?" if narrowed else "p.price_paise <= ?")
        params.append(to_paise(query.max_price_inr))
    if query.min_price_inr is not None:
        conditions.append("+p.price_paise >= ?")
        params.append(to_paise(query.min_price_inr))
    if query.size is not None:
        conditions.append(
            "EXISTS (SELECT 1 FROM product_sizes s"
            " WHERE s.tenant_id = p.tenant_id AND s.product_id = p.id AND s.size = ?)"
        )
        params.append(query.size)
    if query.in_stock_region is not None:
        stock = (
            "EXISTS (SELECT 1 FROM inventory i WHERE i.tenant_id = p.tenant_id AND i.product_id = p.id"
            " AND i.region = ? AND i.available > 0"
        )
        params.append(query.in_stock_region)
        if query.size is not None:
            stock += " AND i.size = ?"
            params.append(query.size)
        conditions.append(stock + ")")
    return conditions, params


class SqliteProductRepository:
    def __init__(self, database: SqliteDatabase) -> None:
        self._db = database

    def put(self, product: Product) -> Product:
        """Insert or replace one product."""
        with self._db.transaction() as connection:
            connection.execute(_UPSERT, _row(product))
        return product

    def put_many(self, products: Iterable[Product]) -> int:
        """Bulk upsert in one transaction; every product must belong to the first one's tenant."""
        batch = list(products)
        if not batch:
            return 0
        for product in batch:
            require_tenant(batch[0].tenant_id, product.tenant_id, f"product {product.id}")
        with self._db.transaction() as connection:
            connection.executemany(_UPSERT, [_row(product) for product in batch])
        return len(batch)

    def get(self, tenant_id: str, product_id: str) -> Product | None:
        with self._db.reading() as connection:
            row = connection.execute(
                "SELECT doc FROM products WHERE tenant_id = ? AND id = ?", (tenant_id, product_id)
            ).fetchone()
        return None if row is None else Product.model_validate_json(row["doc"])

    def get_many(self, tenant_id: str, product_ids: Sequence[str]) -> dict[str, Product]:
        """The products found, by id; unknown ids are left out."""
        wanted = list(dict.fromkeys(product_ids))
        found: dict[str, Product] = {}
        with self._db.transaction(write=False) as connection:
            for start in range(0, len(wanted), _IDS_PER_QUERY):
                chunk = wanted[start : start + _IDS_PER_QUERY]
                rows = connection.execute(
                    f"SELECT doc FROM products WHERE tenant_id = ? AND id IN ({placeholders(len(chunk))})",
                    (tenant_id, *chunk),
                ).fetchall()
                for row in rows:
                    product = Product.model_validate_json(row["doc"])
                    found[product.id] = product
        return found

    def search(self, tenant_id: str, query: ProductQuery) -> ProductPage:
        """Filters run in SQL; with text, FTS5 finds the candidates and bm25 ranks them (ties: name, id).

        The page is chosen by rowid first and only its documents are read afterwards (in the same snapshot),
        so sorting never carries the JSON of every candidate."""
        conditions, params = _filters(tenant_id, query)
        expression = match_expression(query.text)
        if expression is None:
            source, order = "products p", "p.name, p.id"
        else:
            # CROSS JOIN keeps the FTS index as the driving table.
            source, order = (
                "products_fts CROSS JOIN products p ON p.seq = products_fts.rowid",
                f"{_RANK}, p.name, p.id",
            )
            conditions.insert(0, "products_fts MATCH ?")
            params.insert(0, expression)
        where = " AND ".join(conditions)
        offset = (query.page - 1) * query.page_size
        with self._db.transaction(write=False) as connection:
            total = connection.execute(f"SELECT count(*) FROM {source} WHERE {where}", params).fetchone()[0]
            page_seqs = [
                row["seq"]
                for row in connection.execute(
                    f"SELECT p.seq AS seq FROM {source} WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?",
                    [*params, query.page_size, offset],
                )
            ]
            docs = {
                row["seq"]: row["doc"]
                for row in connection.execute(
                    f"SELECT seq, doc FROM products WHERE seq IN ({placeholders(len(page_seqs))})",
                    page_seqs,
                )
            }
        return ProductPage(
            items=[Product.model_validate_json(docs[seq]) for seq in page_seqs],
            total=int(total),
            page=query.page,
            page_size=query.page_size,
        )

    def delete(self, tenant_id: str, product_id: str) -> bool:
        """Remove the product (its sizes and search entry go with it; inventory rows stay for open orders)."""
        with self._db.transaction() as connection:
            cursor = connection.execute(
                "DELETE FROM products WHERE tenant_id = ? AND id = ?", (tenant_id, product_id)
            )
        return cursor.rowcount > 0

    def count(self, tenant_id: str) -> int:
        with self._db.reading() as connection:
            row: sqlite3.Row = connection.execute(
                "SELECT count(*) AS n FROM products WHERE tenant_id = ?", (tenant_id,)
            ).fetchone()
        return int(row["n"])
