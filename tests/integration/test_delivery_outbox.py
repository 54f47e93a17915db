"""Delivery: each (alert, channel) once — across crashes, restarts, rate limits and refusals."""

from __future__ import annotations

import asyncio

import pytest

from bot.alerts.delivery import (
    Deliverer,
    DeliveryPermanent,
    DeliveryPolicy,
    DeliveryRejected,
    DeliveryRetry,
)
from bot.alerts.model import Alert, delivery_nonce
from bot.store import alerts as alert_store
from bot.store import clock, subscriptions
from bot.store.db import Database

FAST = DeliveryPolicy(base_delay=0.01, max_delay=0.05, max_attempts=4, idle=0.05)


def make_alert(
    n: int = 1, *, platform: str = "soundcloud", ai: bool = True, title: str = ""
) -> Alert:
    return Alert(
        id=f"alert{n:04d}",
        source="sc-terms",
        platform=platform,
        kind="terms-change",
        title=title or f"SoundCloud changed its Terms of Use ({n})",
        url="https://soundcloud.com/terms-of-use",
        relevance=0.9 if ai else 0.2,
        ai_relevant=ai,
        added=("We may use your Content to train AI models.",),
        removed=(),
        detected_at=clock.now_iso(),
        document="Terms of Use",
        why=("train", "ai", "content") if ai else (),
    )


async def record(db: Database, alert: Alert) -> int | None:
    async with db.transaction() as conn:
        return await alert_store.record_alert(db, alert, conn)


async def test_routing_follows_subscriptions(db, discord):
    await subscriptions.subscribe(db, 1, 11, ["soundcloud"], actor=9)
    await subscriptions.subscribe(db, 1, 12, ["soundcloud"], only_ai=False, actor=9)
    await subscriptions.subscribe(db, 2, 21, [], mention_role_id=555, actor=9)
    await subscriptions.subscribe(db, 3, 31, ["youtube"], actor=9)
    assert await record(db, make_alert(1, ai=True)) == 3
    assert await record(db, make_alert(2, ai=False)) == 1  # only the "all changes" channel
    assert await record(db, make_alert(1, ai=True)) is None  # same id again: nothing queued

    report = await Deliverer(db, discord).deliver_due()
    assert report.sent == 4
    first = {delivery_nonce("alert0001", c): c for c in (11, 12, 21, 31)}
    by_channel = {first[p.nonce]: p.reply for p in discord.posted if p.nonce in first}
    assert set(by_channel) == {11, 12, 21}
    assert by_channel[21].mention_role_id == 555 and by_channel[21].content == "<@&555>"
    assert by_channel[11].mention_role_id is None and by_channel[11].content is None
    subs = {s.channel_id: s for s in await subscriptions.list_subscriptions(db, 1)}
    assert subs[11].platforms == ("soundcloud",) and subs[11].only_ai and not subs[12].only_ai


async def test_crash_after_send_before_mark_is_delivered_once_after_restart(settings, discord):
    db = await Database(settings.database).connect()
    await subscriptions.subscribe(db, 1, 11, [], actor=9)
    await record(db, make_alert(7))
    [row] = await alert_store.due(db)
    assert row.nonce == delivery_nonce("alert0007", 11) and len(row.nonce) <= 25

    class DiesAfterSending:
        """Discord accepts the message, then the process dies before the outbox is updated."""

        async def send(self, channel_id, reply, *, nonce):
            await discord.send(channel_id, reply, nonce=nonce)
            raise asyncio.CancelledError  # the process is killed here

        async def notify_guild(self, guild_id, reply):  # pragma: no cover - not reached
            raise AssertionError

    with pytest.raises(asyncio.CancelledError):
        await Deliverer(db, DiesAfterSending()).deliver_due()
    await db.close()
    assert len(discord.posted) == 1

    # A new process: new Database object, new Deliverer, same file, same "Discord".
    db2 = await Database(settings.database).connect()
    try:
        report = await Deliverer(db2, discord).deliver_due()
        assert report.sent == 1
        assert len(discord.posted) == 1  # the nonce made Discord return the first message
        assert discord.calls == 2 and discord.nonces[0] == discord.nonces[1] == row.nonce
        assert await alert_store.counts(db2) == {"sent": 1}
        assert (await Deliverer(db2, discord).deliver_due()).sent == 0
    finally:
        await db2.close()


async def test_a_crash_longer_than_the_nonce_window_does_not_post_twice(settings, discord):
    """Discord forgets nonces after a few minutes: a row first tried longer ago than that is
    looked for in the channel (the alert id in the footer) before it is sent again."""
    db = await Database(settings.database).connect()
    await subscriptions.subscribe(db, 1, 11, [], actor=9)
    await record(db, make_alert(8))

    class DiesAfterSending:
        async def send(self, channel_id, reply, *, nonce):
            await discord.send(channel_id, reply, nonce=nonce)
            raise asyncio.CancelledError  # killed after Discord accepted it

        async def notify_guild(self, guild_id, reply):  # pragma: no cover - not reached
            raise AssertionError

        async def find_posted(self, channel_id, marker):  # pragma: no cover - first try
            raise AssertionError

    with pytest.raises(asyncio.CancelledError):
        await Deliverer(db, DiesAfterSending()).deliver_due()
    [posted] = discord.posted
    assert posted.reply.cards[-1].footer.endswith(" · alert0008")  # the marker it carries
    await db.close()

    discord.forget_nonces()  # the process stayed down longer than Discord's nonce window
    db2 = await Database(settings.database).connect()
    try:
        async with db2.transaction() as conn:  # ... so its first try is older than the window
            await conn.execute("UPDATE outbox SET first_try_at = ?", (clock.later_iso(-600),))
        report = await Deliverer(db2, discord).deliver_due()
        assert report.sent == 1 and discord.history_reads == 1
        assert discord.posted == [posted]  # found in the channel, not posted again
        [row] = await db2.fetchall("SELECT status, message_id FROM outbox")
        assert row["status"] == "sent" and row["message_id"] == posted.message_id
    finally:
        await db2.close()


async def test_a_recent_first_try_relies_on_the_nonce_and_reads_no_history(settings, discord):
    db = await Database(settings.database).connect()
    try:
        await subscriptions.subscribe(db, 1, 11, [], actor=9)
        await record(db, make_alert(9))
        discord.fail_next(11, DeliveryRetry("Discord answered 503"))
        await Deliverer(db, discord, policy=DeliveryPolicy(base_delay=0)).deliver_due()
        async with db.transaction() as conn:
            await conn.execute("UPDATE outbox SET next_try_at = ?", (clock.now_iso(),))
        assert (await Deliverer(db, discord).deliver_due()).sent == 1
        assert discord.history_reads == 0 and len(discord.posted) == 1
    finally:
        await db.close()


async def test_recorded_but_never_sent_is_sent_after_restart(settings, discord):
    db = await Database(settings.database).connect()
    await subscriptions.subscribe(db, 1, 11, [], actor=9)
    await record(db, make_alert(8))
    await db.close()  # the process stops before delivery ran
    db2 = await Database(settings.database).connect()
    try:
        assert (await Deliverer(db2, discord).deliver_due()).sent == 1
        assert len(discord.posted) == 1
    finally:
        await db2.close()


async def test_rate_limits_and_server_errors_are_retried_with_backoff(db, discord):
    await subscriptions.subscribe(db, 1, 11, [], actor=9)
    await record(db, make_alert(3))
    discord.fail_next(
        11, DeliveryRetry("429 Too Many Requests", retry_after=0.2), DeliveryRetry("503")
    )
    deliverer = Deliverer(db, discord, policy=FAST)
    first = await deliverer.deliver_due()
    assert (first.sent, first.retried) == (0, 1)
    assert await deliverer.deliver_due() == type(first)()  # retry_after not over yet: nothing due
    await asyncio.sleep(0.25)
    assert (await deliverer.deliver_due()).retried == 1  # the 503
    await asyncio.sleep(0.1)
    assert (await deliverer.deliver_due()).sent == 1
    assert len(discord.posted) == 1


async def test_gives_up_after_max_attempts(db, discord):
    await subscriptions.subscribe(db, 1, 11, [], actor=9)
    await record(db, make_alert(4))
    discord.fail_next(11, *[DeliveryRetry("502")] * 10)
    deliverer = Deliverer(db, discord, policy=FAST)
    for _ in range(10):
        await deliverer.deliver_due()
        await asyncio.sleep(0.06)
    assert await alert_store.counts(db) == {"failed": 1}


async def test_refused_channel_is_failed_and_its_guild_told_once(db, discord):
    await subscriptions.subscribe(db, 1, 11, [], actor=9)
    await subscriptions.subscribe(db, 1, 12, [], actor=9)
    discord.refused[11] = "Missing Permissions"
    for n in range(3):
        await record(db, make_alert(10 + n))
    deliverer = Deliverer(db, discord)
    report = await deliverer.deliver_due()
    assert report.sent == 3 and report.failed == 3
    assert [p.channel_id for p in discord.posted] == [12, 12, 12]
    assert len(discord.guild_notices) == 1
    guild, notice = discord.guild_notices[0]
    assert guild == 1 and "Missing Permissions" in notice.to_text()
    # The paused channel gets nothing new until it is subscribed again; the guild is not re-told.
    assert await record(db, make_alert(20)) == 1
    await deliverer.deliver_due()
    assert len(discord.guild_notices) == 1
    sub = await subscriptions.get(db, 11)
    assert sub is not None and sub.paused_reason == "Missing Permissions"
    await subscriptions.subscribe(db, 1, 11, [], actor=9)
    del discord.refused[11]
    assert await record(db, make_alert(21)) == 2


async def test_a_message_discord_rejects_with_a_400_is_not_retried(db, discord):
    await subscriptions.subscribe(db, 1, 11, [], actor=9)
    discord.fail_next(11, DeliveryRejected("Discord answered 400 (Invalid Form Body)"))
    for n in range(2):
        await record(db, make_alert(30 + n))
    deliverer = Deliverer(db, discord, policy=FAST)
    report = await deliverer.deliver_due()
    assert (report.sent, report.failed, report.retried) == (1, 1, 0)
    rows = {r["alert_id"]: r for r in await db.fetchall("SELECT * FROM outbox")}
    bad = rows["alert0030"]
    assert bad["status"] == "failed" and bad["attempts"] == 1
    assert "400" in bad["last_error"]
    # Never sent again, however long we wait; the channel still gets everything else.
    await asyncio.sleep(0.1)
    await deliverer.deliver_due()
    assert discord.calls == 2
    assert [p.nonce for p in discord.posted] == [delivery_nonce("alert0031", 11)]
    sub = await subscriptions.get(db, 11)
    assert sub is not None and sub.paused_reason is None
    # The guild is told once, however many messages Discord rejects there.
    discord.fail_next(11, DeliveryRejected("Discord answered 400 (Invalid Form Body)"))
    await record(db, make_alert(32))
    await deliverer.deliver_due()
    [(guild, notice)] = discord.guild_notices
    assert guild == 1 and "refused an alert" in notice.to_text() and "400" in notice.to_text()


async def test_run_loop_wakes_on_new_outbox(db, discord):
    await subscriptions.subscribe(db, 1, 11, [], actor=9)
    wake = asyncio.Event()
    task = asyncio.create_task(Deliverer(db, discord, policy=FAST).run(wake))
    try:
        await asyncio.sleep(0.05)
        await record(db, make_alert(30))
        wake.set()
        for _ in range(40):
            if discord.posted:
                break
            await asyncio.sleep(0.025)
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert len(discord.posted) == 1


async def test_permanent_error_type_is_exported():
    assert issubclass(DeliveryPermanent, Exception)
