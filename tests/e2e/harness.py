"""Glue between the emulator and discord.py: point the library at it, run a bot, watch its logs."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import re
import signal
import sys
from collections.abc import Awaitable, Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import discord
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

from .emulator import DiscordEmulator, EmulatorTimeout, Guild

T = TypeVar("T")


@contextlib.contextmanager
def pointed_at(emu: DiscordEmulator) -> Iterator[None]:
    """Point discord.py's REST base and gateway at ``emu``; restore both afterwards.

    The bot under test may also set these itself (Fine Print does, from DISCORD_API_BASE and
    DISCORD_GATEWAY_URL); whatever it sets is undone here too.
    """
    old_base, old_gateway = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    Route.BASE = emu.api_base
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(emu.gateway_url)
    try:
        yield
    finally:
        Route.BASE = old_base
        DiscordWebSocket.DEFAULT_GATEWAY = old_gateway


class LogWatch(logging.Handler):
    """Collects ERROR+ log records. discord.py reports exceptions it swallows (in event handlers,
    views, modals, autocomplete, the command tree's default handler) only by logging them."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []
        self._allowed: list[re.Pattern[str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    @staticmethod
    def describe(record: logging.LogRecord) -> str:
        text = f"[{record.name}] {record.getMessage()}"
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            text += f" -- {type(exc).__name__}: {exc}"
        return text

    def allow(self, pattern: str) -> None:
        """Expect log errors matching ``pattern`` (searched in :meth:`describe`'s text)."""
        self._allowed.append(re.compile(pattern))

    def unexpected(self) -> list[str]:
        texts = [self.describe(r) for r in self.records]
        return [t for t in texts if not any(p.search(t) for p in self._allowed)]

    def take(self) -> list[str]:
        """Return and forget everything logged so far (for tests that provoke errors)."""
        texts = [self.describe(r) for r in self.records]
        self.records.clear()
        return texts


class BotRunner:
    """Runs a ``discord.Client``/``commands.Bot`` against the emulator the way ``Client.start``
    would (login, optional command sync, gateway connect) and stops it cleanly."""

    def __init__(self, bot: discord.Client, emu: DiscordEmulator) -> None:
        self.bot = bot
        self.emu = emu
        self.task: asyncio.Task[None] | None = None

    async def start(
        self,
        *,
        sync: bool | Iterable[Guild] = True,
        timeout: float = 10.0,
        fast: bool = True,
    ) -> discord.Client:
        """Log in, sync, connect, wait for READY.

        ``sync=True`` syncs the global tree and every emulator guild that has guild-only
        commands; an iterable syncs just those guilds; ``False`` skips syncing.

        ``fast=True`` removes two waits discord.py makes for real Discord: the 5 s sleep before
        every re-IDENTIFY (Discord's identify rate limit) and ``guild_ready_timeout`` (how long
        it waits for more GUILD_CREATEs before firing on_ready; set to 0.05 s).
        """
        bot = self.bot
        if fast:
            bot._connection.guild_ready_timeout = min(bot._connection.guild_ready_timeout, 0.05)

            async def no_identify_wait(shard_id: int | None, *, initial: bool = False) -> None:
                return None

            bot.before_identify_hook = no_identify_wait  # type: ignore[method-assign]
        await bot.login(self.emu.token)
        tree = getattr(bot, "tree", None)
        if sync and tree is not None:
            if sync is True:
                await tree.sync()
                guilds = [
                    g for g in self.emu.guilds if tree.get_commands(guild=discord.Object(g.id))
                ]
            else:
                guilds = list(sync)
            for guild in guilds:
                await tree.sync(guild=discord.Object(guild.id))
        self.task = asyncio.create_task(bot.connect(reconnect=True), name="e2e-bot-connect")
        ready = asyncio.create_task(bot.wait_until_ready(), name="e2e-bot-ready")
        done, _ = await asyncio.wait(
            {self.task, ready}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
        )
        if ready not in done:
            ready.cancel()
            if self.task in done:
                self.task.result()  # re-raise why the connection ended
            raise EmulatorTimeout(f"bot was not ready after {timeout}s")
        shard_ids = getattr(bot, "shard_ids", None)  # an AutoShardedBot running some shards
        if shard_ids:
            for shard in shard_ids:
                await self.emu.wait_ready(timeout, shard=shard)
        else:
            await self.emu.wait_ready(timeout)
        return bot

    async def stop(self) -> None:
        if not self.bot.is_closed():
            await self.bot.close()
        if self.task is not None:
            try:
                await asyncio.wait_for(self.task, 5)
            except (discord.ConnectionClosed, asyncio.CancelledError):
                pass
            self.task = None


def closed_cleanly(db: str) -> bool:
    """SQLite removes the WAL file when the last connection closes properly."""
    return Path(db).is_file() and not Path(f"{db}-wal").exists()


def assert_clean_output(child: ChildBot) -> None:
    """No traceback and nothing logged at ERROR or worse by a child ``python -m bot``."""
    assert "Traceback" not in child.stderr, child.describe()
    assert " ERROR " not in child.stderr and " CRITICAL " not in child.stderr, child.describe()


# Requests that create or edit a message, and where their message body lives.
_MESSAGE_ROUTES = (
    ("POST", re.compile(r"/interactions/\d+/[^/]+/callback")),
    ("POST", re.compile(r"/webhooks/\d+/[^/]+")),
    ("PATCH", re.compile(r"/webhooks/\d+/[^/]+/messages/[^/]+")),
    ("POST", re.compile(r"/channels/\d+/messages")),
    ("PATCH", re.compile(r"/channels/\d+/messages/\d+")),
)
_MESSAGE_CALLBACKS = (4, 7)  # CHANNEL_MESSAGE_WITH_SOURCE, UPDATE_MESSAGE
PING_KINDS = frozenset({"everyone", "roles", "users"})


def message_bodies(emu: DiscordEmulator) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every message body the bot sent (callbacks with a message, follow-ups, edits, channel
    messages), as ``(request description, body)``."""
    for req in emu.requests:
        if not any(m == req.method and p.fullmatch(req.path) for m, p in _MESSAGE_ROUTES):
            continue
        body = req.json if isinstance(req.json, dict) else {}
        if req.path.endswith("/callback"):
            if body.get("type") not in _MESSAGE_CALLBACKS:
                continue
            body = body.get("data") or {}
        yield str(req), body


def ping_problems(emu: DiscordEmulator) -> list[str]:
    """Message bodies that do not say "ping nobody": ``allowed_mentions`` missing, or letting
    Discord parse @everyone/roles/users out of the text."""
    problems = []
    for where, body in message_bodies(emu):
        allowed = body.get("allowed_mentions")
        if not isinstance(allowed, dict):
            problems.append(f"{where}: no allowed_mentions (Discord would parse every mention)")
        elif PING_KINDS & set(allowed.get("parse") or ()):
            problems.append(f"{where}: allowed_mentions parses {allowed['parse']}")
    return problems


def _like_a_terminal() -> None:
    """In the child before exec: Ctrl-C (SIGINT) as in a terminal. A shell starts background
    jobs (``pytest … &``, some CI runners) with SIGINT ignored, children inherit that, and a
    Python started that way never turns SIGINT into KeyboardInterrupt."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class ChildBot:
    """``python -m bot …`` as a child process, as a user runs it; output goes to files (a full
    pipe would block the child)."""

    def __init__(self, args: list[str], *, env: dict[str, str], cwd: Path, logs: Path) -> None:
        self.args = args
        self.env = env
        self.cwd = cwd
        name = "-".join(a.rsplit("/", 1)[-1] for a in args) or "run"
        for n in itertools.count(1):  # a restarted bot keeps the logs of the one before
            stem = name if n == 1 else f"{name}.{n}"
            if not (logs / f"{stem}.stderr").exists():
                break
        self.stdout_path = logs / f"{stem}.stdout"
        self.stderr_path = logs / f"{stem}.stderr"
        self.stderr_path.touch()
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self) -> ChildBot:
        with self.stdout_path.open("wb") as out, self.stderr_path.open("wb") as err:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", *self.args,
                cwd=self.cwd, env=self.env, stdout=out, stderr=err,
                preexec_fn=_like_a_terminal,
            )  # fmt: skip
        return self

    @property
    def stdout(self) -> str:
        return self.stdout_path.read_text(encoding="utf-8", errors="replace")

    @property
    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")

    def describe(self) -> str:
        code = self.proc.returncode if self.proc else None
        return f"python -m bot {' '.join(self.args)} (exit {code})\n--- stderr:\n{self.stderr}"

    async def wait(self, timeout: float = 30.0) -> int:
        assert self.proc is not None
        try:
            return await asyncio.wait_for(self.proc.wait(), timeout)
        except TimeoutError:
            raise EmulatorTimeout(f"still running after {timeout}s: {self.describe()}") from None

    async def wait_ready(
        self, emu: DiscordEmulator, timeout: float = 30.0, *, shard: int | None = None
    ) -> None:
        """Until the emulator has sent READY and the GUILD_CREATEs (on ``shard``, for a child
        running one shard); fails at once if the process exits first."""
        assert self.proc is not None
        ready = asyncio.ensure_future(emu.wait_ready(timeout, shard=shard))
        exited = asyncio.ensure_future(self.proc.wait())
        done, _ = await asyncio.wait({ready, exited}, return_when=asyncio.FIRST_COMPLETED)
        if ready not in done:
            ready.cancel()
            raise AssertionError(f"exited before connecting: {self.describe()}")
        exited.cancel()
        ready.result()

    async def stop(self, sig: int = signal.SIGINT, timeout: float = 10.0) -> int:
        assert self.proc is not None
        if self.proc.returncode is None:
            self.proc.send_signal(sig)
        return await self.wait(timeout)

    async def kill(self) -> None:
        """SIGKILL (``kill -9``): no cleanup of any kind, as in a power cut or an OOM kill."""
        if self.proc is not None and self.proc.returncode is None:
            self.proc.kill()
            await self.proc.wait()


async def eventually(
    probe: Callable[[], Awaitable[T] | T],
    what: str,
    *,
    timeout: float = 5.0,
    interval: float = 0.02,
) -> T:
    """Call ``probe`` (sync or async) until it returns something truthy, and return that; for
    state outside the emulator (the bot's database, a child process's files)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        value = probe()
        if asyncio.iscoroutine(value):
            value = await value
        if value:
            return value  # type: ignore[return-value]
        if loop.time() >= deadline:
            raise EmulatorTimeout(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(interval)
