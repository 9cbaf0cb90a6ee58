"""Index names, settings and mapping for the knowledge index, and the hybrid search pipeline body.

Physical indices are versioned (`{prefix}-knowledge-v{n}`) behind one alias (`{prefix}-knowledge`), so a
rebuild can fill a new version while searches keep reading the old one, then swap atomically.
"""

from __future__ import annotations

import re
from typing import Any, Literal

KnnEngine = Literal["lucene", "faiss"]

VECTOR_FIELD = "embedding"
LEXICAL_FIELDS = ("title^2", "text")
INDEX_ANALYZER = "pakka_en_in"
SEARCH_ANALYZER = "pakka_en_in_search"
KEYWORD_NORMALIZER = "pakka_lowercase"

SPACE_BY_ENGINE: dict[KnnEngine, str] = {"lucene": "cosinesimil", "faiss": "innerproduct"}
"""Vectors arrive L2-normalised, so inner product equals cosine; faiss gained cosinesimil only in 2.19."""

INDIAN_ENGLISH_SYNONYMS = (
    "saree, sari",
    "kurta, kurti",
    "salwar, shalwar",
    "lehenga, lehnga, ghagra",
    "dupatta, chunni, stole",
    "chappal, chappals, slipper, slippers, flip flop",
    "jutti, juttis, mojari, mojaris",
    "kolhapuri, kolhapuris",
    "sneaker, sneakers, trainers, sports shoes, running shoes",
    "pant, pants, trousers",
    "vest, banian, undershirt",
    "churidar, leggings",
    "lungi, dhoti, veshti",
    "moisturiser, moisturizer, moisturising cream, moisturizing cream",
    "sunscreen, sunblock, spf",
    "face wash, facewash, cleanser",
    "pimple, pimples, acne, breakouts",
    "tan, tanning, suntan",
    "colour, color",
)
"""Search-time synonyms for Indian-English and Hinglish retail words (and British/American spellings)."""

PIPELINE_WEIGHTS = (0.5, 0.5)
"""Lexical and vector weights of the arithmetic mean; equal, as reciprocal rank fusion treats them."""


def alias_name(prefix: str) -> str:
    """The read/write alias every query goes through."""
    return f"{prefix}-knowledge"


def versioned_index_name(prefix: str, version: int) -> str:
    return f"{alias_name(prefix)}-v{version}"


def versioned_index_pattern(prefix: str) -> str:
    """Wildcard matching every version of the physical index (and possibly foreign names: filter them)."""
    return f"{alias_name(prefix)}-v*"


def index_version(prefix: str, index: str) -> int | None:
    """The `n` of `{prefix}-knowledge-v{n}`, or None for an index that is not one of ours."""
    match = re.fullmatch(re.escape(alias_name(prefix)) + r"-v(\d+)", index)
    return int(match.group(1)) if match else None


def pipeline_name(prefix: str) -> str:
    return f"{prefix}-knowledge-hybrid"


def analysis_settings() -> dict[str, Any]:
    """English analysis tuned for Indian retail text.

    A char filter splits letters from digits, so "UK8", "uk-8" and "UK 8" (or "SPF50" and "SPF 50") all
    become the same tokens; it runs before the tokenizer because word_delimiter filters may not precede a
    synonym filter. Light English stemming keeps "fits"/"fit" together without Porter's over-stemming.
    Synonyms apply at search time only, so changing the list needs no reindex.
    """
    shared_filters = ["pakka_possessive", "lowercase", "asciifolding"]
    stem_filters = ["pakka_english_stop", "pakka_english_stem"]
    return {
        "char_filter": {
            "pakka_split_letters_digits": {
                "type": "pattern_replace",
                "pattern": r"(?<=\p{L})(?=\p{N})|(?<=\p{N})(?=\p{L})",
                "replacement": " ",
            }
        },
        "filter": {
            "pakka_english_stop": {"type": "stop", "stopwords": "_english_"},
            "pakka_english_stem": {"type": "stemmer", "language": "light_english"},
            "pakka_possessive": {"type": "stemmer", "language": "possessive_english"},
            "pakka_synonyms": {"type": "synonym_graph", "synonyms": list(INDIAN_ENGLISH_SYNONYMS)},
        },
        "analyzer": {
            INDEX_ANALYZER: {
                "type": "custom",
                "char_filter": ["pakka_split_letters_digits"],
                "tokenizer": "standard",
                "filter": [*shared_filters, *stem_filters],
            },
            SEARCH_ANALYZER: {
                "type": "custom",
                "char_filter": ["pakka_split_letters_digits"],
                "tokenizer": "standard",
                "filter": [*shared_filters, "pakka_synonyms", *stem_filters],
            },
        },
        "normalizer": {KEYWORD_NORMALIZER: {"type": "custom", "filter": ["lowercase", "asciifolding"]}},
    }


def knowledge_index_body(
    dimension: int | None,
    *,
    engine: KnnEngine = "lucene",
    shards: int = 1,
    replicas: int = 1,
    hnsw_m: int = 16,
    hnsw_ef_construction: int = 128,
) -> dict[str, Any]:
    """Settings and mapping of one physical knowledge index.

    `metadata` is kept in `_source` but not indexed (`enabled: false`): tenants put arbitrary keys there,
    and indexing them would grow the mapping without bound. `dimension=None` builds a lexical-only index
    (no embedding model configured).
    """
    if dimension is not None and dimension < 1:
        raise ValueError(f"vector dimension must be positive, got {dimension}")
    text_field = {"type": "text", "analyzer": INDEX_ANALYZER, "search_analyzer": SEARCH_ANALYZER}
    keyword_field = {"type": "keyword", "normalizer": KEYWORD_NORMALIZER}
    properties: dict[str, Any] = {
        "id": {"type": "keyword"},
        "tenant_id": {"type": "keyword"},
        "doc_type": {"type": "keyword"},
        "category": keyword_field,
        "brand": keyword_field,
        "title": text_field,
        "text": text_field,
        "source": {"type": "keyword", "index": False},
        "metadata": {"type": "object", "enabled": False},
    }
    index_settings: dict[str, Any] = {"number_of_shards": shards, "number_of_replicas": replicas}
    if dimension is not None:
        index_settings["knn"] = True
        properties[VECTOR_FIELD] = {
            "type": "knn_vector",
            "dimension": dimension,
            "method": {
                "name": "hnsw",
                "engine": engine,
                "space_type": SPACE_BY_ENGINE[engine],
                "parameters": {"m": hnsw_m, "ef_construction": hnsw_ef_construction},
            },
        }
    return {
        "settings": {"index": index_settings, "analysis": analysis_settings()},
        "mappings": {"dynamic": "strict", "properties": properties},
    }


def hybrid_pipeline_body(weights: tuple[float, float] = PIPELINE_WEIGHTS) -> dict[str, Any]:
    """Search pipeline that min-max normalises each hybrid sub-query's scores, then averages them."""
    return {
        "description": "pakka knowledge: min_max normalised BM25 and k-NN scores, arithmetic mean",
        "phase_results_processors": [
            {
                "normalization-processor": {
                    "normalization": {"technique": "min_max"},
                    "combination": {
                        "technique": "arithmetic_mean",
                        "parameters": {"weights": list(weights)},
                    },
                }
            }
        ],
    }
