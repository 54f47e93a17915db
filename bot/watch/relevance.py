"""Is a change (or a news item) about AI use of creators' content? A score, a verdict and why.

The question (corpus README, DESIGN.md): does the added or removed text talk about training or
using AI / machine learning on users' content or data, about licences that feed it, about
opting out of it, or about rules for AI-generated uploads? An AI word alone is not enough —
Instagram adding "If you use our AI products and features, the Meta AI Terms also apply"
changes nothing about your uploads — and the word "AI" is not needed either: "will not permit
others to use any Artist's Music to train models to generate sound recordings" is about AI.

Each passage is read against the concept groups of ``data/lexicon/relevance.toml`` (AI, model,
train, improve, automated, scrape, dataset, generate, voice/likeness, users' content, users'
data, consent, licence, third parties… in seven languages, and relations such as "your content
… used to improve"); a logistic model over those groups and their combinations, fitted on
labelled terms histories and on sentences written from the labelling rule by
``tools/fit_relevance.py`` (``relevance_model.toml``), gives the probability that the passage
is AI-relevant, and the cross-validated threshold decides. A change is as relevant as its most
relevant passage, and every changed passage is scored, however long the change: two AI
sentences among a hundred other edits make the change AI-relevant. Trivial edits (typos,
dates, punctuation, a link a capture lost, a reflowed list: ``bot.watch.diff``) are never
scored, and neither is an AI sentence reworded without changing what it says in the lexicon's
terms (``edit_matters``), so they never make a change AI-relevant.

News items are judged more strictly (``news=True``): besides being AI-relevant, the item must
name content, consent, licences, third parties or terms/policy (the ``policy`` group), since "X
trains a bigger model" is not news about creators' rights.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.alerts.model import Direction, PassageVerdict
from bot.knowledge.text import fold
from bot.watch.aspects import describe, whose
from bot.watch.context import Document, with_context
from bot.watch.diff import Change, Passage
from bot.watch.normalize import plain
from bot.watch.reading import Reading, read
from bot.watch.relevance_lexicon import Model, lexicon, model

MAX_PASSAGES = 10
PASSAGE_CHARS = 400
VERDICT_CHARS = 1000  # stored per passage verdict: room for a word-level diff
MAX_VERDICTS = 40  # verdicts stored with one alert (AI-relevant ones first)
MAX_WHY = 8
# News: besides AI use, the item must be about one of these (creators' rights, not products).
NEWS_RIGHTS = frozenset({"content", "data", "media", "consent", "license", "third", "policy"})
# Groups that are no concept of their own: news-only words, and the small words ("to", "for")
# that only tell a purpose apart in a relation.
NOT_CONCEPTS = frozenset({"policy", "purpose"})
STEM = 5  # letters that tell one concept word from another (see _stem)
_WORD = re.compile(r"\w+")
_SPAN = re.compile(r"\S+")
MAX_EDIT_PAIRS = 4_000_000  # words before × after beyond which an edit is not word-diffed
# How a verdict is explained: what is done with the content first.
WHAT_IS_DONE = ("train", "dataset", "mine", "generate")
WHY_ORDER = (
    *WHAT_IS_DONE, "ai", "ai_name", "model", "automated", "consent", "license", "third", "media",
    "content", "data", "improve", "personalize",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Relevance:
    score: float  # 0-1: the fitted probability that the text is AI-relevant
    ai_relevant: bool
    terms: tuple[str, ...]  # the matched terms: why


@dataclass(frozen=True, slots=True)
class ScoredPassage:
    text: str  # display form (Markdown links reduced to their text), clipped around the point
    relevance: Relevance
    trivial: bool


@dataclass(frozen=True, slots=True)
class Unit:
    """One changed sentence: added, removed, or edited (both wordings)."""

    direction: Direction
    before: Passage | None
    after: Passage | None

    @property
    def trivial(self) -> bool:
        return all(p.trivial for p in (self.before, self.after) if p is not None)

    @property
    def sides(self) -> tuple[Passage, ...]:
        return tuple(p for p in (self.after, self.before) if p is not None)


@dataclass(frozen=True, slots=True)
class ChangeVerdict:
    relevance: Relevance
    added: tuple[ScoredPassage, ...]  # the passages worth showing, most relevant first
    removed: tuple[ScoredPassage, ...]
    passages: tuple[PassageVerdict, ...] = ()  # AI-relevant first, then by score, then order
    edits: int = 0  # substantive changed sentences (an edit counts once)


def score_reading(
    reading: Reading,
    *,
    news: bool = False,
    m: Model | None = None,
    groups: frozenset[str] | None = None,
) -> Relevance:
    """``groups``: what the passage hits with its context (``bot.watch.context``), when known."""
    m = m or model()
    p = m.probability(reading.groups if groups is None else groups)
    relevant = p >= m.threshold
    if news:
        relevant = relevant and bool(reading.groups & NEWS_RIGHTS)
    return Relevance(round(p, 3), relevant, _why(reading, m) if relevant else ())


def score_text(text: str, *, news: bool = False) -> Relevance:
    """Score one passage (or a news item's title + summary)."""
    return score_reading(read(text), news=news)


def _why(reading: Reading, m: Model) -> tuple[str, ...]:
    """The words as they appear (folded), the ones a person recognises as the point first:
    what is done (train, scrape, generate), then AI, then to what and with whose say.

    The order is for reading, not scoring: the fitted weights give overlapping groups (train
    and AI usually come together) whatever share fits the labels best."""
    counted = {g for feature, _ in m.contributions(reading.groups) for g in feature.groups}
    order = [g for g in WHY_ORDER if g in reading.groups and (g in counted or g in WHAT_IS_DONE)]
    # Longest matches win overlaps ("voice cloning" over "cloning"), then the order above.
    candidates = sorted(
        ((rank, hit) for rank, name in enumerate(order) for hit in reading.hits[name]),
        key=lambda rh: (rh[1].start - rh[1].end, rh[0], rh[1].start),
    )
    taken: set[int] = set()
    chosen: list[tuple[int, int, str]] = []
    for rank, hit in candidates:
        span = set(range(hit.start, hit.end))
        if span & taken:
            continue
        taken |= span
        chosen.append((rank, hit.start, " ".join(reading.toks[hit.start : hit.end])))
    terms: list[str] = []
    for _, _, term in sorted(chosen):
        if term not in terms:
            terms.append(term)
    return tuple(terms[:MAX_WHY])


def clip_around(text: str, terms: tuple[str, ...], limit: int = PASSAGE_CHARS) -> str:
    """Clip a long passage to ``limit`` characters, keeping the first matched term in view."""
    if len(text) <= limit:
        return text
    lowered = text.lower()
    at = min((i for t in terms if (i := lowered.find(t.split(" ")[0])) >= 0), default=0)
    return _clip_at(text, at, limit)


def _clip_at(text: str, at: int, limit: int) -> str:
    """``limit`` characters of ``text`` with position ``at`` in view (a third of the way in)."""
    if len(text) <= limit:
        return text
    start = max(0, min(at - limit // 3, len(text) - limit))
    if start > 0:
        space = text.find(" ", start)
        start = space + 1 if 0 < space < start + 40 else start
    return _clip_from(text, start, limit)


def _clip_from(text: str, start: int, limit: int) -> str:
    """``limit`` characters of ``text`` from ``start``, "…" where it was cut."""
    piece = text[start : start + limit - 2]
    if start + len(piece) < len(text):
        space = piece.rfind(" ")
        piece = (piece[:space] if space > len(piece) * 0.6 else piece).rstrip(" ,;:") + "…"
    return ("…" if start > 0 else "") + piece


def clip_edit(
    before: str, after: str, terms: tuple[str, ...], limit: int = VERDICT_CHARS
) -> tuple[str, str]:
    """Both wordings of an edited sentence, clipped around the SAME change, so the alert's
    word-level marks line up: the change that holds the best matched term (``terms`` come
    most telling first), else the first change. A long clause list edited in many small places
    ("(k) use the X API … to train a foundation model" inserted among comma fixes) is shown at
    the edit that made it AI-relevant, not at its first comma."""
    if len(before) <= limit and len(after) <= limit:
        return before, after
    old = [(m.start(), fold(m.group())) for m in _SPAN.finditer(before)]
    new = [(m.start(), fold(m.group())) for m in _SPAN.finditer(after)]
    if not old or not new or len(old) * len(new) > MAX_EDIT_PAIRS:
        return clip_around(before, terms, limit), clip_around(after, terms, limit)
    matcher = difflib.SequenceMatcher(
        None, [w for _, w in old], [w for _, w in new], autojunk=False
    )
    changes = [(i1, i2, j1, j2) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"]
    if not changes:
        return clip_around(before, terms, limit), clip_around(after, terms, limit)
    chosen = changes[0]
    wanted = [f" {fold(t)} " for t in terms if fold(t)]
    texts = [
        " " + " ".join(w for _, w in old[i1:i2] + new[j1:j2] if w) + " "
        for i1, i2, j1, j2 in changes
    ]
    for term in wanted:
        hit = next((c for c, text in zip(changes, texts, strict=True) if term in text), None)
        if hit is not None:
            chosen = hit
            break
    # Both windows start at the same word: a third of the window before the change in the old
    # wording, and the word that corresponds to it in the new one.
    i1 = min(chosen[0], len(old) - 1)
    first = old[i1][0] - limit // 3
    i = next((k for k, (at, _) in enumerate(old) if at >= first), i1)
    j = chosen[2]
    for tag, a1, a2, b1, _ in matcher.get_opcodes():
        if a1 <= i < a2:
            j = b1 + (i - a1) if tag == "equal" else b1
            break
    j = min(j, len(new) - 1)
    return _clip_from(before, old[i][0], limit), _clip_from(after, new[j][0], limit)


def units(change: Change) -> list[Unit]:
    """The change as sentences: an edited sentence's two halves become one unit."""
    removed_by_pair = {p.pair: p for p in change.removed if p.pair is not None}
    paired = {p.pair for p in change.added if p.pair in removed_by_pair}
    out: list[Unit] = []
    for p in change.added:
        if p.pair in paired:
            out.append(Unit("edited", removed_by_pair[p.pair], p))
        else:
            out.append(Unit("added", None, p))
    out += [Unit("removed", p, None) for p in change.removed if p.pair not in paired]
    return out


def _words(text: str) -> list[tuple[str, str]]:
    """(folded, as written) for each word of the display form."""
    out: list[tuple[str, str]] = []
    for word in _WORD.findall(plain(text)):
        out += [(w, word) for w in fold(word).split()]
    return out


def _stem(word: str) -> str:
    """A word's first letters: "training" and "train", "generation" and "generative", "model"
    and "models" say the same concept; "video" and "voice" do not."""
    return word[:STEM]


def concepts(reading: Reading) -> tuple[frozenset[tuple[str, ...]], Counter[tuple[str, ...]]]:
    """What a sentence says in the lexicon's terms: the words of the concepts it names, by stem
    (saying "Gemini" twice says no more than once, and "for AI generation or training" says
    what "to train generative AI" says), and how many negations and limits it uses ("not",
    "except", "only"; set phrases like "non-exclusive" aside) — a second "not" is a new ban."""
    lx = lexicon()
    toks = reading.toks
    named = frozenset(
        tuple(_stem(t) for t in toks[h.start : h.end])
        for name, hits in reading.hits.items()
        if name not in NOT_CONCEPTS
        for h in hits
    )
    neutral = [(h.start, h.end) for h in lx.aspects["neutral"].find(toks)]
    bounds: Counter[tuple[str, ...]] = Counter()
    for aspect in ("forbids", "limits"):
        for h in lx.aspects[aspect].find(toks):
            if not any(a <= h.start and h.end <= b for a, b in neutral):
                bounds[tuple(toks[h.start : h.end])] += 1
    return named, bounds


def _names(words: list[tuple[str, str]], known: set[str]) -> set[str]:
    """The capitalised words that are no lexicon concept: names (the sentence's first word is
    capitalised anyway, so callers leave it out)."""
    return {w for w, shown in words if shown[:1].isupper() and w not in known}


def _concept_words(reading: Reading) -> set[str]:
    return {
        t
        for name, hits in reading.hits.items()
        if name not in NOT_CONCEPTS
        for h in hits
        for t in reading.toks[h.start : h.end]
    }


def edit_matters(before: str, after: str) -> bool:
    """Does an edit change what the sentence says about AI use?

    An AI sentence reworded around the same concepts ("…personalize your experience and help
    you get things done…", "When you use agentic features, Gemini shares this data with
    others" → "When you ask Gemini to do things for you, Gemini shares necessary data with
    others") is still the same AI rule. The edit matters when the two wordings differ in the
    concept words they use (a medium, a party, a purpose, "train", "AI"…), in negations or
    limits ("not", "except", "only"), or when a changed word names someone or something the
    other wording does not ("Epic" becoming "KitBash": who gets the licence changed; "for
    applicable Grammarly products": what it covers). A capitalised concept word ("Generative
    AI" for "AI generation") is no name: it is a concept, compared as one.
    """
    first, second = read(before), read(after)
    known = _concept_words(first) | _concept_words(second)
    a, b = _words(before), _words(after)
    matcher = difflib.SequenceMatcher(None, [w for w, _ in a], [w for w, _ in b], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        for words, lo, hi, other in ((a, i1, i2, b), (b, j1, j2, a)):
            # the first word is capitalised anyway
            if _names(words[max(lo, 1) : hi], known) - {w for w, _ in other}:
                return True  # a name the other wording does not have
    return concepts(first) != concepts(second)


def counted(unit: Unit) -> tuple[Passage, ...]:
    """The sides of a unit whose wording may make the change AI-relevant: not trivia, and for
    an edited sentence only if the edit itself touched meaning (``edit_matters``)."""
    sides = tuple(p for p in unit.sides if not p.trivial)
    if unit.direction == "edited" and sides:
        assert unit.before is not None and unit.after is not None
        if not edit_matters(unit.before.text, unit.after.text):
            return ()
    return sides


def judge_change(
    change: Change,
    *,
    max_passages: int = MAX_PASSAGES,
    names: Iterable[str] = (),
    documents: tuple[Sequence[str], Sequence[str]] | None = None,
) -> ChangeVerdict:
    """Score every changed passage; keep the ones that matter, most relevant first.

    ``names``: how the platform calls itself (name, aliases), so "SoundCloud will not…" is read
    as the platform speaking. ``documents``: the old and new version's lines, so a passage is
    read with its section (``bot.watch.context``).
    """
    m = model()
    platform_words = tuple(n for n in names if n)
    unscored = Relevance(0.0, False, ())
    readings: dict[int, Reading] = {}
    scores: dict[int, Relevance] = {}
    verdicts: list[tuple[int, PassageVerdict]] = []
    old_doc, new_doc = (Document(d, m) for d in documents) if documents else (None, None)
    for index, unit in enumerate(units(change)):
        live = {id(p) for p in counted(unit)}
        for p in unit.sides:
            readings[id(p)] = reading = read(p.text)
            doc = new_doc if p is unit.after else old_doc
            groups = with_context(reading.groups, p.text, doc) if id(p) in live else None
            scores[id(p)] = (
                score_reading(reading, m=m, groups=groups) if groups is not None else unscored
            )
        if unit.trivial:
            continue
        best = max(unit.sides, key=lambda p: scores[id(p)].score)
        rel = scores[id(best)]
        topic = actor = stance = about = None
        if rel.ai_relevant:
            topic, actor, stance = describe(readings[id(best)], platform_words)
            about = whose(readings[id(best)])
        shown = unit.after or unit.before
        assert shown is not None  # a unit has at least one side
        before = None
        if unit.direction == "edited" and unit.before is not None:
            before, text = clip_edit(
                readings[id(unit.before)].text, readings[id(shown)].text, rel.terms
            )
        else:
            text = clip_around(readings[id(shown)].text, rel.terms, VERDICT_CHARS)
        verdicts.append(
            (
                index,
                PassageVerdict(
                    direction=unit.direction,
                    text=text,
                    before=before,
                    ai_relevant=rel.ai_relevant,
                    score=rel.score,
                    topic=topic,
                    actor=actor,
                    stance=stance,
                    terms=rel.terms,
                    whose=about,
                ),
            )
        )
    # The flat added/removed lists (the JSON line's shape): AI-relevant passages first, then
    # other substantive ones, then trivia.
    scored: list[tuple[str, ScoredPassage]] = []
    for side, passages in (("added", change.added), ("removed", change.removed)):
        for p in passages:
            rel = scores[id(p)]
            text = clip_around(readings[id(p)].text, rel.terms)
            scored.append((side, ScoredPassage(text, rel, p.trivial)))
    relevant = [sp for _, sp in scored if sp.relevance.ai_relevant]
    if relevant:
        top = max(sp.relevance.score for sp in relevant)
        terms: list[str] = []
        for sp in sorted(relevant, key=lambda s: -s.relevance.score):
            terms += [t for t in sp.relevance.terms if t not in terms]
        verdict = Relevance(top, True, tuple(terms[:MAX_WHY]))
    else:
        top = max((sp.relevance.score for _, sp in scored if not sp.trivial), default=0.0)
        verdict = Relevance(top, False, ())
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
    verdicts.sort(key=lambda iv: (not iv[1].ai_relevant, -iv[1].score * iv[1].ai_relevant, iv[0]))
    return ChangeVerdict(
        verdict, added, removed, tuple(v for _, v in verdicts[:MAX_VERDICTS]), len(verdicts)
    )
