"""Fixtures for end-to-end tests against the loopback Discord emulator.

- ``emulator``: a started :class:`DiscordEmulator` with discord.py pointed at it (and restored
  afterwards). At teardown the test fails if the bot hit a route the emulator does not implement,
  violated Discord's contract, answered an interaction too late, or logged an error.
- ``start_bot``: ``await start_bot(bot)`` logs in, syncs commands, connects and waits for READY;
  every bot started this way is closed at teardown (before the emulator checks run).
- ``bot_log``: the :class:`LogWatch` behind the "logged an error" check; ``bot_log.take()`` in
  tests that provoke errors on purpose, ``bot_log.allow(regex)`` for expected noise.

Fine Print itself:

- ``fineprint_env``: the environment ``python -m bot`` would get: the emulator's
  ``DISCORD_TOKEN``/``DISCORD_API_BASE``/``DISCORD_GATEWAY_URL``, a ``FINEPRINT_DB`` under
  ``tmp_path`` and an empty ``FINEPRINT_SOURCES`` (so nothing ever polls the internet).
- ``server``: a guild "Beat Makers" with #general, a "Mods" role with Manage Server, ``alice``
  (a mod) and ``bob`` (a member).
- ``start_fineprint``: ``await start_fineprint()`` builds the bot the way ``python -m bot``
  does (``load_settings(env)``, then ``bot.client.open_bot``: endpoints, app, client),
  syncs its commands (what ``python -m bot sync`` does), connects and waits for READY. Call
  it again after ``await fp.stop()`` for a restart on the same database. ``clock=`` (a
  ``tests.clock.MovableClock``) is the deliverer's "now", for weekly digests.
- ``fineprint``: one started Fine Print (``start_fineprint()`` with the ``server`` world).
- ``spawn``: ``spawn("sync")`` / ``spawn(**env)`` makes a :class:`ChildBot` (``python -m bot …``
  as a child process with ``fineprint_env`` plus ``env``); whatever a test leaves running is
  killed at teardown.
- ``web``: a loopback web server (``tests.integration``'s ``FakeWeb``) whose pages and feeds a
  test rewrites between polls (helpers for pages, sources files and the outbox: ``watched.py``).

Every Fine Print test also checks at teardown that nothing the bot sent could ping anyone.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import discord
import pytest
from bot.alerts.digest import Clock
from bot.app import App
from bot.client import FinePrintBot, open_bot
from bot.config import Settings, load_settings
from bot.store import clock as store_clock

from tests.conftest import ROOT, clean_env
from tests.integration.conftest import FakeWeb

from .emulator import MANAGE_GUILD, Channel, DiscordEmulator, Guild, Member, Role
from .harness import BotRunner, ChildBot, LogWatch, ping_problems, pointed_at

StartBot = Callable[..., Awaitable[Any]]
HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture
def bot_log() -> Iterator[LogWatch]:
    watch = LogWatch()
    root = logging.getLogger()
    root.addHandler(watch)
    try:
        yield watch
    finally:
        root.removeHandler(watch)


@pytest.fixture
def emulator_options() -> dict[str, Any]:
    """Keyword arguments for the test's ``DiscordEmulator``; a module overrides this fixture
    for another setup (``{"shard_count": 2}``)."""
    return {}


@pytest.fixture
async def emulator(
    bot_log: LogWatch, emulator_options: dict[str, Any]
) -> AsyncIterator[DiscordEmulator]:
    emu = DiscordEmulator(**emulator_options)
    await emu.start()
    try:
        with pointed_at(emu):
            yield emu
    finally:
        await emu.stop()
    problems = emu.problems() + [f"bot logged an error: {t}" for t in bot_log.unexpected()]
    if problems:
        pytest.fail("e2e harness found problems:\n  " + "\n  ".join(problems), pytrace=False)


@pytest.fixture
async def start_bot(emulator: DiscordEmulator) -> AsyncIterator[StartBot]:
    runners: list[BotRunner] = []

    async def start(
        bot: discord.Client,
        *,
        sync: bool | Iterable[Guild] = True,
        timeout: float = 10.0,
        fast: bool = True,
    ) -> Any:
        runner = BotRunner(bot, emulator)
        runners.append(runner)
        return await runner.start(sync=sync, timeout=timeout, fast=fast)

    yield start
    for runner in reversed(runners):
        await runner.stop()


# --------------------------------------------------------------------------- Fine Print


@dataclass
class Server:
    """The world most Fine Print tests run in."""

    guild: Guild
    general: Channel
    mods: Role
    alice: Member  # has Manage Server (through Mods)
    bob: Member  # a plain member


class RunningFinePrint:
    """One Fine Print instance against the emulator: its bot, app and settings."""

    def __init__(self, bot: FinePrintBot, app: App, settings: Settings, runner: BotRunner) -> None:
        self.bot = bot
        self.app = app
        self.settings = settings
        self.runner = runner
        self.stack = contextlib.AsyncExitStack()

    async def stop(self) -> None:
        """What Ctrl-C does to ``python -m bot``: close the bot, then the app (its database)."""
        try:
            await self.runner.stop()
        finally:
            await self.stack.aclose()


StartFinePrint = Callable[..., Awaitable[RunningFinePrint]]


@pytest.fixture
def fineprint_env(emulator: DiscordEmulator, tmp_path: Path) -> dict[str, str]:
    sources = tmp_path / "sources.toml"
    sources.write_text("# no watched sources: the e2e suite never leaves 127.0.0.1\n")
    return {
        **emulator.env(),
        "FINEPRINT_DB": str(tmp_path / "fineprint.db"),
        "FINEPRINT_SOURCES": str(sources),
    }


@pytest.fixture
def server(emulator: DiscordEmulator) -> Server:
    guild = emulator.add_guild("Beat Makers")
    general = emulator.add_text_channel(guild, "general")
    mods = emulator.add_role(guild, "Mods", permissions=MANAGE_GUILD)
    alice = emulator.add_member(guild, "alice", roles=[mods])
    bob = emulator.add_member(guild, "bob")
    return Server(guild, general, mods, alice, bob)


@pytest.fixture
async def start_fineprint(
    emulator: DiscordEmulator, fineprint_env: dict[str, str]
) -> AsyncIterator[StartFinePrint]:
    running: list[RunningFinePrint] = []

    async def start(
        *,
        env: dict[str, str] | None = None,
        sync: bool = True,
        timeout: float = 10.0,
        clock: Clock = store_clock.now,
    ) -> RunningFinePrint:
        # bot.cli: settings from the environment; bot.client.open_bot: endpoints, app (with
        # its watcher and deliverer), bot. Then what `python -m bot sync` and Client.start do.
        settings = load_settings({**fineprint_env, **(env or {})})
        async with contextlib.AsyncExitStack() as stack:
            bot = await stack.enter_async_context(open_bot(settings, clock=clock))
            fp = RunningFinePrint(bot, bot.app, settings, BotRunner(bot, emulator))
            fp.stack = stack.pop_all()
        running.append(fp)
        await fp.runner.start(sync=sync, timeout=timeout)
        return fp

    yield start
    for fp in reversed(running):
        await fp.stop()
    problems = ping_problems(emulator)
    if problems:
        pytest.fail("Fine Print sent a message that could ping:\n  " + "\n  ".join(problems))


@pytest.fixture
async def fineprint(start_fineprint: StartFinePrint, server: Server) -> RunningFinePrint:
    return await start_fineprint()


Spawn = Callable[..., ChildBot]


@pytest.fixture
async def spawn(
    emulator: DiscordEmulator, fineprint_env: dict[str, str], tmp_path: Path
) -> AsyncIterator[Spawn]:
    children: list[ChildBot] = []

    def make(*args: str, **env: str) -> ChildBot:
        child = ChildBot(
            list(args), env=clean_env(**{**fineprint_env, **env}), cwd=ROOT, logs=tmp_path
        )
        children.append(child)
        return child

    yield make
    for child in children:
        await child.kill()  # only if a test left one running


# --------------------------------------------------------------------------- watched sources


@pytest.fixture
async def web() -> AsyncIterator[FakeWeb]:
    server = FakeWeb()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()
