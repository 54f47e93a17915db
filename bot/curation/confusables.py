"""A confusables skeleton for FAQ questions: text that looks the same gets the same key.

A moderator (or an import file) could add "Does SoundCloud train AI?" a second time by writing
one "о" in Cyrillic, or slipping in a zero-width space or a right-to-left override (U+202E):
different strings, the same question on screen, and members would see two entries. Unicode
TR39 ("Unicode Security Mechanisms") answers this with a *skeleton*: drop what is invisible,
map each character to the prototype it is confusable with, compare skeletons.

Why a small table, not a library: the maintained Python packages do not compute TR39 skeletons
(``confusable-homoglyphs`` lists homoglyphs in both directions, with no prototype to map to;
``confusables`` has had no release since 2021; ``disarm`` is a young native extension whose
skeleton deliberately departs from TR39), and TR39's own data (``confusables.txt``) is not
available here to generate a full table from. So this module covers what the attack needs,
after NFKC (which already folds fullwidth, mathematical and other compatibility forms):

- ``is_invisible``: format characters (Unicode category Cf: zero-width space and joiners, bidi
  controls such as U+202E, the BOM, soft hyphen, tags) and the other default-ignorable code
  points (variation selectors, combining grapheme joiner, Hangul fillers);
- ``LOOKALIKES``: the Cyrillic, Greek, Armenian and Latin-extension letters that TR39 maps to a
  basic Latin letter, upper and lower case, mapped to it.

Only keys use this (``question_key``); the text members see is never altered.
"""

from __future__ import annotations

import unicodedata

_PAIRS = {
    # Cyrillic capitals and small letters that look like Latin ones
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C",
    "Т": "T", "Х": "X", "У": "Y", "Ү": "Y", "І": "I", "Ј": "J", "Ѕ": "S", "Ԛ": "Q", "Ԝ": "W",
    "Ӏ": "l", "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "ү": "y", "х": "x",
    "ѕ": "s", "і": "i", "ј": "j", "һ": "h", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ӏ": "l",
    # Greek
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N",
    "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X", "α": "a", "ο": "o", "ν": "v", "ι": "i",
    "ρ": "p", "υ": "u", "χ": "x", "γ": "y", "ϲ": "c", "ϳ": "j",
    # Armenian
    "օ": "o", "ս": "u", "հ": "h", "ո": "n", "զ": "q", "ց": "g",
    # Latin letters outside basic Latin that look like basic ones
    "ı": "i", "ɑ": "a", "ɡ": "g", "ɩ": "i",
}  # fmt: skip
LOOKALIKES = str.maketrans(_PAIRS)

# Default-ignorable code points outside category Cf (TR44's Default_Ignorable_Code_Point).
_IGNORABLE_RANGES = (
    (0x034F, 0x034F),  # combining grapheme joiner
    (0x115F, 0x1160),  # Hangul fillers
    (0x17B4, 0x17B5),  # Khmer inherent vowels
    (0x180B, 0x180F),  # Mongolian variation selectors and vowel separator
    (0x3164, 0x3164),  # Hangul filler
    (0xFE00, 0xFE0F),  # variation selectors
    (0xFFA0, 0xFFA0),  # halfwidth Hangul filler
    (0xE0100, 0xE01EF),  # variation selectors supplement
)


def is_invisible(char: str) -> bool:
    """A character that changes the string but not what is shown (or only its direction)."""
    if unicodedata.category(char) == "Cf":
        return True
    code = ord(char)
    return any(low <= code <= high for low, high in _IGNORABLE_RANGES)


def skeleton(text: str) -> str:
    """``text`` with invisible characters dropped and lookalike letters mapped to Latin."""
    text = unicodedata.normalize("NFKC", text)
    if not text.isascii():
        text = "".join(c for c in text if not is_invisible(c)).translate(LOOKALIKES)
    return text
