"""Fine Print when things go wrong: restarts, a dropped gateway, rate limits."""

from __future__ import annotations

import asyncio

import discord
from bot.store import guild_config
from discord import app_commands

from .conftest import RunningFinePrint, Server, StartFinePrint
from .emulator import DiscordEmulator, InteractionResult
from .harness import LogWatch

CALLBACK = r"/interactions/\d+/[^/]+/callback"
SOUNDCLOUD_QUOTE = "We will not use your content to train generative AI models"


def callbacks_for(emulator: DiscordEmulator, r: InteractionResult) -> list[int]:
    """Status of every callback request the bot made for ``r``."""
    return [q.status for q in emulator.requests_to("POST", rf"/interactions/{r.id}/[^/]+/callback")]


async def test_buttons_keep_working_after_a_restart(
    emulator: DiscordEmulator, start_fineprint: StartFinePrint, server: Server
) -> None:
    first = await start_fineprint()
    terms = await emulator.slash(server.bob, server.general, "terms", platform="soundcloud")
    faq = await emulator.slash(
        server.bob, server.general, "faq ask", question="does spotify train ai on my songs"
    )
    await emulator.slash(server.alice, server.general, "config modrole", role=server.mods)
    await first.stop()
    assert first.bot.is_closed()

    # A new process would be a new bot, a new app, the same database file; no command sync.
    second = await start_fineprint(sync=False)
    assert second.bot is not first.bot and second.settings.db_path == first.settings.db_path
    assert emulator.identify_count == 2
    assert second.bot._connection._view_store.persistent_views == []  # only the DynamicItem

    optout = await emulator.click(server.bob, terms.message, label="Opt-out steps")
    assert optout.ephemeral and optout.embeds[0]["author"]["name"] == "SoundCloud · No opt-out"
    history = await emulator.click(server.bob, terms.message, label="History")
    assert history.ephemeral
    assert history.embeds[0]["title"] == "SoundCloud: what changed and when"
    more = await emulator.click(server.bob, terms.message, label="Not what I asked")
    assert more.ephemeral and more.embeds[0]["title"] == "Other answers that might fit"
    alts = await emulator.click(server.bob, faq.message, label="Not what I asked")
    assert alts.ephemeral and "Does Spotify train AI on my music?" in alts.message.text()
    assert "Spotify trains its own" not in alts.message.text()  # not the answer already shown

    # What the first instance stored is still there.
    assert await guild_config.mod_role(second.app.db, server.guild.id) == server.mods.id


async def test_dropped_gateway_resumes_and_still_answers(
    emulator: DiscordEmulator, fineprint: RunningFinePrint, server: Server
) -> None:
    resumed = asyncio.create_task(fineprint.bot.wait_for("resumed", timeout=5))
    await emulator.drop_gateway()
    # Sent while the bot is disconnected: it reaches the bot through RESUME's replay.
    during = await emulator.slash(server.bob, server.general, "terms", platform="soundcloud")
    await resumed
    after = await emulator.slash(server.bob, server.general, "terms", platform="soundcloud")

    assert SOUNDCLOUD_QUOTE in during.message.text() and SOUNDCLOUD_QUOTE in after.message.text()
    assert emulator.identify_count == 1 and emulator.resume_count == 1  # RESUME, not IDENTIFY
    assert emulator.invalid_session_count == 0 and emulator.replayed_events >= 1
    kinds = [(c.path, c.kind) for c in emulator.gateway_connections]
    assert kinds == [("/", "identify"), ("/resume", "resume")]  # resume_gateway_url honoured


async def test_rate_limited_callback_is_retried_and_answered_once(
    emulator: DiscordEmulator, fineprint: RunningFinePrint, server: Server
) -> None:
    fault = emulator.fail("POST", CALLBACK, status=429, retry_after=0.3)
    r = await emulator.slash(server.bob, server.general, "terms", platform="soundcloud")

    assert fault.hits == 1
    assert callbacks_for(emulator, r) == [429, 200]  # one retry after Retry-After
    answers = [m for m in emulator.channel_messages(server.general) if m.interaction is r]
    assert len(answers) == 1 and SOUNDCLOUD_QUOTE in answers[0].text()
    assert r.followups == []


async def test_rate_limited_follow_up_is_retried_and_lands_once(
    emulator: DiscordEmulator, fineprint: RunningFinePrint, server: Server, bot_log: LogWatch
) -> None:
    """A command that fails after it answered gets a polite follow-up from the error handler;
    a 429 on that follow-up is waited out, not dropped or doubled."""
    seen: list[discord.Interaction] = []

    async def on_interaction(interaction: discord.Interaction) -> None:
        seen.append(interaction)

    fineprint.bot.add_listener(on_interaction)
    r = await emulator.slash(server.bob, server.general, "terms", platform="soundcloud")
    [interaction] = seen
    assert interaction.command is not None and interaction.response.is_done()

    fault = emulator.fail("POST", rf"/webhooks/{emulator.application_id}/[^/]+", retry_after=0.3)
    error = app_commands.CommandInvokeError(interaction.command, RuntimeError("late failure"))
    await fineprint.bot.tree.on_error(interaction, error)

    assert fault.hits == 1
    [followup] = await r.wait_followups(1)
    assert followup.ephemeral
    assert "Sorry, something went wrong on my side" in followup.text()
    posts = emulator.requests_to("POST", rf"/webhooks/{emulator.application_id}/[^/]+")
    assert [q.status for q in posts] == [429, 200]
    assert callbacks_for(emulator, r) == [200]  # the original answer is untouched
    assert [t for t in bot_log.take() if "late failure" in t]  # the cause went to the log
