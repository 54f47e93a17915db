"""Reading a passage against the AI-relevance lexicon: which concept groups it hits, and where.

Shared by the relevance model (which groups hit), the verdict's aspects (where the cues are)
and the fitting script, so all three read a sentence the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.knowledge.terms import Hit
from bot.knowledge.text import tokens
from bot.watch.normalize import plain
from bot.watch.relevance_lexicon import lexicon

# "A.I." and "I.A." spelled with dots: read as one word before folding, because folded they
# would be "a i", which clause numbering ("4(a)(i)") also folds to.
_DOTTED_AI = re.compile(r"\b(?:A\.I|I\.A)\.?(?!\w)")


@dataclass(frozen=True, slots=True)
class Reading:
    """What the lexicon found in one passage."""

    text: str  # plain (display) form
    toks: list[str]
    hits: dict[str, list[Hit]]
    groups: frozenset[str]  # the groups that hit


def read(text: str) -> Reading:
    shown = plain(text)
    toks = tokens(_DOTTED_AI.sub(lambda m: m.group().replace(".", ""), shown))
    lx = lexicon()
    hits = {name: ts.find(toks) for name, ts in lx.groups.items()}
    for rule in lx.near:
        close = [
            hit
            for x in hits[rule.a]
            for y in hits[rule.b]
            if rule.holds(x.start, x.end, y.start, y.end)
            for hit in (x, y)
        ]
        # Every pair, not just the first: a relation may build on this one (its hits are where
        # the relation holds).
        known = set(hits[rule.target])
        hits[rule.target] += [h for h in dict.fromkeys(close) if h not in known]
    return Reading(shown, toks, hits, frozenset(name for name, h in hits.items() if h))
