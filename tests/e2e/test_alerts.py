"""Alerts end to end: a watched page or feed changes, and the alert appears in every subscribed
channel EXACTLY ONCE — with a 429 in the way, across a restart between detection and delivery,
when Discord accepted a message but the bot never heard back, and never pinging anyone but the
role a moderator chose. The real bot (as ``python -m bot`` builds it) polls a loopback web
server; the emulator is its Discord.

The scheduler polls a new source at once (that poll records the baseline and posts nothing);
the change is then picked up by ``app.watcher.poll_once()``, what ``watch --once`` runs — the
scheduler's timing is not what these tests are about.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from bot.store import subscriptions

from tests.integration.conftest import FakeWeb

from .conftest import RunningFinePrint, Server, StartFinePrint
from .emulator import MENTION_EVERYONE, CommandNotVisible, DiscordEmulator, Hold, Message
from .harness import LogWatch
from .watched import (
    AI_PASSAGE,
    AI_PASSAGE_2,
    FEED,
    LICENSE,
    MESSAGES,
    PRIVACY,
    TERMS,
    Outbox,
    assert_terms_alert,
    field,
    rss,
    sends_to,
    serve_page,
    terms_source,
    watching,
)


async def subscribe(
    emulator: DiscordEmulator, server: Server, channel: Any, **options: Any
) -> None:
    r = await emulator.slash(
        server.alice, server.general, "alerts subscribe", channel=channel, **options
    )
    assert r.ephemeral and r.embeds[0]["title"] == "Alerts subscribed", r.message


# --------------------------------------------------------------------------- 1. one alert


async def test_a_changed_page_alerts_each_subscribed_channel_exactly_once(
    emulator: DiscordEmulator,
    start_fineprint: StartFinePrint,
    server: Server,
    web: FakeWeb,
    tmp_path: Path,
) -> None:
    alerts = emulator.add_text_channel(server.guild, "ai-alerts")
    pings = emulator.add_text_channel(server.guild, "producers")
    producers = emulator.add_role(server.guild, "Producers", mentionable=True)
    serve_page(web, TERMS, LICENSE)
    fp = await start_fineprint(env=watching(tmp_path, terms_source(web)))
    await subscribe(emulator, server, alerts, platforms="soundcloud")
    await subscribe(emulator, server, pings, platforms="soundcloud", mention_role=producers)
    await Outbox(fp.app.db).wait_baseline("soundcloud-terms")
    assert await Outbox(fp.app.db).rows() == []  # the baseline posts nothing

    serve_page(web, TERMS, LICENSE, AI_PASSAGE)
    [alert] = await fp.app.watcher.poll_once()
    assert alert.added == (AI_PASSAGE,)

    rows = await Outbox(fp.app.db).wait_delivered()
    assert [(r["channel_id"], r["status"]) for r in rows] == [
        (alerts.id, "sent"),
        (pings.id, "sent"),
    ]
    [plain] = emulator.channel_messages(alerts)
    [pinged] = emulator.channel_messages(pings)
    assert {r["message_id"] for r in rows} == {plain.id, pinged.id}
    for message in (plain, pinged):
        assert_terms_alert(message, web)
        assert message.data["mention_everyone"] is False
    # Nothing pings in the plain channel; only the chosen role in the other one.
    assert plain.content == "" and not plain.pings
    assert plain.allowed_mentions["parse"] == []
    assert pinged.content == producers.mention
    assert pinged.pings.roles == (producers.id,) and not pinged.pings.users
    assert pinged.allowed_mentions["parse"] == []
    assert [int(r) for r in pinged.allowed_mentions["roles"]] == [producers.id]
    assert len(emulator.requests_to("POST", MESSAGES)) == 2  # one send per channel, no retry

    # Polling the same page again finds nothing new: still one message per channel.
    assert await fp.app.watcher.poll_once() == []
    assert len(emulator.channel_messages(alerts)) == len(emulator.channel_messages(pings)) == 1


# --------------------------------------------------------------------------- 3. a 429


async def test_a_rate_limited_send_still_lands_once(
    emulator: DiscordEmulator,
    start_fineprint: StartFinePrint,
    server: Server,
    web: FakeWeb,
    tmp_path: Path,
) -> None:
    alerts = emulator.add_text_channel(server.guild, "ai-alerts")
    serve_page(web, TERMS, LICENSE)
    fp = await start_fineprint(env=watching(tmp_path, terms_source(web)))
    await subscribe(emulator, server, alerts, platforms="soundcloud")
    await Outbox(fp.app.db).wait_baseline("soundcloud-terms")

    fault = emulator.fail("POST", MESSAGES, status=429, retry_after=0.2, times=1)
    serve_page(web, TERMS, LICENSE, AI_PASSAGE)
    await fp.app.watcher.poll_once()
    [row] = await Outbox(fp.app.db).wait_delivered()

    assert fault.hits == 1
    assert [q.status for q in emulator.requests_to("POST", MESSAGES)] == [429, 200]
    [message] = emulator.channel_messages(alerts)
    assert row["status"] == "sent" and row["message_id"] == message.id
    assert_terms_alert(message, web)


# --------------------------------------------------------------------------- 2. restarts


async def detect_while_held(
    emulator: DiscordEmulator,
    start_fineprint: StartFinePrint,
    server: Server,
    web: FakeWeb,
    tmp_path: Path,
) -> tuple[RunningFinePrint, Any, Hold]:
    """Subscribe, baseline, then a change whose delivery request the emulator holds; returns
    (the bot, the alerts channel, the hold) with the send in flight."""
    alerts = emulator.add_text_channel(server.guild, "ai-alerts")
    serve_page(web, TERMS, LICENSE)
    fp = await start_fineprint(env=watching(tmp_path, terms_source(web)))
    await subscribe(emulator, server, alerts, platforms="soundcloud")
    await Outbox(fp.app.db).wait_baseline("soundcloud-terms")

    hold = emulator.hold("POST", rf"/channels/{alerts.id}/messages")
    serve_page(web, TERMS, LICENSE, AI_PASSAGE)
    [alert] = await fp.app.watcher.poll_once()
    await hold.wait_held(1)
    [row] = await Outbox(fp.app.db).rows()
    assert row["status"] == "pending" and row["alert_id"] == alert.id
    return fp, alerts, hold


async def test_restart_between_detection_and_delivery_delivers_once(
    emulator: DiscordEmulator,
    start_fineprint: StartFinePrint,
    server: Server,
    web: FakeWeb,
    tmp_path: Path,
) -> None:
    first, alerts, hold = await detect_while_held(emulator, start_fineprint, server, web, tmp_path)
    await first.stop()  # Ctrl-C while the alert is recorded but not delivered
    hold.release(process=False)  # the send never reached Discord
    assert emulator.channel_messages(alerts) == []

    second = await start_fineprint(env=watching(tmp_path, terms_source(web)), sync=False)
    [row] = await Outbox(second.app.db).wait_delivered()
    [message] = emulator.channel_messages(alerts)
    assert row["status"] == "sent" and row["message_id"] == message.id
    assert_terms_alert(message, web)
    sends = emulator.requests_to("POST", rf"/channels/{alerts.id}/messages")
    assert sends_to(emulator, alerts) == [503, 200]
    assert sends[0].json["nonce"] == sends[1].json["nonce"] == row["nonce"]
    assert emulator.nonce_replays == []


async def test_crash_after_discord_accepted_is_not_posted_twice(
    emulator: DiscordEmulator,
    start_fineprint: StartFinePrint,
    server: Server,
    web: FakeWeb,
    tmp_path: Path,
) -> None:
    """ "Sent but not marked sent": Discord created the message, the bot stopped before it heard
    back, so the row is still pending. The next process sends it again with the same nonce, and
    Discord's enforce_nonce answers with the message it already has."""
    first, alerts, hold = await detect_while_held(emulator, start_fineprint, server, web, tmp_path)
    await first.stop()
    hold.release(process=True)  # Discord handles the request the bot gave up on
    [created] = await emulator.wait_for_messages(alerts, 1)

    second = await start_fineprint(env=watching(tmp_path, terms_source(web)), sync=False)
    [row] = await Outbox(second.app.db).wait_delivered()
    assert row["status"] == "sent" and row["message_id"] == created.id
    assert emulator.channel_messages(alerts) == [created]
    assert emulator.nonce_replays == [created]
    first_send, resend = emulator.requests_to("POST", rf"/channels/{alerts.id}/messages")
    assert first_send.json["nonce"] == resend.json["nonce"] == row["nonce"]
    assert resend.json["enforce_nonce"] is True


async def test_unsubscribed_channel_gets_no_alert_still_queued_for_it(
    emulator: DiscordEmulator,
    start_fineprint: StartFinePrint,
    server: Server,
    web: FakeWeb,
    tmp_path: Path,
) -> None:
    """``/alerts unsubscribe`` promises "no more alerts": one queued while Discord was failing
    must not turn up after the moderator unsubscribed (here, after a restart)."""
    first, alerts, hold = await detect_while_held(emulator, start_fineprint, server, web, tmp_path)
    r = await emulator.slash(server.alice, server.general, "alerts unsubscribe", channel=alerts)
    assert "will get no more alerts" in r.message.text()
    await first.stop()
    hold.release(process=False)

    second = await start_fineprint(env=watching(tmp_path, terms_source(web)), sync=False)
    [row] = await Outbox(second.app.db).wait_delivered()
    assert row["status"] == "failed" and row["last_error"] == "unsubscribed"
    assert emulator.channel_messages(alerts) == []
    assert sends_to(emulator, alerts) == [503]  # only the one in flight when it happened


# --------------------------------------------------------------------------- 5. @everyone


async def test_everyone_in_a_feed_title_pings_nobody(
    emulator: DiscordEmulator,
    start_fineprint: StartFinePrint,
    server: Server,
    web: FakeWeb,
    tmp_path: Path,
) -> None:
    # The bot may mention everyone here, so only the way it sends stands between the feed and
    # a server-wide ping.
    alerts = emulator.add_text_channel(server.guild, "ai-alerts")
    assert server.guild.bot_role is not None
    server.guild.bot_role.permissions |= MENTION_EVERYONE
    old = ("old-1", "SoundCloud launches a new app", "Nothing about AI here.")
    web.set(FEED, rss(old), content_type="application/rss+xml")
    source = {"id": "music-news", "kind": "rss", "platform": "soundcloud", "url": web.url(FEED)}
    fp = await start_fineprint(env=watching(tmp_path, source))
    await subscribe(emulator, server, alerts, platforms="soundcloud")
    await Outbox(fp.app.db).wait_baseline("music-news")

    hostile = (
        "new-1",
        "@everyone SoundCloud will train AI on your uploads @here",
        "SoundCloud may use your tracks to train artificial intelligence models. @everyone",
    )
    web.set(FEED, rss(hostile, old), content_type="application/rss+xml")
    [alert] = await fp.app.watcher.poll_once()
    assert alert.kind == "news" and alert.title.startswith("@everyone")
    await Outbox(fp.app.db).wait_delivered()

    [message] = emulator.channel_messages(alerts)
    assert message.allowed_mentions["parse"] == []
    assert not message.pings and message.data["mention_everyone"] is False
    assert message.data["mentions"] == [] and message.data["mention_roles"] == []
    text = message.text()
    assert "@everyone" not in text and "@here" not in text
    assert "@\u200beveryone SoundCloud will train AI on your uploads @\u200bhere" in text
    assert "train artificial intelligence models" in field(message, "Summary")


# --------------------------------------------------------------------------- 6. 403


@pytest.mark.parametrize("told_in", ["system channel", "owner DM"])
async def test_a_channel_that_refuses_alerts_is_reported_to_the_guild_once(
    emulator: DiscordEmulator,
    start_fineprint: StartFinePrint,
    server: Server,
    web: FakeWeb,
    tmp_path: Path,
    bot_log: LogWatch,
    told_in: str,
) -> None:
    locked = emulator.add_text_channel(server.guild, "locked-alerts", bot_can_send=False)
    working = emulator.add_text_channel(server.guild, "ai-alerts")
    mod_log = emulator.add_text_channel(server.guild, "mod-log")
    if told_in == "system channel":
        emulator.set_system_channel(server.guild, mod_log)
    privacy = terms_source(web, PRIVACY, id="soundcloud-privacy", document="Privacy Policy")
    serve_page(web, TERMS, LICENSE)
    serve_page(web, PRIVACY, LICENSE)
    fp = await start_fineprint(env=watching(tmp_path, terms_source(web), privacy))
    r = await emulator.slash(
        server.alice, server.general, "alerts subscribe", channel=locked, platforms="soundcloud"
    )
    assert "I am missing Send Messages, Embed Links in" in r.message.text()  # warned up front
    await subscribe(emulator, server, working, platforms="soundcloud")
    await Outbox(fp.app.db).wait_baseline("soundcloud-terms", "soundcloud-privacy")

    # Two alerts at once: the first send gets 403, both rows for that channel fail with it.
    serve_page(web, TERMS, LICENSE, AI_PASSAGE)
    serve_page(web, PRIVACY, LICENSE, AI_PASSAGE_2)
    assert len(await fp.app.watcher.poll_once()) == 2
    rows = await Outbox(fp.app.db).wait_delivered()

    refused = [r for r in rows if r["channel_id"] == locked.id]
    assert [r["status"] for r in refused] == ["failed", "failed"]
    assert all("missing a permission" in r["last_error"] for r in refused)
    assert len(emulator.channel_messages(working)) == 2  # the other channel is unaffected
    assert sends_to(emulator, locked) == [403]
    sub = await subscriptions.get(fp.app.db, locked.id)
    assert sub is not None and sub.paused_reason
    logged = bot_log.take()
    assert any("refuses alerts" in t for t in logged), logged

    def told() -> list[Message]:
        if told_in == "system channel":
            return emulator.channel_messages(mod_log)
        return emulator.dm_messages(server.guild.owner)

    [notice] = told()
    assert notice.embeds[0]["title"] == "Fine Print cannot post alerts"
    assert locked.mention in notice.embeds[0]["description"]
    assert not notice.pings and notice.allowed_mentions["parse"] == []

    # Another alert later: the paused channel is not tried again and nobody is told twice.
    serve_page(web, TERMS, LICENSE, AI_PASSAGE, "We may also train generative AI on your uploads.")
    [later_alert] = await fp.app.watcher.poll_once()
    assert later_alert.ai_relevant
    await Outbox(fp.app.db).wait_delivered()
    assert len(emulator.channel_messages(working)) == 3
    assert sends_to(emulator, locked) == [403]
    assert len(told()) == 1
    listing = await emulator.slash(server.alice, server.general, "alerts list")
    assert "paused: I am missing a permission" in listing.message.text()


# --------------------------------------------------------------------------- 7. /alerts


async def test_alerts_commands_list_test_and_unsubscribe(
    emulator: DiscordEmulator, start_fineprint: StartFinePrint, server: Server
) -> None:
    alerts = emulator.add_text_channel(server.guild, "ai-alerts")
    locked = emulator.add_text_channel(server.guild, "locked", bot_can_send=False)
    await start_fineprint()

    async def alerts_command(path: str, **options: Any) -> Message:
        r = await emulator.slash(server.alice, server.general, f"alerts {path}", **options)
        assert r.ephemeral and r.message is not None
        return r.message

    empty = await alerts_command("list")
    assert empty.embeds[0]["title"] == "No alert channels yet"
    assert "Run `/alerts subscribe`" in empty.text()

    # /alerts test posts a clearly-labelled sample, and says the channel is not subscribed yet.
    posted = await alerts_command("test", channel=alerts)
    assert posted.embeds[0]["title"] == "Sample posted"
    assert "not subscribed yet" in posted.text()
    [sample] = emulator.channel_messages(alerts)
    assert sample.embeds[0]["title"].startswith("Sample alert")
    assert not sample.pings and sample.allowed_mentions["parse"] == []

    # Where it may not post, it says which permissions are missing instead of failing.
    refused = await alerts_command("test", channel=locked)
    assert refused.embeds[0]["title"] == "Sample not posted"
    assert f"I could not post in {locked.mention}" in refused.text()
    assert "I am missing Send Messages, Embed Links" in refused.text()
    assert emulator.channel_messages(locked) == []

    unknown = await alerts_command("subscribe", channel=alerts, platforms="myspace")
    assert unknown.embeds[0]["title"] == "Unknown platform" and "“myspace”" in unknown.text()
    done = await alerts_command("subscribe", channel=alerts, platforms="soundcloud, yt")
    assert done.embeds[0]["title"] == "Alerts subscribed"
    assert "for **SoundCloud, YouTube**" in done.text()

    [line] = (await alerts_command("list")).embeds[0]["description"].splitlines()
    assert line == f"{alerts.mention} — SoundCloud, YouTube · AI-relevant only"
    again = await alerts_command("test", channel=alerts)
    assert "not subscribed" not in again.text()
    assert len(emulator.channel_messages(alerts)) == 2

    gone = await alerts_command("unsubscribe", channel=alerts)
    assert gone.embeds[0]["title"] == "Unsubscribed"
    assert (await alerts_command("list")).embeds[0]["title"] == "No alert channels yet"
    twice = await alerts_command("unsubscribe", channel=alerts)
    assert twice.embeds[0]["title"] == "Not subscribed"


async def test_alerts_commands_are_for_moderators(
    emulator: DiscordEmulator, fineprint: RunningFinePrint, server: Server
) -> None:
    with pytest.raises(CommandNotVisible):  # default_permissions hide it from members
        await emulator.slash(server.bob, server.general, "alerts subscribe")
    # A server may show it to everyone; the check that runs with the command still refuses.
    r = await emulator.slash(server.bob, server.general, "alerts subscribe", visibility_check=False)
    assert r.ephemeral
    assert "You need the Manage Server permission" in r.message.text()
    assert await subscriptions.list_subscriptions(fineprint.app.db, server.guild.id) == []


# --------------------------------------------------------------------------- 8. hostile links


MASKED_LINK = "https://x/a [SoundCloud official terms](https://evil.example)"


async def test_a_masked_link_in_a_feed_item_is_neither_a_link_nor_a_refused_message(
    emulator: DiscordEmulator,
    start_fineprint: StartFinePrint,
    server: Server,
    web: FakeWeb,
    tmp_path: Path,
) -> None:
    alerts = emulator.add_text_channel(server.guild, "ai-alerts")
    old = ("old-1", "SoundCloud launches a new app", "Nothing about AI here.")
    web.set(FEED, rss(old), content_type="application/rss+xml")
    source = {"id": "music-news", "kind": "rss", "platform": "soundcloud", "url": web.url(FEED)}
    fp = await start_fineprint(env=watching(tmp_path, source))
    await subscribe(emulator, server, alerts, platforms="soundcloud")
    await Outbox(fp.app.db).wait_baseline("music-news")

    item = ("new-1", "SoundCloud will train AI on your uploads", "It may train AI models.")
    body = rss(item, old).replace("https://news.example/new-1", MASKED_LINK)
    web.set(FEED, body, content_type="application/rss+xml")
    assert len(await fp.app.watcher.poll_once()) == 1
    [row] = await Outbox(fp.app.db).wait_delivered()

    assert row["status"] == "sent" and sends_to(emulator, alerts) == [200]  # no 400
    [message] = emulator.channel_messages(alerts)
    [embed] = message.embeds
    assert embed["url"] == web.url(FEED)  # the item's "link" was not a URL
    assert field(message, "Source") == web.url(FEED)
    assert "evil.example" not in str(message.data) and "](" not in str(embed)


async def test_a_message_discord_refuses_with_a_400_is_not_retried_and_the_guild_is_told_once(
    emulator: DiscordEmulator,
    start_fineprint: StartFinePrint,
    server: Server,
    web: FakeWeb,
    tmp_path: Path,
    bot_log: LogWatch,
) -> None:
    alerts = emulator.add_text_channel(server.guild, "ai-alerts")
    mod_log = emulator.add_text_channel(server.guild, "mod-log")
    emulator.set_system_channel(server.guild, mod_log)
    serve_page(web, TERMS, LICENSE)
    fp = await start_fineprint(env=watching(tmp_path, terms_source(web)))
    await subscribe(emulator, server, alerts, platforms="soundcloud")
    await Outbox(fp.app.db).wait_baseline("soundcloud-terms")

    fault = emulator.fail(
        "POST", MESSAGES, status=400, code=50035, message="Invalid Form Body", times=1
    )
    serve_page(web, TERMS, LICENSE, AI_PASSAGE)
    await fp.app.watcher.poll_once()
    [row] = await Outbox(fp.app.db).wait_delivered()
    assert fault.hits == 1
    assert row["status"] == "failed" and row["attempts"] == 1 and "400" in row["last_error"]
    assert sends_to(emulator, alerts) == [400]
    [told] = await emulator.wait_for_messages(mod_log, 1)  # told after the row is failed
    assert told.embeds[0]["title"] == "Fine Print could not post an alert"
    assert any("Discord refused the message" in t for t in bot_log.take())

    # The channel keeps its subscription: the next alert arrives; nobody is told twice.
    serve_page(web, TERMS, LICENSE, AI_PASSAGE, AI_PASSAGE_2)
    await fp.app.watcher.poll_once()
    await Outbox(fp.app.db).wait_delivered()
    assert sends_to(emulator, alerts) == [400, 200]
    assert len(emulator.channel_messages(alerts)) == 1
    assert len(emulator.channel_messages(mod_log)) == 1
