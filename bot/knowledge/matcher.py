"""From a member's question to the curated item that answers it — or an honest "I don't have it".

Understanding comes first (``bot.knowledge.understanding``): the question is read as a platform
(the subject, when several are named), a topic (or off-topic), an intent and a language. Then:

1. **The server's own entries.** A moderator's entry phrased like the question answers it,
   whatever was understood: moderators write for their server, about anything.
2. **Off-topic.** A question that is not about platforms' AI terms gets no answer and no
   "did you mean" (``Outcome.OFF_TOPIC``).
3. **An understood pair** (platform, topic). A history question gets the platform's timeline
   and an opt-out question its opt-outs, whenever there are any. Otherwise a shipped FAQ entry
   of that pair phrased like the question answers it (its answer quotes the clauses it rests
   on); then the current clauses of the pair; then any FAQ entry of the pair. With nothing
   curated for the pair the outcome says so (``Outcome.UNCURATED``) and the alternatives are
   what exists for that platform: never another platform's answer or a general one presented
   as the answer.
4. **A topic without a platform.** The general FAQ entries of that topic, when one is phrased
   like the question.

"Phrased like the question" is the fitted paraphrase model's probability, compared with a
threshold calibrated to a measured precision (``weights.json``; a server's own entries have
their own, calibrated on searches across all entries). An answer is only given when
the reader is confident enough of the topic (another calibrated threshold); otherwise the
outcome is ``UNSURE`` and the alternatives are items that share the platform or the topic.
Every alternative shares the question's platform or its topic.

FAQ entries are indexed by (platform, topic), so a search compares the question with the
phrasings of one pair only: fast at any size, and never a match across platforms.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from rapidfuzz import fuzz, process

from bot.knowledge.model import Clause, Event, FaqEntry, KnowledgeBase, OptOut
from bot.knowledge.platforms import PlatformDetector
from bot.knowledge.understanding.paraphrase import SEARCH_LIMIT, candidate_features
from bot.knowledge.understanding.reader import Reader, Understanding, Weights

MAX_ALTERNATIVES = 4  # what fits under an answer as buttons, with "Not what I asked"
# Topics whose structured item is the answer even when a FAQ entry is phrased like the
# question: a history question gets the timeline, an opt-out question the opt-out's steps.
STRUCTURED_FIRST = frozenset({"history", "opt-out"})
GENERAL = None  # the platform key of entries about no platform in particular
ANY_TOPIC = "*"  # the guild index's one bucket: moderators' entries are searched whole


class Outcome(StrEnum):
    ANSWER = "answer"
    UNCURATED = "uncurated"  # the pair was understood; nothing is curated for it
    UNSURE = "unsure"  # not confident enough of what was asked
    OFF_TOPIC = "off-topic"  # not about platforms' AI terms


@dataclass(frozen=True, slots=True)
class Match:
    kind: str  # clause | optout | faq | event
    id: str
    platform: str | None
    topic: str | None
    title: str
    score: int
    guild_id: int | None = None

    @property
    def is_timeline(self) -> bool:
        """A history match stands for the platform's timeline, whichever item heads it."""
        return self.topic == "history" and self.kind in ("clause", "event") and bool(self.platform)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.id,
            "platform": self.platform,
            "topic": self.topic,
            "title": self.title,
            "score": self.score,
        }


@dataclass(slots=True)
class AskResult:
    query: str
    platform: str | None
    topic: str | None
    answer: Match | None
    alternatives: list[Match] = field(default_factory=list)
    ai_terms: tuple[str, ...] = ()
    outcome: Outcome = Outcome.ANSWER
    understanding: Understanding | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "platform": self.platform,
            "topic": self.topic,
            "answer": self.answer.to_json() if self.answer else None,
            "alternatives": [m.to_json() for m in self.alternatives],
        }


@dataclass(frozen=True, slots=True)
class Candidate:
    """A FAQ entry found for a question, with how likely it is the same question."""

    entry: FaqEntry
    similarity: float  # rapidfuzz ratio of the two shapes, 0-100
    probability: float  # the paraphrase model's "same question"


class FaqIndex:
    """FAQ phrasings grouped by (platform, topic): a question is compared within its pair."""

    def __init__(self, entries: Iterable[FaqEntry], reader: Reader, *, whole: bool = False):
        self.entries: list[FaqEntry] = []
        self.buckets: dict[tuple[str | None, str], tuple[list[str], list[int]]] = {}
        self.strings: list[str] = []  # each entry's distinct phrasings, once per entry
        for entry in entries:
            n = len(self.entries)
            self.entries.append(entry)
            shapes = dict.fromkeys(reader.shape_of(t) for t in (entry.question, *entry.phrasings))
            self.strings += [s for s in shapes if s]
            keys = (
                [(GENERAL, ANY_TOPIC)]
                if whole
                else [(p, t) for p in (entry.platforms or (GENERAL,)) for t in entry.topics]
            )
            for key in keys:
                choices, owners = self.buckets.setdefault(key, ([], []))
                for shape in shapes:
                    if shape:
                        choices.append(shape)
                        owners.append(n)

    def search(self, shape: str, key: tuple[str | None, str]) -> dict[int, tuple[float, str]]:
        """Best similarity per entry in one bucket, with the phrasing it came from."""
        bucket = self.buckets.get(key)
        if not shape or bucket is None:
            return {}
        choices, owners = bucket
        best: dict[int, tuple[float, str]] = {}
        for choice, score, i in process.extract(
            shape, choices, scorer=fuzz.ratio, limit=SEARCH_LIMIT
        ):
            owner = owners[i]
            if score > best.get(owner, (-1.0, ""))[0]:
                best[owner] = (score, choice)
        return best

    def entries_of(self, key: tuple[str | None, str]) -> list[FaqEntry]:
        bucket = self.buckets.get(key)
        if bucket is None:
            return []
        return [self.entries[n] for n in dict.fromkeys(bucket[1])]


class Matcher:
    def __init__(
        self,
        kb: KnowledgeBase,
        detector: PlatformDetector | None = None,
        *,
        weights: Weights | None = None,
    ) -> None:
        self.kb = kb
        self.detector = detector or PlatformDetector(kb.platforms)
        self.reader = Reader(self.detector, weights=weights)
        self.weights = self.reader.weights
        self.answer_threshold = self.weights.thresholds.get("answer", 0.0)
        self.paraphrase_threshold = self.weights.thresholds.get("paraphrase", 1.0)
        self.suggest_threshold = self.weights.thresholds.get("suggest", 1.0)
        self.own_threshold = self.weights.thresholds.get("own", 1.0)
        self.global_index = FaqIndex(kb.faq.values(), self.reader)

    def understand(self, query: str) -> Understanding:
        return self.reader.read(query)

    def guild_index(self, entries: Iterable[FaqEntry]) -> FaqIndex:
        """A server's own entries, searched whole (they may be about anything)."""
        return FaqIndex(entries, self.reader, whole=True)

    # -- finding FAQ entries ---------------------------------------------------------------
    def candidates(
        self, u: Understanding, index: FaqIndex, key: tuple[str | None, str]
    ) -> list[Candidate]:
        """The entries of one bucket that resemble the question, most likely first."""
        found = {
            n: (similarity, choice, index.entries[n])
            for n, (similarity, choice) in index.search(u.shape, key).items()
        }
        features = candidate_features(u.shape, u.probabilities, u.platform, found)
        out = [
            Candidate(
                entry,
                similarity,
                self.weights.paraphrase.probabilities(features[n]).get("same", 0.0),
            )
            for n, (similarity, _choice, entry) in found.items()
        ]
        out.sort(key=lambda c: (-c.probability, -c.similarity, c.entry.id))
        return out

    # -- answering -------------------------------------------------------------------------
    def ask(
        self,
        query: str,
        *,
        guild_index: FaqIndex | None = None,
        hidden: frozenset[str] = frozenset(),
    ) -> AskResult:
        u = self.reader.read(query)
        result = self._ask(query, u, hidden)
        if guild_index is not None:
            own = self.candidates(u, guild_index, (GENERAL, ANY_TOPIC))
            if own and own[0].probability >= self.own_threshold:
                # The server's own entry phrased like the question answers it, whatever else
                # would have; that stays among the alternatives.
                mine = self._faq_match(own[0], u)
                previous = [result.answer] if result.answer else []
                result.answer, result.outcome = mine, Outcome.ANSWER
                result.alternatives = _unique(previous + result.alternatives, mine)[
                    :MAX_ALTERNATIVES
                ]
        return result

    def _ask(self, query: str, u: Understanding, hidden: frozenset[str]) -> AskResult:
        result = AskResult(query, u.platform, u.topic, None, ai_terms=u.ai_terms, understanding=u)
        if u.topic is None:
            result.outcome = Outcome.OFF_TOPIC
            return result
        key = (u.platform, u.topic)
        found = [c for c in self.candidates(u, self.global_index, key) if c.entry.id not in hidden]
        close = [self._faq_match(c, u) for c in found if c.probability >= self.paraphrase_threshold]
        loose = [self._faq_match(c, u) for c in found if c.probability < self.paraphrase_threshold]
        if u.platform:
            seen = {c.entry.id for c in found} | hidden
            loose += [
                self._entry_match(e, u, 0)
                for e in self.global_index.entries_of(key)
                if e.id not in seen
            ]
            structured = self.structured(u.platform, u.topic)
            if u.topic in STRUCTURED_FIRST:
                answers = structured + close + loose
            else:
                answers = close + structured + loose
            others = self.platform_items(u.platform, exclude_topic=u.topic)
        else:  # a general question: only a general entry phrased like it answers it
            answers, others = close, loose
        confident = u.confidence >= self.answer_threshold
        if answers and confident:
            result.answer = answers[0]
            rest = answers[1:] + others
        elif u.platform:
            result.outcome = Outcome.UNCURATED if confident else Outcome.UNSURE
            rest = answers + others
        else:
            result.outcome = Outcome.UNSURE
            # No platform named: only entries more alike than any off-topic question ever
            # found are worth suggesting (``thresholds.suggest``); unsure of the topic, none.
            rest = [m for m in others if m.score >= 100 * self.suggest_threshold]
            rest = rest if confident else []
        result.alternatives = _unique(rest, result.answer)[:MAX_ALTERNATIVES]
        return result

    # -- structured items ------------------------------------------------------------------
    def structured(self, platform: str, topic: str) -> list[Match]:
        """What is curated for one (platform, topic): the timeline, opt-outs or clauses."""
        score = 100
        if topic == "history":
            head = self.timeline_head(platform)
            return [self._timeline_match(platform, head, score)] if head is not None else []
        if topic == "opt-out":
            return [self._optout_match(o, score) for o in self.kb.optouts_for(platform)]
        return [
            self._clause_match(c, score) for c in self.kb.clauses_for(platform, topic) if c.current
        ]

    def platform_items(self, platform: str, *, exclude_topic: str | None) -> list[Match]:
        """What exists for a platform on other topics: the offers when a pair has nothing."""
        out: list[Match] = []
        current = sorted({c.topic for c in self.kb.clauses_for(platform) if c.current})
        topics = ["opt-out", "history", *current]
        for topic in dict.fromkeys(topics):
            if topic != exclude_topic:
                out += self.structured(platform, topic)[:1]
        return out

    def timeline_head(self, platform: str) -> Clause | Event | None:
        """The newest dated item of a platform: what stands for its history."""
        timeline = self.kb.timeline(platform)
        return timeline[-1] if timeline else None

    def _timeline_match(self, platform: str, head: Clause | Event, score: int) -> Match:
        name = self.kb.platforms[platform].name
        kind = "clause" if isinstance(head, Clause) else "event"
        return Match(kind, head.id, platform, "history", f"{name}: what changed and when", score)

    def _clause_match(self, clause: Clause, score: int) -> Match:
        return Match("clause", clause.id, clause.platform, clause.topic, clause.title, score)

    def _optout_match(self, opt: OptOut, score: int) -> Match:
        return Match("optout", opt.id, opt.platform, "opt-out", opt.title, score)

    def _faq_match(self, candidate: Candidate, u: Understanding) -> Match:
        return self._entry_match(candidate.entry, u, round(100 * candidate.probability))

    def _entry_match(self, entry: FaqEntry, u: Understanding, score: int) -> Match:
        platform: str | None
        if u.platform in entry.platforms:
            platform = u.platform
        else:  # an entry about several platforms answers for none of them in particular
            platform = entry.platforms[0] if len(entry.platforms) == 1 else None
        topic = u.topic if u.topic in entry.topics else (entry.topics or (None,))[0]
        return Match("faq", entry.id, platform, topic, entry.question, score, entry.guild_id)

    def shape_of(self, text: str) -> str:
        return self.reader.shape_of(text)


def _unique(matches: Iterable[Match], answer: Match | None) -> list[Match]:
    seen = {(answer.kind, answer.id)} if answer else set()
    out = []
    for m in matches:
        if (m.kind, m.id) not in seen:
            seen.add((m.kind, m.id))
            out.append(m)
    return out
