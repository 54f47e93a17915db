"""Moderators curating the server's own FAQ, end to end: the ``/faqmod add`` form,
``/faqmod import`` with its preview and Confirm, ``/faqmod remove`` with its confirmation and
``/faqmod restore``, and two
moderators editing the same entry at once. What members then get from ``/faq ask`` is the proof
that a change went live (or did not)."""

from __future__ import annotations

from typing import Any

import pytest
from bot.store import faq_entries

from .conftest import RunningFinePrint, Server, StartFinePrint
from .emulator import (
    MANAGE_GUILD,
    CommandNotVisible,
    DiscordEmulator,
    InteractionResult,
    Member,
    Message,
)

SHOWCASE_Q = "Can I post Suno tracks in the showcase channel?"
SHOWCASE_A = "Yes, if you tag them with [AI] in the title. Untagged AI tracks are removed."
SHOWCASE_ASKED = "can i post suno tracks in the showcase channel"

IMPORT_OK = """
[[faq]]
question = "Who reviews AI tracks for the monthly beat battle?"
answer = "The Mods team, using the rules pinned in #battle."
topics = ["ai-content"]

[[faq]]
question = "Can I sell beats made with Udio in the marketplace channel?"
answer = "Only if Udio's terms for your plan allow commercial use; link them in your post."
platforms = ["udio"]
topics = ["license"]
"""
IMPORT_BAD_ROW = """
[[faq]]
question = "Are AI vocals allowed in collabs?"
answer = "Yes, say so in the post."
topics = ["ai-content"]

[[faq]]
question = "A row with a typo in its topic"
answer = "..."
topics = ["ai-trainnig"]
"""


def title(message: Message | None) -> str:
    assert message is not None and message.embeds, message
    return message.embeds[0]["title"]


async def ask(emulator: DiscordEmulator, who: Member, channel: Any, question: str) -> Message:
    r = await emulator.slash(who, channel, "faq ask", question=question)
    assert r.message is not None
    return r.message


async def add_entry(
    emulator: DiscordEmulator,
    server: Server,
    question: str = SHOWCASE_Q,
    answer: str = SHOWCASE_A,
    tags: str = "suno, ai-content",
) -> str:
    """``/faqmod add`` through its form; returns the new entry's id."""
    opened = await emulator.slash(server.alice, server.general, "faqmod add")
    assert opened.response_type == 9 and opened.modal is not None
    assert opened.modal["title"] == "Add an FAQ entry"
    saved = await emulator.submit_modal(
        server.alice,
        None,
        opened,
        {"faq:question": question, "faq:answer": answer, "faq:tags": tags},
    )
    assert saved.ephemeral and title(saved.message) == "Entry added", saved.message
    footer = saved.message.embeds[0]["footer"]["text"]  # "guild-N · version 1"
    entry_id, version = footer.split(" · ")
    assert version == "version 1"
    return entry_id


# --------------------------------------------------------------------------- 9. /faq add


async def test_added_entry_answers_members_in_that_server_only(
    emulator: DiscordEmulator, start_fineprint: StartFinePrint, server: Server
) -> None:
    other = emulator.add_guild("Lo-fi Lab")
    lounge = emulator.add_text_channel(other, "lounge")
    carl = emulator.add_member(other, "carl")
    await start_fineprint()
    before = await ask(emulator, server.bob, server.general, SHOWCASE_ASKED)
    assert title(before) != SHOWCASE_Q

    await add_entry(emulator, server)

    answer = await ask(emulator, server.bob, server.general, SHOWCASE_ASKED)
    assert title(answer) == SHOWCASE_Q
    assert SHOWCASE_A in answer.text()  # the moderators' Markdown is theirs to use
    assert not answer.ephemeral  # members get a public answer
    elsewhere = await ask(emulator, carl, lounge, SHOWCASE_ASKED)
    assert title(elsewhere) != SHOWCASE_Q and SHOWCASE_A not in elsewhere.text()


async def test_members_cannot_add_entries(
    emulator: DiscordEmulator, fineprint: RunningFinePrint, server: Server
) -> None:
    with pytest.raises(CommandNotVisible):  # Discord hides /faqmod from members ...
        await emulator.slash(server.bob, server.general, "faqmod add")
    # ... unless a server admin overrides its permissions; the bot checks anyway.
    r = await emulator.slash(server.bob, server.general, "faqmod add", visibility_check=False)
    assert r.response_type == 4 and r.modal is None  # no form for a member
    assert r.ephemeral
    assert "You need the Manage Server permission or this server's moderator role" in (
        r.message.text()
    )
    assert await faq_entries.list_stored(fineprint.app.db, server.guild.id) == []


# --------------------------------------------------------------------------- 10. /faq import


async def import_file(
    emulator: DiscordEmulator, server: Server, name: str, data: str
) -> tuple[InteractionResult, Message]:
    upload = emulator.upload(name, data.encode())
    r = await emulator.slash(server.alice, server.general, "faqmod import", file=upload)
    assert r.response_type == 5  # it downloads and checks the file before answering
    return r, await r.wait_message()


async def test_import_previews_then_confirm_makes_entries_live(
    emulator: DiscordEmulator, fineprint: RunningFinePrint, server: Server
) -> None:
    _, preview = await import_file(emulator, server, "mods.toml", IMPORT_OK)
    assert preview.ephemeral and title(preview).startswith("Import preview")
    fields = {f["name"]: f["value"] for f in preview.embeds[0]["fields"]}
    assert fields["Added (2)"].splitlines() == [
        "• Who reviews AI tracks for the monthly beat battle?",
        "• Can I sell beats made with Udio in the marketplace channel?",
    ]
    assert not any(name.startswith(("Rejected", "Changed")) for name in fields)
    assert [b["label"] for b in preview.buttons()] == ["Confirm import", "Cancel"]
    # Nothing is live before the moderator confirms.
    assert await faq_entries.list_stored(fineprint.app.db, server.guild.id) == []

    confirmed = await emulator.click(server.alice, preview, label="Confirm import")
    assert confirmed.response_type == 6  # deferred: the preview itself becomes the result
    assert await confirmed.wait_update() is preview
    assert preview.buttons() == [] and title(preview) == "Import applied"
    assert "2 added · 0 changed · 0 unchanged" in preview.text()

    answer = await ask(emulator, server.bob, server.general, "who reviews ai tracks beat battle")
    assert title(answer) == "Who reviews AI tracks for the monthly beat battle?"


async def test_import_with_a_bad_row_shows_why_and_offers_no_confirm(
    emulator: DiscordEmulator, fineprint: RunningFinePrint, server: Server
) -> None:
    _, preview = await import_file(emulator, server, "typo.toml", IMPORT_BAD_ROW)
    fields = {f["name"]: f["value"] for f in preview.embeds[0]["fields"]}
    assert "unknown topic 'ai-trainnig'" in fields["Rejected (1)"]
    assert "A row with a typo in its topic" in fields["Rejected (1)"]
    assert preview.buttons() == []  # no Confirm: nothing can be applied
    assert await faq_entries.list_stored(fineprint.app.db, server.guild.id) == []


# --------------------------------------------------------------------------- 11. remove, restore


async def test_remove_asks_first_and_restore_brings_it_back(
    emulator: DiscordEmulator, fineprint: RunningFinePrint, server: Server
) -> None:
    entry_id = await add_entry(emulator, server)
    choices = await emulator.autocomplete(
        server.alice, server.general, "faqmod remove", focused="entry", entry="suno"
    )
    assert entry_id in [c["value"] for c in choices.choices]

    asked = await emulator.slash(server.alice, server.general, "faqmod remove", entry=entry_id)
    assert asked.ephemeral and title(asked.message) == f"Remove {entry_id}?"
    cancel = await emulator.click(server.alice, asked.message, label="Cancel")
    assert cancel.response_type == 7 and "Kept — nothing was removed." in asked.message.text()
    assert title(await ask(emulator, server.bob, server.general, SHOWCASE_ASKED)) == SHOWCASE_Q

    asked = await emulator.slash(server.alice, server.general, "faqmod remove", entry=entry_id)
    assert [b["label"] for b in asked.message.buttons()] == ["Remove", "Cancel"]
    removing = await emulator.click(server.alice, asked.message, label="Remove")
    assert title(await removing.wait_update()) == "Entry removed"
    assert f"/faqmod restore {entry_id}" in asked.message.text()
    assert title(await ask(emulator, server.bob, server.general, SHOWCASE_ASKED)) != SHOWCASE_Q

    restored = await emulator.slash(server.alice, server.general, "faqmod restore", entry=entry_id)
    assert title(restored.message) == "Entry restored"
    assert title(await ask(emulator, server.bob, server.general, SHOWCASE_ASKED)) == SHOWCASE_Q


# --------------------------------------------------------------------------- 12. conflicts


async def test_two_edits_of_the_same_entry_never_overwrite_silently(
    emulator: DiscordEmulator, fineprint: RunningFinePrint, server: Server
) -> None:
    carol = emulator.add_member(server.guild, "carol", roles=[server.mods])
    assert server.mods.permissions & MANAGE_GUILD
    entry_id = await add_entry(emulator, server)

    mine = await emulator.slash(server.alice, server.general, "faqmod edit", entry=entry_id)
    theirs = await emulator.slash(carol, server.general, "faqmod edit", entry=entry_id)
    for opened in (mine, theirs):
        assert opened.modal is not None and opened.modal["title"] == f"Edit {entry_id}"

    # Alice changes only the answer; the inputs she leaves alone keep their prefilled text.
    alice_answer = "Yes, tagged [AI] in the title, and only in the showcase thread."
    saved = await emulator.submit_modal(server.alice, None, mine, {"faq:answer": alice_answer})
    assert title(saved.message) == "Entry saved"
    assert saved.message.embeds[0]["footer"]["text"] == f"{entry_id} · version 2"

    carol_answer = "No, AI tracks go to #ai-corner now."
    clash = await emulator.submit_modal(carol, None, theirs, {"faq:answer": carol_answer})
    assert clash.ephemeral and title(clash.message) == "Someone else changed this entry"
    fields = {f["name"]: f["value"] for f in clash.message.embeds[0]["fields"]}
    assert "only in the showcase thread" in fields["Current answer"]
    assert "#ai-corner" in fields["Your answer"]
    labels = [b["label"] for b in clash.message.buttons()]
    assert labels == ["Edit the current version", "Start from my text"]

    # Nothing was overwritten: members still get Alice's answer.
    answer = await ask(emulator, server.bob, server.general, SHOWCASE_ASKED)
    assert "only in the showcase thread" in answer.text() and "ai-corner" not in answer.text()

    # Carol edits the current version knowingly: the form starts from Alice's text.
    reopened = await emulator.click(carol, clash.message, label="Edit the current version")
    assert reopened.modal is not None
    prefilled = {
        c["component"]["custom_id"]: c["component"].get("value")
        for c in reopened.modal["components"]
    }
    assert prefilled["faq:answer"] == alice_answer
    assert prefilled["faq:question"] == SHOWCASE_Q
    merged = alice_answer + " Untagged ones go to #ai-corner."
    resaved = await emulator.submit_modal(carol, None, reopened, {"faq:answer": merged})
    assert title(resaved.message) == "Entry saved"
    assert resaved.message.embeds[0]["footer"]["text"] == f"{entry_id} · version 3"


async def test_a_refused_form_is_offered_again_with_the_text_kept(
    emulator: DiscordEmulator, fineprint: RunningFinePrint, server: Server
) -> None:
    opened = await emulator.slash(server.alice, server.general, "faqmod add")
    typed = {"faq:question": SHOWCASE_Q, "faq:answer": SHOWCASE_A, "faq:tags": "myspace"}
    refused = await emulator.submit_modal(server.alice, None, opened, typed)
    assert title(refused.message) == "Please check the entry"
    assert "“myspace”" in refused.message.text()
    assert await faq_entries.list_stored(fineprint.app.db, server.guild.id) == []

    again = await emulator.click(server.alice, refused.message, label="Fix it (your text is kept)")
    assert again.modal is not None
    kept = {
        c["component"]["custom_id"]: c["component"].get("value") for c in again.modal["components"]
    }
    assert {k: kept[k] for k in typed} == typed
    fixed = await emulator.submit_modal(server.alice, None, again, {"faq:tags": "suno, ai-content"})
    assert title(fixed.message) == "Entry added"
    assert title(await ask(emulator, server.bob, server.general, SHOWCASE_ASKED)) == SHOWCASE_Q


# --------------------------------------------------------------------------- 13. autocomplete


async def test_moderator_autocompletes_show_a_plain_member_nothing(
    emulator: DiscordEmulator, fineprint: RunningFinePrint, server: Server
) -> None:
    """A removed entry's question is moderators' business: the autocompletes of the moderator
    subcommands run the same check as the commands (the probe saw /faq restore and /faq history
    leak removed questions to plain members)."""
    entry_id = await add_entry(emulator, server)
    asked = await emulator.slash(server.alice, server.general, "faqmod remove", entry=entry_id)
    removing = await emulator.click(server.alice, asked.message, label="Remove")
    assert title(await removing.wait_update()) == "Entry removed"
    for command in ("restore", "history", "edit", "remove", "hide"):
        seen = await emulator.autocomplete(  # as if a server admin let members see /faqmod
            server.bob,
            server.general,
            f"faqmod {command}",
            focused="entry",
            entry="",
            visibility_check=False,
        )
        assert seen.choices == [], command
    mod = await emulator.autocomplete(
        server.alice, server.general, "faqmod restore", focused="entry", entry="suno"
    )
    assert entry_id in [c["value"] for c in mod.choices]
    history = await emulator.autocomplete(
        server.alice, server.general, "faqmod history", focused="entry", entry=""
    )
    assert entry_id in [c["value"] for c in history.choices]
