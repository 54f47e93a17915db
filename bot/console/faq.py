"""``/faq`` and ``/faqmod`` in console mode: members' ``ask`` and ``suggest``, and every moderator
subcommand (Discord keeps those in ``/faqmod``, a guild-only group; the console, always one
server's moderator, also takes them after ``/faq``).

The operator at the terminal acts as a moderator and is recorded as the operator (actor id
``OPERATOR``, shown as "the operator (command line)"). Each subcommand makes the same core call
as the ``/faq`` cog (``cogs/faq``) and prints the same reply as text. What Discord does with a
form or a button becomes typed lines: ``/faq add`` asks for the form's fields one by one,
removing or importing waits for "yes", and numbers turn the pages of a list. ``/faq edit`` and
``/faq approve`` ask the same fields with the current text shown (Enter keeps it).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path

from bot.console.answers import AnswerCommands
from bot.console.session import OPERATOR, Console
from bot.curation import Curation, CurationError, EntryForm, Saved, read_path
from bot.curation.forms import form_for
from bot.present import curation as replies
from bot.present.manage import notice
from bot.present.reply import Reply

# The add form's five inputs, asked in the order the Discord modal shows them.
ADD_FIELDS = ("question", "phrasings", "answer", "tags", "links")
USAGE = {  # the subcommands that need an argument
    "history": ("/faqmod history <entry>", "/faqmod history guild-1"),
    "hide": ("/faqmod hide <shipped entry>", "/faqmod hide soundcloud-ai-training"),
    "unhide": ("/faqmod unhide <shipped entry>", "/faqmod unhide soundcloud-ai-training"),
    "remove": ("/faqmod remove <entry>", "/faqmod remove guild-1"),
    "restore": ("/faqmod restore <entry>", "/faqmod restore guild-1"),
    "suggest": ("/faq suggest <question> [| answer]", "/faq suggest is udio safe | …"),
    "import": ("/faqmod import <file>", "/faqmod import faq-0.toml"),
    "edit": ("/faqmod edit <entry>", "/faqmod edit guild-1"),
    "approve": ("/faqmod approve <suggestion number>", "/faqmod approve 3"),
    "reject": ("/faqmod reject <suggestion number> [reason]", "/faqmod reject 3 already answered"),
}
Save = Callable[[EntryForm], Awaitable[Reply]]  # what the finished form does
Fetch = Callable[[int], Awaitable[tuple[Reply, int, int]]]  # page n -> (reply, page, pages)


class FaqCommands:
    """``/faq <subcommand>``: parse, one core call, print the reply."""

    def __init__(self, console: Console, answers: AnswerCommands) -> None:
        self.console = console
        self.answers = answers
        self.app = console.app
        self.t = console.t
        self.cur = Curation(console.app)
        self.platforms = console.app.kb.platforms
        self.subcommands: dict[str, Callable[[str], Awaitable[str]]] = {
            "list": self._list,
            "history": self._history,
            "export": self._export,
            "hide": self._hide,
            "unhide": self._unhide,
            "remove": self._remove,
            "restore": self._restore,
            "suggest": self._suggest,
            "queue": self._queue,
            "import": self._import,
            "add": self._add,
            "edit": self._edit,
            "approve": self._approve,
            "reject": self._reject,
        }
        console.register("faq", self.run)
        console.register("faqmod", self.run)  # Discord's moderation group; /faq takes both here

    @property
    def guild(self) -> int:
        return self.console.guild_id

    async def run(self, rest: str) -> Reply | str:
        """``/faq ask …``, ``/faq <subcommand> …``, or ``/faq <question>`` as a shorthand."""
        sub, _, arg = rest.partition(" ")
        sub, arg = sub.lower(), arg.strip()
        if sub in self.subcommands:
            if not arg and sub in USAGE:
                return self.console.usage(*USAGE[sub])
            return await self.subcommands[sub](arg)
        return await self.answers.ask(arg if sub == "ask" else rest)

    async def _answer(self, make: Callable[[], Awaitable[Reply]]) -> str:
        """Run one core call; a refusal is shown as the cog shows it, not raised."""
        try:
            reply = await make()
        except CurationError as exc:
            reply = replies.refusal_reply(exc, self.t)
        return self.console.show(reply)

    def _refused(self, exc: CurationError) -> str:
        return self.console.show(replies.refusal_reply(exc, self.t))

    async def _paged(self, fetch: Fetch, n: int = 0) -> str:
        """Page ``n``, with numbered "Previous page"/"Next page" where there are more."""
        try:
            reply, page, pages = await fetch(n)
        except CurationError as exc:
            return self._refused(exc)
        turns = [(self.t("button.previous"), page - 1), (self.t("button.next"), page + 1)]
        actions = [
            (label, lambda to=to: self._paged(fetch, to)) for label, to in turns if 0 <= to < pages
        ]
        return self.console.show(reply, actions)

    def _saved(self, saved: Saved) -> Reply:
        return replies.saved_reply(saved, self.platforms, self.t)

    # -- reading -----------------------------------------------------------------------------
    async def _list(self, platform: str) -> str:
        async def fetch(n: int) -> tuple[Reply, int, int]:
            page = await self.cur.list_page(self.guild, platform=platform or None, page=n)
            return replies.list_reply(page, self.platforms, self.t), page.page, page.pages

        return await self._paged(fetch)

    async def _history(self, entry: str) -> str:
        async def fetch(n: int) -> tuple[Reply, int, int]:
            page = await self.cur.history(self.guild, entry, page=n)
            return replies.history_reply(page, self.t), page.page, page.pages

        return await self._paged(fetch)

    async def _queue(self, _arg: str) -> str:
        async def fetch(n: int) -> tuple[Reply, int, int]:
            page = await self.cur.queue_page(self.guild, n)
            reply = replies.queue_reply(page, self.t)
            if page.item is not None:  # the console's Approve / Reject are typed commands
                reply.cards[0].description = self.t("console.queue.help", number=page.item.id)
            return reply, page.page, max(page.total, 1)

        return await self._paged(fetch)

    async def _export(self, fmt: str) -> str:
        async def make() -> Reply:
            export = await self.cur.export(self.guild, fmt.lower() or "toml")
            return replies.export_reply(export, self.t)

        return await self._answer(make)

    # -- hiding, removing, restoring ---------------------------------------------------------
    async def _hide(self, entry: str) -> str:
        async def make() -> Reply:
            return replies.hidden_reply(await self.cur.hide(self.guild, OPERATOR, entry), self.t)

        return await self._answer(make)

    async def _unhide(self, entry: str) -> str:
        async def make() -> Reply:
            change = await self.cur.unhide(self.guild, OPERATOR, entry)
            return replies.hidden_reply(change, self.t)

        return await self._answer(make)

    async def _remove(self, entry: str) -> str:
        try:
            stored = await self.cur.find(self.guild, entry)
        except CurationError as exc:
            return self._refused(exc)

        async def remove() -> Reply:
            saved = await self.cur.remove(
                self.guild, OPERATOR, stored.entry.id, expected_version=stored.entry.version
            )
            return self._saved(saved)

        return self.console.confirm(
            replies.confirm_remove_reply(stored, self.platforms, self.t),
            self.t("console.remove.ask"),
            lambda: self._answer(remove),
            self.t("console.remove.kept"),
        )

    async def _restore(self, entry: str) -> str:
        async def make() -> Reply:
            return self._saved(await self.cur.restore(self.guild, OPERATOR, entry))

        return await self._answer(make)

    async def _edit(self, entry: str) -> str:
        try:
            stored = await self.cur.find(self.guild, entry)
        except CurationError as exc:
            return self._refused(exc)
        version = stored.entry.version

        async def save(form: EntryForm) -> Reply:
            saved = await self.cur.edit(
                self.guild, OPERATOR, stored.entry.id, form, expected_version=version
            )
            return self._saved(saved)

        intro = self.t("console.edit.intro", entry=stored.entry.id)
        return intro + "\n" + self._ask(0, {}, [], save, prefill=form_for(stored.content))

    # -- suggestions -------------------------------------------------------------------------
    async def _suggest(self, text: str) -> str:
        question, _, answer = text.partition("|")

        async def make() -> Reply:
            receipt = await self.cur.suggest(
                self.guild, OPERATOR, None, question.strip(), answer.strip() or None
            )
            return replies.suggestion_receipt_reply(receipt, self.t)

        return await self._answer(make)

    async def _approve(self, number: str) -> str:
        if not number.strip().isdigit():
            return self.console.show(self.console.usage(*USAGE["approve"], number))
        sid = int(number)
        try:
            prefill = await self.cur.suggestion_form(self.guild, sid)
        except CurationError as exc:
            return self._refused(exc)

        async def save(form: EntryForm) -> Reply:
            approval = await self.cur.approve(self.guild, OPERATOR, sid, form)
            return self._saved(approval.saved)

        intro = self.t("console.approve.intro", number=sid)
        return intro + "\n" + self._ask(0, {}, [], save, prefill=prefill)

    async def _reject(self, text: str) -> str:
        number, _, reason = text.partition(" ")
        if not number.isdigit():
            return self.console.show(self.console.usage(*USAGE["reject"], text))

        async def make() -> Reply:
            told = await self.cur.reject(self.guild, OPERATOR, int(number), reason or None)
            dm = replies.member_messages(told, self.t).dm
            return notice(
                self.t("console.reject.done", message=dm),
                title=self.t("console.reject.title", number=number),
                t=self.t,
            )

        return await self._answer(make)

    # -- files and the add form --------------------------------------------------------------
    async def _import(self, path_text: str) -> str:
        path = _path(path_text)
        try:
            plan = await self.cur.plan_import(self.guild, path.name, read_path(path))
        except CurationError as exc:
            return self._refused(exc)
        preview = replies.import_preview_reply(plan, self.t)
        if not plan.can_apply:
            return self.console.show(preview)

        async def apply() -> Reply:
            result = await self.cur.apply_import(self.guild, OPERATOR, plan)
            return replies.import_result_reply(result, self.t)

        return self.console.confirm(
            preview,
            self.t("console.import.ask"),
            lambda: self._answer(apply),
            self.t("console.import.cancelled"),
        )

    async def _add(self, path_text: str) -> str:
        if not path_text:
            return self.t("console.add.intro") + "\n" + self._ask(0, {}, [])
        path = _path(path_text)
        try:
            plan = await self.cur.plan_import(self.guild, path.name, read_path(path), only_add=True)
            if not plan.can_apply:
                return self.console.show(replies.import_preview_reply(plan, self.t))
            result = await self.cur.apply_import(self.guild, OPERATOR, plan, action="add")
        except CurationError as exc:
            return self._refused(exc)
        return "\n\n".join(
            self.console.show(self._saved(Saved("add", stored))) for stored in result.added
        )

    def _ask(
        self,
        index: int,
        typed: dict[str, str],
        phrasings: list[str],
        save: Save | None = None,
        *,
        prefill: EntryForm | None = None,
    ) -> str:
        """Prompt for field ``index`` of the form; the last answer saves it (``save``, or add).

        With ``prefill`` (edit, approve) each prompt shows the current text and an empty line
        keeps it.
        """
        name = ADD_FIELDS[index]
        prompt = self.t(f"console.form.{name}")
        current = getattr(prefill, name) if prefill is not None else ""

        async def take(line: str) -> str:
            if line == "/cancel":
                return self.t(
                    "console.form.cancelled.add" if save is None else "console.form.cancelled"
                )
            if name == "phrasings" and line:
                phrasings.append(line)
                self.console.next_step = take
                return ""
            if name == "phrasings":
                typed[name] = "\n".join(phrasings) if phrasings else current
            else:
                typed[name] = line or current
            if index + 1 < len(ADD_FIELDS):
                return self._ask(index + 1, typed, phrasings, save, prefill=prefill)
            form = replace(prefill or EntryForm(), **typed)

            async def make() -> Reply:
                if save is not None:
                    return await save(form)
                return self._saved(await self.cur.add(self.guild, OPERATOR, form))

            return await self._answer(make)

        self.console.next_step = take
        if current:
            shown = current.replace("\n", " | ")
            return self.t("console.form.current", prompt=prompt, current=shown)
        return f"{prompt}:"


def _path(text: str) -> Path:
    """A typed file path: quotes around it (as a shell would need) and ``~`` are understood."""
    return Path(text.strip().strip("\"'")).expanduser()
