"""The curated knowledge: platforms, clauses (ToS;DR-style points), opt-outs, events and FAQ.

Plain frozen dataclasses so the matcher, renderers, console and cogs share one vocabulary and
nothing can mutate a shipped fact at run time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

CLAUSE_STATUSES = ("current", "superseded")
QUOTE_SOURCES = ("primary", "secondary")
GUILD_ID_PREFIX = "guild-"  # the public ids of moderators' own entries: guild-<row>


@dataclass(frozen=True, slots=True)
class Platform:
    id: str
    name: str
    aliases: tuple[str, ...] = ()
    terms_url: str | None = None
    privacy_url: str | None = None
    ai_policy_url: str | None = None
    description: str | None = None


@dataclass(frozen=True, slots=True)
class Clause:
    id: str
    platform: str
    topic: str
    document: str
    title: str
    quote: str
    summary: str
    effective: date
    source_url: str
    verified: date
    status: str = "current"
    supersedes: str | None = None
    quote_source: str = "primary"
    note: str | None = None
    language: str = "en"  # the language of the quote (the document's): quotes stay verbatim

    @property
    def current(self) -> bool:
        return self.status == "current"


@dataclass(frozen=True, slots=True)
class OptOut:
    id: str
    platform: str
    title: str
    exists: bool
    controls: str
    verified: date
    source_url: str
    steps: tuple[str, ...] = ()
    url: str | None = None
    who: str | None = None
    not_covered: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Event:
    """A dated change that is not itself a clause (an announcement, a setting launched)."""

    id: str
    platform: str
    date: date
    title: str
    summary: str
    source_url: str
    quote: str | None = None


@dataclass(frozen=True, slots=True)
class FaqEntry:
    id: str
    question: str
    answer: str
    platforms: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    phrasings: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    verified: date | None = None
    guild_id: int | None = None
    version: int = 1
    answers: tuple[tuple[str, str], ...] = ()  # a server entry's answer in other locales

    def answer_in(self, locale: str) -> str | None:
        """The moderators' own answer in ``locale``, if they wrote one."""
        return dict(self.answers).get(locale)

    @property
    def is_guild(self) -> bool:
        return self.guild_id is not None


@dataclass(slots=True)
class KnowledgeBase:
    platforms: dict[str, Platform] = field(default_factory=dict)
    clauses: dict[str, Clause] = field(default_factory=dict)
    optouts: dict[str, OptOut] = field(default_factory=dict)
    events: dict[str, Event] = field(default_factory=dict)
    faq: dict[str, FaqEntry] = field(default_factory=dict)

    def clauses_for(self, platform: str, topic: str | None = None) -> list[Clause]:
        found = [c for c in self.clauses.values() if c.platform == platform]
        if topic is not None:
            found = [c for c in found if c.topic == topic]
        # Current first; otherwise the curator's order in the file (most prominent first).
        return sorted(found, key=lambda c: not c.current)

    def optouts_for(self, platform: str) -> list[OptOut]:
        return sorted(
            (o for o in self.optouts.values() if o.platform == platform),
            key=lambda o: (not o.exists, o.id),
        )

    def timeline(self, platform: str) -> list[Clause | Event]:
        """Every dated item of a platform, oldest first: the answer to "what changed?"."""
        items: list[Clause | Event] = [c for c in self.clauses.values() if c.platform == platform]
        items += [e for e in self.events.values() if e.platform == platform]
        return sorted(items, key=lambda i: (i.effective if isinstance(i, Clause) else i.date, i.id))

    def oldest_verified(self) -> date | None:
        dates = [c.verified for c in self.clauses.values() if c.current]
        dates += [o.verified for o in self.optouts.values()]
        return min(dates) if dates else None
