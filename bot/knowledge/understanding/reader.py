"""Reading a member's question: its platform, topic, intent and language — before any search.

Understanding comes first and is judged on its own (tests/unit/test_understanding.py reports
each part's accuracy): the answer to "is reddit selling my posts to google" is decided by
reading *Reddit* and *third parties*, not by how the words resemble some FAQ entry.

1. The text is folded and chat spellings are expanded (``languages.toml``), so "jveux", "pake"
   and "msgs" read as the words they stand for.
2. Cue classes are found (``lexicon.toml``); each present class is a feature, with a few about
   the question's shape (a platform named, words the lexicon cannot explain, its length).
3. A fitted model turns the features into a probability for each topic and for "off-topic";
   another into the intent (``weights.json``, fitted by ``fit.py``). A question with no AI
   word, no cue of any topic and one platform at most is off-topic whatever the model's prior
   says.
4. The platforms named are found structurally (aliases, split names, typos); when several are,
   the subject is chosen from the words around them (``subject.py``).
5. The language is guessed from function words (``languages.py``); lingua is not loaded here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from bot.knowledge.platforms import PlatformDetector, PlatformHit
from bot.knowledge.text import fold
from bot.knowledge.understanding.languages import LanguageGuesser
from bot.knowledge.understanding.lexicon import (
    Cue,
    CueFinder,
    Lexicon,
    default_lexicon,
    longest,
)
from bot.knowledge.understanding.model import LinearModel
from bot.knowledge.understanding.subject import Mentions, choose, mentions_of

OFF_TOPIC = "off-topic"
INTENTS = ("what", "how-opt-out", "when", "who-owns", "can-i")
PARAPHRASE_CLASSES = ("other", "same")  # is this FAQ entry the question asked, in other words?
MAX_QUERY_CHARS = 300  # longer text is a paste, not a question; the start says what it is about
AI_CLASS = "ai"  # the words that say a question is about AI at all
SUPPORT_CLASS = "support"  # a platform's help-desk vocabulary: stuck uploads, claims, payouts


@dataclass(frozen=True, slots=True)
class Weights:
    """The fitted models and the thresholds calibrated with them (``weights.json``)."""

    topic: LinearModel
    intent: LinearModel
    paraphrase: LinearModel
    thresholds: dict[str, float]
    frames: dict[str, str] = field(default_factory=dict)  # intent -> the topic it implies
    measured: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Weights:
        return cls(
            topic=LinearModel.from_json(data["topic"]),
            intent=LinearModel.from_json(data["intent"]),
            paraphrase=LinearModel.from_json(data["paraphrase"]),
            thresholds={str(k): float(v) for k, v in data["thresholds"].items()},
            frames={str(k): str(v) for k, v in data.get("frames", {}).items()},
            measured=dict(data.get("measured", {})),
        )

    @classmethod
    def untrained(cls, topics: tuple[str, ...], intents: tuple[str, ...]) -> Weights:
        """All-zero models: what the fitting script reads questions with before it has fitted."""
        return cls(
            topic=LinearModel((*topics, OFF_TOPIC), {}),
            intent=LinearModel(intents, {}),
            paraphrase=LinearModel(PARAPHRASE_CLASSES, {}),
            thresholds={},
        )


@cache
def default_weights() -> Weights:
    text = resources.files(__package__).joinpath("weights.json").read_text(encoding="utf-8")
    return Weights.from_json(json.loads(text))


@dataclass(frozen=True, slots=True)
class Understanding:
    """What a question was read as, before anything was searched."""

    query: str
    tokens: tuple[str, ...]
    platform: str | None  # the subject
    platforms: tuple[str, ...]  # every platform named, the subject first
    topic: str | None  # None: not a question about platforms' AI terms
    probabilities: dict[str, float]  # each topic and OFF_TOPIC
    intent: str | None
    language: str | None
    classes: frozenset[str]  # the cue classes found
    ai_terms: tuple[str, ...]
    shape: str  # content words, sorted: what FAQ phrasings are compared on
    features: dict[str, float]

    @property
    def confidence(self) -> float:
        """The probability of the topic read (of off-topic, when none was)."""
        return self.probabilities.get(self.topic or OFF_TOPIC, 0.0)

    @property
    def on_topic(self) -> bool:
        return self.topic is not None


class Reader:
    def __init__(
        self,
        detector: PlatformDetector,
        *,
        lexicon: Lexicon | None = None,
        weights: Weights | None = None,
    ) -> None:
        self.detector = detector
        self.lexicon = lexicon or default_lexicon()
        self.weights = weights or default_weights()
        self.cues = CueFinder(self.lexicon)
        self.languages = LanguageGuesser(self.lexicon)
        self.stopwords = self.lexicon.stopwords
        self._skip = self.stopwords | self.lexicon.neutral

    # -- text ------------------------------------------------------------------------------
    def tokens(self, text: str) -> list[str]:
        """Folded words, chat spellings expanded: "jveux savoir" -> ["je", "veux", "savoir"]."""
        out: list[str] = []
        normalize = self.lexicon.normalize
        for tok in fold(text[:MAX_QUERY_CHARS]).split(" "):
            if tok:
                out += normalize.get(tok, tok).split(" ")
        return out

    def shape(self, toks: list[str], mentions: list[PlatformHit]) -> str:
        """The comparison key: content words, platform names left out, in a fixed order."""
        platform_tokens = {i for hit in mentions for i in range(hit.start, hit.end)}
        spelling = self.lexicon.spelling
        words = {
            spelling.get(t, t)
            for i, t in enumerate(toks)
            if i not in platform_tokens and t not in self.stopwords
        }
        return " ".join(sorted(words))

    def shape_of(self, text: str) -> str:
        toks = self.tokens(text)
        return self.shape(toks, self.detector.mentions(" ".join(toks)))

    # -- reading ---------------------------------------------------------------------------
    def read(self, query: str) -> Understanding:
        query = query[:MAX_QUERY_CHARS]
        toks = self.tokens(query)
        text = " ".join(toks)
        mentions = self.detector.mentions(text)
        platform_at = {i for hit in mentions for i in range(hit.start, hit.end)}
        found = self.cues.find(toks)
        classes_at: list[set[str]] = [set() for _ in toks]
        explained = set(platform_at)
        ai_terms: set[str] = set()
        # A platform's name is not a cue, not even an AI product's ("Grok", "Meta AI"):
        # naming the platform says nothing about what is asked of it.
        found = longest(
            (c for c in found if not all(i in platform_at for i in c.owned)),
            free=frozenset({AI_CLASS}),
        )
        for cue in found:
            for i in range(cue.start, cue.end):
                classes_at[i].add(cue.cls)
                explained.add(i)
            if cue.cls == AI_CLASS:
                ai_terms.add(cue.term)
        classes = frozenset().union(*classes_at) if classes_at else frozenset()
        content = [i for i, t in enumerate(toks) if i not in platform_at and t not in self._skip]
        unexplained = [i for i in content if i not in explained and not toks[i].isdigit()]
        frozen_at = [frozenset(c) for c in classes_at]
        named = mentions_of(mentions, toks, self.lexicon, frozen_at)
        features = self.features(
            classes, self.lexicon.not_evidence, named, len(content), len(unexplained), len(toks)
        )
        probabilities = self.weights.topic.probabilities(features)
        intents = self.weights.intent.probabilities(features)
        probabilities = framed(probabilities, intents, self.weights.frames)
        best = max(probabilities, key=lambda c: probabilities[c])
        # With no word about AI and none that points at a topic, a topic would only be the
        # model's prior: such a question is not read as being about AI terms at all.
        evidence = (
            AI_CLASS in classes
            or bool(classes - self.lexicon.not_evidence)
            or len(named.order) > 1  # "Udio songs on Spotify": content moving between them
        )
        # Help-desk words with no word about AI ("my upload is stuck", "it got claimed") make a
        # support question, whatever rights or ownership it also mentions.
        if SUPPORT_CLASS in classes and AI_CLASS not in classes:
            evidence = False
        topic = None if best == OFF_TOPIC or not evidence else best
        intent = max(intents, key=lambda c: intents[c]) if topic is not None else None
        platforms = choose(named, topic)
        return Understanding(
            query=query,
            tokens=tuple(toks),
            platform=platforms[0] if platforms else None,
            platforms=platforms,
            topic=topic,
            probabilities=probabilities,
            intent=intent,
            language=self.languages.guess(query, toks),
            classes=classes,
            ai_terms=tuple(sorted(ai_terms)),
            shape=self.shape(toks, mentions),
            features=features,
        )

    @staticmethod
    def features(
        classes: frozenset[str],
        not_evidence: frozenset[str],
        named: Mentions,
        n_content: int,
        n_unexplained: int,
        n_tokens: int,
    ) -> dict[str, float]:
        """The evidence the fitted models weigh (names are the keys of ``weights.json``)."""
        out = {f"cue:{c}": 1.0 for c in classes}
        # Two kinds of evidence together say more than each alone ("how" + "stop" + "my songs"
        # is an opt-out; "how" + "stuck" is a support question): every pair is a feature, and
        # the fit decides which pairs matter.
        ordered = sorted(classes)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1 :]:
                out[f"pair:{a}+{b}"] = 1.0
        evidence = len(classes - not_evidence)
        out[f"evidence:{min(evidence, 3)}"] = 1.0
        if named.order:
            out["platform"] = 1.0
        if len(named.order) > 1:
            out["platforms:several"] = 1.0
            for role in named.roles_present() - {"none"}:
                out[f"platform:{role}"] = 1.0
        if not classes:
            out["no_cue"] = 1.0
        if not classes - not_evidence:
            out["ai_only" if "ai" in classes else "no_topic_cue"] = 1.0
        if n_content:
            out["unexplained"] = n_unexplained / n_content
        if n_content <= 1:
            out["short"] = 1.0
        if n_tokens > 15:
            out["long"] = 1.0
        return out


def framed(
    topics: dict[str, float], intents: dict[str, float], frames: dict[str, str]
) -> dict[str, float]:
    """Topic probabilities once the way the question is asked is known.

    Some intents are topics by themselves: a question asked as "when" is about what changed
    and when, one asked as "who owns" about the licence, whatever the words around them are
    about (``frames``, which ``fit.py`` finds in the labels: intents whose questions carry one
    topic at the calibrated precision). The topic model weighs every cue against every other,
    so "da quando spotify ha regole sui contenuti generati" lets its words about AI content
    outvote "da quando"; the intent model only decides how the question is asked, so nothing
    about the subject competes with the frame. With each framed intent's probability, the
    on-topic mass goes to its topic; off-topic keeps its own.
    """
    on = sum(p for t, p in topics.items() if t != OFF_TOPIC)
    free = 1.0 - sum(p for i, p in intents.items() if i in frames)
    out = {t: p if t == OFF_TOPIC else p * free for t, p in topics.items()}
    for intent, topic in frames.items():
        if topic in out:
            out[topic] += on * intents.get(intent, 0.0)
    return out


__all__ = ["OFF_TOPIC", "Cue", "Reader", "Understanding", "Weights", "default_weights"]
