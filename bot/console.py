"""Console mode: the same core as the Discord bot, typed at a terminal.

It exists so anyone can try Fine Print without a Discord account or token, and so every
behaviour reachable from Discord has a plain-text twin that tests can drive.
Slash commands are typed as text (``/terms soundcloud ai``); a number presses the matching
button of the last answer; anything else is treated as a question (``/faq ask``). Where Discord
would open a form or ask for a click (``/faq add``, removing, importing), the console asks on
the next lines instead (``bot/curation_console.py``).

Everything happens in one server: ``--guild ID``, or else the console's own pseudo-server
(``CONSOLE_GUILD``), whose FAQ entries live in the database like any server's.
"""

from __future__ import annotations

import asyncio
import logging
import shlex
import sys
from collections.abc import Awaitable, Callable, Iterable
from functools import partial
from typing import TextIO

from bot.alerts.render import render_alert
from bot.app import App, open_app
from bot.config import Settings
from bot.curation_console import CurationConsole
from bot.embeds import Reply, notice
from bot.services import start_services, stop_services

log = logging.getLogger(__name__)

CONSOLE_GUILD = 0  # the server id console mode uses when no --guild is given

BANNER = (
    "Fine Print — console mode (DISCORD_TOKEN is not set, so nothing connects to Discord).\n"
    "Type slash commands as text, e.g. /terms soundcloud ai · /optout youtube · "
    "/faq ask does spotify train ai on my songs\n"
    "You are this server's moderator: /faq list · add · remove · restore · hide · history · "
    "export · import · queue.\n"
    "A number presses a button of the last answer. /help lists commands; Ctrl-D quits."
)

Action = tuple[str, Callable[[], Awaitable[str]]]  # a numbered button: label, what it does
Step = Callable[[str], Awaitable[str]]  # what the next typed line answers (a prompt)


def banner(guild_id: int | None) -> str:
    """The greeting, saying which server's FAQ the session answers from and curates."""
    if guild_id is None:
        server = (
            f"Server: none given (--guild ID), so this session uses the console's own "
            f"pseudo-server, id {CONSOLE_GUILD}."
        )
    else:
        server = f"Server: {guild_id} — its own FAQ entries answer here and /faq curates them."
    return f"{BANNER}\n{server}"


class Console:
    """Parses typed commands and turns them into the same core calls the cogs make."""

    def __init__(self, app: App, *, guild_id: int = CONSOLE_GUILD) -> None:
        self.app = app
        self.guild_id = guild_id
        self.actions: list[Action] = []
        self.next_step: Step | None = None
        self.curation = CurationConsole(self)
        self.commands: dict[str, Callable[[str], Awaitable[Reply | str]]] = {
            "terms": self._terms,
            "optout": self._optout,
            "faq": self._faq,
            "history": self._history,
            "help": self._help,
            "about": self._about,
        }

    async def handle(self, line: str) -> str:
        if self.next_step is not None:  # a prompt is waiting for this line
            step, self.next_step = self.next_step, None
            return await step(line.strip())
        line = line.strip()
        if not line:
            return ""
        if line.isdigit() and self.actions:
            return await self._press(int(line))
        if not line.startswith("/"):
            return self.show(await self.app.faq_reply(line, guild_id=self.guild_id))
        name, _, rest = line[1:].partition(" ")
        handler = self.commands.get(name.lower())
        if handler is None:
            known = ", ".join(f"/{c}" for c in self.commands)
            return f"Unknown command /{name}. Known here: {known}."
        out = await handler(rest.strip())
        return out if isinstance(out, str) else self.show(out)

    def show(self, reply: Reply, actions: Iterable[Action] = ()) -> str:
        """A reply as text; its buttons (and ``actions``) become numbers the next line presses."""
        reply = reply.fit()
        self.actions = [
            (b.label, partial(self._press_button, b.custom_id))
            for b in reply.buttons
            if b.custom_id and not b.disabled
        ]
        self.actions += actions
        text = reply.to_text()
        if self.actions:
            text = text.rsplit("\n\nActions: ", 1)[0]
        if reply.file:  # an export, or an import's full report: text files, shown inline
            name, data = reply.file
            text += f"\n\n--- {name} ---\n" + data.decode("utf-8", "replace").rstrip("\n")
        if self.actions:
            numbered = "  ".join(f"[{n}] {label}" for n, (label, _) in enumerate(self.actions, 1))
            text += f"\n\nButtons: {numbered}"
        return text

    def confirm(self, reply: Reply, ask: str, on_yes: Callable[[], Awaitable[str]], no: str) -> str:
        """Show ``reply`` and ask for "yes" on the next line (Discord's Confirm/Cancel buttons).

        Anything else cancels; a slash command typed instead also runs.
        """

        async def answer(line: str) -> str:
            if line.lower() == "yes":
                return await on_yes()
            return no + (f"\n\n{await self.handle(line)}" if line.startswith("/") else "")

        text = self.show(reply)
        self.next_step = answer
        return f"{text}\n\n{ask}"

    @staticmethod
    def usage(form: str, example: str, got: str = "") -> Reply:
        detail = f"I couldn't understand “{got}”. " if got else ""
        return notice(f"{detail}Usage: `{form}` — for example `{example}`.")

    async def _press(self, number: int) -> str:
        if not 1 <= number <= len(self.actions):
            return f"There is no button {number}."
        _label, run = self.actions[number - 1]
        return await run()

    async def _press_button(self, custom_id: str) -> str:
        return self.show(await self.app.press(custom_id, guild_id=self.guild_id))

    def _split_platform(self, rest: str) -> tuple[str | None, str]:
        """The platform named first, and whatever follows it (the topic words)."""
        words = rest.split()
        for size in range(min(3, len(words)), 0, -1):
            platform = self.app.resolve_platform(" ".join(words[:size]))
            if platform:
                return platform, " ".join(words[size:])
        return None, rest

    async def _terms(self, rest: str) -> Reply:
        platform, topic_text = self._split_platform(rest)
        if platform is None:
            return self.usage("/terms <platform> [topic]", "/terms soundcloud ai", rest)
        topic = self.app.resolve_topic(topic_text)
        if topic_text and topic is None:
            return self.usage("/terms <platform> [topic]", "/terms soundcloud opt-out", topic_text)
        return await self.app.terms_reply(platform, topic)

    async def _optout(self, rest: str) -> Reply:
        platform, _ = self._split_platform(rest)
        if platform is None:
            return self.usage("/optout <platform>", "/optout youtube", rest)
        return await self.app.optout_reply(platform)

    async def _history(self, rest: str) -> Reply:
        platform, _ = self._split_platform(rest)
        if platform is None:
            return self.usage("/history <platform>", "/history soundcloud", rest)
        return await self.app.history_reply(platform)

    async def _faq(self, rest: str) -> Reply | str:
        sub, _, arg = rest.partition(" ")
        if sub.lower() in self.curation.subcommands:
            return await self.curation.run(sub.lower(), arg.strip())
        if sub.lower() == "ask":
            rest = arg
        if not rest.strip():
            return self.usage(
                "/faq ask <question>", "/faq ask can i upload ai music to bandcamp", ""
            )
        return await self.app.faq_reply(rest, guild_id=self.guild_id)

    async def _help(self, _rest: str) -> Reply:
        return self.app.help_reply()

    async def _about(self, _rest: str) -> Reply:
        return await self.app.about_reply()


async def run_console(
    settings: Settings,
    *,
    guild_id: int | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
) -> int:
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    async with open_app(settings, watch=True) as app:
        console = Console(app, guild_id=CONSOLE_GUILD if guild_id is None else guild_id)
        print(banner(guild_id), file=stdout, flush=True)
        tasks: list[asyncio.Task[None]] = []
        if app.watcher is not None:
            app.watcher.alert_hooks.append(
                lambda alert: print(render_alert(alert).fit().to_text(), file=stdout, flush=True)
            )
            tasks = start_services(app, sender=None)
            count = len(app.watcher.file_sources)
            print(f"Watching {count} sources; alerts print here as they arrive.", file=stdout)
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
            out = "Sorry, that failed unexpectedly; the error was logged."
        if out:
            print(out, file=stdout, flush=True)
