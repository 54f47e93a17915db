"""Alerts, notices and the delivery outbox.

``record_alert`` / ``record_notice`` take the caller's connection: they run inside the
transaction that also records the seen item or snapshot, so an alert and its outbox rows exist
exactly when the thing that caused them is marked seen (DESIGN.md, reliability rules). Outbox rows
are unique per (alert, channel) and carry a deterministic nonce; a row is marked sent only after
Discord accepted the message. A weekly channel gets no outbox row per alert: the alert becomes an
item of its next digest (``bot.store.digests``), in the same transaction, and the digest gets
one outbox row of its own when its week closes (``queue_digest``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.alerts.model import (
    Alert,
    AlertLinks,
    Notice,
    PassageVerdict,
    TouchedClause,
    delivery_nonce,
)
from bot.store import clock, digests
from bot.store import subscriptions as subs
from bot.store.db import Connection, Database


@dataclass(frozen=True, slots=True)
class OutboxRow:
    id: int
    alert_id: str | None
    notice_id: str | None
    digest_id: str | None
    guild_id: int
    channel_id: int
    mention_role_id: int | None
    nonce: str
    attempts: int
    first_try_at: str | None = None

    @property
    def marker(self) -> str:
        """What the posted message carries so it can be found again (its footer): the id of the
        alert, notice or digest."""
        return self.alert_id or self.notice_id or self.digest_id or self.nonce


def _alert(row: Any) -> Alert:
    return Alert(
        id=row["id"],
        source=row["source_id"],
        platform=row["platform"],
        kind=row["kind"],
        title=row["title"],
        url=row["url"],
        relevance=row["relevance"],
        ai_relevant=bool(row["ai_relevant"]),
        added=tuple(json.loads(row["added"])),
        removed=tuple(json.loads(row["removed"])),
        detected_at=row["detected_at"],
        document=row["document"],
        why=tuple(json.loads(row["why"])),
        guild_id=row["guild_id"],
        fingerprint=tuple(json.loads(row["fingerprint"])),
        platform_name=row["platform_name"],
        passages=tuple(PassageVerdict.from_dict(p) for p in json.loads(row["passages"])),
        edits=row["edits"],
        links=AlertLinks.from_dict(json.loads(row["links"])),
        clauses=tuple(TouchedClause.from_dict(c) for c in json.loads(row["clauses"])),
    )


async def record_alert(db: Database, alert: Alert, conn: Connection) -> int | None:
    """Insert the alert, one outbox row per interested instant channel and one digest item per
    interested weekly channel; returns the outbox rows queued.

    ``None``: the alert id already exists (the same thing seen again) and nothing was queued.
    """
    inserted = await conn.execute(
        "INSERT INTO alert (id, source_id, guild_id, platform, document, kind, title, "
        "url, relevance, ai_relevant, added, removed, why, fingerprint, detected_at, passages, "
        "edits, platform_name, links, clauses) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
        "ON CONFLICT DO NOTHING",
        (
            alert.id,
            alert.source,
            alert.guild_id,
            alert.platform,
            alert.document,
            alert.kind,
            alert.title,
            alert.url,
            alert.relevance,
            int(alert.ai_relevant),
            json.dumps(list(alert.added), ensure_ascii=False),
            json.dumps(list(alert.removed), ensure_ascii=False),
            json.dumps(list(alert.why), ensure_ascii=False),
            json.dumps(list(alert.fingerprint)),
            alert.detected_at,
            json.dumps([p.to_dict() for p in alert.passages], ensure_ascii=False),
            alert.edits,
            alert.platform_name,
            json.dumps(alert.links.to_dict(), ensure_ascii=False),
            json.dumps([c.to_dict() for c in alert.clauses], ensure_ascii=False),
        ),
    )
    if inserted == 0:
        return None
    channels = await subs.recipients(
        db, alert.platform, ai_relevant=alert.ai_relevant, guild_id=alert.guild_id, conn=conn
    )
    weekly = [(s.guild_id, s.channel_id) for s in channels if s.weekly]
    if weekly:
        await digests.collect(conn, alert.id, alert.detected_at, weekly)
    return await _queue(conn, "alert_id", alert.id, [s for s in channels if not s.weekly])


async def record_notice(db: Database, notice: Notice, conn: Connection) -> int:
    inserted = await conn.execute(
        "INSERT INTO notice (id, source_id, guild_id, platform, title, body, created_at) "
        "VALUES (?,?,?,?,?,?,?) ON CONFLICT DO NOTHING",
        (
            notice.id,
            notice.source,
            notice.guild_id,
            notice.platform,
            notice.title,
            notice.body,
            notice.created_at,
        ),
    )
    if inserted == 0:
        return 0
    channels = await subs.recipients(
        db, notice.platform, ai_relevant=True, guild_id=notice.guild_id, conn=conn, notice=True
    )
    return await _queue(conn, "notice_id", notice.id, channels)


async def _queue(conn: Connection, column: str, ref: str, channels: list[subs.Subscription]) -> int:
    now = clock.now_iso()
    rows = [
        (
            ref,
            s.guild_id,
            s.channel_id,
            s.mention_role_id,
            delivery_nonce(ref, s.channel_id),
            now,
            now,
        )
        for s in channels
    ]
    await conn.executemany(
        f"INSERT INTO outbox ({column}, guild_id, channel_id, mention_role_id, nonce, "
        "next_try_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        rows,
    )
    return len(rows)


async def queue_digest(
    conn: Connection, digest_id: str, guild_id: int, channel_id: int, mention_role_id: int | None
) -> None:
    """The outbox row of a digest just claimed (same transaction), with its deterministic nonce."""
    now = clock.now_iso()
    await conn.execute(
        "INSERT INTO outbox (digest_id, guild_id, channel_id, mention_role_id, nonce, "
        "next_try_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (
            digest_id,
            guild_id,
            channel_id,
            mention_role_id,
            delivery_nonce(digest_id, channel_id),
            now,
            now,
        ),
    )


async def similar_recent(
    db: Database,
    platform: str | None,
    document: str | None,
    fingerprint: tuple[str, ...],
    *,
    since: str,
    conn: Connection | None = None,
    threshold: float = 0.6,
) -> str | None:
    """A recent terms-change alert about the same change (another source saw it first).

    The fingerprints hash each passage WITH its direction (``change_fingerprint``), so the
    same sentence added by one source and removed by another are different changes."""
    if not fingerprint or platform is None:
        return None
    rows = await db.fetchall(
        "SELECT id, fingerprint FROM alert WHERE kind = 'terms-change' AND platform = ? "
        "AND document IS NOT DISTINCT FROM ? AND detected_at >= ?",
        (platform, document, since),
        conn=conn,
    )
    mine = set(fingerprint)
    for row in rows:
        theirs = set(json.loads(row["fingerprint"]))
        if theirs and len(mine & theirs) / len(mine | theirs) >= threshold:
            return row["id"]
    return None


async def get_alert(db: Database, alert_id: str) -> Alert | None:
    row = await db.fetchone("SELECT * FROM alert WHERE id = ?", (alert_id,))
    return _alert(row) if row else None


async def get_notice(db: Database, notice_id: str) -> Notice | None:
    row = await db.fetchone("SELECT * FROM notice WHERE id = ?", (notice_id,))
    if row is None:
        return None
    return Notice(
        id=row["id"],
        source=row["source_id"],
        platform=row["platform"],
        title=row["title"],
        body=row["body"],
        created_at=row["created_at"],
        guild_id=row["guild_id"],
    )


async def get_alerts(db: Database, alert_ids: tuple[str, ...]) -> list[Alert]:
    """These alerts, in the order given (those that no longer exist are left out)."""
    if not alert_ids:
        return []
    marks = ", ".join("?" for _ in alert_ids)
    rows = await db.fetchall(f"SELECT * FROM alert WHERE id IN ({marks})", alert_ids)
    found = {r["id"]: _alert(r) for r in rows}
    return [found[i] for i in alert_ids if i in found]


async def latest_for_platform(db: Database, platform: str, guild_id: int | None) -> Alert | None:
    """The newest alert about ``platform`` that this guild could receive (shipped sources, or
    its own; never another server's own source)."""
    row = await db.fetchone(
        "SELECT * FROM alert WHERE platform = ? AND (guild_id IS NULL OR guild_id = ?) "
        "ORDER BY detected_at DESC, id LIMIT 1",
        (platform, guild_id),
    )
    return _alert(row) if row else None


async def recent_alerts(db: Database, limit: int = 20) -> list[Alert]:
    rows = await db.fetchall("SELECT * FROM alert ORDER BY detected_at DESC LIMIT ?", (limit,))
    return [_alert(r) for r in rows]


# -- outbox ----------------------------------------------------------------------------------


async def due(db: Database, *, limit: int = 100) -> list[OutboxRow]:
    """Pending rows whose time has come, oldest first."""
    rows = await db.fetchall(
        "SELECT id, alert_id, notice_id, digest_id, guild_id, channel_id, mention_role_id, nonce, "
        "attempts, first_try_at "
        "FROM outbox WHERE status = 'pending' AND next_try_at <= ? ORDER BY id LIMIT ?",
        (clock.now_iso(), limit),
    )
    return [OutboxRow(**dict(r)) for r in rows]


async def next_due_at(db: Database) -> str | None:
    row = await db.fetchone("SELECT min(next_try_at) AS t FROM outbox WHERE status = 'pending'")
    return row["t"] if row else None


async def mark_trying(db: Database, row_id: int) -> None:
    """Record the first time a row is handed to Discord, before the send."""
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE outbox SET first_try_at = ? WHERE id = ? AND first_try_at IS NULL",
            (clock.now_iso(), row_id),
        )


async def mark_sent(db: Database, row_id: int, message_id: int) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE outbox SET status = 'sent', message_id = ?, done_at = ?, "
            "attempts = attempts + 1, last_error = NULL WHERE id = ?",
            (message_id, clock.now_iso(), row_id),
        )


async def mark_retry(db: Database, row_id: int, error: str, delay: float) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_try_at = ? "
            "WHERE id = ?",
            (error, clock.later_iso(delay), row_id),
        )


async def mark_failed(db: Database, row_id: int, error: str) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = ?, "
            "done_at = ? WHERE id = ?",
            (error, clock.now_iso(), row_id),
        )


async def fail_channel(db: Database, channel_id: int, reason: str) -> int:
    """Discord refuses this channel for good: fail its pending rows and stop queueing for it."""
    async with db.transaction() as conn:
        failed = await conn.execute(
            "UPDATE outbox SET status = 'failed', last_error = ?, done_at = ? "
            "WHERE channel_id = ? AND status = 'pending'",
            (reason, clock.now_iso(), channel_id),
        )
        await subs.pause_channel(db, channel_id, reason, conn)
        return failed


async def counts(db: Database) -> dict[str, int]:
    rows = await db.fetchall("SELECT status, count(*) AS n FROM outbox GROUP BY status")
    return {r["status"]: r["n"] for r in rows}
