"""The /faq cog's own views: the suggestion queue, the entry form and the decline form.

Inputs have stable custom ids (``faq:question``, ``faq:phrasings``, ``faq:answer``,
``faq:tags``, ``faq:links``, ``faq:reason``) so tests and tools can fill the forms by name.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot import limits
from bot.curation import MAX_REASON, EntryForm
from bot.knowledge.loader import MAX_ANSWER, MAX_QUESTION
from bot.knowledge.text import clip
from bot.present.texts import Texts
from cogs.utils.replies import Interaction
from cogs.utils.views import Page, Paginator, report_error

MODAL_TIMEOUT = 3600.0  # writing a long answer can take a while; after this the text is lost


class QueueView(Paginator):
    """The suggestion queue, one suggestion per page, with Approve and Reject."""

    def __init__(
        self,
        owner_id: int,
        t: Texts,
        fetch: Callable[[int], Awaitable[Page]],
        first: Page,
        *,
        on_approve: Callable[[Interaction, QueueView, int], Awaitable[None]],
        on_reject: Callable[[Interaction, QueueView, int], Awaitable[None]],
    ) -> None:
        self.on_approve = on_approve
        self.on_reject = on_reject
        super().__init__(owner_id, t, fetch, first)
        self.approve.label = t("faq.queue.approve")
        self.reject.label = t("faq.queue.reject")

    def _sync(self) -> None:
        super()._sync()
        self.approve.disabled = self.reject.disabled = self.current.key is None

    @discord.ui.button(label="Approve…", style=discord.ButtonStyle.success, row=1)
    async def approve(self, interaction: Interaction, _button: discord.ui.Button[Any]) -> None:
        if self.current.key is not None:
            await self.on_approve(interaction, self, self.current.key)

    @discord.ui.button(label="Reject…", style=discord.ButtonStyle.danger, row=1)
    async def reject(self, interaction: Interaction, _button: discord.ui.Button[Any]) -> None:
        if self.current.key is not None:
            await self.on_reject(interaction, self, self.current.key)


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
) -> discord.ui.Label[Any]:
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


def _value(label: discord.ui.Label[Any]) -> str:
    component = label.component
    return component.value if isinstance(component, discord.ui.TextInput) else ""


class EntryModal(discord.ui.Modal):
    """The add/edit form. Discord allows five inputs, so platforms and topics share one."""

    def __init__(
        self,
        title: str,
        t: Texts,
        form: EntryForm,
        on_submit: Callable[[Interaction, EntryForm], Awaitable[None]],
    ) -> None:
        super().__init__(title=clip(title, limits.MODAL_TITLE), timeout=MODAL_TIMEOUT)
        self._submit = on_submit
        self.question = _input(
            "faq:question",
            t("faq.form.question"),
            t("faq.form.question.help"),
            default=form.question,
            required=True,
            max_length=MAX_QUESTION,
            placeholder=t("faq.form.question.example"),
        )
        self.phrasings = _input(
            "faq:phrasings",
            t("faq.form.phrasings"),
            t("faq.form.phrasings.help"),
            default=form.phrasings,
            paragraph=True,
            placeholder=t("faq.form.phrasings.example"),
        )
        self.answer = _input(
            "faq:answer",
            t("faq.form.answer"),
            t("faq.form.answer.help"),
            default=form.answer,
            paragraph=True,
            required=True,
            max_length=MAX_ANSWER,
        )
        self.tags = _input(
            "faq:tags",
            t("faq.form.tags"),
            t("faq.form.tags.help"),
            default=form.tags,
            placeholder=t("faq.form.tags.example"),
            max_length=1000,
        )
        self.links = _input(
            "faq:links",
            t("faq.form.links"),
            t("faq.form.links.help"),
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

    async def on_submit(self, interaction: Interaction) -> None:
        await self._submit(interaction, self.form())

    async def on_error(self, interaction: Interaction, error: Exception) -> None:  # type: ignore[override]
        await report_error(interaction, "the FAQ entry form", error)


class ReasonModal(discord.ui.Modal):
    """An optional short note for the member whose suggestion is declined."""

    def __init__(self, t: Texts, on_submit: Callable[[Interaction, str], Awaitable[None]]) -> None:
        super().__init__(
            title=clip(t("faq.reason.title"), limits.MODAL_TITLE), timeout=MODAL_TIMEOUT
        )
        self._submit = on_submit
        self.reason = _input(
            "faq:reason",
            t("faq.reason.label"),
            t("faq.reason.help"),
            default="",
            paragraph=True,
            max_length=MAX_REASON,
            placeholder=t("faq.reason.example"),
        )
        self.add_item(self.reason)

    async def on_submit(self, interaction: Interaction) -> None:
        await self._submit(interaction, _value(self.reason))

    async def on_error(self, interaction: Interaction, error: Exception) -> None:  # type: ignore[override]
        await report_error(interaction, "the decline form", error)


class AnswerModal(discord.ui.Modal):
    """An entry's answer in one other language (``/faqmod edit … language``). Left empty, that
    language's answer is dropped and its members read the main answer again."""

    def __init__(
        self,
        title: str,
        t: Texts,
        language: str,
        current: str,
        on_submit: Callable[[Interaction, str], Awaitable[None]],
    ) -> None:
        super().__init__(title=clip(title, limits.MODAL_TITLE), timeout=MODAL_TIMEOUT)
        self._submit = on_submit
        self.answer = _input(
            "faq:answer",
            t("faq.form.answer.language", language=t.language(language)),
            t("faq.form.answer.language.help"),
            default=current,
            paragraph=True,
            max_length=MAX_ANSWER,
            placeholder=t("faq.form.answer.help"),
        )
        self.add_item(self.answer)

    async def on_submit(self, interaction: Interaction) -> None:
        await self._submit(interaction, _value(self.answer))

    async def on_error(self, interaction: Interaction, error: Exception) -> None:  # type: ignore[override]
        await report_error(interaction, "the answer form", error)
