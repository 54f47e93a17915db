"""Weekly digests: one message per weekly channel per week, delivered exactly once.

**The week** runs from Monday 00:00 UTC to the next Monday 00:00 UTC (ISO weeks, one time zone
for every server, so "this week" means the same thing to every moderator and every process). A
digest is built as soon as its week has closed — the first delivery pass after Monday 00:00 UTC
— and lists the alerts detected during that week for the channel.

**Exactly once** rests on the same outbox as instant alerts, plus one table:

- an alert meant for a weekly channel is written as a ``digest_item`` in the transaction that
  records the alert (so it exists exactly when the alert does, whatever crashes when);
- when the week has closed, one transaction creates the digest (its id is a hash of the channel
  and the week, so a second process or a second pass cannot make another), claims the waiting
  items detected before the week's end (``digest_id IS NULL`` → this digest: an item belongs to
  one digest only) and queues the digest's outbox row with a deterministic nonce;
- the outbox row is then delivered like any other: marked sent only after Discord accepted it,
  retried with the same nonce after a restart or ``kill -9``.

An alert recorded while a digest is being built is ordered by the database either before the
claim (it is in this digest) or after it (it waits for the next), never both and never neither;
one detected just before midnight but recorded after its week's digest goes into the next one.
A digest built late (the bot was down when the week closed) lists everything still waiting, and
its title spans from the Monday of its oldest alert.

**Decisions**: the first digest covers the days from subscribing to the next Monday (a short
first week); a week without alerts sends nothing; unsubscribing drops what was collected and any
digest not yet posted; switching to ``instant`` keeps what was collected for the coming digest;
a channel Discord refuses keeps its items until it is subscribed again. The digest mentions the
subscription's role, once a week. Notices about Fine Print's own health (a source paused after
repeated failures) are not alerts: they still reach weekly channels at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bot.alerts.model import Digest
from bot.knowledge.model import KnowledgeBase
from bot.store import alerts as alert_store
from bot.store import clock, digests
from bot.store.db import Database

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]  # "now", aware UTC; injected so tests can close a week at will
WEEK = timedelta(days=7)


def week_start(when: datetime) -> datetime:
    """Monday 00:00 UTC of the week ``when`` falls in."""
    when = when.astimezone(UTC)
    monday = when.date() - timedelta(days=when.weekday())
    return datetime(monday.year, monday.month, monday.day, tzinfo=UTC)


def next_week_start(when: datetime) -> datetime:
    """The Monday 00:00 UTC that closes the week ``when`` falls in."""
    return week_start(when) + WEEK


async def close_weeks(db: Database, now: datetime) -> int:
    """Build the digest of every weekly channel whose week closed before ``now`` and that has
    alerts waiting; returns how many digests were queued (each with its outbox row)."""
    end = week_start(now)  # the week that ended at the latest Monday 00:00 UTC
    start = clock.iso(end - WEEK)
    end_iso = clock.iso(end)
    built = 0
    for channel in await digests.waiting(db, start, end_iso):
        async with db.transaction() as conn:
            did = await digests.claim(conn, channel.guild_id, channel.channel_id, start, end_iso)
            if did is None:
                continue
            await alert_store.queue_digest(
                conn, did, channel.guild_id, channel.channel_id, channel.mention_role_id
            )
        built += 1
        log.info("digest %s for channel %s queued", did, channel.channel_id)
    return built


async def load(db: Database, digest_id: str, kb: KnowledgeBase | None = None) -> Digest | None:
    """A queued digest as it is posted (curated platform names filled in)."""
    row = await digests.get(db, digest_id)
    if row is None:
        return None
    alerts = await alert_store.get_alerts(db, row.alert_ids)
    if kb is not None:
        alerts = [
            replace(a, platform_name=kb.platforms[a.platform].name)
            if a.platform in kb.platforms
            else a
            for a in alerts
        ]
    start = clock.parse(row.week_start) or week_start(clock.now())
    detected = [when for a in alerts if (when := _parse(a.detected_at)) is not None]
    since = week_start(min(detected)) if detected else None
    return Digest(row.id, start, tuple(alerts), since=since)


def _parse(iso: str) -> datetime | None:
    try:
        return clock.parse(iso)
    except ValueError:
        return None
