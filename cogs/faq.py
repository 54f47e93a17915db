"""/faq: members ask (and suggest); moderators curate this server's own answers.

Who may do what:
- ``ask`` and ``suggest`` are for every member.
- Everything else (add, edit, remove, restore, hide, unhide, list, history, export, import,
  queue) is for moderators: Manage Server, or the role set with ``/config modrole``.

The group mixes member and moderator subcommands, so Discord's ``default_permissions`` cannot be
used: it applies to a whole top-level command and would hide ``/faq ask`` from members. Each
moderator subcommand therefore carries ``moderator_only()``, a check that runs when the command
executes. The same check runs again when a moderator submits a form or presses a button of one of
these views, because that is when something changes; and every view answers only the moderator
who opened it.

Each command turns one interaction into one call of ``bot.curation.Curation`` and the result
into an embed (all moderator replies are ephemeral, sent with no allowed mentions).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import discord
from discord import app_commands
from discord.ext import commands

from bot import curation, limits
from bot.curation import (
    IMPORT_MAX_BYTES,
    Conflict,
    Curation,
    CurationError,
    EntryForm,
    MemberNotice,
    NotFound,
)
from bot.embeds import COLOR_NOTICE, COLOR_OK, Card, Reply, notice
from bot.knowledge.text import clip
from cogs.answers import platform_autocomplete
from cogs.utils.checks import is_moderator, moderator_only
from cogs.utils.replies import NO_MENTIONS, send_reply
from cogs.utils.views import (
    ButtonsView,
    ConfirmView,
    EntryModal,
    Page,
    Paginator,
    QueueView,
    ReasonModal,
    refuse,
)

log = logging.getLogger(__name__)

ENTRY_HELP = "Start typing the question or its id (guild-N) and pick from the list"
FORMAT_CHOICES = [
    app_commands.Choice(name="TOML (the format of data/faq.toml)", value="toml"),
    app_commands.Choice(name="JSON", value="json"),
]


async def question_autocomplete(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    app = interaction.client.app  # type: ignore[attr-defined]
    questions = await app.faq_choices(
        current, guild_id=interaction.guild_id, limit=limits.AUTOCOMPLETE_CHOICES
    )
    choices = []
    for q in questions:
        short = clip(q, limits.CHOICE_NAME)
        choices.append(app_commands.Choice(name=short, value=clip(q, limits.CHOICE_VALUE)))
    return choices


def _choices(pairs: list[tuple[str, str]]) -> list[app_commands.Choice[str]]:
    return [
        app_commands.Choice(
            name=clip(label, limits.CHOICE_NAME), value=value[: limits.CHOICE_VALUE]
        )
        for label, value in pairs[: limits.AUTOCOMPLETE_CHOICES]
    ]


def _ids(interaction: discord.Interaction) -> tuple[int, int]:
    assert interaction.guild_id is not None  # moderator_only() / the suggest guard ensure it
    return interaction.guild_id, interaction.user.id


def _guild_name(interaction: discord.Interaction) -> str | None:
    return interaction.guild.name if interaction.guild else None


class Faq(commands.GroupCog, group_name="faq", group_description="Questions about AI terms"):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot
        self.app = bot.app  # type: ignore[attr-defined]
        self.cur = Curation(self.app)
        super().__init__()

    # -- helpers -----------------------------------------------------------------------------
    async def _answer(
        self, interaction: discord.Interaction, make: Callable[[], Awaitable[Reply]]
    ) -> None:
        """Run one core call; a refusal becomes a clear ephemeral message, not an error."""
        try:
            reply = await make()
        except CurationError as exc:
            reply = curation.refusal_reply(exc)
        await send_reply(interaction, reply)

    async def _still_moderator(self, interaction: discord.Interaction) -> bool:
        try:
            await is_moderator(interaction)
        except app_commands.CheckFailure as exc:
            await refuse(interaction, str(exc) or "You can no longer do that here.")
            return False
        return True

    async def _refused_form(
        self,
        interaction: discord.Interaction,
        exc: CurationError,
        form: EntryForm,
        reopen: Callable[[EntryForm], discord.ui.Modal],
    ) -> None:
        """The form was refused: say why, and offer it again with everything they typed."""
        view = None
        if not isinstance(exc, NotFound | Conflict):

            async def again(i: discord.Interaction) -> None:
                await i.response.send_modal(reopen(form))

            view = ButtonsView(interaction.user.id, [("Fix it (your text is kept)", again)])
        reply = curation.error_reply(exc)
        if view is None:
            await send_reply(interaction, reply)
        else:
            await view.start(interaction, reply)

    async def _tell(self, member_notice: MemberNotice) -> str | None:
        """Tell a member about their suggestion: DM first, else (if allowed) the channel where
        they suggested it, mentioning only them. Returns "dm", "channel" or None."""
        try:
            user = self.bot.get_user(member_notice.member_id) or await self.bot.fetch_user(
                member_notice.member_id
            )
            await user.send(member_notice.dm_text, allowed_mentions=NO_MENTIONS)
            return "dm"
        except discord.HTTPException:
            pass
        if member_notice.channel_text is None or member_notice.channel_id is None:
            return None
        try:
            channel = self.bot.get_channel(
                member_notice.channel_id
            ) or await self.bot.fetch_channel(member_notice.channel_id)
            if not isinstance(channel, discord.abc.Messageable):
                return None
            await channel.send(
                member_notice.channel_text,
                allowed_mentions=discord.AllowedMentions(
                    everyone=False,
                    roles=False,
                    users=[discord.Object(id=member_notice.member_id)],
                ),
            )
            return "channel"
        except discord.HTTPException:
            return None

    # -- members -----------------------------------------------------------------------------
    @app_commands.command(name="ask", description="Ask anything about platforms' AI terms")
    @app_commands.describe(question="e.g. does spotify train ai on my songs")
    @app_commands.autocomplete(question=question_autocomplete)
    async def ask(
        self, interaction: discord.Interaction, question: app_commands.Range[str, 1, 300]
    ) -> None:
        reply = await self.app.faq_reply(question, guild_id=interaction.guild_id)
        await send_reply(interaction, reply)

    @app_commands.command(name="suggest", description="Suggest a question for the moderators")
    @app_commands.describe(
        question="The question members ask", answer="Optional: the answer you'd give (with sources)"
    )
    async def suggest(
        self,
        interaction: discord.Interaction,
        question: app_commands.Range[str, 1, 200],
        answer: app_commands.Range[str, 1, 1800] | None = None,
    ) -> None:
        if interaction.guild_id is None:
            await send_reply(
                interaction,
                notice("Suggestions go to a server's moderators: use this in a server."),
            )
            return
        guild_id, member_id = _ids(interaction)

        async def make() -> Reply:
            receipt = await self.cur.suggest(
                guild_id, member_id, interaction.channel_id, question, answer
            )
            return curation.suggestion_receipt_reply(receipt)

        await self._answer(interaction, make)

    # -- adding and editing ------------------------------------------------------------------
    def _add_modal(self, form: EntryForm) -> EntryModal:
        return EntryModal("Add an FAQ entry", form, self._submit_add)

    async def _submit_add(self, interaction: discord.Interaction, form: EntryForm) -> None:
        if not await self._still_moderator(interaction):
            return
        guild_id, actor_id = _ids(interaction)
        try:
            saved = await self.cur.add(guild_id, actor_id, form)
        except CurationError as exc:
            await self._refused_form(interaction, exc, form, self._add_modal)
            return
        await send_reply(interaction, curation.saved_reply(self.app, saved))

    @app_commands.command(name="add", description="Add an answer for this server (moderators)")
    @moderator_only()
    async def add(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(self._add_modal(EntryForm()))

    def _edit_modal(self, ref: str, version: int, form: EntryForm) -> EntryModal:
        async def submit(interaction: discord.Interaction, new_form: EntryForm) -> None:
            await self._submit_edit(interaction, ref, version, new_form)

        return EntryModal(f"Edit {ref}", form, submit)

    async def _submit_edit(
        self, interaction: discord.Interaction, ref: str, version: int, form: EntryForm
    ) -> None:
        if not await self._still_moderator(interaction):
            return
        guild_id, actor_id = _ids(interaction)
        try:
            saved = await self.cur.edit(guild_id, actor_id, ref, form, expected_version=version)
        except Conflict as exc:
            await self._conflict(interaction, exc, ref, form)
            return
        except CurationError as exc:
            await self._refused_form(
                interaction, exc, form, lambda f: self._edit_modal(ref, version, f)
            )
            return
        await send_reply(interaction, curation.saved_reply(self.app, saved))

    async def _conflict(
        self, interaction: discord.Interaction, exc: Conflict, ref: str, form: EntryForm
    ) -> None:
        """Show the current text; let the moderator edit it, or start again from their text
        (either way they submit once more, knowingly — never a silent overwrite)."""
        reply = curation.conflict_reply(exc)
        current = exc.current
        if current is None or current.deleted:
            await send_reply(interaction, reply)
            return
        version, current_form = current.entry.version, self.cur.form_for(current.content)

        async def edit_current(i: discord.Interaction) -> None:
            await i.response.send_modal(self._edit_modal(ref, version, current_form))

        async def start_from_mine(i: discord.Interaction) -> None:
            await i.response.send_modal(self._edit_modal(ref, version, form))

        view = ButtonsView(
            interaction.user.id,
            [("Edit the current version", edit_current), ("Start from my text", start_from_mine)],
        )
        await view.start(interaction, reply)

    @app_commands.command(name="edit", description="Edit one of this server's answers (moderators)")
    @app_commands.describe(entry=ENTRY_HELP)
    @moderator_only()
    async def edit(
        self, interaction: discord.Interaction, entry: app_commands.Range[str, 1, 200]
    ) -> None:
        guild_id, _ = _ids(interaction)
        try:
            stored = await self.cur.find(guild_id, entry)
        except CurationError as exc:
            await send_reply(interaction, curation.error_reply(exc))
            return
        modal = self._edit_modal(
            stored.entry.id, stored.entry.version, self.cur.form_for(stored.content)
        )
        await interaction.response.send_modal(modal)

    # -- removing, restoring, hiding ---------------------------------------------------------
    @app_commands.command(name="remove", description="Remove one of this server's answers")
    @app_commands.describe(entry=ENTRY_HELP)
    @moderator_only()
    async def remove(
        self, interaction: discord.Interaction, entry: app_commands.Range[str, 1, 200]
    ) -> None:
        guild_id, actor_id = _ids(interaction)
        try:
            stored = await self.cur.find(guild_id, entry)
        except CurationError as exc:
            await send_reply(interaction, curation.error_reply(exc))
            return

        async def action(i: discord.Interaction) -> Reply:
            try:
                saved = await self.cur.remove(
                    guild_id, i.user.id, stored.entry.id, expected_version=stored.entry.version
                )
            except CurationError as exc:
                return curation.refusal_reply(exc)
            return curation.saved_reply(self.app, saved)

        view = ConfirmView(
            actor_id, action, confirm_label="Remove", cancelled="Kept — nothing was removed."
        )
        await view.start(interaction, curation.confirm_remove_reply(self.app, stored))

    @app_commands.command(name="restore", description="Bring back a removed answer (moderators)")
    @app_commands.describe(entry="A removed entry: start typing its question or id")
    @moderator_only()
    async def restore(
        self, interaction: discord.Interaction, entry: app_commands.Range[str, 1, 200]
    ) -> None:
        guild_id, actor_id = _ids(interaction)

        async def make() -> Reply:
            saved = await self.cur.restore(guild_id, actor_id, entry)
            return curation.saved_reply(self.app, saved)

        await self._answer(interaction, make)

    @app_commands.command(name="hide", description="Hide a shipped answer in this server only")
    @app_commands.describe(entry="A Fine Print entry: start typing its question")
    @moderator_only()
    async def hide(
        self, interaction: discord.Interaction, entry: app_commands.Range[str, 1, 200]
    ) -> None:
        guild_id, actor_id = _ids(interaction)

        async def make() -> Reply:
            return curation.hidden_reply(await self.cur.hide(guild_id, actor_id, entry))

        await self._answer(interaction, make)

    @app_commands.command(name="unhide", description="Show a hidden shipped answer again")
    @app_commands.describe(entry="A hidden Fine Print entry: start typing its question")
    @moderator_only()
    async def unhide(
        self, interaction: discord.Interaction, entry: app_commands.Range[str, 1, 200]
    ) -> None:
        guild_id, actor_id = _ids(interaction)

        async def make() -> Reply:
            return curation.hidden_reply(await self.cur.unhide(guild_id, actor_id, entry))

        await self._answer(interaction, make)

    # -- reading -----------------------------------------------------------------------------
    async def _paginate(
        self, interaction: discord.Interaction, fetch: Callable[[int], Awaitable[Page]]
    ) -> None:
        try:
            first = await fetch(0)
        except CurationError as exc:
            await send_reply(interaction, curation.error_reply(exc))
            return
        if first.pages <= 1:
            await send_reply(interaction, first.reply)
            return
        await Paginator(interaction.user.id, fetch, first).start(interaction, first.reply)

    @app_commands.command(name="list", description="This server's own answers (moderators)")
    @app_commands.describe(platform="Only entries about this platform")
    @app_commands.autocomplete(platform=platform_autocomplete)
    @moderator_only()
    async def list_(
        self,
        interaction: discord.Interaction,
        platform: app_commands.Range[str, 1, 100] | None = None,
    ) -> None:
        guild_id, _ = _ids(interaction)

        async def fetch(n: int) -> Page:
            page = await self.cur.list_page(guild_id, platform=platform, page=n)
            return Page(curation.list_reply(self.app, page), page.page, page.pages)

        await self._paginate(interaction, fetch)

    @app_commands.command(name="history", description="Who changed an answer, when, and how")
    @app_commands.describe(entry="Start typing the question or id (removed entries included)")
    @moderator_only()
    async def history(
        self, interaction: discord.Interaction, entry: app_commands.Range[str, 1, 200]
    ) -> None:
        guild_id, _ = _ids(interaction)

        async def fetch(n: int) -> Page:
            page = await self.cur.history(guild_id, entry, page=n)
            return Page(curation.history_reply(page), page.page, page.pages)

        await self._paginate(interaction, fetch)

    # -- files -------------------------------------------------------------------------------
    @app_commands.command(name="export", description="Download this server's answers as a file")
    @app_commands.describe(file_format="TOML (default) or JSON")
    @app_commands.rename(file_format="format")
    @app_commands.choices(file_format=FORMAT_CHOICES)
    @moderator_only()
    async def export(
        self,
        interaction: discord.Interaction,
        file_format: app_commands.Choice[str] | None = None,
    ) -> None:
        guild_id, _ = _ids(interaction)

        async def make() -> Reply:
            export = await self.cur.export(guild_id, file_format.value if file_format else "toml")
            return curation.export_reply(export)

        await self._answer(interaction, make)

    @app_commands.command(name="import", description="Add or update answers from a file")
    @app_commands.describe(file="A .toml or .json file like the one /faq export gives (max 1 MB)")
    @moderator_only()
    async def import_(self, interaction: discord.Interaction, file: discord.Attachment) -> None:
        guild_id, actor_id = _ids(interaction)
        if file.size > IMPORT_MAX_BYTES:  # refuse before downloading anything
            await send_reply(
                interaction,
                curation.error_reply(
                    curation.LimitReached(
                        f"That file is {file.size / 1e6:.1f} MB; the limit is 1 MB. Split it "
                        "into smaller files and import them one by one."
                    )
                ),
            )
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            data = await file.read()
        except discord.HTTPException:
            await send_reply(interaction, notice("I couldn't download that file; try again."))
            return
        plan = await self.cur.plan_import(guild_id, file.filename, data)
        preview = curation.import_preview_reply(plan)
        if not plan.can_apply:
            await send_reply(interaction, preview)
            return

        async def apply(i: discord.Interaction) -> Reply:
            try:
                result = await self.cur.apply_import(guild_id, i.user.id, plan)
            except CurationError as exc:
                return curation.refusal_reply(exc)
            return curation.import_result_reply(result)

        view = ConfirmView(
            actor_id,
            apply,
            confirm_label="Confirm import",
            danger=False,
            cancelled="Import cancelled — nothing was changed.",
        )
        await view.start(interaction, preview)

    # -- the suggestion queue ----------------------------------------------------------------
    @app_commands.command(name="queue", description="Review members' suggested questions")
    @moderator_only()
    async def queue(self, interaction: discord.Interaction) -> None:
        guild_id, actor_id = _ids(interaction)

        async def fetch(n: int) -> Page:
            page = await self.cur.queue_page(guild_id, n)
            key = page.item.id if page.item else None
            return Page(curation.queue_reply(page), page.page, max(page.total, 1), key)

        first = await fetch(0)
        if first.key is None:
            await send_reply(interaction, first.reply)
            return
        view = QueueView(actor_id, fetch, first, on_approve=self._approve, on_reject=self._reject)
        await view.start(interaction, first.reply)

    def _approve_modal(self, view: QueueView, suggestion_id: int, form: EntryForm) -> EntryModal:
        async def submit(interaction: discord.Interaction, new_form: EntryForm) -> None:
            await self._submit_approve(interaction, view, suggestion_id, new_form)

        return EntryModal(f"Approve suggestion #{suggestion_id}", form, submit)

    async def _approve(
        self, interaction: discord.Interaction, view: QueueView, suggestion_id: int
    ) -> None:
        guild_id, _ = _ids(interaction)
        try:
            form = await self.cur.suggestion_form(guild_id, suggestion_id)
        except CurationError as exc:
            await send_reply(interaction, curation.error_reply(exc))
            await view.refresh()
            return
        await interaction.response.send_modal(self._approve_modal(view, suggestion_id, form))

    async def _submit_approve(
        self,
        interaction: discord.Interaction,
        view: QueueView,
        suggestion_id: int,
        form: EntryForm,
    ) -> None:
        if not await self._still_moderator(interaction):
            return
        guild_id, actor_id = _ids(interaction)
        try:
            approval = await self.cur.approve(
                guild_id, actor_id, suggestion_id, form, guild_name=_guild_name(interaction)
            )
        except CurationError as exc:
            await self._refused_form(
                interaction, exc, form, lambda f: self._approve_modal(view, suggestion_id, f)
            )
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        reached = await self._tell(approval.notice)
        reply = curation.saved_reply(self.app, approval.saved)
        told = (
            "The member was told by DM."
            if reached
            else "I couldn't DM the member (their DMs are closed)."
        )
        reply.cards.append(Card("Member", told, color=COLOR_OK if reached else COLOR_NOTICE))
        await send_reply(interaction, reply)
        await view.refresh()

    async def _reject(
        self, interaction: discord.Interaction, view: QueueView, suggestion_id: int
    ) -> None:
        async def submit(i: discord.Interaction, reason: str) -> None:
            await self._submit_reject(i, view, suggestion_id, reason)

        await interaction.response.send_modal(ReasonModal(submit))

    async def _submit_reject(
        self, interaction: discord.Interaction, view: QueueView, suggestion_id: int, reason: str
    ) -> None:
        if not await self._still_moderator(interaction):
            return
        guild_id, actor_id = _ids(interaction)
        try:
            member_notice = await self.cur.reject(
                guild_id, actor_id, suggestion_id, reason, guild_name=_guild_name(interaction)
            )
        except CurationError as exc:
            await send_reply(interaction, curation.error_reply(exc))
            await view.refresh()
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        reached = await self._tell(member_notice)
        await send_reply(interaction, curation.notice_outcome_reply("Suggestion declined", reached))
        await view.refresh()

    # -- autocomplete ------------------------------------------------------------------------
    @edit.autocomplete("entry")
    @remove.autocomplete("entry")
    async def _live_entries(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        return _choices(await self.cur.entry_choices(interaction.guild_id, current))

    @restore.autocomplete("entry")
    async def _removed_entries(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        return _choices(await self.cur.entry_choices(interaction.guild_id, current, deleted=True))

    @hide.autocomplete("entry")
    async def _shown_globals(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        return _choices(await self.cur.global_choices(interaction.guild_id, current, hidden=False))

    @unhide.autocomplete("entry")
    async def _hidden_globals(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        return _choices(await self.cur.global_choices(interaction.guild_id, current, hidden=True))

    @history.autocomplete("entry")
    async def _history_entries(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        return _choices(await self.cur.history_choices(interaction.guild_id, current))


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Faq(bot))
