"""``/faq`` moderator subcommands in console mode, for the console's one server.

The operator at the terminal acts as a moderator and is recorded as the operator (actor id
``OPERATOR``, shown as "the operator (command line)"). Each subcommand makes the same core call
as the ``/faq`` cog (``cogs/faq.py``) and prints the same reply as text. What Discord does with
a form or a button becomes typed lines: ``/faq add`` asks for the form's fields one by one,
removing or importing waits for "yes", and numbers turn the pages of a list. ``/faq edit`` and
``/faq approve`` ask the same fields with the current text shown (Enter keeps it).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from bot import curation
from bot.curation import OPERATOR, Curation, CurationError, EntryForm, Saved, read_path
from bot.embeds import Reply, notice

if TYPE_CHECKING:
    from bot.console import Console

# The add form's five inputs, asked in the order the Discord modal shows them.
ADD_FIELDS = (
    ("question", "Question"),
    ("phrasings", "Other ways members ask it, one per line (a blank line ends)"),
    ("answer", "Answer"),
    ("tags", "Platforms and topics, separated by commas (e.g. spotify, ai-training)"),
    ("links", "Source links, separated by spaces (optional)"),
)
USAGE = {  # the subcommands that need an argument
    "history": ("/faq history <entry>", "/faq history guild-1"),
    "hide": ("/faq hide <shipped entry>", "/faq hide soundcloud-ai-training"),
    "unhide": ("/faq unhide <shipped entry>", "/faq unhide soundcloud-ai-training"),
    "remove": ("/faq remove <entry>", "/faq remove guild-1"),
    "restore": ("/faq restore <entry>", "/faq restore guild-1"),
    "suggest": ("/faq suggest <question> [| answer]", "/faq suggest is udio safe | …"),
    "import": ("/faq import <file>", "/faq import faq-0.toml"),
    "edit": ("/faq edit <entry>", "/faq edit guild-1"),
    "approve": ("/faq approve <suggestion number>", "/faq approve 3"),
    "reject": ("/faq reject <suggestion number> [reason]", "/faq reject 3 already answered"),
}
Save = Callable[[EntryForm], Awaitable[Reply]]  # what the finished form does
Fetch = Callable[[int], Awaitable[tuple[Reply, int, int]]]  # page n -> (reply, page, pages)


class CurationConsole:
    """The ``/faq`` subcommands besides ``ask``: parse, one core call, print the reply."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.app = console.app
        self.cur = Curation(console.app)
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

    @property
    def guild(self) -> int:
        return self.console.guild_id

    async def run(self, sub: str, arg: str) -> str:
        if not arg and sub in USAGE:
            return self.console.show(self.console.usage(*USAGE[sub]))
        return await self.subcommands[sub](arg)

    async def _answer(self, make: Callable[[], Awaitable[Reply]]) -> str:
        """Run one core call; a refusal is shown as the cog shows it, not raised."""
        try:
            reply = await make()
        except CurationError as exc:
            reply = curation.refusal_reply(exc)
        return self.console.show(reply)

    async def _paged(self, fetch: Fetch, n: int = 0) -> str:
        """Page ``n``, with numbered "Previous page"/"Next page" where there are more."""
        try:
            reply, page, pages = await fetch(n)
        except CurationError as exc:
            return self.console.show(curation.refusal_reply(exc))
        turns = [("Previous page", page - 1), ("Next page", page + 1)]
        actions = [
            (label, lambda to=to: self._paged(fetch, to)) for label, to in turns if 0 <= to < pages
        ]
        return self.console.show(reply, actions)

    # -- reading -----------------------------------------------------------------------------
    async def _list(self, platform: str) -> str:
        async def fetch(n: int) -> tuple[Reply, int, int]:
            page = await self.cur.list_page(self.guild, platform=platform or None, page=n)
            return curation.list_reply(self.app, page), page.page, page.pages

        return await self._paged(fetch)

    async def _history(self, entry: str) -> str:
        async def fetch(n: int) -> tuple[Reply, int, int]:
            page = await self.cur.history(self.guild, entry, page=n)
            return curation.history_reply(page), page.page, page.pages

        return await self._paged(fetch)

    async def _queue(self, _arg: str) -> str:
        async def fetch(n: int) -> tuple[Reply, int, int]:
            page = await self.cur.queue_page(self.guild, n)
            reply = curation.queue_reply(page)
            if page.item is not None:  # the console's Approve / Reject are typed commands
                sid = page.item.id
                reply.cards[0].description = (
                    f"`/faq approve {sid}` opens the entry form prefilled with it; "
                    f"`/faq reject {sid} [note]` declines it with a short note for the member."
                )
            return reply, page.page, max(page.total, 1)

        return await self._paged(fetch)

    async def _export(self, fmt: str) -> str:
        async def make() -> Reply:
            return curation.export_reply(await self.cur.export(self.guild, fmt.lower() or "toml"))

        return await self._answer(make)

    # -- hiding, removing, restoring ---------------------------------------------------------
    async def _hide(self, entry: str) -> str:
        async def make() -> Reply:
            return curation.hidden_reply(await self.cur.hide(self.guild, OPERATOR, entry))

        return await self._answer(make)

    async def _unhide(self, entry: str) -> str:
        async def make() -> Reply:
            return curation.hidden_reply(await self.cur.unhide(self.guild, OPERATOR, entry))

        return await self._answer(make)

    async def _remove(self, entry: str) -> str:
        try:
            stored = await self.cur.find(self.guild, entry)
        except CurationError as exc:
            return self.console.show(curation.refusal_reply(exc))

        async def remove() -> Reply:
            saved = await self.cur.remove(
                self.guild, OPERATOR, stored.entry.id, expected_version=stored.entry.version
            )
            return curation.saved_reply(self.app, saved)

        return self.console.confirm(
            curation.confirm_remove_reply(self.app, stored),
            "Type yes to confirm the removal; anything else keeps the entry.",
            lambda: self._answer(remove),
            "Kept — nothing was removed.",
        )

    async def _restore(self, entry: str) -> str:
        async def make() -> Reply:
            return curation.saved_reply(
                self.app, await self.cur.restore(self.guild, OPERATOR, entry)
            )

        return await self._answer(make)

    async def _edit(self, entry: str) -> str:
        try:
            stored = await self.cur.find(self.guild, entry)
        except CurationError as exc:
            return self.console.show(curation.refusal_reply(exc))
        version = stored.entry.version

        async def save(form: EntryForm) -> Reply:
            saved = await self.cur.edit(
                self.guild, OPERATOR, stored.entry.id, form, expected_version=version
            )
            return curation.saved_reply(self.app, saved)

        intro = f"Editing {stored.entry.id} (Enter keeps a field as it is; /cancel stops)."
        return (
            intro
            + "\n"
            + self._ask(0, {}, [], save, prefill=curation.forms.form_for(stored.content))
        )

    # -- suggestions -------------------------------------------------------------------------
    async def _suggest(self, text: str) -> str:
        question, _, answer = text.partition("|")

        async def make() -> Reply:
            receipt = await self.cur.suggest(
                self.guild, OPERATOR, None, question.strip(), answer.strip() or None
            )
            return curation.suggestion_receipt_reply(receipt)

        return await self._answer(make)

    async def _approve(self, number: str) -> str:
        if not number.strip().isdigit():
            return self.console.show(self.console.usage(*USAGE["approve"], number))
        sid = int(number)
        try:
            prefill = await self.cur.suggestion_form(self.guild, sid)
        except CurationError as exc:
            return self.console.show(curation.refusal_reply(exc))

        async def save(form: EntryForm) -> Reply:
            approval = await self.cur.approve(self.guild, OPERATOR, sid, form)
            return curation.saved_reply(self.app, approval.saved)

        intro = f"Approving suggestion #{sid} as an entry (Enter keeps a field; /cancel stops)."
        return intro + "\n" + self._ask(0, {}, [], save, prefill=prefill)

    async def _reject(self, text: str) -> str:
        number, _, reason = text.partition(" ")
        if not number.isdigit():
            return self.console.show(self.console.usage(*USAGE["reject"], text))

        async def make() -> Reply:
            told = await self.cur.reject(self.guild, OPERATOR, int(number), reason or None)
            return notice(
                f"Declined. In Discord the member is told by DM:\n{told.dm_text}",
                title=f"Suggestion #{number} declined",
            )

        return await self._answer(make)

    # -- files and the add form --------------------------------------------------------------
    async def _import(self, path_text: str) -> str:
        path = _path(path_text)
        try:
            plan = await self.cur.plan_import(self.guild, path.name, read_path(path))
        except CurationError as exc:
            return self.console.show(curation.refusal_reply(exc))
        preview = curation.import_preview_reply(plan)
        if not plan.can_apply:
            return self.console.show(preview)

        async def apply() -> Reply:
            result = await self.cur.apply_import(self.guild, OPERATOR, plan)
            return curation.import_result_reply(result)

        return self.console.confirm(
            preview,
            "Type yes to apply the import; anything else cancels it.",
            lambda: self._answer(apply),
            "Import cancelled — nothing was changed.",
        )

    async def _add(self, path_text: str) -> str:
        if not path_text:
            return "Adding an entry to this server's FAQ (/cancel stops).\n" + self._ask(0, {}, [])
        path = _path(path_text)
        try:
            plan = await self.cur.plan_import(self.guild, path.name, read_path(path), only_add=True)
            if not plan.can_apply:
                return self.console.show(curation.import_preview_reply(plan))
            result = await self.cur.apply_import(self.guild, OPERATOR, plan, action="add")
        except CurationError as exc:
            return self.console.show(curation.refusal_reply(exc))
        return "\n\n".join(
            self.console.show(curation.saved_reply(self.app, Saved("add", stored)))
            for stored in result.added
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
        name, prompt = ADD_FIELDS[index]
        current = getattr(prefill, name) if prefill is not None else ""

        async def take(line: str) -> str:
            if line == "/cancel":
                return f"Cancelled — nothing was {'added' if save is None else 'saved'}."
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
                return curation.saved_reply(
                    self.app, await self.cur.add(self.guild, OPERATOR, form)
                )

            return await self._answer(make)

        self.console.next_step = take
        if current:
            shown = current.replace("\n", " | ")
            return f"{prompt}:\n  now: {shown}"
        return f"{prompt}:"


def _path(text: str) -> Path:
    """A typed file path: quotes around it (as a shell would need) and ``~`` are understood."""
    return Path(text.strip().strip("\"'")).expanduser()
