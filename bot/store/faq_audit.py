"""The audit log of a guild's FAQ: who changed which entry, when, and the before/after text.

Records are written by the curation service in the same transaction as the change they
describe, so the log never lies.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.store.db import Connection, Database, Row


@dataclass(frozen=True, slots=True)
class AuditRow:
    id: int
    guild_id: int
    entry_ref: str
    action: str
    actor_id: int
    at: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def _audit(row: Row) -> AuditRow:
    return AuditRow(
        id=row["id"],
        guild_id=row["guild_id"],
        entry_ref=row["entry_ref"],
        action=row["action"],
        actor_id=row["actor_id"],
        at=row["at"],
        before=json.loads(row["before"]) if row["before"] else None,
        after=json.loads(row["after"]) if row["after"] else None,
    )


async def add_audit(
    conn: Connection,
    guild_id: int,
    entry_ref: str,
    action: str,
    *,
    actor_id: int,
    now: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> int:
    """Record one change; call in the transaction that makes it, so the log never lies."""
    new_id = await conn.fetchval(
        "INSERT INTO faq_audit (guild_id, entry_ref, action, actor_id, at, before, after) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (
            guild_id,
            entry_ref,
            action,
            actor_id,
            now,
            json.dumps(before, ensure_ascii=False) if before is not None else None,
            json.dumps(after, ensure_ascii=False) if after is not None else None,
        ),
    )
    return int(new_id)


async def audit_trail(
    db: Database,
    guild_id: int,
    entry_ref: str,
    *,
    limit: int = 50,
    offset: int = 0,
    conn: Connection | None = None,
) -> list[AuditRow]:
    """One entry's changes, newest first."""
    rows = await db.fetchall(
        "SELECT * FROM faq_audit WHERE guild_id = ? AND entry_ref = ? "
        "ORDER BY id DESC LIMIT ? OFFSET ?",
        (guild_id, entry_ref, limit, offset),
        conn=conn,
    )
    return [_audit(r) for r in rows]


async def audit_count(
    db: Database, guild_id: int, entry_ref: str, *, conn: Connection | None = None
) -> int:
    row = await db.fetchone(
        "SELECT count(*) AS n FROM faq_audit WHERE guild_id = ? AND entry_ref = ?",
        (guild_id, entry_ref),
        conn=conn,
    )
    return int(row["n"]) if row else 0


async def audited_refs(db: Database, guild_id: int, *, conn: Connection | None = None) -> list[str]:
    """Every entry reference with at least one audit record in the guild, newest change first."""
    rows = await db.fetchall(
        "SELECT entry_ref, max(id) AS last FROM faq_audit WHERE guild_id = ? "
        "GROUP BY entry_ref ORDER BY last DESC",
        (guild_id,),
        conn=conn,
    )
    return [r["entry_ref"] for r in rows]
