"""Several processes on one database: one poller by lease, outbox rows claimed so each is sent
once, a crashed claimer's rows taken again with the same nonce, one global request budget.

Each "process" is its own ``Database`` (its own connections; on PostgreSQL its own pool) with
its own name, as two ``python -m bot`` would have. The tests that need concurrent writers run on
PostgreSQL only (``postgres_url``); the rest run on both backends (``db`` / ``settings``).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.alerts.budget import LocalBudget, SharedBudget
from bot.alerts.delivery import Deliverer, DeliveryPolicy
from bot.alerts.model import WEEKLY, Alert, delivery_nonce
from bot.cli.base import ExitCode
from bot.cli.db import show_status
from bot.i18n.languages import load_languages
from bot.knowledge.loader import load_knowledge
from bot.store import alerts as alert_store
from bot.store import buckets, clock, guild_config, leases, processes, subscriptions
from bot.store.db import Database
from bot.watch.poller import Poller, PollerBusy
from tests.clock import MovableClock
from tests.integration.conftest import FakeDiscord

FAST = DeliveryPolicy(base_delay=0.01, max_delay=0.05, max_attempts=4, idle=0.05)


def make_alert(n: int, *, when: datetime | None = None) -> Alert:
    return Alert(
        id=f"alert{n:04d}",
        source="sc-terms",
        platform="soundcloud",
        kind="terms-change",
        title=f"SoundCloud changed its Terms of Use ({n})",
        url="https://soundcloud.com/terms-of-use",
        relevance=0.9,
        ai_relevant=True,
        added=("We may use your Content to train AI models.",),
        removed=(),
        detected_at=clock.iso(when) if when else clock.now_iso(),
        document="Terms of Use",
    )


async def record(db: Database, alert: Alert) -> int | None:
    async with db.transaction() as conn:
        return await alert_store.record_alert(db, alert, conn)


@contextlib.asynccontextmanager
async def processes_on(target: object, count: int) -> AsyncIterator[list[Database]]:
    """``count`` separate connections to one database, like as many processes."""
    opened = [await Database(target).connect() for _ in range(count)]  # type: ignore[arg-type]
    try:
        yield opened
    finally:
        for db in opened:
            await db.close()


class SlowDiscord(FakeDiscord):
    """Discord at a real round trip: sends overlap, so claims have something to do."""

    def __init__(self, latency: float = 0.003) -> None:
        super().__init__()
        self.latency = latency
        self.senders: Counter[str] = Counter()

    async def send(self, channel_id, reply, *, nonce):  # type: ignore[no-untyped-def]
        await asyncio.sleep(self.latency)
        return await super().send(channel_id, reply, nonce=nonce)


# --------------------------------------------------------------------------- the poller lease


async def test_one_holder_at_a_time_and_the_lease_passes_on_when_it_ends(db: Database) -> None:
    assert await leases.acquire(db, "poller", "a", 0.5)
    assert not await leases.acquire(db, "poller", "b", 0.5)  # a holds it
    assert await leases.acquire(db, "poller", "a", 0.5)  # a renews
    info = await leases.get(db, "poller")
    assert info is not None and info.holder == "a" and 0 < info.remaining <= 0.5
    await asyncio.sleep(0.6)  # a stopped renewing (died)
    assert await leases.acquire(db, "poller", "b", 0.5)
    assert not await leases.acquire(db, "poller", "a", 0.5)  # a came back: b holds it now
    assert not await leases.release(db, "poller", "a")  # nor can a give away b's lease
    assert await leases.release(db, "poller", "b")  # b stops cleanly
    assert await leases.acquire(db, "poller", "a", 0.5)  # free at once


@pytest.mark.postgres
async def test_processes_racing_for_the_lease_get_one_holder(postgres_url: str) -> None:
    async with processes_on(postgres_url, 6) as dbs:
        for _ in range(5):
            got = await asyncio.gather(
                *(leases.acquire(db, "poller", f"p{i}", 5.0) for i, db in enumerate(dbs))
            )
            assert sum(got) == 1
            holder = next(f"p{i}" for i, ok in enumerate(got) if ok)
            assert await leases.release(dbs[0], "poller", holder)


class StubWatcher:
    """Stands in for the watcher under a Poller: counts how often it is set running."""

    def __init__(self) -> None:
        self.running = 0
        self.started = 0
        self.polled_once = 0

    async def run(self) -> None:
        self.running += 1
        self.started += 1
        try:
            await asyncio.Event().wait()
        finally:
            self.running -= 1

    async def poll_once(self) -> list[Alert]:
        self.polled_once += 1
        return []


async def wait_for(predicate, what: str, within: float = 5.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + within
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.01)


@pytest.mark.postgres
async def test_exactly_one_process_polls_and_another_takes_over_when_it_dies(
    postgres_url: str,
) -> None:
    lease = 0.6
    async with processes_on(postgres_url, 3) as dbs:
        watchers = [StubWatcher() for _ in dbs]
        pollers = [
            Poller(w, db, lease=lease, holder=f"proc-{i}")  # type: ignore[arg-type]
            for i, (w, db) in enumerate(zip(watchers, dbs, strict=True))
        ]
        tasks = [asyncio.create_task(p.run()) for p in pollers]
        try:
            await wait_for(lambda: sum(w.running for w in watchers) == 1, "one poller")
            await asyncio.sleep(lease * 2)  # several beats: still exactly one
            assert sum(w.running for w in watchers) == 1
            assert [p.polling for p in pollers].count(True) == 1
            [first] = [i for i, p in enumerate(pollers) if p.polling]

            # kill -9: its connections vanish, so it renews nothing and releases nothing.
            await dbs[first].close()
            tasks[first].cancel()
            await asyncio.gather(tasks[first], return_exceptions=True)
            assert sum(w.running for w in watchers) == 0
            info = await leases.get(dbs[(first + 1) % 3], leases.POLLER)
            assert info is not None and info.holder == f"proc-{first}"  # still its lease
            died = time.monotonic()
            await wait_for(lambda: sum(w.running for w in watchers) == 1, "a new poller")
            took = time.monotonic() - died
            assert took <= lease + lease / 4 + 1.0  # the lease ran out, then one beat
            [second] = [i for i, p in enumerate(pollers) if p.polling]
            assert second != first

            # A clean stop hands the lease on at the next beat, not after it expires.
            tasks[second].cancel()
            await asyncio.gather(tasks[second], return_exceptions=True)
            await wait_for(lambda: sum(w.running for w in watchers) == 1, "the last poller")
            assert [i for i, p in enumerate(pollers) if p.polling] == [3 - first - second]
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)


@pytest.mark.postgres
async def test_watch_once_refuses_while_another_process_polls(postgres_url: str) -> None:
    async with processes_on(postgres_url, 2) as (bot_db, cli_db):
        running = Poller(StubWatcher(), bot_db, lease=5.0, holder="bot")  # type: ignore[arg-type]
        task = asyncio.create_task(running.run())
        try:
            await wait_for(lambda: running.polling, "the bot to poll")
            once = Poller(StubWatcher(), cli_db, lease=5.0, holder="cli")  # type: ignore[arg-type]
            with pytest.raises(PollerBusy) as refused:
                await once.once()
            assert "(bot) is polling the sources" in str(refused.value)
            assert once.watcher.polled_once == 0  # type: ignore[attr-defined]
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        assert await once.once() == []  # the bot stopped and released the lease
        assert once.watcher.polled_once == 1  # type: ignore[attr-defined]
        assert await leases.get(cli_db, leases.POLLER) is None  # released after polling


async def test_on_sqlite_the_instance_lock_makes_the_poller_and_no_lease_is_needed(
    tmp_path,
) -> None:
    async with Database(tmp_path / "x.db") as db:
        watcher = StubWatcher()
        poller = Poller(watcher, db, lease=5.0)  # type: ignore[arg-type]
        task = asyncio.create_task(poller.run())
        try:
            await wait_for(lambda: watcher.running == 1, "the watcher to run")
            assert await leases.get(db, leases.POLLER) is None
            [me] = await processes.live(db, 5.0)
            assert me.id == processes.this_process() and me.pid > 0
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        assert await processes.live(db, 5.0) == []  # a clean stop says so


# --------------------------------------------------------------------------- claims


async def test_a_claimed_row_is_not_taken_by_another_process_until_its_claim_ends(
    settings, discord: FakeDiscord
) -> None:
    async with processes_on(settings.database, 2) as (first, second):
        await subscriptions.subscribe(first, 1, 11, [], actor=9)
        await subscriptions.subscribe(first, 1, 12, [], actor=9)
        await record(first, make_alert(1))
        # The first process claims the rows, then dies before sending anything.
        claimed = await alert_store.claim_due(first, "dead", limit=10, seconds=0.5)
        assert [r.channel_id for r in claimed] == [11, 12]
        survivor = Deliverer(second, discord, policy=FAST, holder="survivor")
        assert (await survivor.deliver_due()).sent == 0  # claimed by the dead one
        assert 0 < (await alert_store.next_due_in(second) or 0) <= 0.5
        await asyncio.sleep(0.6)
        assert (await survivor.deliver_due()).sent == 2
        assert sorted(discord.nonces) == sorted(delivery_nonce("alert0001", c) for c in (11, 12))
        assert await alert_store.counts(second) == {"sent": 2}


async def test_a_crashed_claimer_s_message_is_taken_again_with_the_same_nonce(
    settings, discord: FakeDiscord
) -> None:
    """Killed after Discord accepted the message but before it was marked sent: the claim
    expires, another process sends it again with the same nonce, Discord returns the first."""
    async with processes_on(settings.database, 2) as (doomed_db, survivor_db):
        await subscriptions.subscribe(doomed_db, 1, 11, [], actor=9)
        await record(doomed_db, make_alert(2))
        [row] = await alert_store.claim_due(doomed_db, "doomed", limit=10, seconds=0.3)
        first_id = await discord.send(11, object(), nonce=row.nonce)  # type: ignore[arg-type]
        # ... and the process is gone: no mark, no release.
        await asyncio.sleep(0.4)
        survivor = Deliverer(survivor_db, discord, policy=FAST, holder="survivor")
        assert (await survivor.deliver_due()).sent == 1
        assert discord.nonces == [row.nonce, row.nonce] and len(discord.posted) == 1
        [done] = await survivor_db.fetchall("SELECT * FROM outbox")
        assert done["status"] == "sent" and done["message_id"] == first_id
        assert done["claimed_by"] is None


async def test_a_process_stopping_hands_its_claims_back_at_once(settings) -> None:
    async with processes_on(settings.database, 2) as (first, second):
        for channel in (11, 12, 13):
            await subscriptions.subscribe(first, 1, channel, [], actor=9)
        await record(first, make_alert(3))
        started = asyncio.Event()

        class Stuck(FakeDiscord):
            async def send(self, channel_id, reply, *, nonce):  # type: ignore[no-untyped-def]
                started.set()
                await asyncio.Event().wait()  # Discord never answers; the process is stopped

        stopping = Deliverer(first, Stuck(), policy=FAST, holder="stopping")
        task = asyncio.create_task(stopping.deliver_due())
        await started.wait()
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        other = FakeDiscord()
        report = await Deliverer(second, other, policy=FAST, holder="other").deliver_due()
        assert report.sent == 3 and len(other.posted) == 3


@pytest.mark.postgres
async def test_two_processes_deliver_every_row_exactly_once(postgres_url: str) -> None:
    channels = list(range(100, 160))
    discord = SlowDiscord()
    async with processes_on(postgres_url, 2) as dbs:
        for channel in channels:
            await subscriptions.subscribe(dbs[0], channel // 10, channel, [], actor=9)
        for n in range(4):
            assert await record(dbs[0], make_alert(10 + n)) == len(channels)

        class Counting:
            def __init__(self, name: str) -> None:
                self.name = name

            async def send(self, channel_id, reply, *, nonce):  # type: ignore[no-untyped-def]
                discord.senders[self.name] += 1
                return await discord.send(channel_id, reply, nonce=nonce)

            async def notify_guild(self, guild_id, reply):  # type: ignore[no-untyped-def]
                raise AssertionError("nothing to tell")

        policy = DeliveryPolicy(batch=20, concurrency=4)
        deliverers = [
            Deliverer(db, Counting(f"p{i}"), policy=policy, holder=f"p{i}")
            for i, db in enumerate(dbs)
        ]
        reports = await asyncio.gather(*(d.deliver_due() for d in deliverers))

        assert sum(r.sent for r in reports) == 4 * len(channels)
        assert discord.calls == 4 * len(channels)  # no row was even tried twice
        assert len(set(discord.nonces)) == len(discord.nonces)
        assert min(discord.senders.values()) > 0, discord.senders  # both did part of it
        assert await alert_store.counts(dbs[1]) == {"sent": 4 * len(channels)}
        for channel in channels:  # a channel's alerts arrive in the order they were found
            got = [p.nonce for p in discord.in_channel(channel)]
            assert got == [delivery_nonce(f"alert{10 + n:04d}", channel) for n in range(4)]


@pytest.mark.postgres
async def test_weekly_digests_are_built_and_sent_once_by_several_processes(
    postgres_url: str,
) -> None:
    monday = datetime(2025, 3, 3, tzinfo=UTC)
    discord = SlowDiscord(latency=0.001)
    async with processes_on(postgres_url, 3) as dbs:
        weekly_channels = list(range(200, 230))
        for channel in weekly_channels:
            await subscriptions.subscribe(
                dbs[0], 2, channel, [], mode=WEEKLY, only_ai=False, actor=9
            )
        for n in range(5):
            await record(dbs[0], make_alert(40 + n, when=monday + timedelta(days=n)))
        after = MovableClock(monday + timedelta(days=7, minutes=1))  # the week has closed
        deliverers = [
            Deliverer(db, discord, policy=FAST, now=after, holder=f"p{i}")
            for i, db in enumerate(dbs)
        ]
        for _ in range(2):  # every process passes twice, at the same time
            await asyncio.gather(*(d.deliver_due() for d in deliverers))
        assert sorted(p.channel_id for p in discord.posted) == weekly_channels
        assert await dbs[0].fetchval("SELECT count(*) FROM digest") == len(weekly_channels)
        assert await alert_store.counts(dbs[0]) == {"sent": len(weekly_channels)}


# --------------------------------------------------------------------------- the budget


async def test_the_shared_schedule_grants_a_burst_then_turns_at_the_rate(db: Database) -> None:
    await buckets.create(db, "b")
    first = await buckets.reserve(db, "b", 3, rate=20.0, burst=3.0)
    assert len(first.turns) == 3 and all(t <= 1e-3 for t in first.turns)  # the burst, now
    later = await buckets.reserve(db, "b", 4, rate=20.0, burst=3.0)
    assert later.start >= first.start + 3 / 20 - 1e-6  # after the burst's turns...
    gaps = [b - a for a, b in itertools.pairwise(later.turns)]
    assert all(abs(g - 1 / 20) < 1e-6 for g in gaps)  # ... one every 1/20 s
    await buckets.create(db, "b")  # creating it again changes nothing
    assert (await buckets.reserve(db, "b", 1, rate=20.0, burst=3.0)).start >= later.start + 0.2


@pytest.mark.postgres
async def test_processes_reserving_at_once_never_get_the_same_turn(postgres_url: str) -> None:
    rate = 1000.0
    async with processes_on(postgres_url, 3) as dbs:
        await buckets.create(dbs[0], "g")
        got = await asyncio.gather(
            *(buckets.reserve(dbs[n % 3], "g", 5, rate=rate, burst=1.0) for n in range(30))
        )
    turns = sorted(r.start + i / rate for r in got for i in range(r.count))
    assert len(turns) == 150
    assert all(b - a >= 1 / rate - 1e-6 for a, b in itertools.pairwise(turns))


async def test_processes_sharing_the_budget_stay_under_the_limit_together(settings) -> None:
    """Two processes drawing from one bucket send, together, no more than its rate allows in
    any one-second window (where the per-process split would depend on who is busy)."""
    rate, burst, sends = 40.0, 2.0, 70
    async with processes_on(settings.database, 2) as dbs:
        budgets = [SharedBudget(db, rate, burst) for db in dbs]
        stamps: list[float] = []

        async def sender(budget: SharedBudget, count: int) -> None:
            async def one() -> None:
                await budget.acquire()
                stamps.append(time.monotonic())

            await asyncio.gather(*(one() for _ in range(count)))

        start = time.monotonic()
        await asyncio.gather(sender(budgets[0], sends // 2), sender(budgets[1], sends - sends // 2))
        elapsed = time.monotonic() - start
    assert len(stamps) == sends
    assert elapsed >= (sends - burst) / rate * 0.95  # the rate held, whoever sent
    stamps.sort()
    busiest = max(sum(1 for t in stamps if s <= t < s + 1.0) for s in stamps)
    assert busiest <= rate + burst + 1  # +1: the two clocks are not the same clock


async def test_a_local_budget_keeps_one_process_to_its_rate() -> None:
    budget = LocalBudget(rate=50.0, burst=2.0)
    start = time.monotonic()
    for _ in range(12):
        await budget.acquire()
    assert time.monotonic() - start >= (12 - 2) / 50.0 * 0.95


async def test_claims_are_small_enough_for_the_budget_to_send_in_time(db: Database) -> None:
    slow = Deliverer(db, FakeDiscord(), policy=DeliveryPolicy(claim=2.0), budget=LocalBudget(4, 1))
    assert slow._batch() == 3  # 4/s for the usable 1.5 s of a 2 s claim, halved
    fast = Deliverer(db, FakeDiscord(), budget=LocalBudget(1000, 20))
    assert fast._batch() == DeliveryPolicy().batch


# --------------------------------------------------------------------------- db status


async def test_db_status_shows_who_runs_and_is_the_health_check_of_this_host(
    settings, capsys: pytest.CaptureFixture[str]
) -> None:
    async with Database(settings.database) as db:
        assert await show_status(settings, this_host=True) == ExitCode.FAILED  # nobody yet
        assert await record(db, make_alert(1)) is not None  # nobody subscribed: no rows
        await processes.beat(db, "elsewhere:41:abcdef", "1-1/2")
        assert await show_status(settings, this_host=True) == ExitCode.FAILED  # another host's
        await processes.beat(db, processes.this_process(), "0-0/2")
        assert await leases.acquire(db, leases.POLLER, processes.this_process(), 30.0)
    capsys.readouterr()
    assert await show_status(settings, this_host=True) == ExitCode.OK
    assert await show_status(settings) == ExitCode.OK
    out = capsys.readouterr().out
    assert "Processes running (2)" in out
    assert "shards 0-0/2" in out and "shards 1-1/2" in out and "elsewhere:41:abcdef" in out
    assert f"Poller: {processes.this_process()}" in out
    assert "Outbox: 0 pending" in out


# --------------------------------------------------------------------------- languages


class KnowsItsOwnGuilds(SlowDiscord):
    """A process's sender: it knows the Discord language of the servers on its own shards."""

    def __init__(self, locales: dict[int, str]) -> None:
        super().__init__(latency=0.0)
        self.locales = locales

    def guild_locale(self, guild_id: int) -> str | None:
        return self.locales.get(guild_id)


async def test_any_process_writes_a_server_s_alerts_in_its_discord_language(settings) -> None:
    kb = load_knowledge(settings.data_dir)
    languages = load_languages(settings.data_dir, kb)
    french = languages.texts("fr")
    async with processes_on(settings.database, 2) as (shard0, shard1):
        await subscriptions.subscribe(shard0, 1, 11, [], actor=9)  # a server on shard 0
        await subscriptions.subscribe(shard0, 2, 21, [], actor=9)  # a server on shard 1
        # Each process records the languages of its own shards' servers when it connects.
        await guild_config.remember_locales(shard0, {1: "fr"})
        await guild_config.remember_locales(shard1, {2: "fr"})
        assert await record(shard0, make_alert(1)) == 2
        # Only the process running shard 1 delivers: it does not see server 1 itself.
        sender = KnowsItsOwnGuilds({2: "fr"})
        deliverer = Deliverer(shard1, sender, kb=kb, languages=languages, holder="p1")
        assert (await deliverer.deliver_due()).sent == 2
    for channel in (11, 21):
        [posted] = sender.in_channel(channel)
        footer = posted.reply.cards[0].footer or ""
        assert french.date(clock.now().date()) in footer, footer  # "30 novembre 2026"
