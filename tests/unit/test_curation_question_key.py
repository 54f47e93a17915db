"""Question keys: lookalikes collide, different questions in any script do not."""

from __future__ import annotations

from bot.curation.confusables import is_invisible, skeleton
from bot.curation.text import question_key

Q = "Does SoundCloud train AI on my songs?"


def test_lookalikes_share_a_key():
    variants = [
        Q.replace("o", "\u043e"),  # Cyrillic о
        Q.replace("S", "\u0405"),  # Cyrillic Ѕ
        Q.replace("a", "\u03b1"),  # Greek α
        Q.replace("i", "\u0456"),  # Cyrillic і
        Q.replace(" ", " \u200b"),  # zero-width spaces
        "\u202e" + Q + "\u202c",  # right-to-left override ... pop
        Q.replace("n", "n\ufe0f"),  # variation selector
        Q.replace("on", "o\u00adn"),  # soft hyphen
        Q.upper(),
        "  does  soundcloud train ai on my songs ",
    ]
    for variant in variants:
        assert question_key(variant) == question_key(Q), variant


def test_different_questions_keep_different_keys():
    assert question_key("Кто обучает ИИ на моей музыке?") != question_key(
        "Кто обучает ИИ на моих треках?"
    )
    assert question_key("AIの学習に使われますか？") != question_key("AIの学習に使われませんか？")
    assert question_key("Does SoundCloud train AI?") != question_key("Does Spotify train AI?")
    assert question_key("Кто обучает ИИ?")  # non-Latin text keeps its letters


def test_invisible_characters():
    for char in "\u200b\u200c\u200d\u200e\u202a\u202e\u2066\u2069\ufeff\u00ad\u034f\ufe0f":
        assert is_invisible(char), hex(ord(char))
    for char in "a é Ж 日 ?".split():
        assert not is_invisible(char)
    assert skeleton("ｓｏｕｎｄ") == "sound"  # NFKC first
