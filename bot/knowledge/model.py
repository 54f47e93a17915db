"""The curated knowledge: platforms, clauses (ToS;DR-style points), opt-outs, events, absences
("no AI clause found in <document> as of <date>") and FAQ.

Plain frozen dataclasses so the matcher, renderers, console and cogs share one vocabulary and
nothing can mutate a shipped fact at run time. The file format is schema v2 (``data/README.md``).

Dates are kept apart on purpose: ``since`` is when a wording first appeared (and on what basis:
the version's own effective date, an Open Terms Archive capture, an announcement or a report),
``confirmed`` is the newest version in which the quote was checked verbatim. A clause ends
(``ended``) when the first version without it appears.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

CLAUSE_STATUSES = ("current", "superseded", "removed")
QUOTE_SOURCES = ("primary", "secondary")
GUILD_ID_PREFIX = "guild-"  # the public ids of moderators' own entries: guild-<row>
DATE_BASES = ("effective", "captured", "announced", "reported")
OPTOUT_EXISTS = ("yes", "no", "unknown")
# What an absence rests on: an archived version read in full ("no AI clause found in <document>
# as of <date>"), or only the research sources, when no copy of the terms is archived ("I have
# no verified clause from <platform>'s terms").
ABSENCE_BASES = ("archive", "research")
GLOBAL = "global"
# "rest-of-world": everywhere the platform's other regional versions do not cover.
REGIONS = (
    GLOBAL,
    "eu",
    "eea",
    "efta",
    "uk",
    "ch",
    "us",
    "ca",
    "br",
    "in",
    "jp",
    "kr",
    "au",
    "hk",
    "sg",
    "rest-of-world",
)


@dataclass(frozen=True, slots=True)
class Platform:
    id: str
    name: str
    aliases: tuple[str, ...] = ()
    terms_url: str | None = None
    privacy_url: str | None = None
    ai_policy_url: str | None = None
    description: str | None = None
    apps: tuple[str, ...] = ()  # a company's several apps (meta: facebook, instagram, …)
    ota: tuple[str, ...] = ()  # Open Terms Archive service folders its clauses may cite


@dataclass(frozen=True, slots=True)
class Clause:
    id: str
    platform: str
    topic: str
    document: str
    title: str
    quote: str
    summary: str
    since: date
    source_url: str
    confirmed: date
    since_basis: str = "effective"
    since_after: date | None = None
    since_commit: str | None = None
    confirmed_commit: str | None = None
    status: str = "current"
    ended: date | None = None
    supersedes: str | None = None
    quote_source: str = "primary"
    note: str | None = None
    region: tuple[str, ...] = (GLOBAL,)
    apps: tuple[str, ...] = ()  # empty: every app of the platform
    language: str = "en"  # the language of the quote (the document's): quotes stay verbatim
    ota_document: str | None = None  # OTA's name for the document when ``document`` differs

    @property
    def current(self) -> bool:
        return self.status == "current"

    @property
    def effective(self) -> date:
        """When the wording first appeared (``since``); kept for callers that sort by it."""
        return self.since

    @property
    def verified(self) -> date:
        """The newest version the quote was confirmed in (``confirmed``)."""
        return self.confirmed

    @property
    def document_in_archive(self) -> str:
        return self.ota_document or self.document


@dataclass(frozen=True, slots=True)
class OptOut:
    id: str
    platform: str
    title: str
    exists: str  # yes | no (the platform says there is none) | unknown (none found)
    controls: str
    verified: date
    source_url: str
    steps: tuple[str, ...] = ()
    url: str | None = None
    who: str | None = None
    not_covered: str | None = None
    note: str | None = None
    region: tuple[str, ...] = (GLOBAL,)
    apps: tuple[str, ...] = ()
    quote: str | None = None

    @property
    def available(self) -> bool:
        """A setting or form exists."""
        return self.exists == "yes"


@dataclass(frozen=True, slots=True)
class Event:
    """A dated change that is not itself a clause (an announcement, a setting launched)."""

    id: str
    platform: str
    date: dt.date
    title: str
    summary: str
    source_url: str
    quote: str | None = None
    date_basis: str = "effective"
    date_after: dt.date | None = None
    clause: str | None = None


@dataclass(frozen=True, slots=True)
class Absence:
    """ "No AI clause found in <document> as of <checked>": an answer worth giving.

    With ``basis = "research"`` nothing archived was read: the platform's terms have no copy to
    quote, and the research sources (``source_url`` the main one, findings in ``note``) give no
    exact, dated wording. Such an absence has no ``checked`` date, because no version was read,
    and says so to the member instead of "no AI clause found".
    """

    id: str
    platform: str
    document: str
    topics: tuple[str, ...]
    checked: date | None  # capture date of the archived version read; None for research
    source_url: str
    checked_commit: str | None = None
    note: str | None = None
    ota_document: str | None = None
    basis: str = "archive"

    @property
    def from_research(self) -> bool:
        return self.basis == "research"

    @property
    def document_in_archive(self) -> str:
        return self.ota_document or self.document


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
    clauses: tuple[str, ...] = ()  # shipped entries: the clauses the answer rests on
    optouts: tuple[str, ...] = ()  # … and the opt-outs
    answers: tuple[tuple[str, str], ...] = ()  # a server entry's answer in other locales

    def answer_in(self, locale: str) -> str | None:
        """The moderators' own answer in ``locale``, if they wrote one."""
        return dict(self.answers).get(locale)

    @property
    def is_guild(self) -> bool:
        return self.guild_id is not None


_OPTOUT_ORDER = {value: n for n, value in enumerate(OPTOUT_EXISTS)}


@dataclass(slots=True)
class KnowledgeBase:
    platforms: dict[str, Platform] = field(default_factory=dict)
    clauses: dict[str, Clause] = field(default_factory=dict)
    optouts: dict[str, OptOut] = field(default_factory=dict)
    events: dict[str, Event] = field(default_factory=dict)
    faq: dict[str, FaqEntry] = field(default_factory=dict)
    absences: dict[str, Absence] = field(default_factory=dict)
    # Where each entry was read (file, line of its table header), for problems found later.
    locations: dict[str, tuple[Path, int]] = field(default_factory=dict)

    def clauses_for(self, platform: str, topic: str | None = None) -> list[Clause]:
        found = [c for c in self.clauses.values() if c.platform == platform]
        if topic is not None:
            found = [c for c in found if c.topic == topic]
        # Current first; otherwise the curator's order in the file (most prominent first).
        return sorted(found, key=lambda c: not c.current)

    def optouts_for(self, platform: str) -> list[OptOut]:
        """Existing opt-outs first, then "there is none", then "none found"."""
        return sorted(
            (o for o in self.optouts.values() if o.platform == platform),
            key=lambda o: (_OPTOUT_ORDER.get(o.exists, len(_OPTOUT_ORDER)), o.id),
        )

    def absences_for(self, platform: str, topic: str | None = None) -> list[Absence]:
        return [
            a
            for a in self.absences.values()
            if a.platform == platform and (topic is None or topic in a.topics)
        ]

    def timeline(self, platform: str) -> list[Clause | Event]:
        """Every dated item of a platform, oldest first: the answer to "what changed?"."""
        items: list[Clause | Event] = [c for c in self.clauses.values() if c.platform == platform]
        items += [e for e in self.events.values() if e.platform == platform]
        return sorted(items, key=lambda i: (i.since if isinstance(i, Clause) else i.date, i.id))

    def oldest_verified(self) -> date | None:
        """The stalest fact shown as current: the oldest ``confirmed`` of a current clause or
        ``verified`` of an opt-out."""
        dates = [c.confirmed for c in self.clauses.values() if c.current]
        dates += [o.verified for o in self.optouts.values()]
        return min(dates) if dates else None
