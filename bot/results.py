"""What the App's answer methods return: view-models with every fact already looked up.

The App does the I/O (the guild's own entries, the review list) and the deciding; presentation
(``bot.present``) turns these into replies synchronously, in the member's language, without
touching the database or the App. Plain frozen dataclasses, so a renderer can be tested by
building one by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.knowledge.matcher import AskResult, Match
from bot.knowledge.model import Absence, Clause, Event, FaqEntry, OptOut, Platform


@dataclass(frozen=True, slots=True)
class ClauseView:
    clause: Clause
    platform: Platform
    needs_review: bool = False  # the quote vanished from the latest copy of the watched page


@dataclass(frozen=True, slots=True)
class OptOutView:
    optout: OptOut
    platform: Platform


@dataclass(frozen=True, slots=True)
class FaqView:
    entry: FaqEntry
    platforms: tuple[Platform, ...]  # the entry's platforms that Fine Print knows
    topic: str | None  # the topic the member asked about, when the entry has several
    clauses: tuple[ClauseView, ...] = ()  # the clauses the answer rests on, quoted with it
    optouts: tuple[OptOut, ...] = ()  # the opt-outs it rests on


@dataclass(frozen=True, slots=True)
class HistoryView:
    platform: Platform
    items: tuple[Clause | Event, ...]  # oldest first


@dataclass(frozen=True, slots=True)
class Gone:
    """A button or link pointed at an answer that was removed or hidden since."""


ItemView = ClauseView | OptOutView | FaqView


@dataclass(frozen=True, slots=True)
class TermsView:
    platform: Platform
    topic: str | None
    clauses: tuple[ClauseView, ...]  # empty: nothing curated on that topic
    other_topics: tuple[str, ...] = ()  # topics that do have a current clause
    # "no AI clause found in <document> as of <date>", or (research) "no verified clause"
    absences: tuple[Absence, ...] = ()


@dataclass(frozen=True, slots=True)
class OptOutsView:
    platform: Platform
    optouts: tuple[OptOutView, ...]


@dataclass(frozen=True, slots=True)
class UnknownPlatform:
    typed: str
    known: tuple[str, ...]  # the names Fine Print covers, sorted


@dataclass(frozen=True, slots=True)
class AnswerView:
    """The answer to a free question, in one of four states (``bot.knowledge.matcher.Outcome``):

    - ``answer``: ``shown`` is the item (clause, opt-out, FAQ entry or the timeline);
    - ``uncurated``: the platform and topic were understood but nothing is curated for them;
      ``result.alternatives`` are what exists for that platform, offered as such;
    - ``unsure``: not confident enough; the alternatives share the platform or the topic;
    - ``off-topic``: not about platforms' AI terms; no suggestions at all.
    """

    result: AskResult
    guild_id: int | None
    shown: ItemView | HistoryView | OptOutsView | Gone | None  # None: no answer
    platform: Platform | None = None  # the platform the question is about
    state: str = "answer"
    topic: str | None = None  # the topic understood
    absences: tuple[Absence, ...] = ()  # uncurated: "no AI clause found in <document> as of …"


@dataclass(frozen=True, slots=True)
class AlternativesView:
    matches: tuple[Match, ...]
    feedback_id: int | None = None  # the "Not what I asked" press these answer (recorded)


@dataclass(frozen=True, slots=True)
class AboutView:
    version: str
    platforms: int
    clauses: int
    optouts: int
    faq: int
    oldest_verified: date | None


View = (
    ClauseView
    | OptOutView
    | FaqView
    | HistoryView
    | Gone
    | TermsView
    | OptOutsView
    | UnknownPlatform
    | AnswerView
    | AlternativesView
    | AboutView
)
