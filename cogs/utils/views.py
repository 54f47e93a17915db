"""Interactive pieces for moderator commands: owned views, a confirm view, a paginator, buttons.

Every view here answers only the member who opened it (``interaction_check``) and, for
moderator views, re-checks that they are *still* a moderator when a button is pressed: the
permission check runs when something is about to change, not only when the command started.
Others get a polite ephemeral refusal. Nothing here decides anything: buttons call back into
the cog, which makes one core call. Views of one feature live with their cog (``cogs/faq``).
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
from bot.knowledge.text import clip
from bot.present.manage import notice
from bot.present.reply import Reply
from bot.present.texts import Texts
from cogs.utils.checks import NotModerator, is_moderator
from cogs.utils.replies import (
    NO_MENTIONS,
    Interaction,
    send_kwargs,
    send_reply,
    texts_for,
    to_embeds,
)

log = logging.getLogger(__name__)

VIEW_TIMEOUT = 600.0  # ephemeral messages can be edited for 15 minutes; stop a bit before


def edit_kwargs(
    reply: Reply, view: discord.ui.View | None, t: Texts | None = None
) -> dict[str, Any]:
    """Keyword arguments for editing a message in place (``edit_message`` takes no ``file``)."""
    reply = reply.fit(t) if t is not None else reply.fit()
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


async def refuse(interaction: Interaction, text: str) -> None:
    reply = notice(text, t=texts_for(interaction))
    if interaction.response.is_done():
        await interaction.followup.send(ephemeral=True, **send_kwargs(reply))
    else:
        await interaction.response.send_message(ephemeral=True, **send_kwargs(reply))


async def still_moderator(interaction: Interaction) -> bool:
    """Re-check at the moment something changes; refuse politely when they no longer are."""
    t = texts_for(interaction)
    try:
        await is_moderator(interaction)
    except NotModerator:
        await refuse(interaction, t("error.not_moderator"))
        return False
    except app_commands.CheckFailure:
        await refuse(interaction, t("error.no_longer"))
        return False
    return True


async def report_error(interaction: Interaction, what: str, error: Exception) -> None:
    """A view or form failed: log it, tell the member politely."""
    log.error("%s failed", what, exc_info=error)
    try:
        await refuse(interaction, texts_for(interaction)("error.internal"))
    except discord.HTTPException:
        pass


class OwnedView(discord.ui.View):
    """A view only its opener may use; with ``moderator`` also re-checked at every press."""

    def __init__(
        self,
        owner_id: int,
        t: Texts,
        *,
        moderator: bool = True,
        timeout: float = VIEW_TIMEOUT,
    ) -> None:
        super().__init__(timeout=timeout)
        self.owner_id = owner_id
        self.t = t
        self.moderator = moderator
        self.origin: Interaction | None = None  # whose response message holds the view

    async def interaction_check(self, interaction: Interaction) -> bool:
        if interaction.user.id != self.owner_id:
            await refuse(interaction, self.t("view.not_yours"))
            return False
        return not self.moderator or await still_moderator(interaction)

    async def start(self, interaction: Interaction, reply: Reply) -> None:
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
        self, interaction: Interaction, error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        await report_error(interaction, f"view {type(self).__name__}", error)


class ConfirmView(OwnedView):
    """Confirm / Cancel before something is changed. The action runs at most once."""

    def __init__(
        self,
        owner_id: int,
        t: Texts,
        action: Callable[[Interaction], Awaitable[Reply]],
        *,
        confirm_label: str | None = None,
        cancelled: str | None = None,
        danger: bool = True,
    ) -> None:
        super().__init__(owner_id, t)
        self.action = action
        self.cancelled = cancelled or t("view.cancelled")
        self.done = False
        self.confirm.label = clip(confirm_label or t("view.confirm"), limits.BUTTON_LABEL)
        self.confirm.style = discord.ButtonStyle.danger if danger else discord.ButtonStyle.success
        self.cancel.label = clip(t("view.cancel"), limits.BUTTON_LABEL)

    @discord.ui.button(label="Confirm", style=discord.ButtonStyle.danger)
    async def confirm(self, interaction: Interaction, _button: discord.ui.Button[Any]) -> None:
        if self.done:  # a double click must not apply twice
            await refuse(interaction, self.t("view.already_done"))
            return
        self.done = True
        self.stop()
        await interaction.response.defer()
        reply = await self.action(interaction)
        await interaction.edit_original_response(**edit_kwargs(reply, None, self.t))

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(self, interaction: Interaction, _button: discord.ui.Button[Any]) -> None:
        if self.done:
            await refuse(interaction, self.t("view.already_done"))
            return
        self.done = True
        self.stop()
        reply = notice(self.cancelled, t=self.t)
        await interaction.response.edit_message(**edit_kwargs(reply, None, self.t))

    async def on_timeout(self) -> None:
        if self.done or self.origin is None:
            return
        self.done = True
        reply = notice(self.t("view.timed_out"), t=self.t)
        try:
            await self.origin.edit_original_response(**edit_kwargs(reply, None, self.t))
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

    def __init__(
        self, owner_id: int, t: Texts, fetch: Callable[[int], Awaitable[Page]], first: Page
    ) -> None:
        super().__init__(owner_id, t)
        self.fetch = fetch
        self.current = first
        self.previous.label = f"◀ {t('view.previous')}"
        self.next.label = f"{t('view.next')} ▶"
        self._sync()

    def _sync(self) -> None:
        self.previous.disabled = self.current.page <= 0
        self.next.disabled = self.current.page >= self.current.pages - 1
        self.position.label = f"{self.current.page + 1} / {max(self.current.pages, 1)}"

    async def show(self, interaction: Interaction, page: int) -> None:
        self.current = await self.fetch(page)
        self._sync()
        await interaction.response.edit_message(**edit_kwargs(self.current.reply, self, self.t))

    async def refresh(self) -> None:
        """Re-read the current page into the original message (after a change elsewhere)."""
        self.current = await self.fetch(self.current.page)
        self._sync()
        if self.origin is not None:
            try:
                await self.origin.edit_original_response(
                    **edit_kwargs(self.current.reply, self, self.t)
                )
            except discord.HTTPException:
                pass

    @discord.ui.button(label="◀ Previous", style=discord.ButtonStyle.secondary)
    async def previous(self, interaction: Interaction, _button: discord.ui.Button[Any]) -> None:
        await self.show(interaction, self.current.page - 1)

    @discord.ui.button(label="1 / 1", style=discord.ButtonStyle.secondary, disabled=True)
    async def position(self, interaction: Interaction, _button: discord.ui.Button[Any]) -> None:
        await interaction.response.defer()  # a label, never enabled

    @discord.ui.button(label="Next ▶", style=discord.ButtonStyle.secondary)
    async def next(self, interaction: Interaction, _button: discord.ui.Button[Any]) -> None:
        await self.show(interaction, self.current.page + 1)


class ButtonsView(OwnedView):
    """A few one-off buttons ("Try again", "Edit the current version") for one moderator."""

    def __init__(
        self,
        owner_id: int,
        t: Texts,
        buttons: list[tuple[str, Callable[[Interaction], Awaitable[None]]]],
    ) -> None:
        super().__init__(owner_id, t)
        for label, callback in buttons[: limits.BUTTONS_PER_ROW]:
            button: discord.ui.Button[Any] = discord.ui.Button(
                label=clip(label, limits.BUTTON_LABEL), style=discord.ButtonStyle.primary
            )
            button.callback = callback  # type: ignore[method-assign,assignment]
            self.add_item(button)
