"""``/feeds``: a server's own feeds and pages, end to end. A moderator adds a loopback RSS feed
(the bot runs with ``FINEPRINT_ALLOW_PRIVATE_NETWORKS=1``, the only way its fetcher reaches
127.0.0.1), lists it, sees it paused after repeated failures — the subscribed channel is told
once —, reads the last error in ``/feeds status`` and resumes it; the per-server cap and the
moderator check answer clearly."""

from __future__ import annotations

from typing import Any

import pytest
from bot.store import clock
from bot.store import sources as source_store

from tests.integration.conftest import FakeWeb

from .conftest import RunningFinePrint, Server, StartFinePrint
from .emulator import MANAGE_GUILD, CommandNotVisible, DiscordEmulator, Message
from .harness import LogWatch, eventually
from .watched import FEED, Outbox, rss, shown

PRIVATE_OK = {"FINEPRINT_ALLOW_PRIVATE_NETWORKS": "1"}
ITEM = ("launch-1", "SoundCloud launches a new upload flow", "A faster way to upload tracks.")


def serve_feed(web: FakeWeb, path: str = FEED, *items: tuple[str, str, str]) -> None:
    web.set(path, rss(*(items or (ITEM,))), content_type="application/rss+xml")


async def feeds(emulator: DiscordEmulator, server: Server, path: str, **options: Any) -> Message:
    r = await emulator.slash(server.alice, server.general, f"feeds {path}", **options)
    assert r.ephemeral and r.message is not None
    return r.message


def status_field(message: Message, source_id: str) -> str:
    [embed] = message.embeds
    return next(f["value"] for f in embed["fields"] if f["name"] == source_id)


async def test_a_failing_feed_is_paused_told_once_and_resumed(
    emulator: DiscordEmulator,
    start_fineprint: StartFinePrint,
    server: Server,
    web: FakeWeb,
    bot_log: LogWatch,
) -> None:
    alerts = emulator.add_text_channel(server.guild, "ai-alerts")
    serve_feed(web)
    fp = await start_fineprint(env=PRIVATE_OK)
    await emulator.slash(
        server.alice, server.general, "alerts subscribe", channel=alerts, platforms="soundcloud"
    )
    empty = await feeds(emulator, server, "list")
    assert empty.embeds[0]["title"] == "No server sources yet"

    added = await feeds(
        emulator, server, "add", url=web.url(FEED), kind="rss", platform="soundcloud"
    )
    assert added.embeds[0]["title"] == "Source added"
    [spec] = await source_store.list_guild_sources(fp.app.db, server.guild.id)
    assert f"Watching `{spec.id}` about **SoundCloud**" in added.text()
    await Outbox(fp.app.db).wait_baseline(spec.id)  # the watcher picked it up at once
    listed = await feeds(emulator, server, "list")
    assert f"`{spec.id}` · rss · ok · <{web.url(FEED)}>" in listed.text()
    choices = await emulator.autocomplete(
        server.alice, server.general, "feeds resume", focused="source", source=spec.id[:5]
    )
    assert {"name": spec.id, "value": spec.id} in choices.choices

    # The feed breaks. Each failure is recorded; the eighth in a row pauses the source.
    web.set(FEED, "upstream is down", status=500)
    for _ in range(8):
        assert await fp.app.watcher.poll_once() == []
    state = await source_store.get_state(fp.app.db, spec.id)
    assert state.paused and state.failures == 8 and state.last_error == "HTTP 500"
    [row] = await Outbox(fp.app.db).wait_delivered()
    assert row["status"] == "sent" and row["notice_id"]
    [notice] = emulator.channel_messages(alerts)
    assert shown(notice.embeds[0]["title"]) == f"Paused a source: soundcloud feed ({spec.id})"
    assert f"I could not read {web.url(FEED)} 8 times in a row" in shown(notice)
    assert "Last error: HTTP 500" in shown(notice)
    assert f"Resume it with /feeds resume {spec.id}." in shown(notice)
    assert not notice.pings and notice.allowed_mentions["parse"] == []
    assert any("paused after 8 failures" in t for t in bot_log.take())

    # Paused means not polled: more cycles tell nobody again.
    for _ in range(3):
        await fp.app.watcher.poll_once()
    assert len(await Outbox(fp.app.db).rows()) == 1
    assert emulator.channel_messages(alerts) == [notice]
    assert web.hits[FEED] == 1 + 8  # the baseline and the failures; nothing while paused

    status = await feeds(emulator, server, "status")
    value = status_field(status, spec.id)
    assert value.startswith("paused; last ok ")
    assert "8 failure(s) in a row" in value and "Last error: HTTP 500" in value
    assert f"`/feeds resume {spec.id}`" in value

    # Fixed upstream; a moderator resumes it and the watcher checks it again right away.
    serve_feed(web)
    resumed_at = clock.now_iso()
    resumed = await feeds(emulator, server, "resume", source=spec.id)
    assert resumed.embeds[0]["title"] == "Resumed"

    async def healthy() -> bool:
        state = await source_store.get_state(fp.app.db, spec.id)
        return not state.paused and (state.last_ok_at or "") > resumed_at

    await eventually(healthy, "the resumed source to be polled successfully")
    assert status_field(await feeds(emulator, server, "status"), spec.id).startswith("ok; ")
    again = await feeds(emulator, server, "resume", source=spec.id)
    assert again.embeds[0]["title"] == "Not paused"
    assert emulator.channel_messages(alerts) == [notice]  # still told exactly once


async def test_feeds_cap_duplicates_and_removal(
    emulator: DiscordEmulator, start_fineprint: StartFinePrint, server: Server, web: FakeWeb
) -> None:
    fp = await start_fineprint(env=PRIVATE_OK)
    cap = source_store.GUILD_SOURCE_CAP
    for i in range(cap):
        serve_feed(web, f"/feeds/{i}.xml")
        added = await feeds(emulator, server, "add", url=web.url(f"/feeds/{i}.xml"), kind="rss")
        assert added.embeds[0]["title"] == "Source added", added.text()

    serve_feed(web, "/feeds/extra.xml")
    over = await feeds(emulator, server, "add", url=web.url("/feeds/extra.xml"), kind="rss")
    assert over.embeds[0]["title"] == "Source not added"
    assert f"This server already has {cap} sources, the limit is {cap}." in over.text()
    assert "Remove one with /feeds remove first." in over.text()
    twice = await feeds(emulator, server, "add", url=web.url("/feeds/0.xml"), kind="rss")
    assert "This server already watches that URL." in twice.text()
    not_http = await feeds(emulator, server, "add", url="ftp://example.org/feed", kind="rss")
    assert "'ftp://example.org/feed' is not an http(s) URL." in shown(not_http)

    specs = await source_store.list_guild_sources(fp.app.db, server.guild.id)
    assert len(specs) == cap
    removed = await feeds(emulator, server, "remove", source=specs[0].id)
    assert removed.embeds[0]["title"] == "Source removed"
    unknown = await feeds(emulator, server, "remove", source=specs[0].id)
    assert unknown.embeds[0]["title"] == "No such source"
    room = await feeds(emulator, server, "add", url=web.url("/feeds/extra.xml"), kind="rss")
    assert room.embeds[0]["title"] == "Source added"


async def test_feeds_are_for_moderators(
    emulator: DiscordEmulator, fineprint: RunningFinePrint, server: Server
) -> None:
    with pytest.raises(CommandNotVisible):
        await emulator.slash(server.bob, server.general, "feeds list")
    r = await emulator.slash(
        server.bob,
        server.general,
        "feeds add",
        url="https://example.org/feed.xml",
        kind="rss",
        visibility_check=False,
    )
    assert r.ephemeral and "You need the Manage Server permission" in r.message.text()
    assert await source_store.list_guild_sources(fineprint.app.db, server.guild.id) == []


async def test_a_servers_own_feed_alerts_that_server_only(
    emulator: DiscordEmulator, start_fineprint: StartFinePrint, server: Server, web: FakeWeb
) -> None:
    alerts = emulator.add_text_channel(server.guild, "ai-alerts")
    other = emulator.add_guild("Lo-fi Lab")
    other_alerts = emulator.add_text_channel(other, "alerts")
    olga = emulator.add_member(
        other, "olga", roles=[emulator.add_role(other, "Mods", permissions=MANAGE_GUILD)]
    )
    serve_feed(web)
    fp = await start_fineprint(env=PRIVATE_OK)
    for who, channel in ((server.alice, alerts), (olga, other_alerts)):  # every platform
        r = await emulator.slash(who, channel, "alerts subscribe", channel=channel)
        assert r.embeds[0]["title"] == "Alerts subscribed"
    await feeds(emulator, server, "add", url=web.url(FEED), kind="rss", platform="soundcloud")
    [spec] = await source_store.list_guild_sources(fp.app.db, server.guild.id)
    await Outbox(fp.app.db).wait_baseline(spec.id)

    news = ("ai-1", "SoundCloud to train AI on uploads", "It may train artificial intelligence.")
    serve_feed(web, FEED, news, ITEM)
    [alert] = await fp.app.watcher.poll_once()
    assert alert.guild_id == server.guild.id
    [row] = await Outbox(fp.app.db).wait_delivered()
    assert row["channel_id"] == alerts.id and row["status"] == "sent"
    [message] = emulator.channel_messages(alerts)
    assert shown(message.embeds[0]["title"]) == "SoundCloud to train AI on uploads"
    assert emulator.channel_messages(other_alerts) == []  # the other server never sees it
