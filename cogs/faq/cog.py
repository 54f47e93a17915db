"""/faq: members ask (and suggest); /faqmod: moderators curate this server's own answers.

Who may do what, where:
- ``/faq ask`` and ``/faq suggest`` are for everyone, and ``/faq`` can be added to a member's own
  account (user install): it answers in DMs and in servers that don't have Fine Print.
- ``/faqmod`` (add, edit, remove, restore, hide, unhide, list, history, export, import, queue)
  is for moderators — Manage Server, or the role set with ``/config modrole`` — in servers only.

Why two groups: Discord sets where a command exists (install types, contexts) and who sees it
(``default_permissions``) per top-level command only; subcommands cannot differ. One ``/faq``
group could not be both usable in a DM and hidden from members, so the moderators' subcommands
live in their own guild-only group. ``default_permissions`` hides ``/faqmod`` from members, and
each subcommand still carries ``moderator_only()``, a check that runs when the command executes
(a server can override the UI permission) — and so does its autocomplete, so a plain member never
sees moderators' data. The same check runs again when a moderator submits a form or presses a
button of one of these views, because that is when something changes; and every view answers
only the moderator who opened it.

Each command turns one interaction into one call of ``bot.curation.Curation`` and the result
into an embed (all moderator replies are ephemeral, sent with no allowed mentions).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import limits, present
from bot.client import FinePrintBot
from bot.curation import (
    IMPORT_MAX_BYTES,
    Conflict,
    Curation,
    CurationError,
    EntryForm,
    LimitReached,
    MemberNotice,
    NotFound,
)
from bot.i18n.locales import ENDONYMS, LOCALES
from bot.knowledge.text import clip
from bot.present import curation as replies
from bot.present.manage import notice
from bot.present.reply import COLOR_NOTICE, COLOR_OK, Card, Reply
from bot.present.texts import Texts
from cogs.answers import platform_autocomplete
from cogs.faq.views import AnswerModal, EntryModal, QueueView, ReasonModal
from cogs.utils.checks import moderator_only, moderator_or_nothing
from cogs.utils.replies import (
    NO_MENTIONS,
    Interaction,
    answering_guild,
    app_of,
    send_reply,
    texts_for,
)
from cogs.utils.translator import L
from cogs.utils.views import ButtonsView, ConfirmView, Page, Paginator, still_moderator

log = logging.getLogger(__name__)

ENTRY_HELP = L("cmd.faqmod.entry")
# Languages a server entry's answer may also be written in (the main answer serves the rest).
ANSWER_LANGUAGES = [app_commands.Choice(name=ENDONYMS[code], value=code) for code in LOCALES]
FORMAT_CHOICES = [
    app_commands.Choice(name=L("choice.format.toml"), value="toml"),
    app_commands.Choice(name="JSON", value="json"),
]
Choices = list[app_commands.Choice[str]]
ChoiceSource = Callable[[Curation, int, str], Awaitable[list[tuple[str, str]]]]


async def question_autocomplete(interaction: Interaction, current: str) -> Choices:
    questions = await app_of(interaction).faq_choices(
        current, guild_id=answering_guild(interaction), limit=limits.AUTOCOMPLETE_CHOICES
    )
    return [
        app_commands.Choice(name=clip(q, limits.CHOICE_NAME), value=clip(q, limits.CHOICE_VALUE))
        for q in questions
    ]


def _choices(pairs: list[tuple[str, str]]) -> Choices:
    return [
        app_commands.Choice(
            name=clip(label, limits.CHOICE_NAME), value=value[: limits.CHOICE_VALUE]
        )
        for label, value in pairs[: limits.AUTOCOMPLETE_CHOICES]
    ]


def entries_autocomplete(
    source: ChoiceSource,
) -> Callable[[Interaction, str], Coroutine[Any, Any, Choices]]:
    """A moderator subcommand's entry autocomplete: the same moderator check as the command,
    then this server's matching entries from ``source``."""

    async def complete(interaction: Interaction, current: str) -> Choices:
        if interaction.guild_id is None or not await moderator_or_nothing(interaction):
            return []
        cur = Curation(app_of(interaction))
        return _choices(await source(cur, interaction.guild_id, current))

    return complete


def _ids(interaction: Interaction) -> tuple[int, int]:
    assert interaction.guild_id is not None  # moderator_only() / the suggest guard ensure it
    return interaction.guild_id, interaction.user.id


async def _acting(interaction: Interaction) -> tuple[Texts, int, int] | None:
    """A form was submitted: still a moderator? Then (texts, guild id, actor id)."""
    if not await still_moderator(interaction):
        return None
    guild_id, actor_id = _ids(interaction)
    return texts_for(interaction), guild_id, actor_id


def _guild_name(interaction: Interaction) -> str | None:
    return interaction.guild.name if interaction.guild else None


async def _answer(interaction: Interaction, make: Callable[[Texts], Awaitable[Reply]]) -> None:
    """Run one core call; a refusal becomes a clear ephemeral message, not an error."""
    t = texts_for(interaction)
    try:
        reply = await make(t)
    except CurationError as exc:
        reply = replies.refusal_reply(exc, t)
    await send_reply(interaction, reply)


@app_commands.allowed_installs(guilds=True, users=True)
@app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
class Faq(commands.GroupCog, group_name="faq", group_description=L("cmd.faq")):
    """Members' half: ask anywhere (user install too), suggest in a server that has the bot."""

    def __init__(self, bot: FinePrintBot) -> None:
        self.bot = bot
        self.app = bot.app
        self.cur = Curation(self.app)
        super().__init__()

    @app_commands.command(name="ask", description=L("cmd.faq.ask"))
    @app_commands.describe(question=L("cmd.faq.ask.question"))
    @app_commands.autocomplete(question=question_autocomplete)
    async def ask(
        self, interaction: Interaction, question: app_commands.Range[str, 1, 300]
    ) -> None:
        view = await self.app.answer(question, guild_id=answering_guild(interaction))
        await send_reply(interaction, present.answer(view, texts_for(interaction)))

    @app_commands.command(name="suggest", description=L("cmd.faq.suggest"))
    @app_commands.describe(
        question=L("cmd.faq.suggest.question"), answer=L("cmd.faq.suggest.answer")
    )
    async def suggest(
        self,
        interaction: Interaction,
        question: app_commands.Range[str, 1, 200],
        answer: app_commands.Range[str, 1, 1800] | None = None,
    ) -> None:
        t = texts_for(interaction)
        if interaction.guild_id is None:
            await send_reply(interaction, notice(t("faq.suggest.guild_only"), t=t))
            return
        if answering_guild(interaction) is None:  # user install in a server without the bot
            await send_reply(interaction, notice(t("faq.suggest.no_bot"), t=t))
            return
        guild_id, member_id = _ids(interaction)

        async def make(t: Texts) -> Reply:
            receipt = await self.cur.suggest(
                guild_id, member_id, interaction.channel_id, question, answer
            )
            return replies.suggestion_receipt_reply(receipt, t)

        await _answer(interaction, make)


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class FaqMod(commands.GroupCog, group_name="faqmod", group_description=L("cmd.faqmod")):
    """Moderators' half: this server's own answers (guild-only, checked at run time too)."""

    def __init__(self, bot: FinePrintBot) -> None:
        self.bot = bot
        self.app = bot.app
        self.cur = Curation(self.app)
        self.platforms = self.app.kb.platforms
        super().__init__()

    # -- helpers -----------------------------------------------------------------------------
    async def _answer(
        self, interaction: Interaction, make: Callable[[Texts], Awaitable[Reply]]
    ) -> None:
        await _answer(interaction, make)

    def _saved(self, saved: Any, t: Texts) -> Reply:
        return replies.saved_reply(saved, self.platforms, t)

    async def _refused_form(
        self,
        interaction: Interaction,
        exc: CurationError,
        form: EntryForm,
        reopen: Callable[[EntryForm], discord.ui.Modal],
    ) -> None:
        """The form was refused: say why, and offer it again with everything they typed."""
        t = texts_for(interaction)
        reply = replies.error_reply(exc, t)
        if isinstance(exc, NotFound | Conflict):
            await send_reply(interaction, reply)
            return

        async def again(i: Interaction) -> None:
            await i.response.send_modal(reopen(form))

        view = ButtonsView(interaction.user.id, t, [(t("faq.fix_it"), again)])
        await view.start(interaction, reply)

    async def _tell(self, member_notice: MemberNotice, t: Texts) -> str | None:
        """Tell a member about their suggestion: DM first, else (if allowed) the channel where
        they suggested it, mentioning only them. Returns "dm", "channel" or None."""
        messages = replies.member_messages(member_notice, t)
        try:
            user = self.bot.get_user(member_notice.member_id) or await self.bot.fetch_user(
                member_notice.member_id
            )
            await user.send(messages.dm, allowed_mentions=NO_MENTIONS)
            return "dm"
        except discord.HTTPException:
            pass
        if messages.channel is None or member_notice.channel_id is None:
            return None
        try:
            channel = self.bot.get_channel(
                member_notice.channel_id
            ) or await self.bot.fetch_channel(member_notice.channel_id)
            if not isinstance(channel, discord.abc.Messageable):
                return None
            await channel.send(
                messages.channel,
                allowed_mentions=discord.AllowedMentions(
                    everyone=False,
                    roles=False,
                    users=[discord.Object(id=member_notice.member_id)],
                ),
            )
            return "channel"
        except discord.HTTPException:
            return None

    # -- adding and editing ------------------------------------------------------------------
    def _add_modal(self, t: Texts, form: EntryForm) -> EntryModal:
        return EntryModal(t("faq.form.add.title"), t, form, self._submit_add)

    async def _submit_add(self, interaction: Interaction, form: EntryForm) -> None:
        acting = await _acting(interaction)
        if acting is None:
            return
        t, guild_id, actor_id = acting
        try:
            saved = await self.cur.add(guild_id, actor_id, form)
        except CurationError as exc:
            await self._refused_form(interaction, exc, form, lambda f: self._add_modal(t, f))
            return
        await send_reply(interaction, self._saved(saved, t))

    @app_commands.command(name="add", description=L("cmd.faqmod.add"))
    @moderator_only()
    async def add(self, interaction: Interaction) -> None:
        await interaction.response.send_modal(self._add_modal(texts_for(interaction), EntryForm()))

    def _edit_modal(self, t: Texts, ref: str, version: int, form: EntryForm) -> EntryModal:
        async def submit(interaction: Interaction, new_form: EntryForm) -> None:
            await self._submit_edit(interaction, ref, version, new_form)

        return EntryModal(t("faq.form.edit.title", entry=ref), t, form, submit)

    async def _submit_edit(
        self, interaction: Interaction, ref: str, version: int, form: EntryForm
    ) -> None:
        acting = await _acting(interaction)
        if acting is None:
            return
        t, guild_id, actor_id = acting
        try:
            saved = await self.cur.edit(guild_id, actor_id, ref, form, expected_version=version)
        except Conflict as exc:
            await self._conflict(interaction, exc, ref, form)
            return
        except CurationError as exc:
            await self._refused_form(
                interaction, exc, form, lambda f: self._edit_modal(t, ref, version, f)
            )
            return
        await send_reply(interaction, self._saved(saved, t))

    async def _conflict(
        self, interaction: Interaction, exc: Conflict, ref: str, form: EntryForm
    ) -> None:
        """Show the current text; let the moderator edit it, or start again from their text
        (either way they submit once more, knowingly — never a silent overwrite)."""
        t = texts_for(interaction)
        reply = replies.conflict_reply(exc, t)
        current = exc.current
        if current is None or current.deleted:
            await send_reply(interaction, reply)
            return
        version, current_form = current.entry.version, self.cur.form_for(current.content)

        async def edit_current(i: Interaction) -> None:
            await i.response.send_modal(self._edit_modal(t, ref, version, current_form))

        async def start_from_mine(i: Interaction) -> None:
            await i.response.send_modal(self._edit_modal(t, ref, version, form))

        view = ButtonsView(
            interaction.user.id,
            t,
            [(t("faq.edit_current"), edit_current), (t("faq.start_from_mine"), start_from_mine)],
        )
        await view.start(interaction, reply)

    @app_commands.command(name="edit", description=L("cmd.faqmod.edit"))
    @app_commands.describe(entry=ENTRY_HELP, language=L("cmd.faqmod.edit.language"))
    @app_commands.choices(language=ANSWER_LANGUAGES)
    @moderator_only()
    async def edit(
        self,
        interaction: Interaction,
        entry: app_commands.Range[str, 1, 200],
        language: app_commands.Choice[str] | None = None,
    ) -> None:
        t = texts_for(interaction)
        guild_id, _ = _ids(interaction)
        try:
            stored = await self.cur.find(guild_id, entry)
        except CurationError as exc:
            await send_reply(interaction, replies.error_reply(exc, t))
            return
        if language is not None:
            await interaction.response.send_modal(
                self._answer_modal(t, stored.entry.id, stored.entry.version, language.value,
                                   stored.entry.answer_in(language.value) or "")
            )  # fmt: skip
            return
        modal = self._edit_modal(
            t, stored.entry.id, stored.entry.version, self.cur.form_for(stored.content)
        )
        await interaction.response.send_modal(modal)

    def _answer_modal(
        self, t: Texts, ref: str, version: int, language: str, current: str
    ) -> AnswerModal:
        async def submit(interaction: Interaction, text: str) -> None:
            acting = await _acting(interaction)
            if acting is None:
                return
            t, guild_id, actor_id = acting
            try:
                saved = await self.cur.edit_answer(
                    guild_id, actor_id, ref, language, text, expected_version=version
                )
            except CurationError as exc:
                await send_reply(interaction, replies.error_reply(exc, t))
                return
            await send_reply(interaction, self._saved(saved, t))

        title = t("faq.form.edit.language.title", entry=ref, language=ENDONYMS[language])
        return AnswerModal(title, t, language, current, submit)

    # -- removing, restoring, hiding ---------------------------------------------------------
    @app_commands.command(name="remove", description=L("cmd.faqmod.remove"))
    @app_commands.describe(entry=ENTRY_HELP)
    @moderator_only()
    async def remove(
        self, interaction: Interaction, entry: app_commands.Range[str, 1, 200]
    ) -> None:
        t = texts_for(interaction)
        guild_id, actor_id = _ids(interaction)
        try:
            stored = await self.cur.find(guild_id, entry)
        except CurationError as exc:
            await send_reply(interaction, replies.error_reply(exc, t))
            return

        async def action(i: Interaction) -> Reply:
            try:
                saved = await self.cur.remove(
                    guild_id, i.user.id, stored.entry.id, expected_version=stored.entry.version
                )
            except CurationError as exc:
                return replies.refusal_reply(exc, t)
            return self._saved(saved, t)

        view = ConfirmView(
            actor_id,
            t,
            action,
            confirm_label=t("faq.remove.confirm"),
            cancelled=t("faq.remove.kept"),
        )
        await view.start(interaction, replies.confirm_remove_reply(stored, self.platforms, t))

    @app_commands.command(name="restore", description=L("cmd.faqmod.restore"))
    @app_commands.describe(entry=L("cmd.faqmod.restore.entry"))
    @moderator_only()
    async def restore(
        self, interaction: Interaction, entry: app_commands.Range[str, 1, 200]
    ) -> None:
        guild_id, actor_id = _ids(interaction)

        async def make(t: Texts) -> Reply:
            return self._saved(await self.cur.restore(guild_id, actor_id, entry), t)

        await self._answer(interaction, make)

    @app_commands.command(name="hide", description=L("cmd.faqmod.hide"))
    @app_commands.describe(entry=L("cmd.faqmod.hide.entry"))
    @moderator_only()
    async def hide(self, interaction: Interaction, entry: app_commands.Range[str, 1, 200]) -> None:
        await self._set_hidden(interaction, entry, hidden=True)

    @app_commands.command(name="unhide", description=L("cmd.faqmod.unhide"))
    @app_commands.describe(entry=L("cmd.faqmod.unhide.entry"))
    @moderator_only()
    async def unhide(
        self, interaction: Interaction, entry: app_commands.Range[str, 1, 200]
    ) -> None:
        await self._set_hidden(interaction, entry, hidden=False)

    async def _set_hidden(self, interaction: Interaction, entry: str, *, hidden: bool) -> None:
        guild_id, actor_id = _ids(interaction)
        change = self.cur.hide if hidden else self.cur.unhide

        async def make(t: Texts) -> Reply:
            return replies.hidden_reply(await change(guild_id, actor_id, entry), t)

        await self._answer(interaction, make)

    # -- reading -----------------------------------------------------------------------------
    async def _paginate(
        self, interaction: Interaction, fetch: Callable[[int], Awaitable[Page]]
    ) -> None:
        t = texts_for(interaction)
        try:
            first = await fetch(0)
        except CurationError as exc:
            await send_reply(interaction, replies.error_reply(exc, t))
            return
        if first.pages <= 1:
            await send_reply(interaction, first.reply)
            return
        await Paginator(interaction.user.id, t, fetch, first).start(interaction, first.reply)

    @app_commands.command(name="list", description=L("cmd.faqmod.list"))
    @app_commands.describe(platform=L("cmd.faqmod.list.platform"))
    @app_commands.autocomplete(platform=platform_autocomplete)
    @moderator_only()
    async def list_(
        self,
        interaction: Interaction,
        platform: app_commands.Range[str, 1, 100] | None = None,
    ) -> None:
        t = texts_for(interaction)
        guild_id, _ = _ids(interaction)

        async def fetch(n: int) -> Page:
            page = await self.cur.list_page(guild_id, platform=platform, page=n)
            return Page(replies.list_reply(page, self.platforms, t), page.page, page.pages)

        await self._paginate(interaction, fetch)

    @app_commands.command(name="history", description=L("cmd.faqmod.history"))
    @app_commands.describe(entry=L("cmd.faqmod.history.entry"))
    @moderator_only()
    async def history(
        self, interaction: Interaction, entry: app_commands.Range[str, 1, 200]
    ) -> None:
        t = texts_for(interaction)
        guild_id, _ = _ids(interaction)

        async def fetch(n: int) -> Page:
            page = await self.cur.history(guild_id, entry, page=n)
            return Page(replies.history_reply(page, t), page.page, page.pages)

        await self._paginate(interaction, fetch)

    # -- files -------------------------------------------------------------------------------
    @app_commands.command(name="export", description=L("cmd.faqmod.export"))
    @app_commands.describe(file_format=L("cmd.faqmod.export.format"))
    @app_commands.rename(file_format="format")
    @app_commands.choices(file_format=FORMAT_CHOICES)
    @moderator_only()
    async def export(
        self,
        interaction: Interaction,
        file_format: app_commands.Choice[str] | None = None,
    ) -> None:
        guild_id, _ = _ids(interaction)

        async def make(t: Texts) -> Reply:
            export = await self.cur.export(guild_id, file_format.value if file_format else "toml")
            return replies.export_reply(export, t)

        await self._answer(interaction, make)

    @app_commands.command(name="import", description=L("cmd.faqmod.import"))
    @app_commands.describe(file=L("cmd.faqmod.import.file"))
    @moderator_only()
    async def import_(self, interaction: Interaction, file: discord.Attachment) -> None:
        t = texts_for(interaction)
        guild_id, actor_id = _ids(interaction)
        if file.size > IMPORT_MAX_BYTES:  # refuse before downloading anything
            exc = LimitReached("faq.import.too_big", size=f"{file.size / 1e6:.1f}")
            await send_reply(interaction, replies.error_reply(exc, t))
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            data = await file.read()
        except discord.HTTPException:
            await send_reply(interaction, notice(t("faq.import.download_failed"), t=t))
            return
        plan = await self.cur.plan_import(guild_id, file.filename, data)
        preview = replies.import_preview_reply(plan, t)
        if not plan.can_apply:
            await send_reply(interaction, preview)
            return

        async def apply(i: Interaction) -> Reply:
            try:
                result = await self.cur.apply_import(guild_id, i.user.id, plan)
            except CurationError as exc:
                return replies.refusal_reply(exc, t)
            return replies.import_result_reply(result, t)

        view = ConfirmView(
            actor_id,
            t,
            apply,
            confirm_label=t("faq.import.confirm"),
            danger=False,
            cancelled=t("faq.import.cancelled"),
        )
        await view.start(interaction, preview)

    # -- the suggestion queue ----------------------------------------------------------------
    @app_commands.command(name="queue", description=L("cmd.faqmod.queue"))
    @moderator_only()
    async def queue(self, interaction: Interaction) -> None:
        t = texts_for(interaction)
        guild_id, actor_id = _ids(interaction)

        async def fetch(n: int) -> Page:
            page = await self.cur.queue_page(guild_id, n)
            key = page.item.id if page.item else None
            return Page(replies.queue_reply(page, t), page.page, max(page.total, 1), key)

        first = await fetch(0)
        if first.key is None:
            await send_reply(interaction, first.reply)
            return
        view = QueueView(
            actor_id, t, fetch, first, on_approve=self._approve, on_reject=self._reject
        )
        await view.start(interaction, first.reply)

    def _approve_modal(
        self, t: Texts, view: QueueView, suggestion_id: int, form: EntryForm
    ) -> EntryModal:
        async def submit(interaction: Interaction, new_form: EntryForm) -> None:
            await self._submit_approve(interaction, view, suggestion_id, new_form)

        return EntryModal(t("faq.form.approve.title", number=suggestion_id), t, form, submit)

    async def _approve(self, interaction: Interaction, view: QueueView, suggestion_id: int) -> None:
        t = texts_for(interaction)
        guild_id, _ = _ids(interaction)
        try:
            form = await self.cur.suggestion_form(guild_id, suggestion_id)
        except CurationError as exc:
            await send_reply(interaction, replies.error_reply(exc, t))
            await view.refresh()
            return
        await interaction.response.send_modal(self._approve_modal(t, view, suggestion_id, form))

    async def _submit_approve(
        self, interaction: Interaction, view: QueueView, suggestion_id: int, form: EntryForm
    ) -> None:
        acting = await _acting(interaction)
        if acting is None:
            return
        t, guild_id, actor_id = acting
        try:
            approval = await self.cur.approve(
                guild_id, actor_id, suggestion_id, form, guild_name=_guild_name(interaction)
            )
        except CurationError as exc:
            await self._refused_form(
                interaction, exc, form, lambda f: self._approve_modal(t, view, suggestion_id, f)
            )
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        reached = await self._tell(approval.notice, t)
        reply = self._saved(approval.saved, t)
        told = t("curation.told.dm") if reached else t("faq.approve.no_dm")
        reply.cards.append(
            Card(t("faq.approve.member"), told, color=COLOR_OK if reached else COLOR_NOTICE)
        )
        await send_reply(interaction, reply)
        await view.refresh()

    async def _reject(self, interaction: Interaction, view: QueueView, suggestion_id: int) -> None:
        t = texts_for(interaction)

        async def submit(i: Interaction, reason: str) -> None:
            await self._submit_reject(i, view, suggestion_id, reason)

        await interaction.response.send_modal(ReasonModal(t, submit))

    async def _submit_reject(
        self, interaction: Interaction, view: QueueView, suggestion_id: int, reason: str
    ) -> None:
        acting = await _acting(interaction)
        if acting is None:
            return
        t, guild_id, actor_id = acting
        try:
            member_notice = await self.cur.reject(
                guild_id, actor_id, suggestion_id, reason, guild_name=_guild_name(interaction)
            )
        except CurationError as exc:
            await send_reply(interaction, replies.error_reply(exc, t))
            await view.refresh()
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        reached = await self._tell(member_notice, t)
        outcome = replies.notice_outcome_reply(t("faq.reject.declined"), reached, t)
        await send_reply(interaction, outcome)
        await view.refresh()

    # -- autocomplete (the moderator check first: removed entries are moderators' business) --
    edit.autocomplete("entry")(entries_autocomplete(Curation.entry_choices))
    remove.autocomplete("entry")(entries_autocomplete(Curation.entry_choices))
    restore.autocomplete("entry")(entries_autocomplete(Curation.removed_choices))
    hide.autocomplete("entry")(entries_autocomplete(Curation.shown_global_choices))
    unhide.autocomplete("entry")(entries_autocomplete(Curation.hidden_global_choices))
    history.autocomplete("entry")(entries_autocomplete(Curation.history_choices))
