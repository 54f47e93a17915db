"""Interactive pieces for moderator commands: owned views, a confirm view, a paginator, modals.

Every view here answers only the member who opened it (``interaction_check``) and, for
moderator views, re-checks that they are *still* a moderator when a button is pressed: the
permission check runs when something is about to change, not only when the command started.
Others get a polite ephemeral refusal. Nothing here decides anything: buttons call back into
the cog, which makes one core call.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import discord
from discord import app_commands

from bot import limits
from bot.curation import MAX_REASON, EntryForm
from bot.embeds import Reply, notice
from bot.knowledge.loader import MAX_ANSWER, MAX_QUESTION
from bot.knowledge.text import clip
from cogs.utils.checks import is_moderator
from cogs.utils.replies import NO_MENTIONS, send_kwargs, send_reply, to_embeds

log = logging.getLogger(__name__)

VIEW_TIMEOUT = 600.0  # ephemeral messages can be edited for 15 minutes; stop a bit before
MODAL_TIMEOUT = 3600.0  # writing a long answer can take a while; after this the text is lost


def edit_kwargs(reply: Reply, view: discord.ui.View | None) -> dict[str, Any]:
    """Keyword arguments for editing a message in place (``edit_message`` takes no ``file``)."""
    reply = reply.fit()
    kwargs: dict[str, Any] = {
        "embeds": to_embeds(reply),
        "content": reply.content,
        "view": view,
        "allowed_mentions": NO_MENTIONS,
    }
    if reply.file:
        name, data = reply.file
        kwargs["attachments"] = [discord.File(io.BytesIO(data), filename=name)]
    return kwargs


async def refuse(interaction: discord.Interaction, text: str) -> None:
    reply = notice(text)
    if interaction.response.is_done():
        await interaction.followup.send(ephemeral=True, **send_kwargs(reply))
    else:
        await interaction.response.send_message(ephemeral=True, **send_kwargs(reply))


class OwnedView(discord.ui.View):
    """A view only its opener may use; with ``moderator`` also re-checked at every press."""

    def __init__(
        self, owner_id: int, *, moderator: bool = True, timeout: float = VIEW_TIMEOUT
    ) -> None:
        super().__init__(timeout=timeout)
        self.owner_id = owner_id
        self.moderator = moderator
        self.origin: discord.Interaction | None = None  # whose response message holds the view

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id != self.owner_id:
            await refuse(
                interaction,
                "These buttons belong to the moderator who opened this. Run the command "
                "yourself to get your own.",
            )
            return False
        if self.moderator:
            try:
                await is_moderator(interaction)
            except app_commands.CheckFailure as exc:
                await refuse(interaction, str(exc) or "You can no longer do that here.")
                return False
        return True

    async def start(self, interaction: discord.Interaction, reply: Reply) -> None:
        """Send ``reply`` with this view and remember where, so a timeout can disable it."""
        self.origin = interaction
        await send_reply(interaction, reply, view=self)

    async def on_timeout(self) -> None:
        for item in self.children:
            if isinstance(item, discord.ui.Button | discord.ui.Select):
                item.disabled = True
        if self.origin is not None:
            try:
                await self.origin.edit_original_response(view=self)
            except discord.HTTPException:
                pass  # the message is gone or too old to edit; nothing to tidy

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        log.error("view %s failed", type(self).__name__, exc_info=error)
        try:
            await refuse(
                interaction, "Sorry, something went wrong on my side. The error was logged."
            )
        except discord.HTTPException:
            pass


class ConfirmView(OwnedView):
    """Confirm / Cancel before something is changed. The action runs at most once."""

    def __init__(
        self,
        owner_id: int,
        action: Callable[[discord.Interaction], Awaitable[Reply]],
        *,
        confirm_label: str = "Confirm",
        danger: bool = True,
        cancelled: str = "Cancelled — nothing was changed.",
    ) -> None:
        super().__init__(owner_id)
        self.action = action
        self.cancelled = cancelled
        self.done = False
        self.confirm.label = clip(confirm_label, limits.BUTTON_LABEL)
        self.confirm.style = discord.ButtonStyle.danger if danger else discord.ButtonStyle.success

    @discord.ui.button(label="Confirm", style=discord.ButtonStyle.danger)
    async def confirm(self, interaction: discord.Interaction, _button: discord.ui.Button) -> None:
        if self.done:  # a double click must not apply twice
            await refuse(interaction, "Already done.")
            return
        self.done = True
        self.stop()
        await interaction.response.defer()
        reply = await self.action(interaction)
        await interaction.edit_original_response(**edit_kwargs(reply, None))

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(self, interaction: discord.Interaction, _button: discord.ui.Button) -> None:
        if self.done:
            await refuse(interaction, "Already done.")
            return
        self.done = True
        self.stop()
        await interaction.response.edit_message(**edit_kwargs(notice(self.cancelled), None))

    async def on_timeout(self) -> None:
        if self.done or self.origin is None:
            return
        self.done = True
        reply = notice("This confirmation timed out — nothing was changed.")
        try:
            await self.origin.edit_original_response(**edit_kwargs(reply, None))
        except discord.HTTPException:
            pass


@dataclass(slots=True)
class Page:
    """What a paginator shows: the reply, where we are, and the id of the item shown (if any)."""

    reply: Reply
    page: int
    pages: int
    key: int | None = None


class Paginator(OwnedView):
    """Previous / Next over pages fetched fresh from the core on every press."""

    def __init__(self, owner_id: int, fetch: Callable[[int], Awaitable[Page]], first: Page) -> None:
        super().__init__(owner_id)
        self.fetch = fetch
        self.current = first
        self._sync()

    def _sync(self) -> None:
        self.previous.disabled = self.current.page <= 0
        self.next.disabled = self.current.page >= self.current.pages - 1
        self.position.label = f"{self.current.page + 1} / {max(self.current.pages, 1)}"

    async def show(self, interaction: discord.Interaction, page: int) -> None:
        self.current = await self.fetch(page)
        self._sync()
        await interaction.response.edit_message(**edit_kwargs(self.current.reply, self))

    async def refresh(self) -> None:
        """Re-read the current page into the original message (after a change elsewhere)."""
        self.current = await self.fetch(self.current.page)
        self._sync()
        if self.origin is not None:
            try:
                await self.origin.edit_original_response(**edit_kwargs(self.current.reply, self))
            except discord.HTTPException:
                pass

    @discord.ui.button(label="◀ Previous", style=discord.ButtonStyle.secondary)
    async def previous(self, interaction: discord.Interaction, _button: discord.ui.Button) -> None:
        await self.show(interaction, self.current.page - 1)

    @discord.ui.button(label="1 / 1", style=discord.ButtonStyle.secondary, disabled=True)
    async def position(self, interaction: discord.Interaction, _button: discord.ui.Button) -> None:
        await interaction.response.defer()  # a label, never enabled

    @discord.ui.button(label="Next ▶", style=discord.ButtonStyle.secondary)
    async def next(self, interaction: discord.Interaction, _button: discord.ui.Button) -> None:
        await self.show(interaction, self.current.page + 1)


class QueueView(Paginator):
    """The suggestion queue, one suggestion per page, with Approve and Reject."""

    def __init__(
        self,
        owner_id: int,
        fetch: Callable[[int], Awaitable[Page]],
        first: Page,
        *,
        on_approve: Callable[[discord.Interaction, QueueView, int], Awaitable[None]],
        on_reject: Callable[[discord.Interaction, QueueView, int], Awaitable[None]],
    ) -> None:
        self.on_approve = on_approve
        self.on_reject = on_reject
        super().__init__(owner_id, fetch, first)

    def _sync(self) -> None:
        super()._sync()
        self.approve.disabled = self.reject.disabled = self.current.key is None

    @discord.ui.button(label="Approve…", style=discord.ButtonStyle.success, row=1)
    async def approve(self, interaction: discord.Interaction, _button: discord.ui.Button) -> None:
        if self.current.key is not None:
            await self.on_approve(interaction, self, self.current.key)

    @discord.ui.button(label="Reject…", style=discord.ButtonStyle.danger, row=1)
    async def reject(self, interaction: discord.Interaction, _button: discord.ui.Button) -> None:
        if self.current.key is not None:
            await self.on_reject(interaction, self, self.current.key)


class ButtonsView(OwnedView):
    """A few one-off buttons ("Try again", "Edit the current version") for one moderator."""

    def __init__(
        self,
        owner_id: int,
        buttons: list[tuple[str, Callable[[discord.Interaction], Awaitable[None]]]],
    ) -> None:
        super().__init__(owner_id)
        for label, callback in buttons[: limits.BUTTONS_PER_ROW]:
            button: discord.ui.Button = discord.ui.Button(
                label=clip(label, limits.BUTTON_LABEL), style=discord.ButtonStyle.primary
            )
            button.callback = callback  # type: ignore[method-assign]
            self.add_item(button)


# -- modals ----------------------------------------------------------------------------------
def _input(
    custom_id: str,
    label: str,
    description: str,
    *,
    default: str,
    paragraph: bool = False,
    required: bool = False,
    max_length: int = limits.TEXT_INPUT_VALUE,
    placeholder: str | None = None,
) -> discord.ui.Label:
    return discord.ui.Label(
        text=clip(label, limits.TEXT_INPUT_LABEL),
        description=clip(description, 100),
        component=discord.ui.TextInput(
            custom_id=custom_id,
            style=discord.TextStyle.paragraph if paragraph else discord.TextStyle.short,
            default=clip(default, max_length) or None,
            required=required,
            max_length=max_length,
            placeholder=clip(placeholder, limits.TEXT_INPUT_PLACEHOLDER) if placeholder else None,
        ),
    )


def _value(label: discord.ui.Label) -> str:
    component = label.component
    return component.value if isinstance(component, discord.ui.TextInput) else ""


class EntryModal(discord.ui.Modal):
    """The add/edit form. Discord allows five inputs, so platforms and topics share one.

    Inputs have stable custom ids (``faq:question``, ``faq:phrasings``, ``faq:answer``,
    ``faq:tags``, ``faq:links``) so tests and tools can fill the form by name.
    """

    def __init__(
        self,
        title: str,
        form: EntryForm,
        on_submit: Callable[[discord.Interaction, EntryForm], Awaitable[None]],
    ) -> None:
        super().__init__(title=clip(title, limits.MODAL_TITLE), timeout=MODAL_TIMEOUT)
        self._submit = on_submit
        self.question = _input(
            "faq:question",
            "Question",
            "How members usually ask it",
            default=form.question,
            required=True,
            max_length=MAX_QUESTION,
            placeholder="Does Spotify train AI on my songs?",
        )
        self.phrasings = _input(
            "faq:phrasings",
            "Other ways to ask (one per line)",
            "Optional. Other wordings or languages that should find this answer",
            default=form.phrasings,
            paragraph=True,
            placeholder="spotify ai training my music\nspotify entraîne l'IA avec mes morceaux ?",
        )
        self.answer = _input(
            "faq:answer",
            "Answer",
            "Markdown works; mentions never ping",
            default=form.answer,
            paragraph=True,
            required=True,
            max_length=MAX_ANSWER,
        )
        self.tags = _input(
            "faq:tags",
            "Platforms and topics",
            "Comma-separated platforms, then topics: ai-training, third-party, opt-out, license…",
            default=form.tags,
            placeholder="spotify, youtube, opt-out",
            max_length=1000,
        )
        self.links = _input(
            "faq:links",
            "Source links (one per line)",
            "Optional. Where the answer comes from (http/https)",
            default=form.links,
            paragraph=True,
        )
        for item in (self.question, self.phrasings, self.answer, self.tags, self.links):
            self.add_item(item)

    def form(self) -> EntryForm:
        return EntryForm(
            question=_value(self.question),
            phrasings=_value(self.phrasings),
            answer=_value(self.answer),
            tags=_value(self.tags),
            links=_value(self.links),
        )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await self._submit(interaction, self.form())

    async def on_error(self, interaction: discord.Interaction, error: Exception) -> None:
        log.error("the FAQ entry form failed", exc_info=error)
        try:
            await refuse(
                interaction, "Sorry, something went wrong on my side. The error was logged."
            )
        except discord.HTTPException:
            pass


class ReasonModal(discord.ui.Modal):
    """An optional short note for the member whose suggestion is declined."""

    def __init__(self, on_submit: Callable[[discord.Interaction, str], Awaitable[None]]) -> None:
        super().__init__(title="Decline the suggestion", timeout=MODAL_TIMEOUT)
        self._submit = on_submit
        self.reason = _input(
            "faq:reason",
            "Note for the member (optional)",
            "Sent to them by DM, or in the channel where they suggested it",
            default="",
            paragraph=True,
            max_length=MAX_REASON,
            placeholder="Thanks! This is already covered by /faq ask spotify ai training.",
        )
        self.add_item(self.reason)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await self._submit(interaction, _value(self.reason))

    async def on_error(self, interaction: discord.Interaction, error: Exception) -> None:
        log.error("the decline form failed", exc_info=error)
        try:
            await refuse(
                interaction, "Sorry, something went wrong on my side. The error was logged."
            )
        except discord.HTTPException:
            pass
