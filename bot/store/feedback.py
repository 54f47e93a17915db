"""Members' corrections: "Not what I asked" presses and the alternative picked after each.

Each press is one row; picking an alternative from the list it opened fills in ``chosen``.
Only the first pick counts (a member browsing the other answers afterwards is not a label).
``python -m bot feedback export`` turns chosen rows into labelled questions.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.store.db import Connection, Database, Row


@dataclass(frozen=True, slots=True)
class FeedbackRow:
    id: int
    guild_id: int | None
    query: str
    shown_kind: str | None
    shown_id: str | None
    chosen_kind: str | None
    chosen_id: str | None
    pressed_at: str
    chosen_at: str | None


def _row(row: Row) -> FeedbackRow:
    return FeedbackRow(**dict(row))


async def record_press(
    conn: Connection,
    guild_id: int | None,
    query: str,
    shown: tuple[str, str] | None,
    *,
    now: str,
) -> int:
    """A "Not what I asked" press; returns the id the alternatives' buttons carry."""
    kind, item = shown if shown else (None, None)
    new_id = await conn.fetchval(
        "INSERT INTO answer_feedback (guild_id, query, shown_kind, shown_id, pressed_at) "
        "VALUES (?, ?, ?, ?, ?) RETURNING id",
        (guild_id, query, kind, item, now),
    )
    return int(new_id)


async def record_choice(
    conn: Connection, feedback_id: int, kind: str, item_id: str, *, now: str
) -> bool:
    """The alternative picked after a press; False if one was already recorded (or no row)."""
    changed = await conn.execute(
        "UPDATE answer_feedback SET chosen_kind = ?, chosen_id = ?, chosen_at = ? "
        "WHERE id = ? AND chosen_kind IS NULL",
        (kind, item_id, now, feedback_id),
    )
    return changed == 1


async def list_feedback(
    db: Database,
    *,
    guild_id: int | None = None,
    chosen_only: bool = False,
    conn: Connection | None = None,
) -> list[FeedbackRow]:
    """Presses, oldest first; only one server's with ``guild_id``."""
    where: list[str] = []
    params: list[object] = []
    if guild_id is not None:
        where.append("guild_id = ?")
        params.append(guild_id)
    if chosen_only:
        where.append("chosen_kind IS NOT NULL")
    sql = "SELECT * FROM answer_feedback"
    if where:
        sql += " WHERE " + " AND ".join(where)
    rows = await db.fetchall(sql + " ORDER BY id", tuple(params), conn=conn)
    return [_row(r) for r in rows]
