"""One console session: typed lines in, the same replies as Discord out, as text.

A line starting with ``/`` runs a command group (``/terms``, ``/faq``, ``/alerts``…); a number
presses the matching button of the last reply; anything else is asked as a question
(``/faq ask``). Where Discord would open a form or ask for a click, the next typed line answers
(``next_step``). The command groups live in sibling modules and register themselves here, so
this module knows none of them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from functools import partial

from bot import present
from bot.app import App
from bot.knowledge.language import detect
from bot.present.buttons import decode
from bot.present.manage import notice
from bot.present.reply import Reply
from bot.present.texts import ENGLISH, Texts

CONSOLE_GUILD = 0  # the server id console mode uses when no --guild is given
CONSOLE_CHANNEL = 1  # the channel /alerts and /feeds act on in console mode
OPERATOR = 0  # the actor id the audit records for the person at the terminal

Action = tuple[str, Callable[[], Awaitable[str]]]  # a numbered button: label, what it does
Step = Callable[[str], Awaitable[str]]  # what the next typed line answers (a prompt)
Handler = Callable[[str], Awaitable[Reply | str]]  # a command's handler: the rest of the line


class Console:
    """Parses typed commands and turns them into the same core calls the cogs make."""

    def __init__(
        self, app: App, *, guild_id: int = CONSOLE_GUILD, t: Texts = ENGLISH, fixed: bool = True
    ) -> None:
        self.app = app
        self.guild_id = guild_id
        self.t = t
        self.fixed = fixed  # False: each question is answered in its own language
        self.actions: list[Action] = []
        self.next_step: Step | None = None
        self.commands: dict[str, Handler] = {}

    def texts_for_question(self, question: str) -> Texts:
        """The language to answer a typed question in: ``--lang`` when given, else the
        question's own where Fine Print speaks it (lingua), else the session's."""
        if self.fixed:
            return self.t
        found = detect(question)
        return self.app.languages.texts(found) if found else self.t

    def register(self, name: str, handler: Handler) -> None:
        self.commands[name] = handler

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
            view = await self.app.answer(line, guild_id=self.guild_id)
            t = self.texts_for_question(line)
            return self.show(present.answer(view, t), t=t)
        name, _, rest = line[1:].partition(" ")
        handler = self.commands.get(name.lower())
        if handler is None:
            known = ", ".join(f"/{c}" for c in self.commands)
            return self.t("console.unknown_command", name=name, known=known)
        out = await handler(rest.strip())
        return out if isinstance(out, str) else self.show(out)

    def show(self, reply: Reply, actions: Iterable[Action] = (), *, t: Texts | None = None) -> str:
        """A reply as text; its buttons (and ``actions``) become numbers the next line presses."""
        t = t or self.t
        reply = reply.fit(t)
        self.actions = [
            (b.label, partial(self._press_button, b.custom_id, t))
            for b in reply.buttons
            if b.custom_id and not b.disabled
        ]
        self.actions += actions
        text = reply.to_text(t)
        if self.actions:
            text = text.rsplit(f"\n\n{t('console.actions')}: ", 1)[0]
        if reply.file:  # an export, or an import's full report: text files, shown inline
            name, data = reply.file
            text += f"\n\n--- {name} ---\n" + data.decode("utf-8", "replace").rstrip("\n")
        if self.actions:
            numbered = "  ".join(f"[{n}] {label}" for n, (label, _) in enumerate(self.actions, 1))
            text += "\n\n" + t("console.buttons", buttons=numbered)
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

    def usage(self, form: str, example: str, got: str = "") -> Reply:
        detail = self.t("console.not_understood", got=got) + " " if got else ""
        return notice(detail + self.t("console.usage", form=form, example=example), t=self.t)

    async def _press(self, number: int) -> str:
        if not 1 <= number <= len(self.actions):
            return self.t("console.no_button", number=number)
        _label, run = self.actions[number - 1]
        return await run()

    async def _press_button(self, custom_id: str, t: Texts) -> str:
        """A button answers in the language of the reply it was on."""
        view = await self.app.press(decode(custom_id), guild_id=self.guild_id)
        return self.show(present.render(view, t), t=t)

    def split_platform(self, rest: str) -> tuple[str | None, str]:
        """The platform named first, and whatever follows it (the topic words)."""
        words = rest.split()
        for size in range(min(3, len(words)), 0, -1):
            platform = self.app.resolve_platform(" ".join(words[:size]))
            if platform:
                return platform, " ".join(words[size:])
        return None, rest
