"""curated_documents: the curated knowledge as KnowledgeDocs with stable, unique citation ids."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from core.errors import InvalidInput
from knowledge.documents import article_document, curated_documents
from knowledge.search.documents import GLOBAL_TENANT, DocType
from knowledge.sizing.charts import curated_library


def test_every_kind_of_curated_knowledge_becomes_documents() -> None:
    counts = Counter(doc.doc_type for doc in curated_documents())
    assert counts[DocType.SIZE_CHART] > 100
    assert counts[DocType.FIT_RULE] >= 20
    assert counts[DocType.INGREDIENT] >= 60
    assert counts[DocType.REGION] >= 35
    assert counts[DocType.ARTICLE] >= 10


def test_ids_are_unique_and_stable_between_builds() -> None:
    first = [doc.id for doc in curated_documents()]
    assert len(first) == len(set(first))
    assert first == [doc.id for doc in curated_documents()]


def test_documents_are_global_with_provenance_and_text() -> None:
    for doc in curated_documents():
        assert doc.tenant_id == GLOBAL_TENANT
        assert doc.source and doc.text and doc.title


def test_size_chart_rows_are_citable_by_the_ids_the_fit_functions_return() -> None:
    by_id = {doc.id: doc for doc in curated_documents()}
    row = by_id["chart:kadam-footworks:uk-8-5"]
    assert row.brand == "Kadam Footworks"
    assert row.category == "footwear"
    assert "UK 8.5" in row.text and "mm" in row.text
    assert "runs small" in by_id["chart:kadam-footworks"].text
    assert "slim fit" in by_id["chart:sutra-studio-tops-men"].text


def test_ingredients_regions_and_articles_have_the_documented_ids() -> None:
    by_id = {doc.id: doc for doc in curated_documents()}
    assert "Comedogenic rating 4/5" in by_id["ingredient:cocos-nucifera-oil"].text
    assert "warm-humid" in by_id["region:mumbai"].text
    assert by_id["festival:diwali"].doc_type == DocType.REGION
    article = by_id["article:how-to-measure-foot"]
    assert article.category == "footwear"
    assert not article.text.startswith("---")


def test_an_article_without_front_matter_is_rejected(tmp_path: Path) -> None:
    plain = tmp_path / "plain.md"
    plain.write_text("# Just a heading\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="front matter"):
        article_document(plain)
    partial = tmp_path / "partial.md"
    partial.write_text("---\nid: x\ntitle: X\n---\nbody\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="lacks category, source"):
        article_document(partial)


def test_the_conversion_article_agrees_with_the_standard_chart() -> None:
    standard = curated_library().standard_footwear
    assert standard is not None
    text = next(doc.text for doc in curated_documents() if doc.id == "article:footwear-size-conversion")
    for row in standard.rows:
        if row.uk in (6, 7, 8, 9, 10):
            expected = (
                f"| {row.uk:g} | {row.us_men:g} | {row.us_women:g} | {row.eu:g} | "
                f"{round(row.foot_min_mm)}-{round(row.foot_max_mm)} |"
            )
            assert expected in text
