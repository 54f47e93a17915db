"""Console mode: the same core as the Discord bot, typed at a terminal.

It exists so anyone can try Fine Print without a Discord account or token, and so every
behaviour reachable from Discord has a plain-text twin that tests can drive.
Slash commands are typed as text (``/terms soundcloud ai``); a number presses the matching
button of the last answer; anything else is treated as a question (``/faq ask``).
"""

from __future__ import annotations

import asyncio
import logging
import shlex
import sys
from collections.abc import Awaitable, Callable
from typing import TextIO

from bot.alerts.render import render_alert
from bot.app import App, open_app
from bot.config import Settings
from bot.embeds import Button, Reply
from bot.services import start_services, stop_services

log = logging.getLogger(__name__)

BANNER = (
    "Fine Print — console mode (DISCORD_TOKEN is not set, so nothing connects to Discord).\n"
    "Type slash commands as text, e.g. /terms soundcloud ai · /optout youtube · "
    "/faq ask does spotify train ai on my songs\n"
    "A number presses a button of the last answer. /help lists commands; Ctrl-D quits."
)


class Console:
    """Parses typed commands and turns them into the same core calls the cogs make."""

    def __init__(self, app: App, *, guild_id: int | None = None) -> None:
        self.app = app
        self.guild_id = guild_id
        self.last_buttons: list[Button] = []
        self.commands: dict[str, Callable[[str], Awaitable[Reply]]] = {
            "terms": self._terms,
            "optout": self._optout,
            "faq": self._faq,
            "history": self._history,
            "help": self._help,
            "about": self._about,
        }

    async def handle(self, line: str) -> str:
        line = line.strip()
        if not line:
            return ""
        if line.isdigit() and self.last_buttons:
            return await self._press(int(line))
        if not line.startswith("/"):
            return self._show(await self.app.faq_reply(line, guild_id=self.guild_id))
        name, _, rest = line[1:].partition(" ")
        handler = self.commands.get(name.lower())
        if handler is None:
            known = ", ".join(f"/{c}" for c in self.commands)
            return f"Unknown command /{name}. Known here: {known}."
        return self._show(await handler(rest.strip()))

    def _show(self, reply: Reply) -> str:
        reply = reply.fit()
        self.last_buttons = [b for b in reply.buttons if b.custom_id and not b.disabled]
        text = reply.to_text()
        if self.last_buttons:
            numbered = "  ".join(f"[{n}] {b.label}" for n, b in enumerate(self.last_buttons, 1))
            text = text.rsplit("\n\nActions: ", 1)[0] + f"\n\nButtons: {numbered}"
        return text

    async def _press(self, number: int) -> str:
        if not 1 <= number <= len(self.last_buttons):
            return f"There is no button {number}."
        reply = await self.app.press(self.last_buttons[number - 1].custom_id or "")
        return self._show(reply)

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
            return _usage("/terms <platform> [topic]", "/terms soundcloud ai", rest)
        topic = self.app.resolve_topic(topic_text)
        if topic_text and topic is None:
            return _usage("/terms <platform> [topic]", "/terms soundcloud opt-out", topic_text)
        return await self.app.terms_reply(platform, topic)

    async def _optout(self, rest: str) -> Reply:
        platform, _ = self._split_platform(rest)
        if platform is None:
            return _usage("/optout <platform>", "/optout youtube", rest)
        return await self.app.optout_reply(platform)

    async def _history(self, rest: str) -> Reply:
        platform, _ = self._split_platform(rest)
        if platform is None:
            return _usage("/history <platform>", "/history soundcloud", rest)
        return await self.app.history_reply(platform)

    async def _faq(self, rest: str) -> Reply:
        sub, _, question = rest.partition(" ")
        if sub.lower() == "ask":
            rest = question
        if not rest.strip():
            return _usage("/faq ask <question>", "/faq ask can i upload ai music to bandcamp", "")
        return await self.app.faq_reply(rest, guild_id=self.guild_id)

    async def _help(self, _rest: str) -> Reply:
        return self.app.help_reply()

    async def _about(self, _rest: str) -> Reply:
        return await self.app.about_reply()


def _usage(form: str, example: str, got: str) -> Reply:
    from bot.embeds import notice

    detail = f"I couldn't understand “{got}”. " if got else ""
    return notice(f"{detail}Usage: `{form}` — for example `{example}`.")


async def run_console(
    settings: Settings, *, stdin: TextIO | None = None, stdout: TextIO | None = None
) -> int:
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    async with open_app(settings, watch=True) as app:
        console = Console(app)
        print(BANNER, file=stdout, flush=True)
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
