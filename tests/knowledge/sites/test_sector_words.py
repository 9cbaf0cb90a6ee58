"""Descriptions and keywords are read as words the same way: a Devanagari full stop ends a word."""

from __future__ import annotations

from knowledge.sites.sectors import normalize


def test_the_danda_ends_a_word_as_a_full_stop_does() -> None:
    assert normalize("संगीत की कक्षाएं। गिटार सिखाते हैं॥") == "संगीत की कक्षाएं गिटार सिखाते हैं"


def test_devanagari_signs_inside_a_word_stay_in_it() -> None:
    # The virama (U+094D) and vowel signs belong to the word; the nukta is dropped.
    assert normalize("स्टेशन रोड, ज़री") == "स्टेशन रोड जरी"
