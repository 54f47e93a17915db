"""Guild FAQ entries (moderators' own answers), hidden global entries and the change generation.

Entries are exposed as ``FaqEntry`` with the public id ``guild-<n>`` so the matcher and renderers
treat them exactly like shipped entries.
"""

from __future__ import annotations

import json
import sqlite3

import aiosqlite

from bot.knowledge.loader import GUILD_ID_PREFIX
from bot.knowledge.model import FaqEntry
from bot.store.db import Database


def public_id(row_id: int) -> str:
    return f"{GUILD_ID_PREFIX}{row_id}"


def row_id(public: str) -> int | None:
    if not public.startswith(GUILD_ID_PREFIX):
        return None
    tail = public[len(GUILD_ID_PREFIX) :]
    return int(tail) if tail.isdigit() else None


def entry_from_row(row: sqlite3.Row) -> FaqEntry:
    return FaqEntry(
        id=public_id(row["id"]),
        question=row["question"],
        answer=row["answer"],
        platforms=tuple(json.loads(row["platforms"])),
        topics=tuple(json.loads(row["topics"])),
        links=tuple(json.loads(row["links"])),
        phrasings=tuple(json.loads(row["phrasings"])),
        guild_id=row["guild_id"],
        version=row["version"],
    )


async def generation(
    db: Database, guild_id: int, *, conn: aiosqlite.Connection | None = None
) -> int:
    row = await db.fetchone(
        "SELECT generation FROM guild_faq_state WHERE guild_id = ?", (guild_id,), conn=conn
    )
    return int(row["generation"]) if row else 0


async def bump_generation(conn: aiosqlite.Connection, guild_id: int) -> None:
    """Call inside the transaction that changes a guild's entries or hidden set."""
    await conn.execute(
        "INSERT INTO guild_faq_state (guild_id, generation) VALUES (?, 1) "
        "ON CONFLICT (guild_id) DO UPDATE SET generation = generation + 1",
        (guild_id,),
    )


async def list_entries(
    db: Database,
    guild_id: int,
    *,
    include_deleted: bool = False,
    conn: aiosqlite.Connection | None = None,
) -> list[FaqEntry]:
    sql = "SELECT * FROM guild_faq WHERE guild_id = ?"
    if not include_deleted:
        sql += " AND deleted_at IS NULL"
    rows = await db.fetchall(sql + " ORDER BY id", (guild_id,), conn=conn)
    return [entry_from_row(r) for r in rows]


async def hidden_ids(
    db: Database, guild_id: int, *, conn: aiosqlite.Connection | None = None
) -> frozenset[str]:
    rows = await db.fetchall(
        "SELECT entry_id FROM guild_hidden_faq WHERE guild_id = ?", (guild_id,), conn=conn
    )
    return frozenset(r["entry_id"] for r in rows)
