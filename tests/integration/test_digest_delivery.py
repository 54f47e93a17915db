"""Weekly digests on a real database (SQLite, then PostgreSQL): one message per weekly channel
per week, listing that week's alerts, exactly once — across restarts, a crash at the worst
moment, alerts racing the builder, and moderators changing their minds. ``FakeDiscord`` answers
a repeated nonce with the message it already created, as Discord's ``enforce_nonce`` does; the
clock is a ``MovableClock`` the test moves (nothing sleeps for a week)."""

from __future__ import annotations

import asyncio
import random
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from bot.alerts.delivery import Deliverer, DeliveryPolicy
from bot.alerts.digest import close_weeks
from bot.alerts.model import WEEKLY, Alert, delivery_nonce
from bot.store import alerts as alert_store
from bot.store import clock, digests, subscriptions
from bot.store.db import Database
from bot.store.migrations import known_migrations
from tests.clock import MovableClock
from tests.integration.conftest import FakeDiscord

FAST = DeliveryPolicy(base_delay=0.01, max_delay=0.05, max_attempts=4, idle=5.0)
MONDAY = datetime(2025, 3, 3, tzinfo=UTC)  # the week of 3–9 March 2025
GUILD, INSTANT_CH, WEEKLY_CH, MOD = 1, 11, 12, 9


def make_alert(n: int, when: datetime, *, ai: bool = True, platform: str = "soundcloud") -> Alert:
    return Alert(
        id=f"alert{n:04d}",
        source="sc-terms",
        platform=platform,
        kind="terms-change",
        title=f"SoundCloud change {n:04d}",
        url=f"https://soundcloud.com/terms-of-use#{n}",
        relevance=0.9 if ai else 0.2,
        ai_relevant=ai,
        added=("We may use your Content to train AI models.",),
        removed=(),
        detected_at=clock.iso(when),
        document="Terms of Use",
    )


async def record(db: Database, alert: Alert) -> int | None:
    async with db.transaction() as conn:
        return await alert_store.record_alert(db, alert, conn)


async def weekly(db: Database, channel: int = WEEKLY_CH, **options) -> None:
    options.setdefault("only_ai", False)
    await subscriptions.subscribe(db, GUILD, channel, [], mode=WEEKLY, actor=MOD, **options)


def titles(discord: FakeDiscord, channel: int) -> list[list[str]]:
    """Per digest posted in ``channel``: the alert titles it lists, in order."""
    return [
        [
            line.split(" — [", 1)[1].split("](", 1)[0]
            for line in p.reply.cards[0].description.splitlines()
            if line.startswith("•")
        ]
        for p in discord.in_channel(channel)
    ]


async def test_a_weekly_channel_gets_one_digest_when_its_week_closes(db, discord) -> None:
    await subscriptions.subscribe(db, GUILD, INSTANT_CH, [], only_ai=False, actor=MOD)
    await weekly(db)
    now = MovableClock(MONDAY + timedelta(days=2))  # subscribed on a Wednesday
    deliverer = Deliverer(db, discord, now=now, policy=FAST)
    await record(db, make_alert(1, MONDAY + timedelta(days=2, hours=1), ai=False))
    await record(db, make_alert(2, MONDAY + timedelta(days=4)))
    await record(db, make_alert(3, MONDAY + timedelta(days=6, hours=23, minutes=59)))

    assert (await deliverer.deliver_due()).sent == 3  # the instant channel, as before
    assert len(discord.in_channel(INSTANT_CH)) == 3
    assert discord.in_channel(WEEKLY_CH) == []  # nothing yet: the week is still running

    now.set(MONDAY + timedelta(days=7, seconds=1))  # the week closed
    assert (await deliverer.deliver_due()).sent == 1
    [posted] = discord.in_channel(WEEKLY_CH)
    assert titles(discord, WEEKLY_CH) == [
        ["SoundCloud change 0002", "SoundCloud change 0003", "SoundCloud change 0001"]
    ]  # AI-relevant first, each group in the order detected
    assert posted.reply.cards[0].title == "Weekly digest · 3 March 2025 – 9 March 2025"
    assert posted.nonce == delivery_nonce(digests.digest_id(WEEKLY_CH, clock.iso(MONDAY)), 12)
    assert await alert_store.counts(db) == {"sent": 4}

    # Later passes in the same week, and a week without alerts, send nothing more.
    assert (await deliverer.deliver_due()).sent == 0
    now.advance(days=7)
    assert (await deliverer.deliver_due()).sent == 0
    assert len(discord.in_channel(WEEKLY_CH)) == 1


async def test_an_alert_recorded_after_its_weeks_digest_is_in_the_next_one(db, discord) -> None:
    """Detected on Sunday 23:59:59 but recorded after Monday's digest was built (a slow poll):
    it is not lost and not posted twice — it is in the next week's digest."""
    await weekly(db)
    now = MovableClock(MONDAY + timedelta(days=7, minutes=1))
    deliverer = Deliverer(db, discord, now=now, policy=FAST)
    await record(db, make_alert(1, MONDAY + timedelta(days=3)))
    assert (await deliverer.deliver_due()).sent == 1

    await record(db, make_alert(2, MONDAY + timedelta(days=6, hours=23, minutes=59, seconds=59)))
    await record(db, make_alert(3, MONDAY + timedelta(days=8)))
    assert (await deliverer.deliver_due()).sent == 0  # this week's digest is already out
    assert await digests.pending_count(db, WEEKLY_CH) == 2

    now.advance(days=7)
    assert (await deliverer.deliver_due()).sent == 1
    assert titles(discord, WEEKLY_CH) == [
        ["SoundCloud change 0001"],
        ["SoundCloud change 0002", "SoundCloud change 0003"],
    ]


async def test_alerts_racing_the_digest_builder_each_land_in_exactly_one_digest(
    settings, discord
) -> None:
    """Two processes on one database file: one records alerts (the watcher), the other builds
    digests as weeks close, interleaved at random. Every alert ends up in exactly one digest."""
    watcher_db = await Database(settings.database).connect()
    builder_db = await Database(settings.database).connect()
    try:
        await weekly(watcher_db)
        rng = random.Random(11)
        start = MONDAY
        ids = []

        async def watch() -> None:
            for n in range(60):
                when = start + timedelta(hours=n * 7)  # ~2.5 weeks of alerts
                alert = make_alert(n, when, ai=n % 2 == 0)
                ids.append(alert.id)
                await record(watcher_db, alert)
                await asyncio.sleep(rng.random() / 500)

        async def build() -> None:
            for hour in range(0, 24 * 21, 11):
                await close_weeks(builder_db, start + timedelta(hours=hour))
                await asyncio.sleep(rng.random() / 500)

        await asyncio.gather(watch(), build())
        await close_weeks(builder_db, start + timedelta(days=28))  # everything's week closed
        report = await Deliverer(builder_db, discord).deliver_due()
        claimed = await builder_db.fetchall("SELECT alert_id, digest_id FROM digest_item")
        assert sorted(r["alert_id"] for r in claimed) == sorted(ids)  # each alert once…
        assert all(r["digest_id"] for r in claimed)  # …in a digest
        digests_made = {r["digest_id"] for r in claimed}
        # Each digest posted once. When the builder lags (a loaded machine) several weeks'
        # alerts share one digest, whose message may list only the first ones "and N more".
        assert report.sent == len(discord.in_channel(WEEKLY_CH)) == len(digests_made)
        listed = [title for digest in titles(discord, WEEKLY_CH) for title in digest]
        assert len(set(listed)) == len(listed)  # no alert listed twice
        assert await digests.pending_count(builder_db, WEEKLY_CH) == 0
    finally:
        await watcher_db.close()
        await builder_db.close()


async def test_a_crash_after_discord_accepted_the_digest_does_not_post_it_twice(
    settings, discord
) -> None:
    db = await Database(settings.database).connect()
    await weekly(db)
    await record(db, make_alert(1, MONDAY + timedelta(days=1)))
    now = MovableClock(MONDAY + timedelta(days=7, hours=2))

    class DiesAfterSending:
        """Discord accepts the digest, then the process dies before the outbox is updated."""

        async def send(self, channel_id, reply, *, nonce):
            await discord.send(channel_id, reply, nonce=nonce)
            raise asyncio.CancelledError  # kill -9 here

        async def notify_guild(self, guild_id, reply):  # pragma: no cover - not reached
            raise AssertionError

    with pytest.raises(asyncio.CancelledError):
        await Deliverer(db, DiesAfterSending(), now=now).deliver_due()
    await db.close()
    assert len(discord.posted) == 1

    db2 = await Database(settings.database).connect()  # a new process, same file
    try:
        report = await Deliverer(db2, discord, now=now).deliver_due()
        assert report.sent == 1
        assert len(discord.posted) == 1  # the nonce made "Discord" return the first message
        assert discord.calls == 2 and discord.nonces[0] == discord.nonces[1]
        assert await alert_store.counts(db2) == {"sent": 1}
        now.advance(days=7)
        assert (await Deliverer(db2, discord, now=now).deliver_due()).sent == 0
        assert len(discord.posted) == 1
    finally:
        await db2.close()


async def test_a_crash_while_building_leaves_the_alerts_waiting(db, discord) -> None:
    """Building is one transaction: digest, claim and outbox row exist together or not at all."""
    await weekly(db)
    await record(db, make_alert(1, MONDAY + timedelta(days=1)))
    week, end = clock.iso(MONDAY), clock.iso(MONDAY + timedelta(days=7))
    with pytest.raises(RuntimeError):
        async with db.transaction() as conn:
            assert await digests.claim(conn, GUILD, WEEKLY_CH, week, end) is not None
            raise RuntimeError("the process dies before the outbox row is written")
    assert await digests.pending_count(db, WEEKLY_CH) == 1
    assert await db.fetchall("SELECT * FROM digest") == []

    now = MovableClock(MONDAY + timedelta(days=7))
    assert (await Deliverer(db, discord, now=now).deliver_due()).sent == 1
    assert titles(discord, WEEKLY_CH) == [["SoundCloud change 0001"]]


async def test_unsubscribe_drops_what_a_weekly_channel_collected_and_its_unsent_digest(
    db, discord
) -> None:
    await weekly(db)
    await weekly(db, channel=13)
    await record(db, make_alert(1, MONDAY + timedelta(days=1)))
    now = MovableClock(MONDAY + timedelta(days=7))
    await close_weeks(db, now())  # the digests are queued, not sent yet
    await record(db, make_alert(2, MONDAY + timedelta(days=8)))
    assert await subscriptions.unsubscribe(db, GUILD, 13)
    assert await subscriptions.unsubscribe(db, GUILD, WEEKLY_CH)

    now.advance(days=14)
    report = await Deliverer(db, discord, now=now).deliver_due()
    assert report.sent == 0 and discord.posted == []
    rows = await db.fetchall("SELECT status, last_error FROM outbox")
    assert [(r["status"], r["last_error"]) for r in rows] == [("failed", "unsubscribed")] * 2
    assert await digests.pending_count(db, WEEKLY_CH) == 0


async def test_switching_to_instant_keeps_collected_alerts_for_the_coming_digest(
    db, discord
) -> None:
    await weekly(db)
    await record(db, make_alert(1, MONDAY + timedelta(days=1)))
    await subscriptions.subscribe(db, GUILD, WEEKLY_CH, [], only_ai=False, actor=MOD)
    await record(db, make_alert(2, MONDAY + timedelta(days=2)))  # instant now
    now = MovableClock(MONDAY + timedelta(days=3))
    deliverer = Deliverer(db, discord, now=now)
    assert (await deliverer.deliver_due()).sent == 1
    now.set(MONDAY + timedelta(days=7))
    assert (await deliverer.deliver_due()).sent == 1
    [instant, _digest] = discord.in_channel(WEEKLY_CH)
    assert instant.reply.cards[0].title == "SoundCloud change 0002"
    assert titles(discord, WEEKLY_CH)[1] == ["SoundCloud change 0001"]


async def test_the_delivery_loop_posts_the_digest_when_the_week_ends(db, discord) -> None:
    """The running loop wakes by itself at Monday 00:00 UTC (here 0.3 s away)."""
    await weekly(db)
    await record(db, make_alert(1, MONDAY + timedelta(days=6)))
    now = MovableClock(MONDAY + timedelta(days=7, seconds=-0.3), ticking=True)
    posted = asyncio.Event()

    class Notifying(FakeDiscord):
        async def send(self, channel_id, reply, *, nonce):
            message_id = await discord.send(channel_id, reply, nonce=nonce)
            posted.set()
            return message_id

    task = asyncio.create_task(Deliverer(db, Notifying(), now=now, policy=FAST).run())
    try:
        async with asyncio.timeout(5):
            await posted.wait()
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert titles(discord, WEEKLY_CH) == [["SoundCloud change 0001"]]
    assert now() >= MONDAY + timedelta(days=7)


OLD_ROWS = (
    "INSERT INTO subscription (channel_id, guild_id, all_platforms, only_ai, updated_by, "
    "updated_at) VALUES (11, 1, 1, 1, 9, '2025-03-01T00:00:00.000+00:00')",
    "INSERT INTO alert (id, source_id, platform, kind, title, url, relevance, "
    "ai_relevant, added, removed, why, fingerprint, detected_at) VALUES ('old1', 's', "
    "'soundcloud', 'terms-change', 'Queued before the upgrade', 'https://x.example/', "
    "0.9, 1, '[]', '[]', '[]', '[]', '2025-03-01T00:00:00.000+00:00')",
    "INSERT INTO outbox (alert_id, guild_id, channel_id, nonce, next_try_at, created_at) "
    "VALUES ('old1', 1, 11, 'n-old1', '2025-03-01T00:00:00.000+00:00', "
    "'2025-03-01T00:00:00.000+00:00')",
)


async def upgraded_delivers_as_before(db: Database, refused: type[Exception]) -> None:
    """After migration 4 the queued row is delivered as before, the subscription is instant,
    and an outbox row is still exactly one thing (``refused``: the backend's integrity error)."""
    [sub] = await subscriptions.list_subscriptions(db, 1)
    assert sub.mode == "instant"
    discord = FakeDiscord()
    assert (await Deliverer(db, discord).deliver_due()).sent == 1
    [posted] = discord.posted
    assert posted.nonce == "n-old1" and posted.reply.cards[0].title == "Queued before the upgrade"
    with pytest.raises(refused):
        async with db.transaction() as tx:
            await tx.execute(
                "INSERT INTO outbox (guild_id, channel_id, nonce, next_try_at, created_at) "
                "VALUES (1, 11, 'n', 'x', 'x')"
            )


async def test_upgrading_keeps_queued_alerts_and_subscriptions(tmp_path) -> None:
    """A database from before digests (schema 3) with an alert still queued."""
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:
        for migration in known_migrations("sqlite")[:3]:
            conn.executescript(migration.sql)
        conn.execute("PRAGMA user_version = 3")
        for sql in OLD_ROWS:
            conn.execute(sql)
    conn.close()
    db = await Database(path).connect()
    try:
        await upgraded_delivers_as_before(db, sqlite3.IntegrityError)
    finally:
        await db.close()


@pytest.mark.postgres
async def test_upgrading_postgres_keeps_queued_alerts_and_subscriptions(postgres_url) -> None:
    """The same on PostgreSQL, where migration 4 alters the outbox in place."""
    import asyncpg

    raw = await asyncpg.connect(postgres_url)
    try:
        for migration in known_migrations("postgres")[:3]:
            await raw.execute(migration.sql)
        await raw.execute(
            "CREATE TABLE fineprint_schema (version BIGINT PRIMARY KEY, name TEXT NOT NULL, "
            "applied_at TEXT NOT NULL); "
            "INSERT INTO fineprint_schema SELECT v, 'old', 'x' FROM generate_series(1, 3) v"
        )
        for sql in OLD_ROWS:
            await raw.execute(sql)
    finally:
        await raw.close()
    db = await Database(postgres_url).connect()
    try:
        await upgraded_delivers_as_before(db, asyncpg.CheckViolationError)
    finally:
        await db.close()
