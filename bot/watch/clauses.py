"""Do the curated clauses of a platform's document still appear in its latest text?

A clause's quote may omit words with "…"; each quoted part must then appear, in order. Both
sides are compared folded (case, accents, punctuation and Markdown ignored), so a curly quote
or a reflowed paragraph never looks like a removed clause.

``touched`` says which clauses one change touches, for the alert's "What Fine Print said":

- ``removed``: the quote was in the old version and is not in the new one;
- ``edited``: the same, and a sentence of the quote's paragraph was reworded (an edited pair in
  the diff) rather than dropped;
- ``nearby``: the quote is still there, but a substantive sentence of its paragraph (the line
  it is on, in either version) was added, removed or reworded — "…except for our partners".

A quote that was already missing before the change is not this change's doing and is left out.
"""

from __future__ import annotations

import re
from collections import defaultdict

from bot.alerts.model import Touch
from bot.knowledge.model import Clause, KnowledgeBase
from bot.watch.diff import Change, Passage, sentences
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


def _quote_lines(quote: str, folded_lines: list[str]) -> set[int]:
    """The lines (paragraphs) holding a part of the quote."""
    parts = [needle for part in _ELLIPSIS.split(quote) if (needle := comparable(part))]
    return {i for i, line in enumerate(folded_lines) for part in parts if part in line}


def _sentence_lines(lines: list[str]) -> dict[str, set[int]]:
    """Each sentence (folded) -> the lines it is on: the diff's passages are these sentences."""
    where: dict[str, set[int]] = defaultdict(set)
    for i, line in enumerate(lines):
        for sentence in sentences(line):
            where[comparable(sentence)].add(i)
    return where


def touched(
    clauses: list[Clause], old: list[str], new: list[str], change: Change
) -> list[tuple[Clause, Touch]]:
    """The clauses ``change`` (from ``old`` to ``new`` lines) touches, and how (module doc)."""
    if not clauses or change.empty:
        return []
    old_folded = [comparable(line) for line in old]
    new_folded = [comparable(line) for line in new]
    old_doc, new_doc = " ".join(old_folded), " ".join(new_folded)
    old_where, new_where = _sentence_lines(old), _sentence_lines(new)
    paired = {p.pair for p in change.added} & {p.pair for p in change.removed} - {None}

    def lines_of(passages: tuple[Passage, ...], where: dict[str, set[int]]) -> list[set[int]]:
        return [where.get(comparable(p.text), set()) for p in passages]

    removed_at = lines_of(change.removed, old_where)
    added_at = lines_of(change.added, new_where)
    found: list[tuple[Clause, Touch]] = []
    for clause in clauses:
        if not quote_present(clause.quote, old_doc):
            continue  # already missing: not this change's doing
        in_old = _quote_lines(clause.quote, old_folded)
        if not quote_present(clause.quote, new_doc):
            reworded = any(
                p.pair in paired and at & in_old
                for p, at in zip(change.removed, removed_at, strict=True)
            )
            found.append((clause, "edited" if reworded else "removed"))
            continue
        in_new = _quote_lines(clause.quote, new_folded)
        near = any(
            not p.trivial and at & in_old for p, at in zip(change.removed, removed_at, strict=True)
        ) or any(
            not p.trivial and at & in_new for p, at in zip(change.added, added_at, strict=True)
        )
        if near:
            found.append((clause, "nearby"))
    return found
