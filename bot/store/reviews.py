"""Curated clauses whose exact quote is no longer in the document the watcher fetched.

After ToS;DR: every re-crawl searches each quote again, and a quote that vanished marks its
clause for review instead of silently going on showing a sentence the platform removed. Answers
show a note for pending clauses; ``python -m bot db review`` lists and resolves them.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.store import clock
from bot.store.db import Connection, Database


@dataclass(frozen=True, slots=True)
class PendingReview:
    clause_id: str
    source_id: str
    flagged_at: str


async def pending(db: Database) -> list[PendingReview]:
    rows = await db.fetchall(
        "SELECT clause_id, source_id, flagged_at FROM clause_review WHERE resolved_at IS NULL "
        "ORDER BY flagged_at, clause_id"
    )
    return [PendingReview(**dict(r)) for r in rows]


async def resolve(db: Database, clause_id: str, *, resolution: str = "reviewed") -> bool:
    """Mark a flagged clause as reviewed; False when nothing was pending for it."""
    async with db.transaction() as conn:
        return await resolve_in(conn, clause_id, resolution)


async def resolve_in(conn: Connection, clause_id: str, resolution: str) -> bool:
    resolved = await conn.execute(
        "UPDATE clause_review SET resolved_at = ?, resolution = ? "
        "WHERE clause_id = ? AND resolved_at IS NULL",
        (clock.now_iso(), resolution, clause_id),
    )
    return resolved > 0


async def flag(conn: Connection, clause_id: str, source_id: str) -> bool:
    """Flag a clause (again, if it was resolved before); False when it is already pending."""
    flagged = await conn.execute(
        "INSERT INTO clause_review (clause_id, source_id, flagged_at) VALUES (?, ?, ?) "
        "ON CONFLICT (clause_id) DO UPDATE SET source_id = excluded.source_id, "
        "flagged_at = excluded.flagged_at, resolved_at = NULL, resolution = NULL "
        "WHERE clause_review.resolved_at IS NOT NULL",
        (clause_id, source_id, clock.now_iso()),
    )
    return flagged > 0
