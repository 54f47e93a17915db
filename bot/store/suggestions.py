"""Members' suggested questions: the moderators' review queue and each member's rate limit."""

from __future__ import annotations

from dataclasses import dataclass

from bot.store.db import Connection, Database, Row


@dataclass(frozen=True, slots=True)
class SuggestionRow:
    id: int
    guild_id: int
    member_id: int
    channel_id: int | None
    question: str
    answer: str | None
    status: str
    created_at: str
    reviewed_by: int | None = None
    reviewed_at: str | None = None
    reason: str | None = None
    entry_id: int | None = None


def _suggestion(row: Row) -> SuggestionRow:
    return SuggestionRow(**dict(row))


async def insert_suggestion(
    conn: Connection,
    guild_id: int,
    member_id: int,
    channel_id: int | None,
    question: str,
    answer: str | None,
    *,
    now: str,
) -> int:
    new_id = await conn.fetchval(
        "INSERT INTO faq_suggestion (guild_id, member_id, channel_id, question, answer, "
        "status, created_at) VALUES (?, ?, ?, ?, ?, 'pending', ?) RETURNING id",
        (guild_id, member_id, channel_id, question, answer, now),
    )
    return int(new_id)


async def member_suggestions_since(
    db: Database,
    guild_id: int,
    member_id: int,
    since: str,
    *,
    conn: Connection | None = None,
) -> list[str]:
    """Creation times of a member's suggestions after ``since`` (oldest first): the rate limit."""
    rows = await db.fetchall(
        "SELECT created_at FROM faq_suggestion WHERE guild_id = ? AND member_id = ? "
        "AND created_at > ? ORDER BY created_at",
        (guild_id, member_id, since),
        conn=conn,
    )
    return [r["created_at"] for r in rows]


async def pending_suggestions(
    db: Database,
    guild_id: int,
    *,
    limit: int = 1000,
    offset: int = 0,
    conn: Connection | None = None,
) -> list[SuggestionRow]:
    """The queue, oldest first (first come, first reviewed)."""
    rows = await db.fetchall(
        "SELECT * FROM faq_suggestion WHERE guild_id = ? AND status = 'pending' "
        "ORDER BY id LIMIT ? OFFSET ?",
        (guild_id, limit, offset),
        conn=conn,
    )
    return [_suggestion(r) for r in rows]


async def pending_count(db: Database, guild_id: int, *, conn: Connection | None = None) -> int:
    row = await db.fetchone(
        "SELECT count(*) AS n FROM faq_suggestion WHERE guild_id = ? AND status = 'pending'",
        (guild_id,),
        conn=conn,
    )
    return int(row["n"]) if row else 0


async def get_suggestion(
    db: Database, guild_id: int, suggestion_id: int, *, conn: Connection | None = None
) -> SuggestionRow | None:
    row = await db.fetchone(
        "SELECT * FROM faq_suggestion WHERE id = ? AND guild_id = ?",
        (suggestion_id, guild_id),
        conn=conn,
    )
    return _suggestion(row) if row else None


async def review_suggestion(
    conn: Connection,
    guild_id: int,
    suggestion_id: int,
    *,
    status: str,
    reviewer_id: int,
    now: str,
    reason: str | None = None,
    entry_row: int | None = None,
) -> bool:
    """Close a pending suggestion; False when someone else already reviewed it."""
    reviewed = await conn.execute(
        "UPDATE faq_suggestion SET status = ?, reviewed_by = ?, reviewed_at = ?, reason = ?, "
        "entry_id = ? WHERE id = ? AND guild_id = ? AND status = 'pending'",
        (status, reviewer_id, now, reason, entry_row, suggestion_id, guild_id),
    )
    return reviewed == 1
