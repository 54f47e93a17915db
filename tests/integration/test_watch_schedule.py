"""Scheduling and failures: backoff, pausing (told once), resuming, guild sources and the loop."""

from __future__ import annotations

import asyncio

import pytest

from bot.alerts.delivery import Deliverer
from bot.store import alerts as alert_store
from bot.store import sources as source_store
from bot.store import subscriptions
from bot.store.sources import GuildSourceError
from bot.watch.scheduler import WatchPolicy, backoff
from bot.watch.sources import SourceSpec
from tests.integration.conftest import rss

ITEM = ("a1", "Reddit will train AI models on your posts", "New terms: your content trains AI.")


async def test_repeated_failures_pause_the_source_and_tell_subscribers_once(
    web_server, db, make_watcher, discord
):
    web_server.set("/down.xml", "gone", status=500)
    spec = SourceSpec(
        id="reddit-news", kind="rss", url=web_server.url("/down.xml"), platform="reddit"
    )
    await subscriptions.subscribe(db, 1, 11, ["reddit"], actor=5)
    await subscriptions.subscribe(db, 1, 12, [], actor=5)  # all platforms
    await subscriptions.subscribe(db, 2, 21, ["soundcloud"], actor=6)  # not interested
    watcher = make_watcher(db, [spec])  # pause_after=3

    for _ in range(5):
        await watcher.poll_once()
    state = await source_store.get_state(db, "reddit-news")
    assert state.paused and state.failures == 3 and state.last_error == "HTTP 500"
    assert web_server.hits["/down.xml"] == 3  # paused sources are not polled

    deliverer = Deliverer(db, discord)
    report = await deliverer.deliver_due()
    assert report.sent == 2
    assert sorted(p.channel_id for p in discord.posted) == [11, 12]
    notice = discord.posted[0].reply
    assert "Paused a source" in notice.cards[0].title and "HTTP 500" in notice.to_text()
    assert notice.mention_role_id is None
    assert (await deliverer.deliver_due()).sent == 0  # told once

    # Resume: polled again; when it works, failures reset and alerts flow again.
    assert await source_store.resume(db, "reddit-news") is True
    assert await source_store.resume(db, "reddit-news") is False
    web_server.set("/down.xml", rss(), content_type="application/rss+xml")
    await watcher.poll_once()
    state = await source_store.get_state(db, "reddit-news")
    assert not state.paused and state.failures == 0 and state.baseline_at
    web_server.set("/down.xml", rss(ITEM), content_type="application/rss+xml")
    [alert] = await watcher.poll_once()
    assert alert.platform == "reddit"


def test_backoff_doubles_up_to_the_cap_and_respects_retry_after():
    policy = WatchPolicy(backoff_base=300, backoff_cap=3600, jitter=0)
    assert [backoff(n, policy) for n in (1, 2, 3, 4, 5)] == [300, 600, 1200, 2400, 3600]
    assert backoff(1, policy, retry_after=900) == 900
    jittery = WatchPolicy(backoff_base=300, jitter=0.1)
    assert all(270 <= backoff(1, jittery) <= 330 for _ in range(50))


async def test_guild_sources_are_capped_and_manageable(web_server, db, make_watcher):
    added = []
    for n in range(3):
        added.append(
            await source_store.add_guild_source(
                db, 7, kind="rss", url=web_server.url(f"/g{n}.xml"), actor=1, cap=3
            )
        )
    with pytest.raises(GuildSourceError, match="already has 3 sources, the limit is 3"):
        await source_store.add_guild_source(
            db, 7, kind="rss", url=web_server.url("/g9.xml"), actor=1, cap=3
        )
    with pytest.raises(GuildSourceError, match="already watches that URL"):
        await source_store.add_guild_source(
            db, 7, kind="rss", url=web_server.url("/g0.xml"), actor=1
        )
    with pytest.raises(GuildSourceError, match="rss or page"):
        await source_store.add_guild_source(db, 7, kind="ota", url=web_server.url("/x"), actor=1)
    with pytest.raises(GuildSourceError, match="not an http"):
        await source_store.add_guild_source(db, 7, kind="rss", url="file:///etc/passwd", actor=1)
    with pytest.raises(GuildSourceError, match="invalid CSS selector"):
        await source_store.add_guild_source(
            db, 7, kind="page", url=web_server.url("/p"), actor=1, select="main[", cap=99
        )
    # Another guild has its own allowance.
    other = await source_store.add_guild_source(
        db, 8, kind="page", url=web_server.url("/p"), actor=2, select=["main"], remove=".ad"
    )
    assert other.select == ("main",) and other.remove == (".ad",) and other.guild_id == 8

    assert [s.id for s in await source_store.list_guild_sources(db, 7)] == [s.id for s in added]
    assert await source_store.remove_guild_source(db, 8, added[0].id) is False  # not theirs
    assert await source_store.remove_guild_source(db, 7, added[0].id) is True

    # The watcher picks guild sources up; their alerts go to that guild only.
    web_server.set("/g1.xml", rss(), content_type="application/rss+xml")
    web_server.set("/g2.xml", rss(), content_type="application/rss+xml")
    await subscriptions.subscribe(db, 7, 70, [], only_ai=True, actor=1)
    await subscriptions.subscribe(db, 8, 80, [], only_ai=True, actor=1)
    watcher = make_watcher(db, [])
    await watcher.poll_once()
    web_server.set("/g1.xml", rss(ITEM), content_type="application/rss+xml")
    [alert] = await watcher.poll_once()
    assert alert.guild_id == 7
    statuses = {s.spec.id: s.health for s in await source_store.guild_status(db, 7)}
    assert statuses == {added[1].id: "ok", added[2].id: "ok"}
    rows = await alert_store.due(db)
    assert [r.channel_id for r in rows] == [70]


async def test_run_loop_polls_on_interval_and_survives_failures(web_server, db, make_watcher):
    web_server.set("/ok.xml", rss(), content_type="application/rss+xml")
    web_server.set("/bad.xml", "nope", status=500)
    specs = [
        SourceSpec(
            id="ok", kind="rss", url=web_server.url("/ok.xml"), platform="reddit", interval=0.1
        ),
        SourceSpec(
            id="bad", kind="rss", url=web_server.url("/bad.xml"), platform="reddit", interval=0.1
        ),
    ]
    policy = WatchPolicy(pause_after=100, backoff_base=0.05, backoff_cap=0.1, jitter=0, tick=0.05)
    watcher = make_watcher(db, specs, policy=policy)
    task = asyncio.create_task(watcher.run())
    try:
        await asyncio.sleep(0.6)
        web_server.set("/ok.xml", rss(ITEM), content_type="application/rss+xml")
        for _ in range(40):
            await asyncio.sleep(0.05)
            if watcher.on_new_outbox.is_set() or await alert_store.recent_alerts(db):
                break
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert web_server.hits["/ok.xml"] >= 3
    assert web_server.hits["/bad.xml"] >= 3
    assert [a.source for a in await alert_store.recent_alerts(db)] == ["ok"]
    assert (await source_store.get_state(db, "bad")).failures >= 3


async def test_guilds_resume_only_their_own_sources(web_server, db, make_watcher):
    spec = await source_store.add_guild_source(
        db, 7, kind="rss", url=web_server.url("/dead.xml"), actor=1
    )
    web_server.set("/dead.xml", "no", status=404)
    watcher = make_watcher(db, [])
    for _ in range(3):
        await watcher.poll_once()
    assert (await source_store.get_state(db, spec.id)).paused
    assert await source_store.resume(db, spec.id, guild_id=8) is False
    assert await source_store.resume(db, spec.id, guild_id=7) is True
