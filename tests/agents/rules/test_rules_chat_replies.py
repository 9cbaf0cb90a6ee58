"""The shopper's language, read from each message: English, Hindi (Devanagari) or Hinglish; a message with
nothing telling keeps the conversation's language."""

from __future__ import annotations

import pytest

from agents.rules.chat_replies import Lang, detect_lang


@pytest.mark.parametrize(
    ("text", "previous", "lang"),
    [
        ("thanks bhai", "hinglish", "hinglish"),
        ("chalo bye", "en", "hinglish"),
        ("return kaise kare?", "en", "hinglish"),
        ("thanks bhai", "en", "en"),
        ("do you have running shoes", "hinglish", "en"),
        ("thank you so much!", "hinglish", "en"),
        ("मेरा कार्ट दिखाओ", "en", "hi"),
        ("size 9", "hinglish", "hinglish"),
    ],
)
def test_the_language_of_a_message(text: str, previous: Lang, lang: Lang) -> None:
    assert detect_lang(text, previous) == lang
