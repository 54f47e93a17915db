"""What an AI-relevant passage is about: topic, actor and stance, from lexicon cues.

These feed templates (the alert's headline: topic × direction × actor), so they are chosen
from fixed vocabularies by rules a person can check, never generated:

- stance: ``forbids`` when the passage negates or prohibits ("will not", "may not", "ne … pas",
  "nicht", "tidak"; ``aspect.forbids``), except inside set phrases that negate nothing
  ("non-exclusive", "whether or not": ``aspect.neutral``); else ``permits``.
- actor: ``third-parties`` when others are named (third parties, partners, affiliates, "permit
  others"); ``users`` when the user is the subject of a duty or a ban ("You shall not scrape…",
  "you must label…") and grants nothing, or when the passage sets rules for AI-generated
  uploads; else ``platform`` (we / our / the platform's name).
- whose: ``data`` when the passage names data or information (``aspect.data``) and no other
  users' content or creative work (``content``/``media`` groups outside those words); else
  ``content``. The headline then says "your data" or "your content".
- topic (first that applies): ``opt-out`` (settings, objection, opt-in/out), ``ai-content``
  (AI-generated uploads, labels, deepfakes — unless training is named), ``third-party`` (the
  actor is others), ``license`` (a grant of rights that names no training or improving), else
  ``ai-training``.
"""

from __future__ import annotations

from bot.alerts.model import Actor, Stance, Whose
from bot.knowledge.text import fold
from bot.watch.reading import Reading
from bot.watch.relevance_lexicon import lexicon

TRAINING_GROUPS = frozenset({"train", "dataset", "mine", "improve"})


def _positions(name: str, toks: list[str]) -> list[tuple[int, int]]:
    return [(h.start, h.end) for h in lexicon().aspects[name].find(toks)]


def stance(reading: Reading) -> Stance:
    neutral = _positions("neutral", reading.toks)
    for start, end in _positions("forbids", reading.toks):
        if not any(a <= start and end <= b for a, b in neutral):
            return "forbids"
    return "permits"


def actor(reading: Reading, names: tuple[str, ...] = (), forbids: bool = False) -> Actor:
    toks = reading.toks
    if _positions("third", toks):
        return "third-parties"
    users = _positions("users", toks)
    platform = _positions("platform", toks)
    for name in names:
        words = fold(name).split()
        n = len(words)
        platform += [(i, i + n) for i in range(len(toks) - n + 1) if toks[i : i + n] == words]
    first_user = min((s for s, _ in users), default=None)
    first_platform = min((s for s, _ in platform), default=None)
    user_first = first_user is not None and (first_platform is None or first_user < first_platform)
    duty = forbids or bool(_positions("duty", toks))
    if user_first and duty and "license" not in reading.groups:
        return "users"
    return "platform"


def topic(reading: Reading, who: Actor) -> str:
    toks = reading.toks
    if _positions("opt-out", toks):
        return "opt-out"
    if _positions("ai-content", toks) and not reading.groups & TRAINING_GROUPS:
        return "ai-content"
    if who == "third-parties":
        return "third-party"
    if "license" in reading.groups and not reading.groups & TRAINING_GROUPS:
        return "license"
    return "ai-training"


def whose(reading: Reading) -> Whose:
    data = _positions("data", reading.toks)
    if not data:
        return "content"
    inside = {i for start, end in data for i in range(start, end)}
    for group in ("content", "media"):
        for hit in reading.hits.get(group, ()):
            if not set(range(hit.start, hit.end)) <= inside:
                return "content"
    return "data"


def describe(reading: Reading, names: tuple[str, ...] = ()) -> tuple[str, Actor, Stance]:
    """(topic, actor, stance) of an AI-relevant passage."""
    said = stance(reading)
    who = actor(reading, names, forbids=said == "forbids")
    about = topic(reading, who)
    if about == "ai-content" and who == "platform":
        who = "users"  # rules for AI-generated uploads bind whoever uploads
    return about, who, said
