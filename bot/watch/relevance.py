"""Is a change (or a news item) about AI use of creators' content? A score, a verdict and why.

The question (corpus README, DESIGN.md): does the added or removed text talk about training or
using AI / machine learning on users' content or data, about licences that feed it, or about
opting out of it? An AI word alone is not enough — Instagram adding "If you use our AI products
and features, the Meta AI Terms also apply" changes nothing about your uploads.

Each sentence is scored on its own, from the lexicon's groups (``bot.knowledge.lexicon``):

- AI_TERMS (about AI at all) is required;
- with AI_USE_TERMS (train, ingest, scrape, dataset…) the sentence is relevant;
- without them, users' content (AI_DATA_TERMS) tied to consent, a licence or AI imitation
  (AI_CONSENT_TERMS, AI_LICENSE_TERMS, AI_OUTPUT_TERMS) is relevant too.

News items are judged more strictly (``news=True``): besides AI use, the item must be about
content, consent, licences or terms/policy (AI_POLICY_TERMS), since "X trains a bigger model"
is not news about creators' rights.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.knowledge.lexicon import (
    AI_CONSENT_TERMS,
    AI_DATA_TERMS,
    AI_LICENSE_TERMS,
    AI_OUTPUT_TERMS,
    AI_POLICY_TERMS,
    AI_TERMS,
    AI_USE_TERMS,
)
from bot.knowledge.terms import Hit, TermSet
from bot.knowledge.text import tokens
from bot.watch.diff import Change, Passage
from bot.watch.normalize import plain

THRESHOLD = 0.6
MAX_PASSAGES = 10
PASSAGE_CHARS = 400
MAX_WHY = 8
# Phrases that are about AI training by themselves.
SELF_EVIDENT = frozenset(
    {"text and data mining", "do not train", "dont train", "noai", "noimageai"}
)

_GROUPS = {
    "ai": TermSet(AI_TERMS),
    "use": TermSet(AI_USE_TERMS),
    "data": TermSet(AI_DATA_TERMS),
    "consent": TermSet(AI_CONSENT_TERMS),
    "license": TermSet(AI_LICENSE_TERMS),
    "output": TermSet(AI_OUTPUT_TERMS),
    "policy": TermSet(AI_POLICY_TERMS),
}
_WEIGHTS = {"use": 0.35, "data": 0.15, "consent": 0.15, "license": 0.1, "output": 0.1}
# Order in which matched terms explain a verdict.
_WHY_ORDER = ("use", "ai", "consent", "license", "output", "data", "policy")


@dataclass(frozen=True, slots=True)
class Relevance:
    score: float  # 0-1
    ai_relevant: bool
    terms: tuple[str, ...]  # the matched terms: why


@dataclass(frozen=True, slots=True)
class ScoredPassage:
    text: str  # display form (Markdown links reduced to their text), clipped around the point
    relevance: Relevance
    trivial: bool


@dataclass(frozen=True, slots=True)
class ChangeVerdict:
    relevance: Relevance
    added: tuple[ScoredPassage, ...]  # the passages worth showing, most relevant first
    removed: tuple[ScoredPassage, ...]


def score_text(text: str, *, news: bool = False) -> Relevance:
    """Score one passage (or a news item's title + summary)."""
    toks = tokens(plain(text))
    hits: dict[str, list[Hit]] = {name: ts.find(toks) for name, ts in _GROUPS.items()}
    found = {name: bool(h) for name, h in hits.items()}
    self_evident = any(h.term in SELF_EVIDENT for group in hits.values() for h in group)
    ai = found["ai"] or self_evident
    if not ai:
        return Relevance(0.0, False, ())
    use = found["use"] or self_evident
    tied = found["data"] and (found["consent"] or found["license"] or found["output"])
    if not news:
        hits["policy"] = []
    if news:
        about_rights = found["data"] or found["consent"] or found["license"] or found["policy"]
        relevant = (use or found["output"] or found["consent"]) and about_rights
    else:
        relevant = use or tied
    score = 0.3 + sum(w for name, w in _WEIGHTS.items() if found[name])
    score = max(score, THRESHOLD) if relevant else min(score, THRESHOLD - 0.15)
    return Relevance(round(min(score, 1.0), 3), relevant, _why(hits, toks) if relevant else ())


def _why(hits: dict[str, list[Hit]], toks: list[str]) -> tuple[str, ...]:
    """The words as they appear (folded), longest match first, overlaps dropped."""
    taken: set[int] = set()
    terms: list[str] = []
    for name in _WHY_ORDER:
        for hit in sorted(hits[name], key=lambda h: h.start - h.end):
            span = set(range(hit.start, hit.end))
            if span & taken:
                continue
            taken |= span
            term = " ".join(toks[hit.start : hit.end])
            if term not in terms:
                terms.append(term)
    return tuple(terms[:MAX_WHY])


def clip_around(text: str, terms: tuple[str, ...], limit: int = PASSAGE_CHARS) -> str:
    """Clip a long passage to ``limit`` characters, keeping the first matched term in view."""
    if len(text) <= limit:
        return text
    lowered = text.lower()
    at = min((i for t in terms if (i := lowered.find(t.split(" ")[0])) >= 0), default=0)
    start = max(0, min(at - limit // 3, len(text) - limit))
    if start > 0:
        space = text.find(" ", start)
        start = space + 1 if 0 < space < start + 40 else start
    piece = text[start : start + limit - 2]
    if start + len(piece) < len(text):
        space = piece.rfind(" ")
        piece = (piece[:space] if space > len(piece) * 0.6 else piece).rstrip(" ,;:") + "…"
    return ("…" if start > 0 else "") + piece


def judge_change(change: Change, *, max_passages: int = MAX_PASSAGES) -> ChangeVerdict:
    """Score every changed passage; keep the ones that matter, most relevant first."""
    scored: list[tuple[str, ScoredPassage]] = []
    for side, passages in (("added", change.added), ("removed", change.removed)):
        for p in passages:
            scored.append((side, _score_passage(p)))
    relevant = [sp for _, sp in scored if sp.relevance.ai_relevant]
    if relevant:
        best = max(sp.relevance.score for sp in relevant)
        bonus = min(0.1, 0.02 * (len(relevant) - 1))
        terms: list[str] = []
        for sp in relevant:
            terms += [t for t in sp.relevance.terms if t not in terms]
        verdict = Relevance(round(min(1.0, best + bonus), 3), True, tuple(terms[:MAX_WHY]))
    else:
        best = max((sp.relevance.score for _, sp in scored if not sp.trivial), default=0.0)
        verdict = Relevance(best, False, ())
    # What to show: AI-relevant passages first, then other substantive ones, then trivia.
    order = sorted(
        range(len(scored)),
        key=lambda i: (
            not scored[i][1].relevance.ai_relevant,
            scored[i][1].trivial,
            -scored[i][1].relevance.score,
            i,
        ),
    )
    keep = sorted(order[:max_passages])
    added = tuple(scored[i][1] for i in keep if scored[i][0] == "added")
    removed = tuple(scored[i][1] for i in keep if scored[i][0] == "removed")
    return ChangeVerdict(verdict, added, removed)


def _score_passage(p: Passage) -> ScoredPassage:
    text = plain(p.text)
    rel = Relevance(0.0, False, ()) if p.trivial else score_text(text)
    return ScoredPassage(clip_around(text, rel.terms), rel, p.trivial)
