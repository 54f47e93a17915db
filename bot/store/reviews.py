"""Curated clauses whose exact quote is no longer in the document the watcher fetched.

After ToS;DR: every re-crawl searches each quote again, and a quote that vanished marks its
clause for review instead of silently going on showing a sentence the platform removed. Answers
show a note for pending clauses; ``python -m bot db review`` lists and resolves them.

A flag has a reason: ``missing`` (the quote vanished) or ``nearby`` (the quote is still there,
but a sentence of its paragraph changed: an alert named the clause in "What Fine Print said").
Finding the quote again resolves a ``missing`` flag by itself; a ``nearby`` one waits for a
person, since the quote being there is exactly what it was flagged with. A clause flagged
``nearby`` whose quote then vanishes becomes ``missing``.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.store import clock
from bot.store.db import Connection, Database

MISSING = "missing"
NEARBY = "nearby"
REASONS = (MISSING, NEARBY)


@dataclass(frozen=True, slots=True)
class PendingReview:
    clause_id: str
    source_id: str
    flagged_at: str
    reason: str = MISSING


async def pending(db: Database) -> list[PendingReview]:
    rows = await db.fetchall(
        "SELECT clause_id, source_id, flagged_at, reason FROM clause_review "
        "WHERE resolved_at IS NULL ORDER BY flagged_at, clause_id"
    )
    return [PendingReview(**dict(r)) for r in rows]


async def resolve(db: Database, clause_id: str, *, resolution: str = "reviewed") -> bool:
    """Mark a flagged clause as reviewed; False when nothing was pending for it."""
    async with db.transaction() as conn:
        return await resolve_in(conn, clause_id, resolution)


async def resolve_in(
    conn: Connection, clause_id: str, resolution: str, *, only: str | None = None
) -> bool:
    """Resolve a pending flag (``only`` one with that reason)."""
    sql = (
        "UPDATE clause_review SET resolved_at = ?, resolution = ? "
        "WHERE clause_id = ? AND resolved_at IS NULL"
    )
    params: tuple[str, ...] = (clock.now_iso(), resolution, clause_id)
    if only is not None:
        sql += " AND reason = ?"
        params += (only,)
    resolved = await conn.execute(sql, params)
    return resolved > 0


async def flag(conn: Connection, clause_id: str, source_id: str, *, reason: str = MISSING) -> bool:
    """Flag a clause (again, if it was resolved before; as missing, if it was pending as
    nearby); False when it is already pending for that reason or a stronger one."""
    if reason not in REASONS:
        raise ValueError(f"unknown review reason {reason!r}")
    flagged = await conn.execute(
        "INSERT INTO clause_review (clause_id, source_id, flagged_at, reason) "
        "VALUES (?, ?, ?, ?) "
        "ON CONFLICT (clause_id) DO UPDATE SET source_id = excluded.source_id, "
        "flagged_at = excluded.flagged_at, resolved_at = NULL, resolution = NULL, "
        "reason = excluded.reason "
        "WHERE clause_review.resolved_at IS NOT NULL "
        "OR (clause_review.reason <> excluded.reason AND excluded.reason = 'missing')",
        (clause_id, source_id, clock.now_iso(), reason),
    )
    return flagged > 0
