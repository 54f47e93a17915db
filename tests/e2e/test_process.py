"""``python -m bot`` as a separate process, exactly as a user runs it: settings only from the
environment (DISCORD_TOKEN, DISCORD_API_BASE, DISCORD_GATEWAY_URL, FINEPRINT_DB), cwd and
PYTHONPATH the repository root. The emulator is the only Discord it can reach."""

from __future__ import annotations

import signal

from .conftest import Server, Spawn
from .emulator import DiscordEmulator
from .harness import assert_clean_output, closed_cleanly, ping_problems


async def test_python_m_bot_answers_and_stops_on_ctrl_c(
    emulator: DiscordEmulator, spawn: Spawn, server: Server, fineprint_env: dict[str, str]
) -> None:
    # What the README tells a user: publish the commands, then run the bot.
    sync = await spawn("sync").start()
    assert await sync.wait() == 0, sync.describe()
    assert "Synced 9 commands" in sync.stdout
    assert {c["name"] for c in emulator.synced_commands()} >= {"terms", "faq"}

    bot = await spawn().start()
    await bot.wait_ready(emulator)
    assert emulator.identify_payloads[-1]["token"] == fineprint_env["DISCORD_TOKEN"]

    terms = await emulator.slash(server.bob, server.general, "terms", platform="soundcloud")
    assert "We will not use your content to train generative AI models" in terms.message.text()
    faq = await emulator.slash(
        server.bob, server.general, "faq ask", question="does spotify train ai on my songs"
    )
    assert (
        faq.embeds[0]["title"] == "Spotify trains its own algorithmic and machine-learning models"
    )
    click = await emulator.click(server.bob, terms.message, label="History")
    assert click.ephemeral

    assert await bot.stop(signal.SIGINT) == 0, bot.describe()
    assert_clean_output(bot)
    assert emulator.gateway_connections[-1].close_code == 1000  # it said goodbye to Discord
    assert closed_cleanly(fineprint_env["FINEPRINT_DB"])
    assert ping_problems(emulator) == []


async def test_sigterm_stops_the_bot_like_ctrl_c(
    emulator: DiscordEmulator, spawn: Spawn, server: Server, fineprint_env: dict[str, str]
) -> None:
    """``docker stop`` and systemd send SIGTERM (and in a container the bot is PID 1, which
    ignores SIGTERM unless it handles it). Here the commands sync at start to a dev server."""
    bot = await spawn(FINEPRINT_DEV_GUILD=str(server.guild.id)).start()
    await bot.wait_ready(emulator)
    assert {c["name"] for c in emulator.synced_commands(server.guild)} >= {"faq", "terms"}
    r = await emulator.slash(server.bob, server.general, "faq ask", question="soundcloud ai")
    assert r.embeds and r.embeds[0]["title"] != "Not sure what you're asking"

    assert await bot.stop(signal.SIGTERM) == 0, bot.describe()
    assert_clean_output(bot)
    assert emulator.gateway_connections[-1].close_code == 1000
    assert closed_cleanly(fineprint_env["FINEPRINT_DB"])
