"""Fixtures for end-to-end tests against the loopback Discord emulator.

- ``emulator``: a started :class:`DiscordEmulator` with discord.py pointed at it (and restored
  afterwards). At teardown the test fails if the bot hit a route the emulator does not implement,
  violated Discord's contract, answered an interaction too late, or logged an error.
- ``start_bot``: ``await start_bot(bot)`` logs in, syncs commands, connects and waits for READY;
  every bot started this way is closed at teardown (before the emulator checks run).
- ``bot_log``: the :class:`LogWatch` behind the "logged an error" check; ``bot_log.take()`` in
  tests that provoke errors on purpose, ``bot_log.allow(regex)`` for expected noise.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import discord
import pytest

from .emulator import DiscordEmulator, Guild
from .harness import BotRunner, LogWatch, pointed_at

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
async def emulator(bot_log: LogWatch) -> AsyncIterator[DiscordEmulator]:
    emu = DiscordEmulator()
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
