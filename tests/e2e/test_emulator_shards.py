"""The emulator's shards and global rate limit, proven with tiny ``AutoShardedBot``s.

Discord sends each shard the events of its own servers only (``(guild_id >> 22) % count``); a
bot process that runs some of the shards sees only their servers, and a command typed in a
server reaches the process running that server's shard. Discord's global rate limit counts
every request of the bot, whichever process makes it, and leaves interaction responses out.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import discord
import pytest
from discord import app_commands
from discord.ext import commands

from .conftest import StartBot
from .emulator import DiscordEmulator, Guild


@pytest.fixture
def emulator_options() -> dict[str, Any]:
    return {"shard_count": 2}


class ShardBot(commands.AutoShardedBot):
    """Answers ``/where`` with the shards this process runs."""

    def __init__(self, **sharding: Any) -> None:
        super().__init__(
            command_prefix="!", intents=discord.Intents.none() | discord.Intents(guilds=True),
            **sharding,
        )  # fmt: skip

        @app_commands.command(name="where", description="Which shards answer here")
        async def where(interaction: discord.Interaction) -> None:
            await interaction.response.send_message(f"shards {sorted(self.shards)}")

        self.tree.add_command(where)


def two_servers(emulator: DiscordEmulator) -> tuple[Guild, Guild]:
    first, second = (
        emulator.add_guild("Shard Zero", shard=0),
        emulator.add_guild("Shard One", shard=1),
    )
    for guild in (first, second):
        emulator.add_text_channel(guild, "general")
    return first, second


async def test_each_shard_process_gets_its_own_servers_and_their_commands(
    emulator: DiscordEmulator, start_bot: StartBot
) -> None:
    zero, one = two_servers(emulator)
    assert (emulator.shard_of(zero), emulator.shard_of(one)) == (0, 1)
    bots = [ShardBot(shard_ids=[k], shard_count=2) for k in (0, 1)]
    for bot in bots:
        await start_bot(bot, sync=bot is bots[0])
    assert [[g.id for g in b.guilds] for b in bots] == [[zero.id], [one.id]]
    assert emulator.live_shards == [0, 1]
    assert [p["shard"] for p in emulator.identify_payloads] == [[0, 2], [1, 2]]

    alice = emulator.add_member(one, "alice")
    r = await emulator.slash(alice, one.channels[0], "where")
    assert r.content == "shards [1]"  # the process running shard 1 answered
    bob = emulator.add_member(zero, "bob")
    assert (await emulator.slash(bob, zero.channels[0], "where")).content == "shards [0]"

    # A server the bot joins later is announced to its shard's process only.
    later = emulator.add_guild("Joined Later", shard=1)
    await emulator.wait_ready(shard=1)
    for _ in range(100):
        if bots[1].get_guild(later.id):
            break
        await asyncio.sleep(0.02)
    assert bots[1].get_guild(later.id) is not None and bots[0].get_guild(later.id) is None


async def test_without_a_shard_count_one_process_runs_the_recommended_shards(
    emulator: DiscordEmulator, start_bot: StartBot
) -> None:
    zero, one = two_servers(emulator)
    bot = await start_bot(ShardBot())  # asks /gateway/bot, which recommends 2
    assert bot.shard_count == 2 and sorted(bot.shards) == [0, 1]
    assert sorted(g.id for g in bot.guilds) == sorted([zero.id, one.id])


async def test_a_command_for_a_shard_nobody_runs_is_an_error_not_a_silent_loss(
    emulator: DiscordEmulator, start_bot: StartBot
) -> None:
    _, one = two_servers(emulator)
    await start_bot(ShardBot(shard_ids=[0], shard_count=2))
    with pytest.raises(Exception, match="no gateway session runs the shard"):
        await emulator.slash(emulator.add_member(one, "carol"), one.channels[0], "where")


async def test_the_global_rate_limit_holds_the_bot_to_its_requests_per_second(
    emulator: DiscordEmulator, start_bot: StartBot
) -> None:
    zero, _ = two_servers(emulator)
    bot = await start_bot(ShardBot())
    limit = emulator.global_rate_limit(5)
    channel = bot.get_channel(zero.channels[0].id)
    assert isinstance(channel, discord.TextChannel)
    start = time.monotonic()
    # 8, not many more: discord.py gives up on a request after 5 tries, and on a loaded
    # machine a request of a large batch can be refused that often.
    await asyncio.gather(*(channel.send(f"message {n}") for n in range(8)))
    assert len(emulator.channel_messages(zero.channels[0])) == 8  # discord.py waited, retried
    assert limit.limited > 0 and limit.accepted == 8
    assert limit.busiest_window() <= 5
    assert time.monotonic() - start >= 1.0  # 8 requests at 5 per second: over a second
    # Interaction responses do not count against it.
    member = emulator.add_member(zero, "dave")
    before = limit.accepted + limit.limited
    assert (await emulator.slash(member, zero.channels[0], "where")).content == "shards [0, 1]"
    assert limit.accepted + limit.limited == before
