"""The core services, built once and shared by the Discord client, the console and the CLI.

``App`` owns the database, the knowledge base and the matcher. It knows nothing about Discord:
methods take ids and text and return ``Reply`` objects or plain results, which is what lets the
console mode and the tests exercise exactly what a Discord member gets.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from bot import __version__, render
from bot.config import Settings
from bot.embeds import Reply
from bot.knowledge.loader import load_knowledge
from bot.knowledge.matcher import AskResult, FaqIndex, Matcher
from bot.knowledge.model import KnowledgeBase
from bot.knowledge.platforms import PlatformDetector
from bot.knowledge.text import fold
from bot.knowledge.topics import TOPIC_BY_ID
from bot.store import faq as faq_store
from bot.store.db import Database
from bot.store.lock import InstanceLock

log = logging.getLogger(__name__)

REVIEW_CACHE_SECONDS = 60.0


@dataclass(slots=True)
class _GuildView:
    generation: int
    index: FaqIndex | None
    hidden: frozenset[str]


class App:
    def __init__(self, settings: Settings, db: Database, kb: KnowledgeBase) -> None:
        self.settings = settings
        self.db = db
        self.kb = kb
        self.version = __version__
        self.detector = PlatformDetector(kb.platforms)
        self.matcher = Matcher(kb, self.detector)
        self._guilds: dict[int, _GuildView] = {}
        self._review: tuple[float, frozenset[str]] = (0.0, frozenset())
        self.watcher = None  # set by open_app(watch=True) once the watcher exists
        self.deliverer = None

    # -- guild FAQ view ----------------------------------------------------------------------
    async def guild_view(self, guild_id: int | None) -> _GuildView | None:
        """The guild's own entries and hidden set, rebuilt only when their generation moved."""
        if guild_id is None:
            return None
        current = await faq_store.generation(self.db, guild_id)
        cached = self._guilds.get(guild_id)
        if cached is not None and cached.generation == current:
            return cached
        entries = await faq_store.list_entries(self.db, guild_id)
        hidden = await faq_store.hidden_ids(self.db, guild_id)
        view = _GuildView(current, FaqIndex(entries, self.detector) if entries else None, hidden)
        self._guilds[guild_id] = view
        return view

    async def needs_review(self) -> frozenset[str]:
        """Curated clause ids whose quote vanished from the watched page (cached briefly)."""
        stamp, ids = self._review
        if time.monotonic() - stamp < REVIEW_CACHE_SECONDS:
            return ids
        try:
            from bot.store import reviews
        except ImportError:  # the watcher's review table is optional for the answer path
            return frozenset()
        try:
            ids = frozenset(item.clause_id for item in await reviews.pending(self.db))
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

    async def faq_reply(self, query: str, *, guild_id: int | None = None) -> Reply:
        result = await self.ask(query, guild_id=guild_id)
        return await render.answer(self, result, guild_id=guild_id)

    async def terms_reply(self, platform: str, topic: str | None = None) -> Reply:
        return await render.terms(self, platform, topic)

    async def optout_reply(self, platform: str) -> Reply:
        return await render.optouts(self, platform)

    async def history_reply(self, platform: str) -> Reply:
        return render.history(self, platform)

    async def alternatives_reply(self, query: str, *, guild_id: int | None = None) -> Reply:
        result = await self.ask(query, guild_id=guild_id)
        return render.alternatives(self, result)

    async def item_reply(self, kind: str, item_id: str, *, guild_id: int | None = None) -> Reply:
        return await render.item(self, kind, item_id, guild_id=guild_id)

    async def press(self, custom_id: str, *, guild_id: int | None = None) -> Reply:
        """What a button does, from its custom id (``fp:<action>:…``); console and Discord."""
        parts = custom_id.split(":", 3)
        if len(parts) >= 3 and parts[0] == "fp":
            action = parts[1]
            if action == "optout":
                return await self.optout_reply(parts[2])
            if action == "history":
                return await self.history_reply(parts[2])
            if action == "more" and len(parts) == 4:  # "Not what I asked" under /terms
                topic = parts[3] or None
                return await render.terms_alternatives(self, parts[2], topic, guild_id=guild_id)
            if action == "alts" and len(parts) == 4:
                guild = int(parts[2]) if parts[2].isdigit() and parts[2] != "0" else guild_id
                return await self.alternatives_reply(parts[3], guild_id=guild)
            if action == "show" and len(parts) == 4:
                return await self.item_reply(parts[2], parts[3], guild_id=guild_id)
        return Reply(content="That button is no longer supported; ask again.", ephemeral=True)

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
        return "ai-training" if understood.ai_terms else None

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

    async def about_reply(self) -> Reply:
        return await render.about(self)

    def help_reply(self) -> Reply:
        return render.help_card(self)


async def build_app(settings: Settings, *, db_path: str | None = None) -> App:
    kb = load_knowledge(settings.data_dir)
    db = await Database(db_path or settings.db_path).connect()
    return App(settings, db, kb)


@asynccontextmanager
async def open_app(settings: Settings, *, watch: bool = False) -> AsyncIterator[App]:
    """Build the app; with ``watch`` also its watcher and delivery services (when present).

    ``watch`` first takes the database's instance lock (``bot.store.lock``): a second process
    that would poll and deliver on the same database is refused with ``InstanceLocked``.
    """
    with InstanceLock(settings.db_path) if watch else contextlib.nullcontext():
        app = await build_app(settings)
        try:
            if watch:
                from bot.services import attach_watch_services

                await attach_watch_services(app)
            yield app
        finally:
            if app.watcher is not None:
                await app.watcher.close()
            await app.db.close()
