"""Console mode: the same core as the Discord bot, typed at a terminal — a full twin of Discord.

It exists so anyone can try Fine Print without a Discord account or token, and so every
behaviour reachable from Discord has a plain-text twin that tests can drive. Every slash command
has its console half here: members' commands in ``answers``, ``/faq`` in ``faq``, and
``/alerts``, ``/feeds`` and ``/config`` in ``manage``; ``session`` holds what they share.

Everything happens in one server: ``--guild ID``, or else the console's own pseudo-server
(``CONSOLE_GUILD``), whose FAQ entries live in the database like any server's.
"""

from __future__ import annotations

import asyncio
import logging
import shlex
import sys
from typing import TextIO

from bot.app import App, open_app
from bot.config import Settings
from bot.console.answers import AnswerCommands
from bot.console.faq import FaqCommands
from bot.console.manage import ManageCommands
from bot.console.session import CONSOLE_GUILD, Console
from bot.present.alerts import render_alert
from bot.present.texts import ENGLISH, Texts
from bot.services import start_services, stop_services

log = logging.getLogger(__name__)


def banner(guild_id: int | None, t: Texts = ENGLISH) -> str:
    """The greeting, saying which server's FAQ the session answers from and curates."""
    if guild_id is None:
        server = t("console.server.none", guild=CONSOLE_GUILD)
    else:
        server = t("console.server.given", guild=guild_id)
    return f"{t('console.banner')}\n{server}"


def open_console(
    app: App, *, guild_id: int = CONSOLE_GUILD, t: Texts = ENGLISH, fixed: bool = True
) -> Console:
    """A session with every command group registered. ``fixed=False``: questions are answered
    in their own language (detected), everything else in ``t``'s."""
    console = Console(app, guild_id=guild_id, t=t, fixed=fixed)
    answers = AnswerCommands(console)
    FaqCommands(console, answers)
    ManageCommands(console)
    return console


async def run_console(
    settings: Settings,
    *,
    guild_id: int | None = None,
    lang: str | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
) -> int:
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    async with open_app(settings, watch=True) as app:
        console = open_console(
            app,
            guild_id=CONSOLE_GUILD if guild_id is None else guild_id,
            t=app.languages.texts(lang),
            fixed=lang is not None,
        )
        print(banner(guild_id, console.t), file=stdout, flush=True)
        tasks: list[asyncio.Task[None]] = []
        if app.watcher is not None:
            app.watcher.alert_hooks.append(
                lambda alert: print(
                    render_alert(alert, t=console.t).fit(console.t).to_text(console.t),
                    file=stdout,
                    flush=True,
                )
            )
            tasks = start_services(app)
            count = len(app.watcher.file_sources)
            print(console.t("console.watching", count=count), file=stdout)
        try:
            await _read_loop(console, stdin, stdout)
        finally:
            await stop_services(tasks)
    return 0


async def _read_loop(console: Console, stdin: TextIO, stdout: TextIO) -> None:
    while True:
        if stdin.isatty():
            print("> ", end="", file=stdout, flush=True)
        line = await asyncio.to_thread(stdin.readline)
        if not line:
            break
        try:
            out = await console.handle(line)
        except Exception:  # one bad command must not end the session
            log.exception("console command failed: %s", shlex.quote(line.strip()))
            out = console.t("console.failed")
        if out:
            print(out, file=stdout, flush=True)


__all__ = ["CONSOLE_GUILD", "Console", "banner", "open_console", "run_console"]
