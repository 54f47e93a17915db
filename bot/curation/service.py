"""``Curation``: a server's own FAQ entries — finding, adding, editing, removing, restoring,
hiding shipped entries, listing, history and export. Imports and member suggestions are its
two other parts (``importing.py``, ``suggestions.py``); the package docstring states the rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from bot.curation.base import ServiceBase, page_bounds, snapshot
from bot.curation.caps import HISTORY_PAGE_SIZE, LIST_PAGE_SIZE
from bot.curation.errors import Actor, Conflict, CurationError, Moment, NotFound
from bot.curation.files import export_row, to_json, to_toml
from bot.curation.importing import ImportOps
from bot.curation.model import (
    EntryForm,
    EntryPage,
    ExportFile,
    HiddenChange,
    HistoryPage,
    Note,
    Saved,
)
from bot.curation.suggestions import SuggestionOps
from bot.curation.text import choice_label, member_text, question_key, safe, typed_in
from bot.knowledge.model import FaqEntry
from bot.knowledge.text import clip, fold
from bot.store import faq_audit, faq_entries
from bot.store.faq_entries import EntryContent, StoredEntry, row_id


class Curation(ImportOps, SuggestionOps, ServiceBase):
    """All moderator curation of one process's database; stateless apart from the App."""

    # -- lookups -----------------------------------------------------------------------------
    async def find(self, guild_id: int, ref: str, *, deleted: bool | None = False) -> StoredEntry:
        """An entry of this server by ``guild-N`` or by its exact question."""
        ref = ref.strip()
        rid = row_id(ref)
        if rid is not None:
            stored = await faq_entries.get_entry(self.db, guild_id, rid)
            if stored is None:
                raise NotFound("curation.no_entry.pick", entry=ref)
            if deleted is False and stored.deleted:
                raise NotFound(
                    "curation.removed",
                    entry=ref,
                    by=Actor(stored.deleted_by),
                    at=Moment(stored.deleted_at),
                )
            if deleted is True and not stored.deleted:
                raise CurationError("curation.not_removed", entry=ref)
            return stored
        key = question_key(ref)
        for stored in await faq_entries.list_stored(self.db, guild_id, deleted=deleted):
            if question_key(stored.entry.question) == key:
                return stored
        raise NotFound(
            "curation.cant_find.removed" if deleted else "curation.cant_find",
            typed=clip(safe(ref), 80),
        )

    def find_global(self, ref: str) -> FaqEntry:
        """A shipped entry by id or exact question."""
        ref = ref.strip()
        if row_id(ref) is not None:
            raise CurationError("curation.hide.own", entry=ref)
        entry = self.app.kb.faq.get(ref)
        if entry is None:
            key = question_key(ref)
            entry = next(
                (e for e in self.app.kb.faq.values() if question_key(e.question) == key), None
            )
        if entry is None:
            raise NotFound("curation.no_shipped", typed=clip(safe(ref), 80))
        return entry

    async def entry_choices(
        self, guild_id: int, typed: str, *, deleted: bool | None = False, limit: int = 25
    ) -> list[tuple[str, str]]:
        """(label, value) pairs for autocomplete: ``guild-N · question``, best first."""
        typed_f = fold(typed)
        rows = await faq_entries.list_stored(self.db, guild_id, deleted=deleted)
        picked = [
            s
            for s in reversed(rows)  # newest first: usually what a moderator is looking for
            if typed_in(typed_f, s.entry.question, s.entry.id)
        ]
        return [(choice_label(s.entry), s.entry.id) for s in picked[:limit]]

    async def global_choices(
        self, guild_id: int, typed: str, *, hidden: bool, limit: int = 25
    ) -> list[tuple[str, str]]:
        """Shipped entries for /faq hide (not hidden yet) or /faq unhide (hidden)."""
        hidden_now = await faq_entries.hidden_ids(self.db, guild_id)
        typed_f = fold(typed)
        out = [
            (choice_label(entry), entry.id)
            for entry in self.app.kb.faq.values()
            if (entry.id in hidden_now) == hidden and typed_in(typed_f, entry.question, entry.id)
        ]
        return out[:limit]

    async def removed_choices(self, guild_id: int, typed: str) -> list[tuple[str, str]]:
        """Removed entries, for /faq restore."""
        return await self.entry_choices(guild_id, typed, deleted=True)

    async def shown_global_choices(self, guild_id: int, typed: str) -> list[tuple[str, str]]:
        return await self.global_choices(guild_id, typed, hidden=False)

    async def hidden_global_choices(self, guild_id: int, typed: str) -> list[tuple[str, str]]:
        return await self.global_choices(guild_id, typed, hidden=True)

    async def history_choices(
        self, guild_id: int, typed: str, *, limit: int = 25
    ) -> list[tuple[str, str]]:
        """Entries with a history in this server: its own (also removed) and hidden shipped."""
        typed_f = fold(typed)
        stored = await faq_entries.list_stored(self.db, guild_id, deleted=None)
        own = {s.entry.id: s.entry for s in stored}
        out: list[tuple[str, str]] = []
        for ref in await faq_audit.audited_refs(self.db, guild_id):
            entry = own.get(ref) or self.app.kb.faq.get(ref)
            label = choice_label(entry) if entry else ref
            if typed_in(typed_f, label):
                out.append((label, ref))
        return out[:limit]

    # -- entries -----------------------------------------------------------------------------
    async def add(
        self,
        guild_id: int,
        actor_id: int,
        given: EntryForm | EntryContent,
        *,
        notes: Iterable[Note] = (),
    ) -> Saved:
        """A new entry, from the modal's text (validated here) or from ready content."""
        content, notes = self._content(given, notes)
        now = self._now()
        async with self.db.transaction() as conn:
            await self._check_cap(conn, guild_id, 1)
            await self._check_unique(conn, guild_id, content.question)
            stored = await self._insert(
                conn, guild_id, content, actor_id=actor_id, now=now, action="add"
            )
        return Saved("add", stored, notes=tuple(notes))

    async def edit(
        self,
        guild_id: int,
        actor_id: int,
        ref: str,
        given: EntryForm | EntryContent,
        *,
        expected_version: int,
        notes: Iterable[Note] = (),
    ) -> Saved:
        """Save an edit made on ``expected_version``; ``Conflict`` if the entry moved on."""
        content, notes = self._content(given, notes)
        rid = row_id(ref)
        if rid is None:
            raise NotFound("curation.not_ours", entry=ref)
        now = self._now()
        async with self.db.transaction() as conn:
            current = await faq_entries.get_entry(self.db, guild_id, rid, conn=conn)
            if current is None:
                raise NotFound("curation.no_entry", entry=ref)
            if current.deleted:
                raise Conflict(
                    "curation.conflict.removed",
                    current,
                    content,
                    entry=ref,
                    by=Actor(current.deleted_by),
                    at=Moment(current.deleted_at),
                )
            if current.entry.version != expected_version:
                raise Conflict.newer_version(current, content)
            if isinstance(given, EntryForm):  # the form holds the main answer only
                content = replace(content, answers=current.content.answers)
            if current.content == content:
                return Saved("edit", current, changed=False, notes=tuple(notes))
            await self._check_unique(conn, guild_id, content.question, except_row=rid)
            stored = await self._update(
                conn, guild_id, current, content, actor_id=actor_id, now=now, action="edit"
            )
            if stored is None:  # pragma: no cover - the write lock makes this unreachable
                raise Conflict.newer_version(current, content)
        return Saved("edit", stored, notes=tuple(notes))

    async def edit_answer(
        self,
        guild_id: int,
        actor_id: int,
        ref: str,
        language: str,
        answer: str,
        *,
        expected_version: int,
    ) -> Saved:
        """Set (or, with an empty ``answer``, drop) the entry's answer in ``language``: members
        whose Discord speaks it read that one. Versioned and audited like any edit."""
        stored = await self.find(guild_id, ref)
        answers = dict(stored.content.answers)
        text = answer.strip()
        if text:
            raw = {**stored.content.to_json(), "answers": {**answers, language: text}}
            content = self.parse_content(raw)
        else:
            answers.pop(language, None)
            content = replace(stored.content, answers=tuple(sorted(answers.items())))
        return await self.edit(
            guild_id, actor_id, stored.entry.id, content, expected_version=expected_version
        )

    async def remove(
        self, guild_id: int, actor_id: int, ref: str, *, expected_version: int | None = None
    ) -> Saved:
        """Soft delete. The confirm button passes the version it showed: if the entry was edited
        meanwhile, the moderator sees the new text before deciding again."""
        stored = await self.find(guild_id, ref)
        rid = row_id(stored.entry.id)
        assert rid is not None
        now = self._now()
        async with self.db.transaction() as conn:
            current = await self._get(conn, guild_id, rid)
            if current.deleted:
                raise CurationError(
                    "curation.already_removed",
                    title="curation.already_removed.title",
                    entry=current.entry.id,
                    by=Actor(current.deleted_by),
                    at=Moment(current.deleted_at),
                )
            version = expected_version if expected_version is not None else current.entry.version
            if current.entry.version != version:
                raise Conflict.newer_version(current, None, removing=True)
            await faq_entries.set_removed(
                conn, guild_id, rid, True, expected_version=version, actor_id=actor_id, now=now
            )
            removed = await self._get(conn, guild_id, rid)
            await faq_audit.add_audit(
                conn,
                guild_id,
                removed.entry.id,
                "remove",
                actor_id=actor_id,
                now=now,
                before=snapshot(current),
                after=None,
            )
        return Saved("remove", removed)

    async def restore(self, guild_id: int, actor_id: int, ref: str) -> Saved:
        stored = await self.find(guild_id, ref, deleted=True)
        rid = row_id(stored.entry.id)
        assert rid is not None
        now = self._now()
        async with self.db.transaction() as conn:
            current = await self._get(conn, guild_id, rid)
            if not current.deleted:
                raise CurationError("curation.not_removed", entry=current.entry.id)
            await self._check_cap(conn, guild_id, 1)
            await self._check_unique(conn, guild_id, current.entry.question)
            await faq_entries.set_removed(
                conn,
                guild_id,
                rid,
                False,
                expected_version=current.entry.version,
                actor_id=actor_id,
                now=now,
            )
            restored = await self._get(conn, guild_id, rid)
            await faq_audit.add_audit(
                conn,
                guild_id,
                restored.entry.id,
                "restore",
                actor_id=actor_id,
                now=now,
                before=None,
                after=snapshot(restored),
            )
        return Saved("restore", restored)

    async def hide(self, guild_id: int, actor_id: int, ref: str) -> HiddenChange:
        """Hide a shipped entry in this server only: it never answers here again until unhidden."""
        return await self._set_hidden(guild_id, actor_id, ref, hidden=True)

    async def unhide(self, guild_id: int, actor_id: int, ref: str) -> HiddenChange:
        return await self._set_hidden(guild_id, actor_id, ref, hidden=False)

    async def _set_hidden(
        self, guild_id: int, actor_id: int, ref: str, *, hidden: bool
    ) -> HiddenChange:
        entry = self.find_global(ref)
        now = self._now()
        async with self.db.transaction() as conn:
            if hidden:
                done = await faq_entries.hide_global(
                    conn, guild_id, entry.id, actor_id=actor_id, now=now
                )
            else:
                done = await faq_entries.unhide_global(conn, guild_id, entry.id)
            if not done:
                state = "already_hidden" if hidden else "not_hidden"
                raise CurationError(
                    f"curation.{state}", title=f"curation.{state}.title", question=entry.question
                )
            action = "hide" if hidden else "unhide"
            await faq_audit.add_audit(
                conn,
                guild_id,
                entry.id,
                action,
                actor_id=actor_id,
                now=now,
                before={"hidden": not hidden},
                after={"hidden": hidden},
            )
        return HiddenChange(action, entry)

    # -- reading -----------------------------------------------------------------------------
    async def list_page(
        self,
        guild_id: int,
        *,
        platform: str | None = None,
        page: int = 0,
        per_page: int = LIST_PAGE_SIZE,
    ) -> EntryPage:
        pid = None
        if platform and platform.strip():
            pid = self.app.resolve_platform(platform)
            if pid is None:
                raise NotFound(
                    "curation.unknown_platform",
                    title="unknown_platform.title",
                    typed=clip(member_text(platform), 60),
                )
        everything = await faq_entries.list_stored(self.db, guild_id)
        items = [s for s in everything if pid is None or pid in s.entry.platforms]
        page, pages = page_bounds(len(items), page, per_page)
        hidden_ids = await faq_entries.hidden_ids(self.db, guild_id)
        hidden = [e for e in self.app.kb.faq.values() if e.id in hidden_ids]
        return EntryPage(
            items=items[page * per_page : (page + 1) * per_page],
            page=page,
            pages=pages,
            total=len(items),
            total_all=len(everything),
            platform=pid,
            hidden=hidden,
        )

    async def history(
        self, guild_id: int, ref: str, *, page: int = 0, per_page: int = HISTORY_PAGE_SIZE
    ) -> HistoryPage:
        """An entry's audit trail, newest first: who changed what, when, before -> after."""
        ref = ref.strip()
        if row_id(ref) is not None:
            stored = await self.find(guild_id, ref, deleted=None)
            key, title = stored.entry.id, stored.entry.question
        elif ref in self.app.kb.faq:
            key, title = ref, self.app.kb.faq[ref].question
        elif ref.startswith("suggestion-") and await faq_audit.audit_count(self.db, guild_id, ref):
            key, title = ref, "A member's suggestion"
        else:
            try:
                stored = await self.find(guild_id, ref, deleted=None)
                key, title = stored.entry.id, stored.entry.question
            except NotFound:
                entry = self.find_global(ref)
                key, title = entry.id, entry.question
        total = await faq_audit.audit_count(self.db, guild_id, key)
        page, pages = page_bounds(total, page, per_page)
        records = await faq_audit.audit_trail(
            self.db, guild_id, key, limit=per_page, offset=page * per_page
        )
        return HistoryPage(key, title, records, page, pages, total)

    async def export(self, guild_id: int, fmt: str = "toml") -> ExportFile:
        """This server's live entries in the shipped FAQ schema (TOML or JSON)."""
        if fmt not in ("toml", "json"):
            raise CurationError("curation.export.format")
        entries = [s.entry for s in await faq_entries.list_stored(self.db, guild_id)]
        if not entries:
            raise NotFound("curation.export.empty", title="curation.export.empty.title")
        rows = [export_row(e) for e in entries]
        data = to_json(rows) if fmt == "json" else to_toml(rows, guild_id, self._now())
        return ExportFile(f"faq-{guild_id}.{fmt}", data.encode("utf-8"), len(entries))
