"""Text analysis: how documents and queries become BM25 terms."""

from __future__ import annotations

from knowledge.search.text_analysis import postings, query_terms, stem, term_hash, terms, words


def test_devanagari_words_keep_their_vowel_signs() -> None:
    assert words("जूते कैसे चुनें?") == ["जूते", "कैसे", "चुनें"]


def test_words_are_case_folded_and_lose_latin_diacritics() -> None:
    assert words("Café CRÈME, naïve") == ["cafe", "creme", "naive"]


def test_punctuation_and_operators_separate_words() -> None:
    assert words('niacinamide" OR (NEAR AND *') == ["niacinamide", "or", "near", "and"]
    assert words(" ?! ") == []


def test_english_words_are_porter_stemmed_and_numbers_kept() -> None:
    assert terms("Measuring running shoes, UK 8") == ["measur", "run", "shoe", "uk", "8"]


def test_hindi_inflections_share_a_stem() -> None:
    assert stem("जूते") == stem("जूतों") == stem("जूता")


def test_query_terms_are_distinct_and_drop_stopwords_unless_nothing_else_is_left() -> None:
    assert query_terms("UK 8, uk") == ["uk", "8"]
    assert query_terms("how do I measure my foot") == ["measur", "foot"]
    assert query_terms("what is it") == ["what", "i", "it"]
    assert query_terms("जूतों का साइज़") == [stem("जूतों"), "साइज़"]


def test_postings_count_each_term_in_title_and_text() -> None:
    records = postings("Shoe size chart", "Shoes and sizes in mm.")

    counts = {int(r["term"]): (int(r["title"]), int(r["text"])) for r in records}
    assert counts == {
        term_hash("shoe"): (1, 1),
        term_hash("size"): (1, 1),
        term_hash("chart"): (1, 0),
        term_hash("and"): (0, 1),
        term_hash("in"): (0, 1),
        term_hash("mm"): (0, 1),
    }
    assert len(postings("", "")) == 0
