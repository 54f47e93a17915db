"""The Discord shell: a ``commands.Bot`` subclass around the core ``App``.

The only module of ``bot/`` that imports discord. It loads one extension per feature in
``setup_hook`` (RoboDanny's shape), registers the persistent ``fp:…`` buttons, answers every
command error politely in one place, and points discord.py at a Discord-compatible server when
``DISCORD_API_BASE`` / ``DISCORD_GATEWAY_URL`` are set (self-hosted servers, the e2e emulator).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from contextlib import contextmanager

import discord
import yarl
from discord import app_commands
from discord.ext import commands
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.app import App, open_app
from bot.config import ConfigError, Settings
from bot.embeds import notice

log = logging.getLogger(__name__)

EXTENSIONS: tuple[str, ...] = (
    "cogs.answers",
    "cogs.faq",
    "cogs.meta",
    "cogs.config",
)
OPTIONAL_EXTENSIONS: tuple[str, ...] = ("cogs.alerts", "cogs.feeds")


@contextmanager
def discord_endpoints(settings: Settings) -> Iterator[None]:
    """Point discord.py at another REST base / gateway for the duration, then restore."""
    old_base, old_gateway = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    if settings.api_base:
        Route.BASE = settings.api_base  # type: ignore[misc]
    if settings.gateway_url:
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.gateway_url)
    try:
        yield
    finally:
        Route.BASE = old_base  # type: ignore[misc]
        DiscordWebSocket.DEFAULT_GATEWAY = old_gateway


class FinePrintBot(commands.Bot):
    def __init__(
        self,
        app: App,
        *,
        start_services: bool = True,
        guild_ready_timeout: float = 2.0,
    ) -> None:
        intents = discord.Intents.none()
        intents.guilds = True  # slash commands need no privileged intents
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents,
            help_command=None,
            allowed_mentions=discord.AllowedMentions.none(),
            max_messages=None,
            chunk_guilds_at_startup=False,
            member_cache_flags=discord.MemberCacheFlags.none(),
            guild_ready_timeout=guild_ready_timeout,
        )
        self.app = app
        self.start_services = start_services
        self.loaded_extensions: list[str] = []
        self._service_tasks: list[asyncio.Task[None]] = []
        self.tree.on_error = self.on_app_command_error  # type: ignore[method-assign]

    async def setup_hook(self) -> None:
        from cogs.utils.replies import CoreButton

        self.add_dynamic_items(CoreButton)
        for name in EXTENSIONS + OPTIONAL_EXTENSIONS:
            try:
                await self.load_extension(name)
            except commands.ExtensionNotFound:
                if name not in OPTIONAL_EXTENSIONS:
                    log.error("extension %s is missing", name)
            except Exception:
                log.exception("failed to load extension %s", name)
            else:
                self.loaded_extensions.append(name)
        if not self.start_services:
            return
        dev_guild = self.app.settings.dev_guild
        if dev_guild:
            guild = discord.Object(id=dev_guild)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("synced %d commands to the dev guild %s", len(synced), dev_guild)
        self._start_services()

    def _start_services(self) -> None:
        from bot.services import start_discord_services

        self._service_tasks = start_discord_services(self)

    async def on_ready(self) -> None:
        log.info("connected as %s to %d server(s)", self.user, len(self.guilds))

    async def close(self) -> None:
        for task in self._service_tasks:
            task.cancel()
        for task in self._service_tasks:
            try:
                await task
            except (asyncio.CancelledError, Exception):
                pass
        await super().close()

    async def on_app_command_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        """One polite answer for every failure; the cause goes to the log, not the member."""
        from cogs.utils.replies import send_reply

        original = getattr(error, "original", error)
        if isinstance(error, app_commands.NoPrivateMessage):
            text = "This command only works in a server."
        elif isinstance(error, app_commands.CommandOnCooldown):
            text = f"Slow down a little — try again in {error.retry_after:.0f} s."
        elif isinstance(error, app_commands.CheckFailure):
            text = str(error) or "You are not allowed to use this command here."
        elif isinstance(error, app_commands.TransformerError):
            text = f"I couldn't understand the value “{error.value}”."
        else:
            log.error(
                "command %s failed",
                interaction.command.qualified_name if interaction.command else "?",
                exc_info=original,
            )
            text = "Sorry, something went wrong on my side. The error was logged; please try again."
        try:
            await send_reply(interaction, notice(text, title="Fine Print"))
        except discord.HTTPException:
            log.warning("could not send the error message for an interaction")


def create_bot(app: App, *, start_services: bool = True) -> FinePrintBot:
    return FinePrintBot(app, start_services=start_services)


async def run_bot(settings: Settings) -> int:
    if not settings.token:
        raise ConfigError("DISCORD_TOKEN", "is required to connect to Discord")
    with discord_endpoints(settings):
        async with open_app(settings, watch=True) as app:
            bot = create_bot(app)
            async with bot:
                await bot.start(settings.token)
    return 0


async def sync_commands(settings: Settings, *, guild_id: int | None = None) -> int:
    """Publish the slash commands: to one guild, or globally (which Discord caches longer)."""
    if not settings.token:
        raise ConfigError("DISCORD_TOKEN", "is required to sync commands with Discord")
    with discord_endpoints(settings):
        async with open_app(settings) as app:
            bot = create_bot(app, start_services=False)
            async with bot:
                await bot.login(settings.token)
                if guild_id:
                    guild = discord.Object(id=guild_id)
                    bot.tree.copy_global_to(guild=guild)
                    synced = await bot.tree.sync(guild=guild)
                    where = f"server {guild_id}"
                else:
                    synced = await bot.tree.sync()
                    where = "all servers (global; Discord may take a while to show them)"
    print(f"Synced {len(synced)} commands to {where}: {', '.join(c.name for c in synced)}")
    return 0
