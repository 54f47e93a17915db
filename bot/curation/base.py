"""What every part of the curation service shares: the app, the clock, reading forms, and the
checks and writes that run inside a writer's transaction.

``Curation`` (``service.py``) is built from this base and the import and suggestion parts
(``importing.py``, ``suggestions.py``); keeping the shared steps here means an entry is created,
checked and audited the same way whether a moderator typed it, imported it or approved it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.curation import forms
from bot.curation.caps import ENTRY_CAP
from bot.curation.errors import CurationError, Invalid, LimitReached, NotFound
from bot.curation.model import EntryForm, Note, ParsedForm
from bot.curation.text import iso, question_key, safe
from bot.knowledge.loader import Problem, _Source
from bot.knowledge.text import clip
from bot.store import faq_audit, faq_entries
from bot.store.faq_entries import EntryContent, StoredEntry, public_id, row_id

if TYPE_CHECKING:
    from bot.app import App
    from bot.store.db import Connection


def snapshot(stored: StoredEntry) -> dict[str, Any]:
    """The audit JSON of an entry."""
    return {**stored.content.to_json(), "version": stored.entry.version}


def page_bounds(total: int, page: int, per_page: int) -> tuple[int, int]:
    """(the page to show, how many pages): a page past either end shows the nearest one."""
    pages = max(1, -(-total // per_page))
    return min(max(page, 0), pages - 1), pages


class ServiceBase:
    """The state and steps every part of ``Curation`` shares; stateless apart from the App."""

    def __init__(self, app: App, *, clock: Callable[[], datetime] | None = None) -> None:
        self.app = app
        self.db = app.db
        self.clock = clock or (lambda: datetime.now(UTC))

    def _now(self) -> str:
        return iso(self.clock())

    # -- reading forms and files -------------------------------------------------------------
    def resolve_tags(self, text: str) -> tuple[tuple[str, ...], tuple[str, ...], list[str]]:
        """Platforms and topics from one input ("spotify, youtube, opt-out")."""
        return forms.resolve_tags(self.app, text)

    def parse_form(self, form: EntryForm) -> ParsedForm:
        """Modal text -> validated content, or ``Invalid`` naming every problem at once."""
        return forms.parse_form(self.app, form, today=self.clock().date())

    def parse_content(self, raw: dict[str, Any]) -> EntryContent:
        """An entry given as fields (``EntryContent.to_json`` shape), validated like a form."""
        content, problems = self._validate(
            {"id": "guild-entry", **raw}, _Source(Path("entry"), ""), 0
        )
        if content is None:
            raise Invalid([safe(p.message) for p in problems])
        return content

    def form_for(self, content: EntryContent) -> EntryForm:
        """Prefill for the edit modal (and "try again" after a refusal)."""
        return forms.form_for(content)

    def _validate(
        self, raw: dict[str, Any], src: _Source, index: int
    ) -> tuple[EntryContent | None, list[Problem]]:
        return forms.validate(self.app, raw, src, index, today=self.clock().date())

    def _content(
        self, given: EntryForm | EntryContent, notes: Iterable[Note]
    ) -> tuple[EntryContent, tuple[Note, ...]]:
        if isinstance(given, EntryForm):
            parsed = self.parse_form(given)
            return parsed.content, (*parsed.notes, *notes)
        return given, tuple(notes)

    # -- checks and writes shared by the writers (run inside the transaction) ----------------
    async def _get(self, conn: Connection, guild_id: int, rid: int) -> StoredEntry:
        stored = await faq_entries.get_entry(self.db, guild_id, rid, conn=conn)
        if stored is None:  # pragma: no cover - only called for rows just seen in this tx
            raise NotFound("curation.no_entry", entry=public_id(rid))
        return stored

    async def _lock_guild(self, conn: Connection, guild_id: int) -> None:
        """Checks below read, then the caller writes: on PostgreSQL, where transactions run
        concurrently, two moderators' writes to one guild's FAQ must not interleave."""
        await conn.lock(f"faq:{guild_id}")

    async def _check_cap(self, conn: Connection, guild_id: int, adding: int) -> None:
        await self._lock_guild(conn, guild_id)
        live = await faq_entries.count_live(self.db, guild_id, conn=conn)
        if live + adding > ENTRY_CAP:
            raise LimitReached(
                "curation.cap.many" if adding > 1 else "curation.cap",
                live=live,
                cap=ENTRY_CAP,
                adding=adding,
            )

    async def _check_unique(
        self,
        conn: Connection,
        guild_id: int,
        question: str,
        *,
        except_row: int | None = None,
    ) -> None:
        await self._lock_guild(conn, guild_id)
        key = question_key(question)
        for other in await faq_entries.list_stored(self.db, guild_id, conn=conn):
            if question_key(other.entry.question) == key and row_id(other.entry.id) != except_row:
                raise CurationError(
                    "curation.duplicate",
                    title="curation.duplicate.title",
                    entry=other.entry.id,
                    question=clip(safe(other.entry.question), 120),
                )

    async def _update(
        self,
        conn: Connection,
        guild_id: int,
        current: StoredEntry,
        content: EntryContent,
        *,
        actor_id: int,
        now: str,
        action: str,
    ) -> StoredEntry | None:
        """An edit of ``current`` and its audit record; None (nothing written) when the entry
        is no longer at ``current``'s version (``action``: edit or import)."""
        rid = row_id(current.entry.id)
        assert rid is not None
        if not await faq_entries.update_entry(
            conn,
            guild_id,
            rid,
            content,
            expected_version=current.entry.version,
            actor_id=actor_id,
            now=now,
        ):
            return None
        return await self._audited(conn, guild_id, rid, action, actor_id, now, snapshot(current))

    async def _insert(
        self,
        conn: Connection,
        guild_id: int,
        content: EntryContent,
        *,
        actor_id: int,
        now: str,
        action: str,
        before: dict[str, Any] | None = None,
    ) -> StoredEntry:
        """A new entry and its audit record (``action``: add, import or approve)."""
        rid = await faq_entries.insert_entry(conn, guild_id, content, actor_id=actor_id, now=now)
        return await self._audited(conn, guild_id, rid, action, actor_id, now, before)

    async def _audited(
        self,
        conn: Connection,
        guild_id: int,
        rid: int,
        action: str,
        actor_id: int,
        now: str,
        before: dict[str, Any] | None,
    ) -> StoredEntry:
        """The entry as just written, with its audit record (in the writer's transaction)."""
        stored = await self._get(conn, guild_id, rid)
        await faq_audit.add_audit(
            conn,
            guild_id,
            stored.entry.id,
            action,
            actor_id=actor_id,
            now=now,
            before=before,
            after=snapshot(stored),
        )
        return stored
