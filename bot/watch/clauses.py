"""Do the curated clauses of a platform's document still appear in its latest text?

A clause's quote may omit words with "…"; each quoted part must then appear, in order. Both
sides are compared folded (case, accents, punctuation and Markdown ignored), so a curly quote
or a reflowed paragraph never looks like a removed clause.
"""

from __future__ import annotations

import re

from bot.knowledge.model import Clause, KnowledgeBase
from bot.watch.normalize import comparable

_ELLIPSIS = re.compile(r"\s*(?:…|\.\.\.)\s*")


def clauses_for(kb: KnowledgeBase, platform: str | None, document: str | None) -> list[Clause]:
    if platform is None or document is None:
        return []
    return [
        c
        for c in kb.clauses.values()
        if c.current and c.platform == platform and c.document.casefold() == document.casefold()
    ]


def quote_present(quote: str, folded_document: str) -> bool:
    at = 0
    for part in _ELLIPSIS.split(quote):
        needle = comparable(part)
        if not needle:
            continue
        found = folded_document.find(needle, at)
        if found < 0:
            return False
        at = found + len(needle)
    return True


def check(clauses: list[Clause], text: str) -> tuple[list[str], list[str]]:
    """(ids whose quote is missing, ids whose quote is present) in ``text``."""
    if not clauses:
        return [], []
    folded = comparable(text.replace("\n", " "))
    missing: list[str] = []
    present: list[str] = []
    for clause in clauses:
        (present if quote_present(clause.quote, folded) else missing).append(clause.id)
    return missing, present
