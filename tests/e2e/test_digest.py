"""Weekly digests end to end: a channel subscribed with ``mode:weekly`` gets nothing while its
week runs, then ONE message listing the week's alerts (AI-relevant first) — exactly once, even
when the bot stops while Discord is creating that message. ``/alerts preview`` shows moderators
a platform's latest alert before they subscribe.

The bot runs with a ``MovableClock`` as its deliverer's "now": the test closes a week by moving
the clock (nothing sleeps for a week). Alerts are detected the usual way, by
``app.watcher.poll_once()`` against loopback pages.
"""

from __future__ import annotations

import contextlib
import signal
import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest
from bot.alerts.digest import next_week_start, week_start
from bot.present.texts import ENGLISH
from bot.store import clock as store_clock

from tests.clock import MovableClock
from tests.integration.conftest import FakeWeb

from .conftest import RunningFinePrint, Server, Spawn, StartFinePrint
from .emulator import CommandNotVisible, DiscordEmulator, Message
from .harness import assert_clean_output, closed_cleanly, ping_problems
from .watched import (
    AI_PASSAGE,
    AI_PASSAGE_2,
    LICENSE,
    MESSAGES,
    PRIVACY,
    TERMS,
    Outbox,
    assert_terms_alert,
    serve_page,
    shown,
    terms_source,
    watching,
)

NOT_AI = "Be kind to other users and report abuse."


def close_the_week(fp: RunningFinePrint, clock: MovableClock, detected_at: str) -> None:
    """Move the clock past the Monday 00:00 UTC that ends the week of ``detected_at``, and poke
    the delivery loop as a new outbox row would. (Left alone, the loop wakes by itself when the
    week ends — tests/integration/test_digest_delivery.py — but here the clock jumps.)"""
    detected = store_clock.parse(detected_at)
    assert detected is not None
    clock.set(max(clock(), next_week_start(detected)) + timedelta(minutes=1))
    assert fp.app.watcher is not None
    fp.app.watcher.on_new_outbox.set()


def digest_lines(message: Message) -> list[str]:
    [embed] = message.embeds
    return [shown(line) for line in embed["description"].splitlines() if line.startswith("•")]


async def test_weekly_digest_is_delivered_exactly_once_across_a_restart(
    emulator: DiscordEmulator,
    start_fineprint: StartFinePrint,
    server: Server,
    web: FakeWeb,
    tmp_path: Path,
) -> None:
    digest = emulator.add_text_channel(server.guild, "weekly-digest")
    instant = emulator.add_text_channel(server.guild, "ai-alerts")
    privacy = terms_source(web, PRIVACY, id="soundcloud-privacy", document="Privacy Policy")
    serve_page(web, TERMS, LICENSE)
    serve_page(web, PRIVACY, LICENSE)
    env = watching(tmp_path, terms_source(web), privacy)
    clock = MovableClock()
    first = await start_fineprint(env=env, clock=clock)
    r = await emulator.slash(
        server.alice,
        server.general,
        "alerts subscribe",
        channel=digest,
        platforms="soundcloud",
        only_ai=False,
        mode="weekly",
    )
    assert r.ephemeral and "one weekly digest" in r.message.text()
    r = await emulator.slash(
        server.alice, server.general, "alerts subscribe", channel=instant, platforms="soundcloud"
    )
    assert "weekly" not in r.message.text()
    await Outbox(first.app.db).wait_baseline("soundcloud-terms", "soundcloud-privacy")

    # During the week: a change that is not about AI, then one that is.
    serve_page(web, PRIVACY, LICENSE, NOT_AI)
    [other] = await first.app.watcher.poll_once()
    serve_page(web, TERMS, LICENSE, AI_PASSAGE)
    [ai] = await first.app.watcher.poll_once()
    assert ai.ai_relevant and not other.ai_relevant
    [_row] = await Outbox(first.app.db).wait_delivered()  # the instant channel's, as always
    [alert] = emulator.channel_messages(instant)
    assert_terms_alert(alert, web)
    assert emulator.channel_messages(digest) == []  # the weekly channel waits for Monday
    listing = await emulator.slash(server.alice, server.general, "alerts list")
    assert f"{digest.mention} — SoundCloud · every change · weekly digest (2 alerts waiting" in (
        listing.message.text()
    )

    # The week closes; Discord is creating the digest when the bot is stopped.
    hold = emulator.hold("POST", rf"/channels/{digest.id}/messages")
    close_the_week(first, clock, ai.detected_at)
    await hold.wait_held(1)
    [pending] = [r for r in await Outbox(first.app.db).rows() if r["digest_id"]]
    assert pending["status"] == "pending" and pending["channel_id"] == digest.id
    await first.stop()
    hold.release(process=True)  # Discord carries it out; the bot never heard back
    [created] = await emulator.wait_for_messages(digest, 1)

    second = await start_fineprint(env=env, sync=False, clock=clock)
    rows = await Outbox(second.app.db).wait_delivered()
    [sent] = [r for r in rows if r["digest_id"]]
    assert sent["status"] == "sent" and sent["message_id"] == created.id
    assert emulator.channel_messages(digest) == [created]  # once, not twice
    assert emulator.nonce_replays == [created]  # the re-send got the same message back
    held, resend = emulator.requests_to("POST", rf"/channels/{digest.id}/messages")
    assert held.json["nonce"] == resend.json["nonce"] == sent["nonce"]

    # What the moderators read: the week, the AI change first, platform, document and link.
    [embed] = created.embeds
    monday = week_start(store_clock.parse(ai.detected_at) or clock())
    sunday = monday + timedelta(days=6)
    written = f"{ENGLISH.date(monday.date())} – {ENGLISH.date(sunday.date())}"
    assert embed["title"] == f"Weekly digest · {written}"
    assert shown(embed["description"]).startswith("2 alerts from Fine Print this week.")
    day = ENGLISH.date(date.fromisoformat(ai.detected_at[:10]))
    # Each change by its headline, in plain words.
    assert digest_lines(created) == [
        "• **SoundCloud** · Terms of Use — [SoundCloud now allows AI training on your content]"
        f"({web.url(TERMS)}) · {day}",
        "• **SoundCloud** · Privacy Policy — [SoundCloud changed its Privacy Policy]"
        f"({web.url(PRIVACY)}) · {ENGLISH.date(date.fromisoformat(other.detected_at[:10]))}",
    ]
    assert not created.pings and created.allowed_mentions["parse"] == []

    # Another alert after that digest: in the next digest only, once its week closes.
    serve_page(web, TERMS, LICENSE, AI_PASSAGE, AI_PASSAGE_2)
    [later] = await second.app.watcher.poll_once()
    await Outbox(second.app.db).wait_delivered()
    assert len(emulator.channel_messages(instant)) == 2
    assert emulator.channel_messages(digest) == [created]
    close_the_week(second, clock, store_clock.iso(clock()))
    [again, newer] = await emulator.wait_for_messages(digest, 2)
    assert again == created
    assert [line.split(" — [", 1)[1].split("](")[0] for line in digest_lines(newer)] == [
        "SoundCloud now lets third parties train AI on your content"
    ]
    assert later.added == (AI_PASSAGE_2,)
    rows = await Outbox(second.app.db).wait_delivered()
    assert [r["status"] for r in rows if r["digest_id"]] == ["sent", "sent"]


async def test_kill_9_while_discord_creates_the_digest_then_a_new_process_posts_it_once(
    emulator: DiscordEmulator,
    spawn: Spawn,
    server: Server,
    web: FakeWeb,
    tmp_path: Path,
    fineprint_env: dict[str, str],
) -> None:
    """``python -m bot`` as a child process with the real clock, killed with SIGKILL while its
    digest is in flight. The alert's week is moved into the past in the database file (what
    test_crash.py does with a source's due time), so the week has closed when the child starts."""
    db = fineprint_env["FINEPRINT_DB"]
    digest = emulator.add_text_channel(server.guild, "weekly-digest")
    env = {**watching(tmp_path, terms_source(web)), "FINEPRINT_DEV_GUILD": str(server.guild.id)}
    serve_page(web, TERMS, LICENSE)
    baseline = await spawn("watch", "--once", "--json", **env).start()
    assert await baseline.wait() == 0, baseline.describe()

    first = await spawn(**env).start()
    await first.wait_ready(emulator)
    r = await emulator.slash(
        server.alice,
        server.general,
        "alerts subscribe",
        channel=digest,
        platforms="soundcloud",
        mode="weekly",
    )
    assert "one weekly digest" in r.message.text()
    assert await first.stop(signal.SIGINT) == 0, first.describe()

    serve_page(web, TERMS, LICENSE, AI_PASSAGE)
    detect = await spawn("watch", "--once", "--json", **env).start()
    assert await detect.wait() == 0, detect.describe()
    assert '"ai_relevant": true' in detect.stdout
    last_week = "2025-03-05T12:00:00.000+00:00"
    with contextlib.closing(sqlite3.connect(db)) as conn, conn:
        assert conn.execute("UPDATE digest_item SET detected_at = ?", (last_week,)).rowcount == 1
        conn.execute("UPDATE alert SET detected_at = ?", (last_week,))
    assert await Outbox(db).rows() == []  # a weekly channel gets no outbox row per alert

    hold = emulator.hold("POST", MESSAGES)
    doomed = await spawn(**env).start()
    await doomed.wait_ready(emulator)
    [held] = await hold.wait_held(1)
    await doomed.kill()
    assert doomed.proc is not None and doomed.proc.returncode == -signal.SIGKILL
    hold.release(process=True)  # Discord creates the digest the dead process asked for
    [created] = await emulator.wait_for_messages(digest, 1)
    [row] = await Outbox(db).rows()
    assert row["digest_id"] and row["status"] == "pending" and row["attempts"] == 0

    survivor = await spawn(**env).start()
    await survivor.wait_ready(emulator)
    [row] = await Outbox(db).wait_delivered()
    assert row["status"] == "sent" and row["message_id"] == created.id
    assert emulator.channel_messages(digest) == [created]
    assert emulator.nonce_replays == [created]
    resend = emulator.requests_to("POST", MESSAGES)[-1]
    assert held.json["nonce"] == resend.json["nonce"] == row["nonce"]
    # Built late for an old week: the title spans from that week's Monday to last Sunday.
    assert created.embeds[0]["title"].startswith("Weekly digest · 3 March 2025 – ")
    assert "SoundCloud" in created.text() and "5 March 2025" in created.text()

    assert await survivor.stop(signal.SIGINT) == 0, survivor.describe()
    assert_clean_output(survivor)
    assert closed_cleanly(db)
    assert emulator.channel_messages(digest) == [created]
    assert ping_problems(emulator) == []


async def test_alerts_preview_shows_the_latest_alert_to_the_moderator_only(
    emulator: DiscordEmulator,
    start_fineprint: StartFinePrint,
    server: Server,
    web: FakeWeb,
    tmp_path: Path,
) -> None:
    serve_page(web, TERMS, LICENSE)
    fp = await start_fineprint(env=watching(tmp_path, terms_source(web)))
    await Outbox(fp.app.db).wait_baseline("soundcloud-terms")

    empty = await emulator.slash(server.alice, server.general, "alerts preview", platform="sc")
    assert empty.ephemeral
    assert empty.message.content.startswith("No alert for SoundCloud yet — here is a sample")
    assert empty.embeds[0]["title"] == "Sample: how a SoundCloud alert looks"

    serve_page(web, TERMS, LICENSE, AI_PASSAGE)
    [alert] = await fp.app.watcher.poll_once()
    r = await emulator.slash(server.alice, server.general, "alerts preview", platform="soundcloud")
    assert r.ephemeral and emulator.channel_messages(server.general) == []
    assert r.message.content.startswith("Preview: the latest SoundCloud alert, detected ")
    assert_terms_alert(r.message, web)  # exactly the card a subscribed channel gets
    assert not r.message.pings and r.message.allowed_mentions["parse"] == []

    unknown = await emulator.slash(
        server.alice, server.general, "alerts preview", platform="myspace"
    )
    assert unknown.embeds[0]["title"] == "Unknown platform"
    with pytest.raises(CommandNotVisible):  # members do not see it
        await emulator.slash(server.bob, server.general, "alerts preview", platform="sc")
    denied = await emulator.slash(
        server.bob, server.general, "alerts preview", platform="sc", visibility_check=False
    )
    assert "You need the Manage Server permission" in denied.message.text()
    assert alert.title not in denied.message.text()
