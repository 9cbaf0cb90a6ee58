"""How text becomes BM25 terms, the same way for indexed documents and for queries.

A token is a run of Unicode letters, combining marks and digits, so Devanagari words keep their vowel
signs (Python's `\\w` stops at them: they are category Mc/Mn). Tokens are case-folded and Latin diacritics
dropped ("Café" -> "cafe"), like SQLite FTS5's `unicode61 remove_diacritics 2`. ASCII words are stemmed
with the Porter algorithm (FTS5's `porter` tokenizer) and Devanagari words with Snowball's Hindi stemmer;
other scripts are kept whole.

Terms are stored as 64-bit hashes: a document's postings are then a small binary blob in its SQLite row,
and rebuilding a tenant's index is array work, with no vocabulary table to keep in step across processes.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections import Counter
from functools import lru_cache

import numpy
import regex
import snowballstemmer

_TOKEN = regex.compile(r"[\p{L}\p{M}\p{N}]+")
_LATIN_DIACRITICS = regex.compile(r"[\u0300-\u036f]")
_DEVANAGARI = regex.compile(r"[\u0900-\u097f]")
_PORTER = snowballstemmer.stemmer("porter")
_HINDI = snowballstemmer.stemmer("hindi")
STEM_CACHE_SIZE = 200_000

# Dropped from queries (not from the index): they match nearly every chunk for almost no ranking signal.
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "can",
        "do",
        "does",
        "for",
        "from",
        "how",
        "i",
        "if",
        "in",
        "is",
        "it",
        "me",
        "my",
        "of",
        "on",
        "or",
        "should",
        "so",
        "the",
        "to",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "will",
        "with",
        "you",
        "your",
        "का",
        "की",
        "के",
        "को",
        "में",
        "से",
        "है",
        "हैं",
        "और",
        "पर",
    ]
)

# One posting per distinct term of a document: the term's hash and how often it occurs in title and text.
POSTING = numpy.dtype([("term", "<u8"), ("title", "<u2"), ("text", "<u2")])
MAX_COUNT = numpy.iinfo(numpy.uint16).max


def words(text: str) -> list[str]:
    """The case-folded, diacritic-free tokens of `text`, unstemmed."""
    folded = _LATIN_DIACRITICS.sub("", unicodedata.normalize("NFKD", text.casefold()))
    return _TOKEN.findall(unicodedata.normalize("NFC", folded))


@lru_cache(maxsize=STEM_CACHE_SIZE)
def stem(word: str) -> str:
    if word.isascii():
        return _PORTER.stemWord(word) if word.isalpha() else word
    if _DEVANAGARI.search(word):
        return _HINDI.stemWord(word)
    return word


def terms(text: str) -> list[str]:
    """Every indexed term of `text`, in order, repeats kept."""
    return [stem(word) for word in words(text)]


def query_terms(text: str) -> list[str]:
    """The distinct terms of a query; stopwords are dropped unless nothing else is left."""
    found = list(dict.fromkeys(words(text)))
    kept = [word for word in found if word not in STOPWORDS] or found
    return list(dict.fromkeys(stem(word) for word in kept))


@lru_cache(maxsize=STEM_CACHE_SIZE)
def term_hash(term: str) -> int:
    return int.from_bytes(hashlib.blake2b(term.encode("utf-8"), digest_size=8).digest(), "little")


def postings(title: str, text: str) -> numpy.ndarray:
    """The document's POSTING records, one per distinct term."""
    title_counts = Counter(terms(title))
    text_counts = Counter(terms(text))
    return numpy.array(
        [
            (term_hash(term), min(title_counts[term], MAX_COUNT), min(text_counts[term], MAX_COUNT))
            for term in title_counts.keys() | text_counts.keys()
        ],
        dtype=POSTING,
    )
