"""An alert: one new news item or one change to a watched terms document.

``to_json`` is the line ``python -m bot watch --once --json`` prints (DESIGN.md); the other
fields (document, the matched terms, the guild of a guild-added source, the per-passage
verdicts, the links and the curated clauses the change touches) serve rendering and routing
and never appear in that line. Ids are deterministic
hashes of what was seen, so detecting the same thing twice — after a crash, from a second
process — can never make a second alert.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

KINDS = ("news", "terms-change")
DIRECTIONS = ("added", "removed", "edited")
ACTORS = ("platform", "third-parties", "users")
STANCES = ("permits", "forbids")
# The topics a changed passage can be about: DESIGN.md's vocabulary minus "history" (every
# change is history).
PASSAGE_TOPICS = ("ai-training", "third-party", "license", "opt-out", "ai-content")

# Whose material a passage is about, for the headline's object: "your data" when it speaks of
# (personal) data or information only, "your content" otherwise (bot.watch.aspects.whose).
WHOSE = ("content", "data")
# How a change touches a curated clause ("What Fine Print said"): its quote removed, its quote
# reworded, or its quote still there with a changed sentence in the same paragraph.
TOUCHES = ("removed", "edited", "nearby")

Direction = Literal["added", "removed", "edited"]
Actor = Literal["platform", "third-parties", "users"]
Stance = Literal["permits", "forbids"]
Whose = Literal["content", "data"]
Touch = Literal["removed", "edited", "nearby"]
ID_LENGTH = 20
NONCE_LENGTH = 24  # Discord accepts nonces up to 25 characters

# How a subscription receives alerts: each as it comes, or one digest a week (bot.alerts.digest).
INSTANT = "instant"
WEEKLY = "weekly"
DELIVERY_MODES = (INSTANT, WEEKLY)


def stable_id(*parts: str, length: int = ID_LENGTH) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:length]


def delivery_nonce(message_id: str, channel_id: int) -> str:
    """The same (alert, channel) always yields the same nonce, in any process."""
    return stable_id(message_id, str(channel_id), length=NONCE_LENGTH)


@dataclass(frozen=True, slots=True)
class PassageVerdict:
    """What one changed passage of a terms change says, for the alert layout to render.

    One per added, removed or edited sentence (an edited sentence is ONE verdict holding both
    wordings, so the layout can mark the words that changed). ``topic``, ``actor`` and
    ``stance`` come from lexicon cues, never from generated text, and are set only for
    AI-relevant passages: the layout builds its headline from them with templates (topic ×
    direction × actor, stance), e.g. ai-training / added / third-parties / permits → "now lets
    third parties train AI on your data". ``text`` is the display form (Markdown links reduced
    to their text), clipped around what matched; ``before`` is the old wording of an edited
    sentence and ``None`` otherwise.
    """

    direction: Direction
    text: str  # added/edited: the new wording; removed: the old one
    ai_relevant: bool
    score: float  # 0-1, the fitted model's probability that the passage is AI-relevant
    before: str | None = None  # edited: the old wording
    topic: str | None = None  # one of PASSAGE_TOPICS (AI-relevant passages only)
    actor: Actor | None = None  # who uses or may use the content
    stance: Stance | None = None  # whether the passage permits or forbids that use
    terms: tuple[str, ...] = ()  # the matched words: why it is AI-relevant
    whose: Whose | None = None  # whose material it is about (AI-relevant passages only)

    def to_dict(self) -> dict[str, Any]:
        return {
            "direction": self.direction,
            "text": self.text,
            "before": self.before,
            "ai_relevant": self.ai_relevant,
            "score": round(self.score, 3),
            "topic": self.topic,
            "actor": self.actor,
            "stance": self.stance,
            "terms": list(self.terms),
            "whose": self.whose,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PassageVerdict:
        return cls(
            direction=data["direction"],
            text=data["text"],
            before=data.get("before"),
            ai_relevant=bool(data["ai_relevant"]),
            score=float(data["score"]),
            topic=data.get("topic"),
            actor=data.get("actor"),
            stance=data.get("stance"),
            terms=tuple(data.get("terms", ())),
            whose=data.get("whose"),
        )


@dataclass(frozen=True, slots=True)
class TouchedClause:
    """A curated clause of the changed document that the change touches: what Fine Print's own
    answers quoted, and how the change touches it (``TOUCHES``). The title is the curated one as
    it was when the change was detected, so an alert renders without the knowledge base."""

    id: str
    title: str
    how: Touch

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "how": self.how}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TouchedClause:
        return cls(id=data["id"], title=data["title"], how=data["how"])


@dataclass(frozen=True, slots=True)
class AlertLinks:
    """Where a reader goes from a terms-change alert, worked out when it was detected.

    ``diff``: the full diff (an Open Terms Archive commit, for ``ota`` sources); ``page``: the
    live page (the URL a ``page`` source fetches; for ``ota`` the platform's own address of that
    document, when Fine Print knows it); ``archived``: the recorded version's full text (``ota``).
    """

    diff: str | None = None
    page: str | None = None
    archived: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            k: v
            for k, v in (("diff", self.diff), ("page", self.page), ("archived", self.archived))
            if v
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AlertLinks:
        return cls(diff=data.get("diff"), page=data.get("page"), archived=data.get("archived"))


@dataclass(frozen=True, slots=True)
class Alert:
    id: str
    source: str
    platform: str | None
    kind: str
    title: str
    url: str
    relevance: float
    ai_relevant: bool
    added: tuple[str, ...]
    removed: tuple[str, ...]
    detected_at: str
    document: str | None = None
    platform_name: str | None = None
    why: tuple[str, ...] = ()
    guild_id: int | None = None
    fingerprint: tuple[str, ...] = field(default=(), repr=False)
    # terms-change only: every changed passage's verdict, AI-relevant first (then by score,
    # then document order), and how many substantive passages changed in all (an edited
    # sentence counts once; trivial edits not at all) — "and 14 other edits".
    passages: tuple[PassageVerdict, ...] = ()
    edits: int = 0
    # terms-change only: the links of the layout, and the curated clauses the change touches.
    links: AlertLinks = field(default_factory=AlertLinks)
    clauses: tuple[TouchedClause, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "source": self.source,
            "platform": self.platform,
            "kind": self.kind,
            "title": self.title,
            "url": self.url,
            "relevance": round(self.relevance, 3),
            "ai_relevant": self.ai_relevant,
            "added": list(self.added),
            "removed": list(self.removed),
            "detected_at": self.detected_at,
        }


@dataclass(frozen=True, slots=True)
class Notice:
    """An operational message for the channels that rely on a source (e.g. it was paused)."""

    id: str
    source: str
    platform: str | None
    title: str
    body: str
    created_at: str
    guild_id: int | None = None


@dataclass(frozen=True, slots=True)
class Digest:
    """One weekly digest as it is posted: the week it covers and the alerts it lists."""

    id: str
    week_start: datetime  # Monday 00:00 UTC of the week it closes
    alerts: tuple[Alert, ...]  # platform names filled in, in the order they were detected
    since: datetime | None = None  # an earlier Monday when it also lists older alerts

    @property
    def week_end(self) -> datetime:
        """The Monday 00:00 UTC that closed the week (exclusive)."""
        return self.week_start + timedelta(days=7)

    @property
    def first_day(self) -> datetime:
        """Where the period it lists starts: its week, or earlier after the bot was down (or
        for an alert recorded just after its own week's digest was built)."""
        return min(self.since or self.week_start, self.week_start)
