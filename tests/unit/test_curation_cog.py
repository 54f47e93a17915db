"""The /faq cog's shape, checked without a Discord connection.

Real interactions (modal submit, buttons) are the e2e suite's job; here we check what must hold
whatever Discord sends: every moderator subcommand carries the runtime check, the member ones do
not, the modal fits Discord's limits, and views answer only their owner, at most once.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from types import SimpleNamespace
from typing import Any

import pytest

from bot import limits
from bot.app import App
from bot.client import FinePrintBot, create_bot
from bot.curation import MAX_PHRASINGS, EntryForm
from bot.knowledge.loader import MAX_ANSWER, MAX_QUESTION
from bot.present.manage import notice
from bot.present.reply import Reply
from bot.present.texts import ENGLISH
from cogs.faq.views import EntryModal
from cogs.utils.checks import is_moderator
from cogs.utils.views import ConfirmView, OwnedView

MEMBER_COMMANDS = {"ask", "suggest"}
MODERATOR_COMMANDS = {
    "add",
    "edit",
    "remove",
    "restore",
    "hide",
    "unhide",
    "list",
    "history",
    "export",
    "import",
    "queue",
}


@pytest.fixture
async def bot(app: App) -> AsyncIterator[FinePrintBot]:
    built = create_bot(app, start_services=False)
    await built.setup_hook()  # loads the cogs; nothing connects
    try:
        yield built
    finally:
        await built.close()


async def test_moderator_subcommands_carry_the_runtime_check(bot: FinePrintBot) -> None:
    members = bot.tree.get_command("faq")
    moderators = bot.tree.get_command("faqmod")
    assert members is not None and moderators is not None
    member_cmds = {c.name: c for c in members.commands}  # type: ignore[union-attr]
    mod_cmds = {c.name: c for c in moderators.commands}  # type: ignore[union-attr]
    assert set(member_cmds) == MEMBER_COMMANDS
    assert set(mod_cmds) == MODERATOR_COMMANDS
    for name in MODERATOR_COMMANDS:
        assert is_moderator in mod_cmds[name].checks, name
    for name in MEMBER_COMMANDS:
        assert member_cmds[name].checks == [], name
    # /faq works everywhere (user install, DMs) and is visible to members ...
    faq = members.to_dict(bot.tree)
    assert faq.get("default_member_permissions") is None
    assert sorted(faq["integration_types"]) == [0, 1] and sorted(faq["contexts"]) == [0, 1, 2]
    # ... while /faqmod is hidden from members and exists in servers only
    faqmod = moderators.to_dict(bot.tree)
    assert int(faqmod["default_member_permissions"]) == 32  # Manage Server
    assert faqmod["contexts"] == [0]


def test_entry_modal_fits_discord_and_returns_what_was_typed() -> None:
    async def submit(_interaction: Any, _form: EntryForm) -> None:
        return None

    worst = EntryForm(
        question="q" * MAX_QUESTION,
        phrasings="\n".join(["p" * MAX_QUESTION] * MAX_PHRASINGS),
        answer="a" * MAX_ANSWER,
        tags="soundcloud, opt-out",
        links="\n".join(["https://example.org/" + "x" * 480] * 6),
    )
    modal = EntryModal("Edit guild-123456789012345", ENGLISH, worst, submit)
    components = [c.to_component_dict() for c in modal.children]
    assert len(components) == limits.MODAL_INPUTS
    assert len(modal.title) <= limits.MODAL_TITLE
    for comp in components:
        assert len(comp["label"]) <= limits.TEXT_INPUT_LABEL
        assert len(comp.get("description", "")) <= 100
        text_input = comp["component"]
        assert len(text_input.get("value") or "") <= text_input["max_length"]
        assert len(text_input.get("placeholder") or "") <= limits.TEXT_INPUT_PLACEHOLDER
    assert modal.form() == worst
    ids = [c["component"]["custom_id"] for c in components]  # stable: tests fill forms by name
    assert ids == ["faq:question", "faq:phrasings", "faq:answer", "faq:tags", "faq:links"]


class FakeResponse:
    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []
        self.edits: list[dict[str, Any]] = []
        self.done = False

    def is_done(self) -> bool:
        return self.done

    async def send_message(self, **kwargs: Any) -> None:
        self.sent.append(kwargs)
        self.done = True

    async def defer(self, **_kwargs: Any) -> None:
        self.done = True

    async def edit_message(self, **kwargs: Any) -> None:
        self.edits.append(kwargs)
        self.done = True


class FakeInteraction:
    def __init__(self, user_id: int) -> None:
        self.user = SimpleNamespace(id=user_id)
        self.guild = None
        self.response = FakeResponse()
        self.edited: list[dict[str, Any]] = []

    async def edit_original_response(self, **kwargs: Any) -> None:
        self.edited.append(kwargs)


async def test_views_answer_only_their_owner() -> None:
    view = OwnedView(1, ENGLISH, moderator=False)
    stranger = FakeInteraction(2)
    assert not await view.interaction_check(stranger)  # type: ignore[arg-type]
    refusal = stranger.response.sent[0]
    assert refusal["ephemeral"] is True
    assert "belong to the moderator who opened" in refusal["embeds"][0].description
    owner = FakeInteraction(1)
    assert await view.interaction_check(owner)  # type: ignore[arg-type]
    # moderator views re-check the permission at every press (here: not even in a server)
    moderated = OwnedView(1, ENGLISH)
    assert not await moderated.interaction_check(FakeInteraction(1))  # type: ignore[arg-type]


async def test_confirm_runs_its_action_once() -> None:
    calls: list[int] = []

    async def action(_interaction: Any) -> Reply:
        calls.append(1)
        return notice("Done.")

    view = ConfirmView(1, ENGLISH, action, confirm_label="Remove")
    first, second = FakeInteraction(1), FakeInteraction(1)
    await view.confirm.callback(first)  # type: ignore[arg-type]
    await view.confirm.callback(second)  # type: ignore[arg-type]
    assert calls == [1]
    assert first.edited and first.edited[0]["view"] is None  # buttons removed after use
    assert "Already done" in second.response.sent[0]["embeds"][0].description
    cancelled = ConfirmView(1, ENGLISH, action)
    press = FakeInteraction(1)
    await cancelled.cancel.callback(press)  # type: ignore[arg-type]
    assert (
        calls == [1] and "nothing was changed" in press.response.edits[0]["embeds"][0].description
    )
