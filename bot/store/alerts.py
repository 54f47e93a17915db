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
    # The language chosen for its channel (``/alerts subscribe … language``), else for its
    # server (``/config language``), read with the row; None: the server's Discord setting.
    language: str | None = None
    # The server's language in Discord's settings, as the process running its shard recorded it
    # (``guild_config.remember_locales``): for a server this process does not see.
    discord_locale: str | None = None

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
#
# Any process may deliver any row (sending is REST; no gateway needed). A process CLAIMS the rows
# it is about to send (``claim_due``): ``claimed_by`` is its name, ``claimed_until`` the end of
# the claim by the database's clock. The claim skips rows another transaction is claiming at
# that moment (``FOR UPDATE SKIP LOCKED`` on PostgreSQL) and rows whose claim has not expired,
# so two processes never take the same row at once; a process that dies holding claims leaves
# them to expire, and another process then takes those rows again — with the same nonce, so a
# message the dead process got through is returned by Discord, not posted twice.

OUTBOX_COLUMNS = (
    "id, alert_id, notice_id, digest_id, guild_id, channel_id, mention_role_id, nonce, attempts, "
    "first_try_at, COALESCE("
    "(SELECT language FROM subscription s WHERE s.channel_id = outbox.channel_id), "
    "(SELECT language FROM guild_config g WHERE g.guild_id = outbox.guild_id)) AS language, "
    "(SELECT locale FROM guild_locale l WHERE l.guild_id = outbox.guild_id) AS discord_locale"
)


async def due(db: Database, *, limit: int = 100) -> list[OutboxRow]:
    """Pending rows whose time has come, oldest first, claimed or not (a read-only look)."""
    rows = await db.fetchall(
        f"SELECT {OUTBOX_COLUMNS} "
        "FROM outbox WHERE status = 'pending' AND next_try_at <= ? ORDER BY id LIMIT ?",
        (clock.now_iso(), limit),
    )
    return [OutboxRow(**dict(r)) for r in rows]


async def claim_due(db: Database, holder: str, *, limit: int, seconds: float) -> list[OutboxRow]:
    """Claim up to ``limit`` pending rows that are due and unclaimed (or whose claim expired)
    for ``seconds``; return them oldest first.

    A claimed row counts as tried from now (``first_try_at``, kept if it was tried before):
    it is about to be handed to Discord, and recording that for the whole batch here costs no
    write per message. A row whose claim lapses unsent thus looks tried; once the nonce window
    has passed, its next sender looks in the channel first — a read, never a duplicate."""
    now = db.dialect.epoch_now
    stamp = clock.now_iso()
    async with db.transaction() as conn:
        rows = await conn.fetchall(
            f"UPDATE outbox SET claimed_by = ?, claimed_until = {now} + ?, "
            "first_try_at = COALESCE(first_try_at, ?) WHERE id IN ("
            "SELECT id FROM outbox WHERE status = 'pending' AND next_try_at <= ? "
            f"AND (claimed_until IS NULL OR claimed_until < {now}) "
            f"ORDER BY id LIMIT ?{db.dialect.skip_locked}) RETURNING {OUTBOX_COLUMNS}",
            (holder, seconds, stamp, stamp, limit),
        )
    return sorted((OutboxRow(**dict(r)) for r in rows), key=lambda r: r.id)


async def release_claims(db: Database, holder: str, row_ids: list[int] | None = None) -> int:
    """Hand back claimed rows not delivered (all of ``holder``'s, or these): a process that
    stops cleanly lets the others take them at once instead of after the claim expires."""
    async with db.transaction() as conn:
        if row_ids is None:
            return await conn.execute(
                "UPDATE outbox SET claimed_by = NULL, claimed_until = NULL "
                "WHERE claimed_by = ? AND status = 'pending'",
                (holder,),
            )
        marks = ", ".join("?" for _ in row_ids)
        return await conn.execute(
            "UPDATE outbox SET claimed_by = NULL, claimed_until = NULL "
            f"WHERE claimed_by = ? AND id IN ({marks})",
            (holder, *row_ids),
        )


async def forget_claims(db: Database) -> int:
    """Drop every claim: only for a process that knows it is the only one delivering (it holds
    the SQLite file's instance lock), so any claim left is a dead process's."""
    async with db.transaction() as conn:
        return await conn.execute(
            "UPDATE outbox SET claimed_by = NULL, claimed_until = NULL "
            "WHERE claimed_by IS NOT NULL AND status = 'pending'"
        )


async def next_due_in(db: Database) -> float | None:
    """Seconds until a pending row may be claimed (0 or less: now); None without one.

    A row claimed by another process counts from the end of its claim."""
    free = await db.fetchval(
        "SELECT min(next_try_at) FROM outbox WHERE status = 'pending' "
        f"AND (claimed_until IS NULL OR claimed_until < {db.dialect.epoch_now})"
    )
    claimed = await db.fetchval(
        f"SELECT min(claimed_until) - {db.dialect.epoch_now} FROM outbox "
        f"WHERE status = 'pending' AND claimed_until >= {db.dialect.epoch_now}"
    )
    waits = [float(claimed)] if claimed is not None else []
    if free is not None:
        parsed = clock.parse(free)
        assert parsed is not None
        waits.append((parsed - clock.now()).total_seconds())
    return min(waits) if waits else None


# A row is marked sent whoever holds its claim: Discord accepted the message, and that is a fact
# to record. Retries and failures only apply to a row the caller still holds (a process whose
# claim expired must not reschedule or fail a row another process has taken since).
_UNCLAIM = "claimed_by = NULL, claimed_until = NULL"


async def mark_sent(db: Database, row_id: int, message_id: int) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE outbox SET status = 'sent', message_id = ?, done_at = ?, "
            f"attempts = attempts + 1, last_error = NULL, {_UNCLAIM} "
            "WHERE id = ? AND status = 'pending'",
            (message_id, clock.now_iso(), row_id),
        )


async def mark_sent_many(db: Database, sent: list[tuple[int, int]]) -> None:
    """``mark_sent`` for several (row id, message id) at once, in one transaction."""
    if not sent:
        return
    now = clock.now_iso()
    async with db.transaction() as conn:
        await conn.executemany(
            "UPDATE outbox SET status = 'sent', message_id = ?, done_at = ?, "
            f"attempts = attempts + 1, last_error = NULL, {_UNCLAIM} "
            "WHERE id = ? AND status = 'pending'",
            [(message_id, now, row_id) for row_id, message_id in sent],
        )


def _held(holder: str | None) -> tuple[str, tuple[str, ...]]:
    if holder is None:
        return "", ()
    return " AND claimed_by = ?", (holder,)


async def mark_retry(
    db: Database, row_id: int, error: str, delay: float, *, holder: str | None = None
) -> None:
    held, params = _held(holder)
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_try_at = ?, "
            f"{_UNCLAIM} WHERE id = ? AND status = 'pending'{held}",
            (error, clock.later_iso(delay), row_id, *params),
        )


async def mark_failed(db: Database, row_id: int, error: str, *, holder: str | None = None) -> None:
    held, params = _held(holder)
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = ?, "
            f"done_at = ?, {_UNCLAIM} WHERE id = ? AND status = 'pending'{held}",
            (error, clock.now_iso(), row_id, *params),
        )


async def fail_channel(db: Database, channel_id: int, reason: str) -> int:
    """Discord refuses this channel for good: fail its pending rows and stop queueing for it."""
    async with db.transaction() as conn:
        failed = await conn.execute(
            f"UPDATE outbox SET status = 'failed', last_error = ?, done_at = ?, {_UNCLAIM} "
            "WHERE channel_id = ? AND status = 'pending'",
            (reason, clock.now_iso(), channel_id),
        )
        await subs.pause_channel(db, channel_id, reason, conn)
        return failed


async def counts(db: Database) -> dict[str, int]:
    rows = await db.fetchall("SELECT status, count(*) AS n FROM outbox GROUP BY status")
    return {r["status"]: r["n"] for r in rows}
