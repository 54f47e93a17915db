"""Fine Print's command surface: what it syncs (checked against Discord's contract), who may
run /config, and command tests that hand raw interaction payloads to the command tree with no
gateway at all (``discord.Interaction(data=..., state=bot._connection)``)."""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator
from typing import Any

import discord
import pytest
from bot.app import open_app
from bot.client import FinePrintBot, create_bot, discord_endpoints
from bot.config import load_settings
from bot.knowledge.topics import TOPICS
from bot.store import guild_config

from . import contract
from .conftest import RunningFinePrint, Server
from .emulator import MANAGE_GUILD, CommandNotVisible, DiscordEmulator, InteractionResult
from .harness import ping_problems

REFUSAL = "You need the Manage Server permission or this server's moderator role for that."


def option(command: dict[str, Any], *path: str) -> dict[str, Any]:
    level = command
    for name in path:
        level = next(o for o in level.get("options") or [] if o["name"] == name)
    return level


# --------------------------------------------------------------------------- the synced payload


async def test_synced_commands_pass_discords_contract(
    emulator: DiscordEmulator, fineprint: RunningFinePrint
) -> None:
    [put] = emulator.requests_to("PUT", rf"/applications/{emulator.application_id}/commands")
    sent: list[dict[str, Any]] = put.json  # exactly what discord.py sent for the global tree
    assert put.status == 200
    assert contract.validate_commands(sent) == []

    by_name = {c["name"]: c for c in sent}
    assert set(by_name) == {
        "terms", "optout", "faq", "faqmod", "help", "about", "config", "alerts", "feeds"
    }  # fmt: skip
    for cmd in sent:
        assert cmd.get("type", 1) == contract.CHAT_INPUT
        assert 1 <= len(cmd["description"]) <= 100

    terms = by_name["terms"]
    platform, topic = option(terms, "platform"), option(terms, "topic")
    assert platform["type"] == contract.STRING and platform["required"] is True
    assert platform["autocomplete"] is True and platform["max_length"] == 100
    assert topic["type"] == contract.STRING and not topic.get("required")
    assert [c["value"] for c in topic["choices"]] == [t.id for t in TOPICS]
    assert by_name["optout"]["options"][0]["autocomplete"] is True

    # /faq is a group: a command whose options are subcommands, here `ask`.
    faq = by_name["faq"]
    assert all(o["type"] == contract.SUB_COMMAND for o in faq["options"])
    ask = option(faq, "ask")
    question = option(faq, "ask", "question")
    assert ask["type"] == contract.SUB_COMMAND
    assert question["type"] == contract.STRING and question["required"] is True
    assert question["autocomplete"] is True and question["max_length"] == 300

    # /config: hidden from members without Manage Server, and only in servers.
    config = by_name["config"]
    assert int(config["default_member_permissions"]) == MANAGE_GUILD  # discord.py sends 32
    assert config["contexts"] == [0] and config["dm_permission"] is False  # guild only
    role = option(config, "modrole", "role")
    assert role["type"] == contract.ROLE and not role.get("required")
    for name in ("terms", "optout", "faq", "help", "about"):
        assert by_name[name].get("default_member_permissions") is None, name

    # The check is not vacuous: one over-long description and Discord would refuse the sync.
    broken = copy.deepcopy(sent)
    option(next(c for c in broken if c["name"] == "faq"), "ask")["description"] = "x" * 101
    assert contract.validate_commands(broken)


# --------------------------------------------------------------------------- /config modrole


async def test_config_modrole_needs_manage_server(
    emulator: DiscordEmulator, fineprint: RunningFinePrint, server: Server
) -> None:
    db, gid = fineprint.app.db, server.guild.id

    with pytest.raises(CommandNotVisible):  # Discord hides it from bob ...
        await emulator.slash(server.bob, server.general, "config modrole", role=server.mods)
    # ... unless a server admin overrides the command's permissions; the bot checks anyway.
    r = await emulator.slash(
        server.bob, server.general, "config modrole", role=server.mods, visibility_check=False
    )
    assert r.response_type == 4 and r.ephemeral
    assert r.embeds[0]["description"] == REFUSAL
    assert await guild_config.mod_role(db, gid) is None

    ok = await emulator.slash(server.alice, server.general, "config modrole", role=server.mods)
    assert ok.ephemeral and ok.embeds[0]["title"] == "Moderator role updated"
    assert server.mods.mention in ok.embeds[0]["description"]
    assert await guild_config.mod_role(db, gid) == server.mods.id


async def test_the_moderator_role_may_run_moderator_commands(
    emulator: DiscordEmulator, fineprint: RunningFinePrint, server: Server
) -> None:
    helpers = emulator.add_role(server.guild, "Helpers")
    carol = emulator.add_member(server.guild, "carol", roles=[helpers])
    r = await emulator.slash(
        carol, server.general, "config modrole", role=helpers, visibility_check=False
    )
    assert r.embeds[0]["description"] == REFUSAL

    await emulator.slash(server.alice, server.general, "config modrole", role=helpers)
    r = await emulator.slash(carol, server.general, "config modrole", visibility_check=False)
    assert r.embeds[0]["title"] == "Moderator role updated"  # carol cleared it: she could
    assert await guild_config.mod_role(fineprint.app.db, server.guild.id) is None


# --------------------------------------------------------------------------- no gateway


@pytest.fixture
async def offline_bot(
    emulator: DiscordEmulator, fineprint_env: dict[str, str], server: Server
) -> AsyncIterator[FinePrintBot]:
    """Fine Print logged in (setup_hook ran: cogs and persistent buttons loaded) and its
    commands synced, as ``python -m bot sync`` does; never connected to the gateway."""
    settings = load_settings(fineprint_env)
    with discord_endpoints(settings):
        async with open_app(settings) as app:
            bot = create_bot(app, start_services=False)
            async with bot:
                await bot.login(settings.token)
                await bot.tree.sync()
                yield bot
    assert emulator.gateway_connections == []
    assert ping_problems(emulator) == []


async def call_tree(bot: FinePrintBot, r: InteractionResult) -> dict[str, Any]:
    """Hand the raw payload to discord.py and the command tree; return what Discord received."""
    interaction = discord.Interaction(data=r.payload, state=bot._connection)
    await bot.tree._call(interaction)
    assert r.response is not None, "the command tree did not answer the interaction"
    return r.response


async def test_terms_through_the_command_tree(
    emulator: DiscordEmulator, offline_bot: FinePrintBot, server: Server
) -> None:
    r = emulator.prepare_slash(server.bob, server.general, "terms", platform="sc")
    body = await call_tree(offline_bot, r)

    assert body["type"] == 4  # CHANNEL_MESSAGE_WITH_SOURCE
    data = body["data"]
    assert data["allowed_mentions"] == {"parse": []}
    assert not data.get("flags")  # public
    [embed] = data["embeds"]
    assert "We will not use your content to train generative AI models" in str(embed["fields"])
    buttons = [c for row in data["components"] for c in row["components"]]
    assert [b["custom_id"] for b in buttons] == [
        "fp:optout:soundcloud",
        "fp:history:soundcloud",
        "fp:more:soundcloud:",
    ]
    assert r.message is not None and r.message.embeds == data["embeds"]  # stored as sent


async def test_faq_ask_in_a_dm_through_the_command_tree(
    emulator: DiscordEmulator, offline_bot: FinePrintBot, server: Server
) -> None:
    r = emulator.prepare_slash(
        server.bob, None, "faq ask", question="can i opt out of youtube ai training"
    )
    assert "guild_id" not in r.payload
    data = (await call_tree(offline_bot, r))["data"]
    titles = [e["title"] for e in data["embeds"]]  # every YouTube opt-out, as /optout shows
    assert titles[:2] == [
        "Third-party AI training: off unless you allow it",
        "No opt-out from Google's own AI training on YouTube content",
    ]
    assert data["allowed_mentions"] == {"parse": []}


async def test_autocomplete_through_the_command_tree(
    emulator: DiscordEmulator, offline_bot: FinePrintBot, server: Server
) -> None:
    r = emulator.prepare_autocomplete(
        server.bob, server.general, "optout", focused="platform", platform="you"
    )
    body = await call_tree(offline_bot, r)
    assert body == {"type": 8, "data": {"choices": [{"name": "YouTube", "value": "youtube"}]}}


async def test_moderator_check_through_the_command_tree(
    emulator: DiscordEmulator, offline_bot: FinePrintBot, server: Server
) -> None:
    r = emulator.prepare_slash(
        server.bob, server.general, "config modrole", role=server.mods, visibility_check=False
    )
    data = (await call_tree(offline_bot, r))["data"]
    assert data["flags"] & contract.EPHEMERAL
    assert data["embeds"][0]["description"] == REFUSAL
