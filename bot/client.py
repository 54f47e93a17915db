"""The Discord shell: a ``commands.AutoShardedBot`` subclass around the core ``App``.

The only module of ``bot/`` that imports discord (its helpers live in ``cogs/utils``). It loads
one extension per feature in ``setup_hook`` (RoboDanny's shape), registers the persistent
``fp:…`` buttons, answers every command error politely in one place, delivers alerts through
``DiscordSender``, and points discord.py at a Discord-compatible server when
``DISCORD_API_BASE`` / ``DISCORD_GATEWAY_URL`` are set (self-hosted servers, the e2e emulator).

Sharding: the bot is always an ``AutoShardedBot``. Without ``FINEPRINT_SHARDS`` it runs every
shard, as many as Discord recommends (one for a small bot); with ``FINEPRINT_SHARDS=0-3/8`` it
runs shards 0–3 of 8, and other processes (on the same PostgreSQL database) run the rest. A
process receives gateway events — commands, buttons, servers joining — only for its own
shards' servers, but delivers alerts to any server: sending is REST, so it posts by channel id
without needing that server in its cache.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import aiohttp
import discord
import yarl
from discord import app_commands
from discord.ext import commands
from discord.gateway import DiscordWebSocket
from discord.http import HTTPClient, Route

from bot import services
from bot.alerts.delivery import DeliveryPermanent, DeliveryRejected, DeliveryRetry
from bot.alerts.digest import Clock
from bot.app import App, open_app
from bot.config import ConfigError, Settings
from bot.present.alerts import carries_marker
from bot.present.manage import notice
from bot.present.reply import Reply
from bot.store import clock as store_clock
from bot.store import guild_config
from cogs.utils.checks import NotModerator
from cogs.utils.replies import CoreButton, Interaction, send_kwargs, send_reply, texts_for
from cogs.utils.translator import CatalogTranslator

log = logging.getLogger(__name__)

BUCKET_SCAN_FROM = 256  # discord.py's own threshold for scanning its rate-limit buckets
SHARD_QUEUE = "_AutoShardedClient__queue"  # discord.py's private name for the shards' events
PREPARED_REPLIES = 256  # replies whose send arguments the sender keeps (DiscordSender._kwargs)
RECENT_MESSAGES = 50  # how far back a resend looks for the message it may have posted already
EXTENSIONS: tuple[str, ...] = (
    "cogs.answers",
    "cogs.faq",
    "cogs.meta",
    "cogs.config",
    "cogs.alerts",
    "cogs.feeds",
)


@contextmanager
def discord_endpoints(settings: Settings) -> Iterator[None]:
    """Point discord.py at another REST base / gateway for the duration, then restore."""
    old_base, old_gateway = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    if settings.api_base:
        Route.BASE = settings.api_base
    if settings.gateway_url:
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.gateway_url)
    try:
        yield
    finally:
        Route.BASE = old_base
        DiscordWebSocket.DEFAULT_GATEWAY = old_gateway


def amortise_bucket_cleanup(http: HTTPClient) -> None:
    """Make discord.py's clean-up of per-route rate-limit buckets cost O(1) per request.

    discord.py keeps one bucket per route it has used — one per channel it posted in — and,
    once it holds 256, scans all of them for inactive ones each time it creates another. A
    fan-out to n channels thus costs O(n²) checks: measured, 10,000 channels are ~5·10^7 checks,
    minutes of CPU, far more than the sending. Here the scan runs only once the count has
    doubled since the last one: the same buckets are dropped (those idle for 5 minutes),
    at most twice as late, for amortised O(1).
    """
    scan = http._try_clear_expired_ratelimits
    next_scan = BUCKET_SCAN_FROM

    def amortised() -> None:
        nonlocal next_scan
        if len(http._buckets) < next_scan:
            return
        scan()
        next_scan = max(BUCKET_SCAN_FROM, 2 * len(http._buckets))

    http._try_clear_expired_ratelimits = amortised  # type: ignore[method-assign]


class FinePrintBot(commands.AutoShardedBot):
    def __init__(
        self,
        app: App,
        *,
        start_services: bool = True,
        guild_ready_timeout: float = 2.0,
    ) -> None:
        intents = discord.Intents.none()
        intents.guilds = True  # slash commands need no privileged intents
        plan = app.settings.shards
        sharding: dict[str, Any] = {}
        if plan is not None:
            sharding = {"shard_ids": list(plan.ids), "shard_count": plan.count}
        super().__init__(
            **sharding,
            command_prefix=commands.when_mentioned,
            intents=intents,
            help_command=None,
            allowed_mentions=discord.AllowedMentions.none(),
            max_messages=None,
            chunk_guilds_at_startup=False,
            member_cache_flags=discord.MemberCacheFlags.none(),
            guild_ready_timeout=guild_ready_timeout,
        )
        amortise_bucket_cleanup(self.http)
        self.app = app
        self.run_services = start_services
        self.loaded_extensions: list[str] = []
        self._service_tasks: list[asyncio.Task[None]] = []
        self.tree.error(self.on_app_command_error)

    async def setup_hook(self) -> None:
        await self.tree.set_translator(CatalogTranslator(self.app.languages))
        self.add_dynamic_items(CoreButton)
        for name in EXTENSIONS:
            try:
                await self.load_extension(name)
            except Exception:
                log.exception("failed to load extension %s", name)
            else:
                self.loaded_extensions.append(name)
        if not self.run_services:
            return
        dev_guild = self.app.settings.dev_guild
        if dev_guild:
            guild = discord.Object(id=dev_guild)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("synced %d commands to the dev guild %s", len(synced), dev_guild)
        self._service_tasks = services.start_services(
            self.app, before_delivery=self.wait_until_ready
        )

    async def _remember_locales(self, guilds: list[discord.Guild]) -> None:
        """Share these servers' Discord languages through the database: another process may
        deliver their alerts (``guild_config.remember_locales``)."""
        try:
            await guild_config.remember_locales(
                self.app.db, {g.id: g.preferred_locale.value for g in guilds}
            )
        except Exception:
            log.exception("could not record the servers' languages")

    async def on_guild_join(self, guild: discord.Guild) -> None:
        await self._remember_locales([guild])

    async def on_guild_update(self, before: discord.Guild, after: discord.Guild) -> None:
        if before.preferred_locale != after.preferred_locale:
            await self._remember_locales([after])

    async def on_ready(self) -> None:
        await self._remember_locales(list(self.guilds))
        shards = ", ".join(str(s) for s in sorted(self.shards))
        log.info(
            "connected as %s to %d server(s) on shard(s) %s of %s",
            self.user,
            len(self.guilds),
            shards or "-",
            self.shard_count,
        )

    async def close(self) -> None:
        await services.stop_services(self._service_tasks)
        self._service_tasks = []
        if not hasattr(self, SHARD_QUEUE):
            # Never logged in (a failed start, the offline tests): AutoShardedClient.close posts
            # to an event queue that login creates. Give it one so closing works all the same.
            setattr(self, SHARD_QUEUE, asyncio.PriorityQueue())
        await super().close()

    async def on_app_command_error(
        self, interaction: Interaction, error: app_commands.AppCommandError
    ) -> None:
        """One polite answer for every failure; the cause goes to the log, not the member."""
        t = texts_for(interaction)
        original = getattr(error, "original", error)
        if isinstance(error, app_commands.NoPrivateMessage):
            text = t("error.guild_only")
        elif isinstance(error, NotModerator):
            text = t("error.not_moderator")
        elif isinstance(error, app_commands.CommandOnCooldown):
            text = t("error.cooldown", seconds=f"{error.retry_after:.0f}")
        elif isinstance(error, app_commands.CheckFailure):
            text = t("error.not_allowed")
        elif isinstance(error, app_commands.TransformerError):
            text = t("error.bad_value", value=error.value)
        else:
            log.error(
                "command %s failed",
                interaction.command.qualified_name if interaction.command else "?",
                exc_info=original,
            )
            text = t("error.internal")
        try:
            await send_reply(interaction, notice(text, t=t))
        except discord.HTTPException:
            log.warning("could not send the error message for an interaction")


class DiscordSender:
    """Delivers outbox rows to Discord channels, mapping Discord's answers to retry/permanent.

    The nonce makes Discord (``enforce_nonce``) return the message it already created when a
    crash between "sent" and "marked sent" makes us send the same row again. The sender exists
    before the client (the App's deliverer is built with it) and is bound to the client once
    there is one; delivery only starts after the client is ready.

    A row's server may be on another process's shard, so nothing here relies on the cache: a
    message goes to the channel id (``get_partial_messageable``: one request, no lookup first),
    and a notice to a server this process does not see is addressed from the guild's data.
    """

    def __init__(self) -> None:
        self.client: discord.Client | None = None
        self._prepared: OrderedDict[int, tuple[Reply, dict[str, Any]]] = OrderedDict()

    def _kwargs(self, reply: Reply) -> dict[str, Any]:
        """``send_kwargs`` of a reply, made once per reply object: the deliverer hands the same
        rendered alert to every channel of a fan-out. Only replies without buttons or files are
        kept (a view or a file belongs to one message)."""
        kept = self._prepared.get(id(reply))
        if kept is not None and kept[0] is reply:
            return kept[1]
        kwargs = send_kwargs(reply)
        if "view" not in kwargs and "file" not in kwargs:
            self._prepared[id(reply)] = (reply, kwargs)
            while len(self._prepared) > PREPARED_REPLIES:
                self._prepared.popitem(last=False)
        return kwargs

    def bind(self, client: discord.Client) -> None:
        self.client = client

    def _client(self) -> discord.Client:
        if self.client is None:
            raise DeliveryRetry("not connected to Discord yet")
        return self.client

    def _channel(self, channel_id: int) -> discord.abc.Messageable:
        # By id, not from the cache: the server may be on another process's shard, and
        # discord.py's get_channel walks every cached server (a fan-out to thousands of
        # channels would walk them thousands of times). Discord answers for a channel that is
        # gone or closed to us.
        return self._client().get_partial_messageable(channel_id)

    async def send(self, channel_id: int, reply: Reply, *, nonce: str) -> int:
        try:
            message = await self._channel(channel_id).send(nonce=nonce, **self._kwargs(reply))
        except discord.NotFound as exc:
            raise DeliveryPermanent("the channel no longer exists") from exc
        except discord.Forbidden as exc:
            raise DeliveryPermanent(
                "I am missing a permission there (View Channel, Send Messages, Embed Links)"
            ) from exc
        except discord.HTTPException as exc:
            if 400 <= exc.status < 500 and exc.status != 429:  # the same request fails again
                raise DeliveryRejected(f"Discord answered {exc.status} ({exc.text[:200]})") from exc
            retry_after = getattr(exc, "retry_after", None)
            raise DeliveryRetry(f"Discord answered {exc.status}", retry_after) from exc
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            raise DeliveryRetry(f"network error ({type(exc).__name__})") from exc
        return message.id

    async def find_posted(self, channel_id: int, marker: str) -> int | None:
        """Our recent message in the channel whose footer carries ``marker``, if any. Without
        Read Message History the check cannot be made: the alert is sent again (a possible
        duplicate is better than a lost alert)."""
        client = self._client()
        try:
            channel = self._channel(channel_id)
            async for message in channel.history(limit=RECENT_MESSAGES):
                if client.user is not None and message.author.id != client.user.id:
                    continue
                if any(carries_marker(e.footer.text, marker) for e in message.embeds):
                    return message.id
        except discord.NotFound as exc:
            raise DeliveryPermanent("the channel no longer exists") from exc
        except discord.Forbidden:
            log.warning("cannot read the history of channel %s to check a resend", channel_id)
        except discord.HTTPException as exc:
            retry_after = getattr(exc, "retry_after", None)
            raise DeliveryRetry(f"Discord answered {exc.status}", retry_after) from exc
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            raise DeliveryRetry(f"network error ({type(exc).__name__})") from exc
        return None

    def guild_locale(self, guild_id: int) -> str | None:
        """The server's language in Discord's settings (its ``preferred_locale``)."""
        guild = self.client.get_guild(guild_id) if self.client is not None else None
        return guild.preferred_locale.value if guild is not None else None

    async def notify_guild(self, guild_id: int, reply: Reply) -> None:
        """Tell a server about a problem: its system channel, else its owner by DM."""
        client = self._client()
        guild = client.get_guild(guild_id)
        if guild is None:  # on another process's shard: ask Discord where to write
            # (the raw payload: discord.py's Guild keeps the system channel only as a cache key)
            data = await client.http.get_guild(guild_id)
            system_id, owner_id = data.get("system_channel_id"), int(data["owner_id"])
            if system_id is not None:
                try:
                    system = client.get_partial_messageable(int(system_id))
                    await system.send(**send_kwargs(reply))
                    return
                except discord.HTTPException:
                    log.warning("could not post in the system channel of guild %s", guild_id)
            owner_user = await client.fetch_user(owner_id)
            await owner_user.send(**send_kwargs(reply))
            return
        channel = guild.system_channel
        if channel is not None and channel.permissions_for(guild.me).send_messages:
            try:
                await channel.send(**send_kwargs(reply))
                return
            except discord.HTTPException:
                log.warning("could not post in the system channel of guild %s", guild_id)
        owner = guild.owner or await client.fetch_user(guild.owner_id or 0)
        await owner.send(**send_kwargs(reply))


def create_bot(app: App, *, start_services: bool = True) -> FinePrintBot:
    return FinePrintBot(app, start_services=start_services)


@asynccontextmanager
async def open_bot(
    settings: Settings, *, clock: Clock = store_clock.now
) -> AsyncIterator[FinePrintBot]:
    """The bot as ``run_bot`` starts it: the endpoints, the App (with its watcher and a
    deliverer that posts through this client) and the client, not yet logged in. ``clock``:
    see ``open_app``."""
    sender = DiscordSender()
    with discord_endpoints(settings):
        async with open_app(settings, watch=True, sender=sender, clock=clock) as app:
            bot = create_bot(app)
            sender.bind(bot)
            yield bot


async def run_bot(settings: Settings) -> int:
    if not settings.token:
        raise ConfigError("DISCORD_TOKEN", "is required to connect to Discord")
    async with open_bot(settings) as bot, bot:
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
