"""``kill -9`` with an alert pending: ``python -m bot`` as a child process, killed with SIGKILL
(no cleanup at all — a power cut, an OOM kill), then started again on the same database. The
alert must appear exactly once in the subscribed channel.

Setup, as an operator would do it: ``python -m bot watch --once`` records the baseline; a first
``python -m bot`` (commands synced to the server at start) serves ``/alerts subscribe`` and stops;
the page changes and the source is made due (``next_poll_at`` cleared), so the next process
polls it as soon as it starts, records the alert and its outbox row, and tries to deliver.
"""

from __future__ import annotations

import contextlib
import signal
import sqlite3
from pathlib import Path

from tests.integration.conftest import FakeWeb

from .conftest import Server, Spawn
from .emulator import Channel, DiscordEmulator
from .harness import ChildBot, assert_clean_output, closed_cleanly, ping_problems
from .watched import (
    AI_PASSAGE,
    LICENSE,
    MESSAGES,
    TERMS,
    Outbox,
    assert_terms_alert,
    sends_to,
    serve_page,
    terms_source,
    watching,
)


async def pending_alert_setup(
    emulator: DiscordEmulator,
    spawn: Spawn,
    server: Server,
    web: FakeWeb,
    tmp_path: Path,
    db: str,
) -> tuple[Channel, dict[str, str]]:
    """Baseline, subscription, page change, source due; returns (#ai-alerts, the child's env)."""
    alerts = emulator.add_text_channel(server.guild, "ai-alerts")
    env = {**watching(tmp_path, terms_source(web)), "FINEPRINT_DEV_GUILD": str(server.guild.id)}
    serve_page(web, TERMS, LICENSE)

    baseline = await spawn("watch", "--once", "--json", **env).start()
    assert await baseline.wait() == 0, baseline.describe()
    assert baseline.stdout == ""  # the first poll records a baseline and alerts nothing
    await Outbox(db).wait_baseline("soundcloud-terms", timeout=0.1)

    first = await spawn(**env).start()
    await first.wait_ready(emulator)
    r = await emulator.slash(
        server.alice, server.general, "alerts subscribe", channel=alerts, platforms="soundcloud"
    )
    assert r.embeds[0]["title"] == "Alerts subscribed"
    assert await first.stop(signal.SIGINT) == 0, first.describe()
    assert await Outbox(db).rows() == []  # the source was not due: nothing detected yet

    serve_page(web, TERMS, LICENSE, AI_PASSAGE)
    with contextlib.closing(sqlite3.connect(db)) as conn, conn:
        conn.execute("UPDATE source_state SET next_poll_at = NULL")  # due now
    return alerts, env


async def kill_9(child: ChildBot) -> None:
    await child.kill()
    assert child.proc is not None and child.proc.returncode == -signal.SIGKILL


async def test_kill_9_while_delivery_fails_then_a_new_process_delivers_once(
    emulator: DiscordEmulator,
    spawn: Spawn,
    server: Server,
    web: FakeWeb,
    tmp_path: Path,
    fineprint_env: dict[str, str],
) -> None:
    db = fineprint_env["FINEPRINT_DB"]
    alerts, env = await pending_alert_setup(emulator, spawn, server, web, tmp_path, db)
    outbox = Outbox(db)

    unavailable = emulator.fail("POST", MESSAGES, status=503, times=None)
    doomed = await spawn(**env).start()
    await doomed.wait_ready(emulator)
    [row] = await outbox.wait_rows(lambda rows: rows[0]["attempts"] >= 1, "a failed delivery")
    assert row["status"] == "pending" and "503" in row["last_error"]
    await kill_9(doomed)
    assert unavailable.hits == 1 and emulator.channel_messages(alerts) == []
    emulator.clear_faults()

    # The retry was scheduled a few seconds later; the new process honours it, then sends.
    survivor = await spawn(**env).start()
    await survivor.wait_ready(emulator)
    [message] = await emulator.wait_for_messages(alerts, 1, timeout=15)
    [row] = await outbox.wait_delivered()
    assert row["status"] == "sent" and row["message_id"] == message.id
    assert_terms_alert(message, web)
    assert sends_to(emulator, alerts) == [503, 200]
    assert not message.pings and message.allowed_mentions["parse"] == []

    assert await survivor.stop(signal.SIGINT) == 0, survivor.describe()
    assert_clean_output(survivor)
    assert emulator.channel_messages(alerts) == [message]
    assert ping_problems(emulator) == []


async def test_kill_9_after_discord_accepted_but_before_marked_sent_posts_once(
    emulator: DiscordEmulator,
    spawn: Spawn,
    server: Server,
    web: FakeWeb,
    tmp_path: Path,
    fineprint_env: dict[str, str],
) -> None:
    db = fineprint_env["FINEPRINT_DB"]
    alerts, env = await pending_alert_setup(emulator, spawn, server, web, tmp_path, db)
    outbox = Outbox(db)

    hold = emulator.hold("POST", MESSAGES)
    doomed = await spawn(**env).start()
    await doomed.wait_ready(emulator)
    [held] = await hold.wait_held(1)
    await kill_9(doomed)  # killed while its send is in flight
    hold.release(process=True)  # ... which Discord then carries out
    [created] = await emulator.wait_for_messages(alerts, 1)
    [row] = await outbox.rows()
    assert row["status"] == "pending" and row["attempts"] == 0  # never marked sent

    survivor = await spawn(**env).start()
    await survivor.wait_ready(emulator)
    [row] = await outbox.wait_delivered()
    assert row["status"] == "sent" and row["message_id"] == created.id
    assert emulator.nonce_replays == [created]  # Discord answered the re-send with it
    assert emulator.channel_messages(alerts) == [created]
    resend = emulator.requests_to("POST", MESSAGES)[-1]
    assert held.json["nonce"] == resend.json["nonce"] == row["nonce"]
    assert_terms_alert(created, web)

    assert await survivor.stop(signal.SIGINT) == 0, survivor.describe()
    assert_clean_output(survivor)
    assert closed_cleanly(db)
    assert ping_problems(emulator) == []


async def test_kill_9_held_longer_than_the_nonce_window_posts_once(
    emulator: DiscordEmulator,
    spawn: Spawn,
    server: Server,
    web: FakeWeb,
    tmp_path: Path,
    fineprint_env: dict[str, str],
) -> None:
    """The same crash, but the process stays down longer than Discord remembers nonces (the
    emulator's window set to 0, the row's first try aged in the database): a re-send would
    create a second message, so the new process finds the first one by its footer instead."""
    db = fineprint_env["FINEPRINT_DB"]
    alerts, env = await pending_alert_setup(emulator, spawn, server, web, tmp_path, db)
    outbox = Outbox(db)
    emulator.nonce_window = 0  # Discord has forgotten the nonce by the time we come back

    hold = emulator.hold("POST", MESSAGES)
    doomed = await spawn(**env).start()
    await doomed.wait_ready(emulator)
    await hold.wait_held(1)
    await kill_9(doomed)
    hold.release(process=True)
    [created] = await emulator.wait_for_messages(alerts, 1)
    [row] = await outbox.rows()
    assert row["status"] == "pending" and row["first_try_at"]  # tried, never marked sent
    with contextlib.closing(sqlite3.connect(db)) as conn, conn:
        conn.execute("UPDATE outbox SET first_try_at = '2000-01-01T00:00:00.000+00:00'")

    survivor = await spawn(**env).start()
    await survivor.wait_ready(emulator)
    [row] = await outbox.wait_delivered()
    assert row["status"] == "sent" and row["message_id"] == created.id
    assert emulator.channel_messages(alerts) == [created]  # 0 duplicates
    assert len(emulator.requests_to("POST", MESSAGES)) == 1  # not even re-sent
    assert_terms_alert(created, web)
    assert await survivor.stop(signal.SIGINT) == 0, survivor.describe()
    assert ping_problems(emulator) == []
