"""Text folding shared by the matcher and the watcher.

Members type in many languages, with accents or without, curly or straight quotes; folding maps
all of that to one plain form (NFKC, case-folded, accents stripped, punctuation to spaces) so the
lexicon and the fuzzy scorer compare like with like.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_NON_WORD = re.compile(r"[^0-9a-z]+")
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """Lower-case ASCII words and single spaces: "L'IA, c'est—quoi?" -> "l ia c est quoi"."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("ß", "ss").replace("ø", "o").replace("æ", "ae").replace("œ", "oe")
    return _NON_WORD.sub(" ", text).strip()


def tokens(text: str) -> list[str]:
    folded = fold(text)
    return folded.split(" ") if folded else []


def squash(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def clip(text: str, limit: int, *, ellipsis: str = "…") -> str:
    """Cut to ``limit`` characters at a word boundary when one is near, adding an ellipsis."""
    if len(text) <= limit:
        return text
    if limit <= len(ellipsis):
        return text[:limit]
    cut = text[: limit - len(ellipsis)]
    space = cut.rfind(" ")
    if space > len(cut) * 0.6:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-—") + ellipsis
