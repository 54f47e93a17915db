"""Two bot processes, two shards, one PostgreSQL database: what ``docker-compose.yml`` runs.

The emulator runs two shards and gives each its own server (``add_guild(shard=k)``); one
``python -m bot`` runs shard 0 (``FINEPRINT_SHARDS=0-0/2``), another shard 1, both on the same
throwaway PostgreSQL database. Each process receives the commands of its own shard's server
only, yet either may deliver any alert: one alert subscribed in four channels, two per server,
arrives four times, once in each channel — also when the process sending it is killed with
``kill -9`` in the middle — and the loopback web server sees one process poll, not two.

Setup, as an operator would do it: ``python -m bot sync`` publishes the commands; ``python -m bot
watch --once`` records the baseline; the two processes start and the moderators subscribe
(each server's command reaches its own shard's process); the processes stop. The page then
changes and the source is made due, and both processes start again at once: whichever takes the
poller lease polls, the other stands by, and both deliver. ``FINEPRINT_LEASE=2`` keeps the
takeover after a ``kill -9`` to seconds.
"""

from __future__ import annotations

import asyncio
import signal
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.integration.conftest import FakeWeb

from .conftest import Spawn
from .emulator import MANAGE_GUILD, Channel, DiscordEmulator, Guild, Member
from .harness import ChildBot, assert_clean_output, eventually, ping_problems
from .watched import (
    AI_PASSAGE,
    LICENSE,
    MESSAGES,
    TERMS,
    Outbox,
    assert_terms_alert,
    serve_page,
    terms_source,
    watching,
)

pytestmark = pytest.mark.postgres
LEASE = 2.0


@pytest.fixture
def emulator_options() -> dict[str, Any]:
    return {"shard_count": 2}


@dataclass
class Shard:
    """One server on one shard: its #general, a moderator, and two subscribed channels."""

    number: int
    guild: Guild
    general: Channel
    mod: Member
    alerts: list[Channel]


def build_world(emulator: DiscordEmulator) -> list[Shard]:
    shards = []
    for number, name in enumerate(("Beat Makers", "Synth Club")):
        guild = emulator.add_guild(name, shard=number)
        assert emulator.shard_of(guild) == number
        general = emulator.add_text_channel(guild, "general")
        mods = emulator.add_role(guild, "Mods", permissions=MANAGE_GUILD)
        mod = emulator.add_member(guild, f"mod-{number}", roles=[mods])
        channels = [emulator.add_text_channel(guild, f"ai-alerts-{k}") for k in (1, 2)]
        shards.append(Shard(number, guild, general, mod, channels))
    return shards


def env_for(tmp_path: Path, web: FakeWeb, postgres_url: str) -> dict[str, str]:
    return {
        **watching(tmp_path, terms_source(web)),
        "FINEPRINT_DB": postgres_url,
        "FINEPRINT_LEASE": str(LEASE),
    }


async def start_both(
    emulator: DiscordEmulator, spawn: Spawn, env: dict[str, str]
) -> list[ChildBot]:
    children = [await spawn(**env, FINEPRINT_SHARDS=f"{k}-{k}/2").start() for k in (0, 1)]
    for k, child in enumerate(children):
        await child.wait_ready(emulator, shard=k)
    return children


async def subscribed_world(
    emulator: DiscordEmulator, spawn: Spawn, web: FakeWeb, tmp_path: Path, postgres_url: str
) -> tuple[list[Shard], dict[str, str]]:
    """Commands synced, baseline recorded, four channels subscribed through both shards' own
    processes, processes stopped, the page changed and due: ready for the alert."""
    shards = build_world(emulator)
    env = env_for(tmp_path, web, postgres_url)
    serve_page(web, TERMS, LICENSE)

    sync = await spawn("sync", **env).start()
    assert await sync.wait() == 0, sync.describe()
    baseline = await spawn("watch", "--once", "--json", **env).start()
    assert await baseline.wait() == 0, baseline.describe()
    assert baseline.stdout == ""  # a baseline alerts nothing

    children = await start_both(emulator, spawn, env)
    for shard in shards:
        for channel in shard.alerts:
            r = await emulator.slash(
                shard.mod, shard.general, "alerts subscribe", channel=channel,
                platforms="soundcloud",
            )  # fmt: skip
            assert r.embeds[0]["title"] == "Alerts subscribed", r.message
    for child in children:
        assert await child.stop(signal.SIGINT) == 0, child.describe()
        assert_clean_output(child)

    async with Outbox(postgres_url) as outbox:
        assert await outbox.rows() == []
        subs = await outbox.query("SELECT guild_id, channel_id FROM subscription")
        assert len(subs) == 4
        serve_page(web, TERMS, LICENSE, AI_PASSAGE)
        await outbox.execute("UPDATE source_state SET next_poll_at = NULL")  # due now
    return shards, env


def channels(shards: list[Shard]) -> list[Channel]:
    return [c for s in shards for c in s.alerts]


def pid_of(holder: str) -> int:
    return int(holder.rsplit(":", 2)[1])


async def test_two_processes_on_two_shards_post_one_alert_once_in_each_of_four_channels(
    emulator: DiscordEmulator,
    spawn: Spawn,
    web: FakeWeb,
    tmp_path: Path,
    postgres_url: str,
) -> None:
    shards, env = await subscribed_world(emulator, spawn, web, tmp_path, postgres_url)
    polls_before = web.hits[TERMS]
    children = await start_both(emulator, spawn, env)
    async with Outbox(postgres_url) as outbox:
        rows = await outbox.wait_rows(lambda rows: len(rows) == 4, "the alert's four rows", 20)
        rows = await outbox.wait_delivered(timeout=20)
        assert [r["status"] for r in rows] == ["sent"] * 4
        for channel in channels(shards):
            [message] = await emulator.wait_for_messages(channel, 1)
            assert_terms_alert(message, web)
            assert emulator.channel_messages(channel) == [message]
            assert not message.pings
        assert len(emulator.requests_to("POST", MESSAGES)) == 4  # nothing sent twice

        # Both processes are running and beating; only one of them polled.
        processes = await outbox.query("SELECT id FROM process")
        assert sorted(pid_of(p["id"]) for p in processes) == sorted(
            c.proc.pid for c in children if c.proc
        )
        [lease] = await outbox.query("SELECT holder FROM lease WHERE name = 'poller'")
        poller = next(c for c in children if c.proc and c.proc.pid == pid_of(lease["holder"]))
        assert web.hits[TERMS] == polls_before + 1
        # Several lease periods later: the same process holds the lease, nobody polled again.
        await asyncio.sleep(LEASE * 2)
        [still] = await outbox.query("SELECT holder FROM lease WHERE name = 'poller'")
        assert still["holder"] == lease["holder"]
        assert web.hits[TERMS] == polls_before + 1

        # The poller dies; the source is due again; the other process takes over and polls it.
        await outbox.execute("UPDATE source_state SET next_poll_at = NULL")
        await poller.kill()
        survivor = next(c for c in children if c is not poller)
        await eventually(
            lambda: web.hits[TERMS] == polls_before + 2,
            "the surviving process to take over polling",
            timeout=LEASE * 3 + 10,
        )
        [lease] = await outbox.query("SELECT holder FROM lease WHERE name = 'poller'")
        assert survivor.proc is not None and pid_of(lease["holder"]) == survivor.proc.pid

    assert await survivor.stop(signal.SIGINT) == 0, survivor.describe()
    assert_clean_output(survivor)
    assert ping_problems(emulator) == []


async def test_kill_9_of_the_process_sending_still_posts_each_of_four_alerts_once(
    emulator: DiscordEmulator,
    spawn: Spawn,
    web: FakeWeb,
    tmp_path: Path,
    postgres_url: str,
) -> None:
    shards, env = await subscribed_world(emulator, spawn, web, tmp_path, postgres_url)
    hold = emulator.hold("POST", MESSAGES, times=1)
    children = await start_both(emulator, spawn, env)
    async with Outbox(postgres_url) as outbox:
        [held] = await hold.wait_held(1, timeout=20)
        held_channel = int(held.path.split("/")[2])
        [row] = await outbox.query(
            "SELECT claimed_by FROM outbox WHERE channel_id = ? AND status = 'pending'",
            (held_channel,),
        )
        sender = next(c for c in children if c.proc and c.proc.pid == pid_of(row["claimed_by"]))
        await sender.kill()  # kill -9 while its message is in flight...
        hold.release(process=True)  # ... which Discord then creates
        [created] = await emulator.wait_for_messages(held_channel, 1)

        rows = await outbox.wait_delivered(timeout=LEASE * 4 + 20)
        assert [r["status"] for r in rows] == ["sent"] * 4
        for channel in channels(shards):
            [message] = emulator.channel_messages(channel)
            assert_terms_alert(message, web)
        # The re-send got Discord's first message back. (Other messages the dead process had
        # sent but not yet marked are re-sent too and replayed the same way: no duplicates.)
        assert created in emulator.nonce_replays
        assert len({m.id for m in emulator.nonce_replays}) == len(emulator.nonce_replays)
        resent = [r for r in rows if r["channel_id"] == held_channel]
        assert resent[0]["message_id"] == created.id and resent[0]["nonce"] == held.json["nonce"]

    survivor = next(c for c in children if c is not sender)
    assert await survivor.stop(signal.SIGINT) == 0, survivor.describe()
    assert_clean_output(survivor)
    assert ping_problems(emulator) == []
