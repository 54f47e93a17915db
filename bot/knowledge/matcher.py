"""From a member's free text to the best clause, opt-out or FAQ entry — or an honest "not sure".

How a question is understood:
1. the platform is detected structurally (aliases, split names, typos — ``PlatformDetector``);
2. the topic from the multilingual lexicon (``lexicon.TOPIC_TERMS``);
3. FAQ entries are ranked by how close the question's *shape* is to their phrasings (rapidfuzz on
   sorted content words, platform names removed — platform is judged structurally, not by
   spelling), then adjusted for platform and topic agreement;
4. a clause or opt-out of the detected platform answers when platform and topic are both known.

A wrong answer is worse than none: a question that says nothing about AI and carries words the
lexicon cannot explain ("how do I turn off notifications on discord") is damped below the answer
threshold, and then the bot says it is not sure and offers the alternatives instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz, process

from bot.knowledge.lexicon import (
    AI_TERMS,
    PLATFORM_PREPOSITIONS,
    SPELLING_VARIANTS,
    STOPWORDS,
    TOPIC_PRIORITY,
    TOPIC_TERMS,
)
from bot.knowledge.model import Clause, FaqEntry, KnowledgeBase, OptOut
from bot.knowledge.platforms import PlatformDetector
from bot.knowledge.terms import TermSet
from bot.knowledge.text import fold

ANSWER_THRESHOLD = 60
ALTERNATIVE_THRESHOLD = 30
MAX_ALTERNATIVES = 4
MAX_QUERY_CHARS = 300
FAQ_SEARCH_LIMIT = 48

# Words that are on-subject for this bot even though they name no topic ("soundcloud terms").
NEUTRAL_WORDS = frozenset(
    """
    terms term tos policy policies privacy conditions agreement rules content music song songs
    track tracks beat beats upload uploads uploaded uploading data work works art artwork video
    videos post posts photo photos voice vocals account stuff platform app say says said new
    current latest now today still allowed allow legal anything something everything things thing
    activity apps app setting feature features option options profile public private
    lyrics stems samples pics pictures images texts messages chats comments
    eu europe european eea uk us usa america canada gdpr region country
    musique chanson chansons contenu donnees conditions regles musica canzoni contenuti dati
    canciones contenido datos cancion termos musicas conteudo dados musik lieder inhalte daten
    bedingungen nutzungsbedingungen lagu musik konten data ketentuan syarat
    """.split()
)

# Score adjustments (points on a 0-100 scale); see ``_faq_score``.
TEXT_WEIGHT = 0.75
BASE_BONUS = 10
PLATFORM_MATCH = 12
PLATFORM_GENERAL_WHEN_NAMED = -5
PLATFORM_WRONG = -35
GENERAL_WHEN_UNNAMED = 0
SPECIFIC_WHEN_UNNAMED = -20
TOPIC_MATCH = 8
TOPIC_MISMATCH = -12
STRUCT_PLATFORM_TOPIC = 80
STRUCT_PLATFORM_ONLY = 62
STRUCT_FALLBACK = 45
UNEXPLAINED_DAMPING = 0.6
CLOSE_PHRASING = 75
STRONG_CUE = 3
GUILD_TIE_BONUS = 0.5


@dataclass(frozen=True, slots=True)
class Match:
    kind: str  # clause | optout | faq
    id: str
    platform: str | None
    topic: str | None
    title: str
    score: int
    guild_id: int | None = None

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

    def to_json(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "platform": self.platform,
            "topic": self.topic,
            "answer": self.answer.to_json() if self.answer else None,
            "alternatives": [m.to_json() for m in self.alternatives],
        }


@dataclass(frozen=True, slots=True)
class Understanding:
    """What the matcher read into a query, before ranking anything."""

    tokens: tuple[str, ...]
    platform: str | None
    platforms: tuple[str, ...]
    topic: str | None
    topic_scores: dict[str, float]
    ai_terms: tuple[str, ...]
    ai_cue: bool  # an AI word, or a strong training word ("train", "entraîner")
    unexplained: tuple[str, ...]
    shape: str  # sorted content words, the FAQ comparison key


class FaqIndex:
    """The searchable strings of a set of FAQ entries (one per question/phrasing)."""

    def __init__(self, entries: Iterable[FaqEntry], detector: PlatformDetector) -> None:
        self.entries: list[FaqEntry] = []
        self.choices: list[str] = []
        self.owner: list[int] = []
        for entry in entries:
            n = len(self.entries)
            self.entries.append(entry)
            seen: set[str] = set()
            for text in (entry.question, *entry.phrasings):
                key = shape_of(text, detector)
                if key and key not in seen:
                    seen.add(key)
                    self.choices.append(key)
                    self.owner.append(n)

    def search(self, shape: str, limit: int = FAQ_SEARCH_LIMIT) -> dict[int, float]:
        """Best text similarity per entry (0-100) among the top ``limit`` strings."""
        if not shape or not self.choices:
            return {}
        best: dict[int, float] = {}
        for _choice, score, idx in process.extract(
            shape, self.choices, scorer=fuzz.ratio, limit=limit, score_cutoff=35
        ):
            owner = self.owner[idx]
            if score > best.get(owner, -1):
                best[owner] = score
        return best


def shape_of(text: str, detector: PlatformDetector) -> str:
    toks = fold(text[:MAX_QUERY_CHARS]).split(" ")
    platform_tokens: set[int] = set()
    for hit in detector.detect(text[:MAX_QUERY_CHARS]):
        platform_tokens.update(range(hit.start, hit.end))
    words = {
        SPELLING_VARIANTS.get(t, t)
        for i, t in enumerate(toks)
        if t and i not in platform_tokens and t not in STOPWORDS
    }
    return " ".join(sorted(words))


class Matcher:
    def __init__(self, kb: KnowledgeBase, detector: PlatformDetector | None = None) -> None:
        self.kb = kb
        self.detector = detector or PlatformDetector(kb.platforms)
        self.topic_sets = {topic: TermSet(terms) for topic, terms in TOPIC_TERMS.items()}
        self.ai_set = TermSet(AI_TERMS)
        self.global_index = FaqIndex(kb.faq.values(), self.detector)

    # -- understanding -----------------------------------------------------------------------
    def understand(self, query: str) -> Understanding:
        query = query[:MAX_QUERY_CHARS]
        toks = fold(query).split(" ") if query.strip() else []
        hits = self.detector.detect(query)
        explained: set[int] = set()
        for hit in hits:
            explained.update(range(hit.start, hit.end))
        topic_scores: dict[str, float] = {}
        for topic_id, terms in self.topic_sets.items():
            seen_terms: set[str] = set()
            for cue in terms.find(toks, typos=True):
                if cue.start in explained and cue.end - cue.start == 1:
                    continue  # a platform name is not a topic cue
                if cue.term not in seen_terms:
                    seen_terms.add(cue.term)
                    topic_scores[topic_id] = topic_scores.get(topic_id, 0.0) + cue.weight
                explained.update(range(cue.start, cue.end))
        ai_hits = self.ai_set.find(toks)
        for cue in ai_hits:
            explained.update(range(cue.start, cue.end))
        if len(hits) > 1:
            # "post Suno songs on SoundCloud": the platform after a preposition is the subject.
            hits.sort(key=lambda h: h.start == 0 or toks[h.start - 1] not in PLATFORM_PREPOSITIONS)
        topic: str | None = None
        if topic_scores:
            top = max(topic_scores.values())
            if top >= 1:
                topic = next(t for t in TOPIC_PRIORITY if topic_scores.get(t, 0) == top)
        if topic is None and ai_hits:
            topic = "ai-training"  # an AI question with no sharper cue: the platform's stance
        unexplained = tuple(
            t
            for i, t in enumerate(toks)
            if t and i not in explained and t not in STOPWORDS and t not in NEUTRAL_WORDS
        )
        return Understanding(
            tokens=tuple(toks),
            platform=hits[0].platform if hits else None,
            platforms=tuple(h.platform for h in hits),
            topic=topic,
            topic_scores=topic_scores,
            ai_terms=tuple(sorted({h.term for h in ai_hits})),
            ai_cue=bool(ai_hits) or topic_scores.get("ai-training", 0) >= STRONG_CUE,
            unexplained=unexplained,
            shape=shape_of(query, self.detector),
        )

    # -- ranking -----------------------------------------------------------------------------
    def ask(
        self,
        query: str,
        *,
        guild_index: FaqIndex | None = None,
        hidden: frozenset[str] = frozenset(),
    ) -> AskResult:
        u = self.understand(query)
        scored: dict[tuple[str, str], tuple[float, Match]] = {}

        def offer(match: Match, sort_score: float) -> None:
            key = (match.kind, match.id)
            if key not in scored or sort_score > scored[key][0]:
                scored[key] = (sort_score, match)

        for index in (self.global_index, guild_index):
            if index is None:
                continue
            for n, similarity in index.search(u.shape).items():
                entry = index.entries[n]
                if entry.id in hidden:
                    continue
                score = self._faq_score(entry, similarity, u)
                tie = GUILD_TIE_BONUS if entry.is_guild else 0.0
                offer(self._faq_match(entry, score, u), score + tie)

        for match in self._structured(u):
            offer(match, match.score)

        ranked = sorted(scored.values(), key=lambda pair: (-pair[0], pair[1].kind, pair[1].id))
        answer = None
        if ranked and ranked[0][1].score >= ANSWER_THRESHOLD:
            answer = ranked[0][1]
            ranked = ranked[1:]
        alternatives = [m for _s, m in ranked if m.score >= ALTERNATIVE_THRESHOLD][
            :MAX_ALTERNATIVES
        ]
        return AskResult(
            query=query,
            platform=u.platform,
            topic=u.topic,
            answer=answer,
            alternatives=alternatives,
            ai_terms=u.ai_terms,
        )

    def _damp(self, score: float, u: Understanding) -> float:
        """Questions with no AI cue and words we cannot explain are probably not for us."""
        if not u.ai_cue and u.unexplained:
            return score * UNEXPLAINED_DAMPING
        return score

    def _faq_score(self, entry: FaqEntry, similarity: float, u: Understanding) -> int:
        score = TEXT_WEIGHT * similarity + BASE_BONUS
        general = len(entry.platforms) != 1
        if u.platform:
            if u.platform in entry.platforms:
                score += PLATFORM_MATCH
            elif not entry.platforms:
                score += PLATFORM_GENERAL_WHEN_NAMED
            else:
                score += PLATFORM_WRONG
        else:
            score += GENERAL_WHEN_UNNAMED if general else SPECIFIC_WHEN_UNNAMED
        if u.topic:
            score += TOPIC_MATCH if u.topic in entry.topics else TOPIC_MISMATCH
        if similarity >= CLOSE_PHRASING:
            return _bounded(score)  # phrased like a known question: on-subject by definition
        return _bounded(self._damp(score, u))

    def _faq_match(self, entry: FaqEntry, score: int, u: Understanding) -> Match:
        platform: str | None
        if u.platform in entry.platforms:
            platform = u.platform
        else:  # an entry about several platforms answers for none of them in particular
            platform = entry.platforms[0] if len(entry.platforms) == 1 else None
        topic = u.topic if u.topic in entry.topics else entry.topics[0]
        return Match(
            "faq",
            entry.id,
            platform,
            topic,
            entry.question,
            score,
            entry.guild_id,
        )

    def _structured(self, u: Understanding) -> list[Match]:
        """Clauses and opt-outs of the named platform(s), scored by what the question asked."""
        out: list[Match] = []
        for rank, pid in enumerate(u.platforms[:2]):
            platform = self.kb.platforms.get(pid)
            if platform is None:
                continue
            penalty = 15 * rank  # a second platform named is a weaker reading
            topic = u.topic
            if topic == "opt-out":
                for i, opt in enumerate(self.kb.optouts_for(pid)):
                    out.append(self._optout_match(opt, STRUCT_PLATFORM_TOPIC - penalty - 3 * i, u))
                continue
            if topic == "history":
                timeline = self.timeline_head(pid)
                if timeline is not None:
                    score = STRUCT_PLATFORM_TOPIC - penalty
                    out.append(
                        Match(
                            "clause",
                            timeline.id,
                            pid,
                            "history",
                            f"{platform.name}: what changed and when",
                            _bounded(self._damp(score, u)),
                        )
                    )
                continue
            wanted = topic or "ai-training"
            clauses = [c for c in self.kb.clauses_for(pid, wanted) if c.current]
            if clauses:
                base = STRUCT_PLATFORM_TOPIC if topic else STRUCT_PLATFORM_ONLY
                if not topic and u.unexplained:
                    base = STRUCT_FALLBACK
                for i, clause in enumerate(clauses):
                    out.append(self._clause_match(clause, base - penalty - 3 * i, u))
            elif topic:
                # We know the platform but hold nothing on this topic: offer what we have,
                # below the answer threshold, so the bot says so instead of guessing.
                for clause in [c for c in self.kb.clauses_for(pid) if c.current][:2]:
                    out.append(self._clause_match(clause, STRUCT_FALLBACK - penalty, u))
                for opt in self.kb.optouts_for(pid)[:1]:
                    out.append(self._optout_match(opt, STRUCT_FALLBACK - 5 - penalty, u))
        return out

    def _clause_match(self, clause: Clause, score: float, u: Understanding) -> Match:
        return Match(
            "clause",
            clause.id,
            clause.platform,
            clause.topic,
            clause.title,
            _bounded(self._damp(score, u)),
        )

    def _optout_match(self, opt: OptOut, score: float, u: Understanding) -> Match:
        return Match(
            "optout",
            opt.id,
            opt.platform,
            "opt-out",
            opt.title,
            _bounded(self._damp(score, u)),
        )

    def timeline_head(self, platform: str) -> Clause | None:
        """The clause that stands for a platform's history: its newest dated clause."""
        clauses = self.kb.clauses_for(platform)
        if not clauses:
            return None
        return max(clauses, key=lambda c: (c.effective, c.current, c.id))


def _bounded(score: float) -> int:
    return round(max(0.0, min(100.0, score)))
