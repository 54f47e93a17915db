"""Guild FAQ entries (moderators' own answers), hidden shipped entries and the change generation.

Entries are exposed as ``FaqEntry`` with the public id ``guild-<n>`` so the matcher and renderers
treat them exactly like shipped entries.

The read side feeds the answer path (``App.guild_view``); the write side below is used by the
curation service (``bot.curation``), always inside ``Database.transaction()``, so an entry,
its audit record and the generation bump commit together or not at all. Edits, removals and
restores are optimistic: ``WHERE version = ?`` makes a concurrent change visible as a conflict
instead of a silent overwrite.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.knowledge.model import GUILD_ID_PREFIX, FaqEntry
from bot.store.db import Connection, Database, Row


def public_id(row_id: int) -> str:
    return f"{GUILD_ID_PREFIX}{row_id}"


def row_id(public: str) -> int | None:
    if not public.startswith(GUILD_ID_PREFIX):
        return None
    tail = public[len(GUILD_ID_PREFIX) :]
    return int(tail) if tail.isdigit() else None


def entry_from_row(row: Row) -> FaqEntry:
    return FaqEntry(
        id=public_id(row["id"]),
        question=row["question"],
        answer=row["answer"],
        platforms=tuple(json.loads(row["platforms"])),
        topics=tuple(json.loads(row["topics"])),
        links=tuple(json.loads(row["links"])),
        phrasings=tuple(json.loads(row["phrasings"])),
        answers=tuple(sorted(json.loads(row["answers"] or "{}").items())),
        guild_id=row["guild_id"],
        version=row["version"],
    )


async def generation(db: Database, guild_id: int, *, conn: Connection | None = None) -> int:
    row = await db.fetchone(
        "SELECT generation FROM guild_faq_state WHERE guild_id = ?", (guild_id,), conn=conn
    )
    return int(row["generation"]) if row else 0


async def bump_generation(conn: Connection, guild_id: int) -> None:
    """Call inside the transaction that changes a guild's entries or hidden set."""
    await conn.execute(
        "INSERT INTO guild_faq_state (guild_id, generation) VALUES (?, 1) "
        "ON CONFLICT (guild_id) DO UPDATE SET generation = guild_faq_state.generation + 1",
        (guild_id,),
    )


async def list_entries(
    db: Database,
    guild_id: int,
    *,
    include_deleted: bool = False,
    conn: Connection | None = None,
) -> list[FaqEntry]:
    sql = "SELECT * FROM guild_faq WHERE guild_id = ?"
    if not include_deleted:
        sql += " AND deleted_at IS NULL"
    rows = await db.fetchall(sql + " ORDER BY id", (guild_id,), conn=conn)
    return [entry_from_row(r) for r in rows]


async def hidden_ids(
    db: Database, guild_id: int, *, conn: Connection | None = None
) -> frozenset[str]:
    rows = await db.fetchall(
        "SELECT entry_id FROM guild_hidden_faq WHERE guild_id = ?", (guild_id,), conn=conn
    )
    return frozenset(r["entry_id"] for r in rows)


# -- write side ------------------------------------------------------------------------------
# Every helper below that changes a guild's entries or hidden set bumps the guild's generation
# itself, inside the caller's transaction, so no write path can forget it: that bump is what
# makes a change visible to every process's cached search index (App.guild_view).


@dataclass(frozen=True, slots=True)
class EntryContent:
    """What a moderator controls in an entry: the same fields as a ``[[faq]]`` table."""

    question: str
    answer: str
    phrasings: tuple[str, ...] = ()
    platforms: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    answers: tuple[tuple[str, str], ...] = ()  # (locale, answer) besides the main answer

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "question": self.question,
            "phrasings": list(self.phrasings),
            "answer": self.answer,
            "platforms": list(self.platforms),
            "topics": list(self.topics),
            "links": list(self.links),
        }
        if self.answers:
            data["answers"] = dict(self.answers)
        return data

    @classmethod
    def of(cls, entry: FaqEntry) -> EntryContent:
        return cls(
            question=entry.question,
            answer=entry.answer,
            phrasings=tuple(entry.phrasings),
            platforms=tuple(entry.platforms),
            topics=tuple(entry.topics),
            links=tuple(entry.links),
            answers=tuple(entry.answers),
        )


@dataclass(frozen=True, slots=True)
class StoredEntry:
    """A guild entry with its bookkeeping (who made/changed/removed it, when)."""

    entry: FaqEntry
    created_by: int
    created_at: str
    updated_by: int
    updated_at: str
    deleted_by: int | None = None
    deleted_at: str | None = None

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def content(self) -> EntryContent:
        return EntryContent.of(self.entry)


def _stored(row: Row) -> StoredEntry:
    return StoredEntry(
        entry=entry_from_row(row),
        created_by=row["created_by"],
        created_at=row["created_at"],
        updated_by=row["updated_by"],
        updated_at=row["updated_at"],
        deleted_by=row["deleted_by"],
        deleted_at=row["deleted_at"],
    )


def _dump(items: tuple[str, ...]) -> str:
    return json.dumps(list(items), ensure_ascii=False)


def _columns(content: EntryContent) -> tuple[str, ...]:
    """question, phrasings, answer, platforms, topics, links, answers — the order every write
    uses."""
    return (
        content.question,
        _dump(content.phrasings),
        content.answer,
        _dump(content.platforms),
        _dump(content.topics),
        _dump(content.links),
        json.dumps(dict(content.answers), ensure_ascii=False, sort_keys=True),
    )


async def get_entry(
    db: Database, guild_id: int, entry_row: int, *, conn: Connection | None = None
) -> StoredEntry | None:
    """One entry of this guild, removed or not; None when it does not belong to the guild."""
    row = await db.fetchone(
        "SELECT * FROM guild_faq WHERE id = ? AND guild_id = ?", (entry_row, guild_id), conn=conn
    )
    return _stored(row) if row else None


async def list_stored(
    db: Database,
    guild_id: int,
    *,
    deleted: bool | None = False,
    conn: Connection | None = None,
) -> list[StoredEntry]:
    """This guild's entries: live (``deleted=False``), removed (``True``) or all (``None``)."""
    sql = "SELECT * FROM guild_faq WHERE guild_id = ?"
    if deleted is True:
        sql += " AND deleted_at IS NOT NULL"
    elif deleted is False:
        sql += " AND deleted_at IS NULL"
    rows = await db.fetchall(sql + " ORDER BY id", (guild_id,), conn=conn)
    return [_stored(r) for r in rows]


async def count_live(db: Database, guild_id: int, *, conn: Connection | None = None) -> int:
    row = await db.fetchone(
        "SELECT count(*) AS n FROM guild_faq WHERE guild_id = ? AND deleted_at IS NULL",
        (guild_id,),
        conn=conn,
    )
    return int(row["n"]) if row else 0


async def insert_entry(
    conn: Connection, guild_id: int, content: EntryContent, *, actor_id: int, now: str
) -> int:
    """A new live entry at version 1; returns its row id."""
    new_id = await conn.fetchval(
        "INSERT INTO guild_faq (guild_id, question, phrasings, answer, platforms, topics, links, "
        "answers, version, created_by, created_at, updated_by, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?) RETURNING id",
        (guild_id, *_columns(content), actor_id, now, actor_id, now),
    )
    await bump_generation(conn, guild_id)
    return int(new_id)


async def update_entry(
    conn: Connection,
    guild_id: int,
    entry_row: int,
    content: EntryContent,
    *,
    expected_version: int,
    actor_id: int,
    now: str,
) -> bool:
    """Optimistic update: False (nothing written) unless the live entry is still at
    ``expected_version`` — the caller then reports a conflict instead of overwriting."""
    updated = await conn.execute(
        "UPDATE guild_faq SET question = ?, phrasings = ?, answer = ?, platforms = ?, "
        "topics = ?, links = ?, answers = ?, version = version + 1, updated_by = ?, "
        "updated_at = ? "
        "WHERE id = ? AND guild_id = ? AND version = ? AND deleted_at IS NULL",
        (*_columns(content), actor_id, now, entry_row, guild_id, expected_version),
    )
    if updated != 1:
        return False
    await bump_generation(conn, guild_id)
    return True


async def set_removed(
    conn: Connection,
    guild_id: int,
    entry_row: int,
    removed: bool,
    *,
    expected_version: int,
    actor_id: int,
    now: str,
) -> bool:
    """Soft delete (``removed``) or restore: the row stays for ``restore`` and the audit trail.
    Versioned like edits: False (nothing written) when someone changed it in between."""
    if removed:
        change, state = "deleted_by = ?, deleted_at = ?", "deleted_at IS NULL"
        params: tuple[object, ...] = (actor_id, now)
    else:
        change, state = "deleted_by = NULL, deleted_at = NULL", "deleted_at IS NOT NULL"
        params = ()
    updated = await conn.execute(
        f"UPDATE guild_faq SET {change}, version = version + 1, updated_by = ?, updated_at = ? "
        f"WHERE id = ? AND guild_id = ? AND version = ? AND {state}",
        (*params, actor_id, now, entry_row, guild_id, expected_version),
    )
    if updated != 1:
        return False
    await bump_generation(conn, guild_id)
    return True


async def hide_global(
    conn: Connection, guild_id: int, entry_id: str, *, actor_id: int, now: str
) -> bool:
    """Hide a shipped entry in one guild; False when it already was."""
    hidden = await conn.execute(
        "INSERT INTO guild_hidden_faq (guild_id, entry_id, hidden_by, hidden_at) "
        "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (guild_id, entry_id, actor_id, now),
    )
    if hidden != 1:
        return False
    await bump_generation(conn, guild_id)
    return True


async def unhide_global(conn: Connection, guild_id: int, entry_id: str) -> bool:
    shown = await conn.execute(
        "DELETE FROM guild_hidden_faq WHERE guild_id = ? AND entry_id = ?", (guild_id, entry_id)
    )
    if shown != 1:
        return False
    await bump_generation(conn, guild_id)
    return True
