"""Which of Fine Print's seven languages a text is written in, if any.

Discord tells the bot each member's language, so this is only needed where nobody does: the
command line, console mode, and checks on rendered text. It uses lingua (a maintained,
n-gram based identifier that is accurate on short texts) limited to the languages Fine Print
speaks, loaded on first use because its models take a few seconds and ~200 MB: the Discord bot
never pays for it.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from bot.i18n.locales import DEFAULT, LOCALES

if TYPE_CHECKING:
    from lingua import LanguageDetector

SPOKEN = LOCALES
MIN_CONFIDENCE = 0.5  # below this the text is too short or mixed to say ("sc ai", "yt opt out")
MIN_LETTERS = 3


@cache
def _detector() -> LanguageDetector:
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    languages = [
        Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())) for code in SPOKEN
    ]
    return LanguageDetectorBuilder.from_languages(*languages).build()


def detect(text: str) -> str | None:
    """The language of ``text`` (one of ``SPOKEN``), or None when it cannot be told."""
    if sum(ch.isalpha() for ch in text) < MIN_LETTERS:
        return None
    values = _detector().compute_language_confidence_values(text)
    if not values or values[0].value < MIN_CONFIDENCE:
        return None
    return values[0].language.iso_code_639_1.name.lower()


def answer_language(question: str, given: str | None = None) -> str:
    """The language to answer ``question`` in where nobody said (command line, console): the
    one asked for (``--lang``), else the question's own where Fine Print speaks it, else English.
    """
    return given or detect(question) or DEFAULT
