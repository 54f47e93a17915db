"""The core services, built once and shared by the Discord client, the console and the CLI.

``App`` owns the database, the knowledge base, the matcher and (when asked for) the watcher and
the alert deliverer, all set at construction and never replaced. It knows nothing about Discord
or about wording: methods take ids and text and return view-models (``bot.results``) or plain
results, which ``bot.present`` turns into replies. That split is what lets the console mode and
the tests exercise exactly what a Discord member gets.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from bot import __version__
from bot.actions import Action, Alternatives, MoreTerms, Pick, ShowHistory, ShowItem, ShowOptOuts
from bot.alerts.delivery import Deliverer, Sender
from bot.alerts.digest import Clock
from bot.config import Settings
from bot.i18n.languages import Languages, load_languages
from bot.knowledge.loader import load_knowledge
from bot.knowledge.matcher import AskResult, FaqIndex, Match, Matcher, Outcome
from bot.knowledge.model import Absence, Clause, FaqEntry, KnowledgeBase, Platform
from bot.knowledge.platforms import PlatformDetector
from bot.knowledge.text import fold
from bot.knowledge.topics import TOPIC_BY_ID
from bot.results import (
    AboutView,
    AlternativesView,
    AnswerView,
    ClauseView,
    FaqView,
    Gone,
    HistoryView,
    ItemView,
    OptOutsView,
    OptOutView,
    TermsView,
    UnknownPlatform,
    View,
)
from bot.store import clock as store_clock
from bot.store import faq_entries, feedback, reviews
from bot.store.db import Database, is_postgres_url
from bot.store.lock import InstanceLock
from bot.watch.service import Watcher
from bot.watch.sources import load_sources

log = logging.getLogger(__name__)

REVIEW_CACHE_SECONDS = 60.0
TERMS_CLAUSES = 3  # clauses /terms shows at once
FAQ_CLAUSES = 3  # clauses quoted under an FAQ answer
FAQ_OPTOUTS = 2  # opt-outs named under an FAQ answer


@dataclass(slots=True)
class GuildView:
    """A guild's own FAQ entries (as a search index) and the shipped entries it hides."""

    generation: int
    index: FaqIndex | None
    hidden: frozenset[str]


class App:
    def __init__(
        self,
        settings: Settings,
        db: Database,
        kb: KnowledgeBase,
        *,
        watcher: Watcher | None = None,
        deliverer: Deliverer | None = None,
        languages: Languages | None = None,
    ) -> None:
        self.settings = settings
        self.db = db
        self.kb = kb
        self.version = __version__
        self.detector = PlatformDetector(kb.platforms)
        self.matcher = Matcher(kb, self.detector)
        self.watcher = watcher
        self.deliverer = deliverer
        self.languages = languages or Languages()
        self._guilds: dict[int, GuildView] = {}
        self._review: tuple[float, frozenset[str]] = (0.0, frozenset())

    # -- guild FAQ view ----------------------------------------------------------------------
    async def guild_view(self, guild_id: int | None) -> GuildView | None:
        """The guild's own entries and hidden set, rebuilt only when their generation moved."""
        if guild_id is None:
            return None
        current = await faq_entries.generation(self.db, guild_id)
        cached = self._guilds.get(guild_id)
        if cached is not None and cached.generation == current:
            return cached
        entries = await faq_entries.list_entries(self.db, guild_id)
        hidden = await faq_entries.hidden_ids(self.db, guild_id)
        index = self.matcher.guild_index(entries) if entries else None
        view = GuildView(current, index, hidden)
        self._guilds[guild_id] = view
        return view

    async def needs_review(self) -> frozenset[str]:
        """Curated clause ids whose quote vanished from the watched page (cached briefly)."""
        stamp, ids = self._review
        if time.monotonic() - stamp < REVIEW_CACHE_SECONDS:
            return ids
        try:
            # A "nearby" flag keeps its quote: the answer's "quote not found" note would be wrong.
            ids = frozenset(
                item.clause_id
                for item in await reviews.pending(self.db)
                if item.reason == reviews.MISSING
            )
        except Exception:  # pragma: no cover - never let a review lookup break an answer
            log.exception("could not read the clause review list")
            ids = frozenset()
        self._review = (time.monotonic(), ids)
        return ids

    # -- answering ---------------------------------------------------------------------------
    async def ask(self, query: str, *, guild_id: int | None = None) -> AskResult:
        view = await self.guild_view(guild_id)
        return self.matcher.ask(
            query,
            guild_index=view.index if view else None,
            hidden=view.hidden if view else frozenset(),
        )

    async def answer(self, query: str, *, guild_id: int | None = None) -> AnswerView:
        """A free question (``/faq ask``): the item that answers the platform and topic read,
        or why there is none: nothing curated for them, not sure, or not about AI terms."""
        result = await self.ask(query, guild_id=guild_id)
        found = result.answer
        platform = self.kb.platforms.get(result.platform or "")
        if found is None:
            state = str(result.outcome)
            absences: tuple[Absence, ...] = ()
            if result.outcome == Outcome.UNCURATED and platform and result.topic:
                absences = tuple(self.kb.absences_for(platform.id, result.topic))
            return AnswerView(result, guild_id, None, platform, state, result.topic, absences)
        shown = await self.shown(found, guild_id=guild_id)
        return AnswerView(result, guild_id, shown, platform, Outcome.ANSWER, result.topic)

    async def shown(
        self, match: Match, *, guild_id: int | None = None
    ) -> ItemView | HistoryView | OptOutsView | Gone:
        """What a match stands for: a history match is the platform's whole timeline, an
        opt-out answer every opt-out of the platform (what exists, what does not), as
        ``/optout`` shows them."""
        if match.is_timeline and match.platform in self.kb.platforms:
            return self._history(self.kb.platforms[match.platform])
        if match.kind == "optout" and match.platform in self.kb.platforms:
            view = await self.optouts(match.platform)
            if isinstance(view, OptOutsView):
                return view
        return await self.item(match.kind, match.id, guild_id=guild_id, topic=match.topic)

    async def item(
        self,
        kind: str,
        item_id: str,
        *,
        guild_id: int | None = None,
        topic: str | None = None,
    ) -> ItemView | HistoryView | Gone:
        """One clause, opt-out or FAQ entry by id (an event: its platform's timeline);
        ``Gone`` when it was removed or hidden."""
        if kind == "event" and item_id in self.kb.events:
            return self._history(self.kb.platforms[self.kb.events[item_id].platform])
        if kind == "clause" and item_id in self.kb.clauses:
            return await self._clause_view(self.kb.clauses[item_id])
        if kind == "optout" and item_id in self.kb.optouts:
            opt = self.kb.optouts[item_id]
            return OptOutView(opt, self.kb.platforms[opt.platform])
        if kind == "faq":
            entry = self.kb.faq.get(item_id)
            view = await self.guild_view(guild_id)
            if entry is None and view and view.index:
                entry = next((e for e in view.index.entries if e.id == item_id), None)
            if entry is not None and not (view and entry.id in view.hidden):
                return await self._faq_view(entry, topic)
        return Gone()

    async def _clause_view(self, clause: Clause) -> ClauseView:
        review = await self.needs_review()
        return ClauseView(clause, self.kb.platforms[clause.platform], clause.id in review)

    async def _faq_view(self, entry: FaqEntry, topic: str | None) -> FaqView:
        """The entry with the clauses and opt-outs its answer rests on: the ones it references,
        or else (moderators' entries) the current clause of its one platform and topic."""
        platforms = tuple(self.kb.platforms[p] for p in entry.platforms if p in self.kb.platforms)
        clauses = [self.kb.clauses[c] for c in entry.clauses if c in self.kb.clauses]
        if not clauses:
            related = self._related_clause(entry, topic)
            clauses = [related] if related is not None else []
        views = tuple([await self._clause_view(c) for c in clauses[:FAQ_CLAUSES]])
        optouts = tuple(self.kb.optouts[o] for o in entry.optouts if o in self.kb.optouts)
        return FaqView(entry, platforms, topic, views, optouts[:FAQ_OPTOUTS])

    def _related_clause(self, entry: FaqEntry, topic: str | None) -> Clause | None:
        """The current clause of the entry's one platform and topic, quoted with the answer."""
        if len(entry.platforms) != 1:
            return None
        wanted = topic or entry.topics[0]
        clauses = [c for c in self.kb.clauses_for(entry.platforms[0], wanted) if c.current]
        return clauses[0] if clauses else None

    def _unknown(self, typed: str) -> UnknownPlatform:
        return UnknownPlatform(typed, tuple(sorted(p.name for p in self.kb.platforms.values())))

    def _history(self, platform: Platform) -> HistoryView:
        return HistoryView(platform, tuple(self.kb.timeline(platform.id)))

    async def terms(
        self, platform_id: str, topic: str | None = None
    ) -> TermsView | OptOutsView | HistoryView | UnknownPlatform:
        """``/terms``: the platform's current clauses on a topic (AI training by default)."""
        platform = self.kb.platforms.get(platform_id)
        if platform is None:
            return self._unknown(platform_id)
        if topic == "opt-out":
            return await self.optouts(platform_id)
        if topic == "history":
            return self._history(platform)
        clauses = self._terms_clauses(platform_id, topic)
        other = tuple(sorted({c.topic for c in self.kb.clauses_for(platform_id) if c.current}))
        views = tuple([await self._clause_view(c) for c in clauses])
        if views:
            return TermsView(platform, topic, views)
        absent = tuple(self.kb.absences_for(platform_id, topic or "ai-training"))
        return TermsView(platform, topic, views, other, absent)

    def _terms_clauses(self, platform_id: str, topic: str | None) -> list[Clause]:
        clauses = [c for c in self.kb.clauses_for(platform_id, topic or "ai-training") if c.current]
        if not clauses and topic is None:
            clauses = [c for c in self.kb.clauses_for(platform_id) if c.current]
        return clauses[:TERMS_CLAUSES]

    async def optouts(self, platform_id: str) -> OptOutsView | UnknownPlatform:
        platform = self.kb.platforms.get(platform_id)
        if platform is None:
            return self._unknown(platform_id)
        opts = tuple(OptOutView(o, platform) for o in self.kb.optouts_for(platform_id))
        return OptOutsView(platform, opts)

    async def history(self, platform_id: str) -> HistoryView | UnknownPlatform:
        platform = self.kb.platforms.get(platform_id)
        return self._history(platform) if platform else self._unknown(platform_id)

    async def alternatives(self, query: str, *, guild_id: int | None = None) -> AlternativesView:
        """ "Not what I asked": every match for the question but the one answered. The press is
        recorded (server, question, what was shown; never who) and the alternatives' buttons
        carry its id, so the one picked next becomes a labelled question (``feedback``)."""
        result = await self.ask(query, guild_id=guild_id)
        shown = (result.answer.kind, result.answer.id) if result.answer else None
        async with self.db.transaction() as conn:
            feedback_id = await feedback.record_press(
                conn, guild_id, query, shown, now=store_clock.now_iso()
            )
        return AlternativesView(tuple(result.alternatives), feedback_id)

    async def pick(
        self, feedback_id: int, kind: str, item_id: str, *, guild_id: int | None = None
    ) -> ItemView | HistoryView | Gone:
        """An alternative picked after "Not what I asked": recorded, then shown."""
        async with self.db.transaction() as conn:
            await feedback.record_choice(
                conn, feedback_id, kind, item_id, now=store_clock.now_iso()
            )
        return await self.item(kind, item_id, guild_id=guild_id)

    async def terms_alternatives(
        self, platform_id: str, topic: str | None, *, guild_id: int | None = None
    ) -> AlternativesView | UnknownPlatform:
        """ "Not what I asked" under /terms: what else matches, minus the clauses shown."""
        platform = self.kb.platforms.get(platform_id)
        if platform is None:
            return self._unknown(platform_id)
        label = TOPIC_BY_ID[topic or "ai-training"].label
        result = await self.ask(f"{platform.name} {label}", guild_id=guild_id)
        shown = {c.id for c in self._terms_clauses(platform_id, topic)}
        picks = ([result.answer] if result.answer else []) + result.alternatives
        return AlternativesView(
            tuple(m for m in picks if not (m.kind == "clause" and m.id in shown))
        )

    async def press(self, action: Action | None, *, guild_id: int | None = None) -> View:
        """What a button does (console and Discord alike); ``Gone`` for an unreadable one."""
        match action:
            case ShowOptOuts(platform):
                return await self.optouts(platform)
            case ShowHistory(platform):
                return await self.history(platform)
            case MoreTerms(platform, topic):
                return await self.terms_alternatives(platform, topic, guild_id=guild_id)
            case Alternatives(guild, query):
                return await self.alternatives(query, guild_id=guild or guild_id)
            case ShowItem(kind, item_id):
                return await self.item(kind, item_id, guild_id=guild_id)
            case Pick(feedback_id, kind, item_id):
                return await self.pick(feedback_id, kind, item_id, guild_id=guild_id)
        return Gone()

    async def about(self) -> AboutView:
        kb = self.kb
        return AboutView(
            version=self.version,
            platforms=len(kb.platforms),
            clauses=len(kb.clauses),
            optouts=len(kb.optouts),
            faq=len(kb.faq),
            oldest_verified=kb.oldest_verified(),
        )

    # -- lookups for autocomplete and argument parsing ---------------------------------------
    def resolve_platform(self, text: str) -> str | None:
        """A platform id from what a member typed or picked ("sc", "Sound Cloud", "youtube")."""
        text = text.strip()
        if not text:
            return None
        if text in self.kb.platforms:
            return text
        return self.detector.primary(text)

    def resolve_topic(self, text: str | None) -> str | None:
        if not text or not text.strip():
            return None
        if text in TOPIC_BY_ID:
            return text
        folded = fold(text)
        for topic in TOPIC_BY_ID.values():
            if folded in (fold(topic.label), fold(topic.id)):
                return topic.id
        understood = self.matcher.understand(text)
        if understood.topic:
            return understood.topic
        return "ai-training" if understood.ai_terms else None  # "/terms x ai": its AI stance

    def platform_choices(self, typed: str, limit: int = 25) -> list[tuple[str, str]]:
        """(label, platform id) pairs for autocomplete, best first."""
        typed_f = fold(typed)
        platforms = sorted(self.kb.platforms.values(), key=lambda p: p.name.lower())
        if not typed_f:
            return [(p.name, p.id) for p in platforms][:limit]
        ranked: list[tuple[int, str, str]] = []
        detected = {h.platform for h in self.detector.detect(typed)}
        for p in platforms:
            names = [fold(n) for n in (p.name, p.id, *p.aliases)]
            if any(n.startswith(typed_f) for n in names):
                ranked.append((0, p.name, p.id))
            elif p.id in detected:
                ranked.append((1, p.name, p.id))
            elif any(typed_f in n for n in names):
                ranked.append((2, p.name, p.id))
        ranked.sort()
        return [(name, pid) for _r, name, pid in ranked][:limit]

    async def faq_choices(
        self, typed: str, *, guild_id: int | None = None, limit: int = 25
    ) -> list[str]:
        """Questions to suggest while a member types in /faq."""
        view = await self.guild_view(guild_id)
        entries = [e for e in self.kb.faq.values() if not view or e.id not in view.hidden]
        if view and view.index:
            entries = list(view.index.entries) + entries
        if not typed.strip():
            return [e.question for e in entries][:limit]
        result = self.matcher.ask(
            typed,
            guild_index=view.index if view else None,
            hidden=view.hidden if view else frozenset(),
        )
        picks = [m for m in ([result.answer] if result.answer else []) + result.alternatives]
        seen: list[str] = [m.title for m in picks if m.kind == "faq"]
        typed_f = fold(typed)
        for entry in entries:
            if len(seen) >= limit:
                break
            if entry.question not in seen and typed_f in fold(entry.question):
                seen.append(entry.question)
        return seen[:limit]


@asynccontextmanager
async def open_app(
    settings: Settings,
    *,
    watch: bool = False,
    sender: Sender | None = None,
    db_path: Path | str | None = None,
    sources_path: Path | None = None,
    clock: Clock = store_clock.now,
    lock: bool | None = None,
) -> AsyncIterator[App]:
    """Build the app once, complete: with ``watch`` its watcher, with a ``sender`` (the Discord
    client's) the deliverer that posts alerts through it.

    A process that polls or delivers on a SQLite file first takes its instance lock
    (``bot.store.lock``; ``lock`` defaults to ``watch``): a second one on the same file is
    refused with ``InstanceLocked``. (On PostgreSQL several processes share the work through
    locks the database provides.) ``db_path`` (a file or a PostgreSQL URL) / ``sources_path``
    override the settings
    (``watch --db/--sources``); ``clock`` is the deliverer's "now", which decides when a week
    closes and its digests go out (tests pass one they can move; nothing sleeps for a week).
    """
    kb = load_knowledge(settings.data_dir)
    languages = load_languages(settings.data_dir, kb)  # TranslationError lists every problem
    specs = None
    if watch:  # a bad sources file stops the start with all its problems (SourcesError)
        sources = sources_path or settings.sources_path
        specs = load_sources(sources, platforms=set(kb.platforms))
        log.info("watching %d sources from %s", len(specs), sources)
    target = db_path or settings.database
    locked = (watch if lock is None else lock) and not is_postgres_url(str(target))
    with InstanceLock(Path(target)) if locked else contextlib.nullcontext():
        db = await Database(target).connect()
        watcher = None
        try:
            if specs is not None:
                watcher = Watcher(db, kb, PlatformDetector(kb.platforms), settings, specs)
            deliverer = (
                Deliverer(db, sender, kb=kb, now=clock, languages=languages)
                if sender is not None
                else None
            )
            yield App(settings, db, kb, watcher=watcher, deliverer=deliverer, languages=languages)
        finally:
            if watcher is not None:
                await watcher.close()
            await db.close()
