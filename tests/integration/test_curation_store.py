"""Moderator curation on a real database (SQLite, then PostgreSQL) with the real App and matcher.

Covers what moderators rely on: their entries answer at once and only in their server, win a tie
over a shipped entry, hide/remove/restore work and are audited, a concurrent edit is a conflict
(never an overwrite), limits hold, and an import is all-or-nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot import curation, present
from bot.app import App
from bot.config import Settings
from bot.curation import (
    Conflict,
    Curation,
    CurationError,
    EntryForm,
    Invalid,
    LimitReached,
    NotFound,
)
from bot.i18n.languages import load_languages
from bot.knowledge.model import FaqEntry, KnowledgeBase
from bot.present import curation as present_curation
from bot.store import faq_audit, faq_entries, suggestions
from bot.store.db import Database

GUILD, OTHER = 1001, 2002
MOD, MOD2, MEMBER = 11, 22, 33

SHIPPED = FaqEntry(
    id="label-ai-uploads",
    question="Do I have to label AI-generated music on SoundCloud?",
    answer="The shipped answer.",
    platforms=("soundcloud",),
    topics=("ai-content",),
    links=("https://soundcloud.com/terms-of-use",),
)
SHOWCASE = "Does this server allow AI-generated tracks in the showcase channel?"


def form(question: str = SHOWCASE, answer: str = "No, human-made only.", **kw: str) -> EntryForm:
    return EntryForm(question=question, answer=answer, tags=kw.pop("tags", "ai-content"), **kw)


async def make_app(settings: Settings, kb: KnowledgeBase) -> App:
    """A real App whose shipped FAQ also holds ``SHIPPED`` (the data/ checkout may have none)."""
    # The translations are checked against data/ as shipped: SHIPPED has none, and shows in
    # English in every language, as an entry added after a translation would.
    languages = load_languages(settings.data_dir, kb)
    kb = dataclasses.replace(kb, faq={**kb.faq, SHIPPED.id: SHIPPED})
    db = await Database(settings.database).connect()
    return App(settings, db, kb, languages=languages)


@pytest.fixture
async def gapp(settings: Settings, kb: KnowledgeBase) -> AsyncIterator[App]:
    app = await make_app(settings, kb)
    try:
        yield app
    finally:
        await app.db.close()


@pytest.fixture
def cur(gapp: App) -> Curation:
    return Curation(gapp)


async def answer_id(app: App, question: str, guild: int | None = GUILD) -> str | None:
    result = await app.ask(question, guild_id=guild)
    return result.answer.id if result.answer else None


async def generation(app: App, guild: int = GUILD) -> int:
    return await faq_entries.generation(app.db, guild)


# -- answering -------------------------------------------------------------------------------
async def test_added_entry_answers_at_once_and_only_in_its_guild(gapp: App, cur: Curation) -> None:
    assert await answer_id(gapp, SHOWCASE) is None
    saved = await cur.add(GUILD, MOD, form())
    assert saved.stored.entry.id.startswith("guild-")
    assert await answer_id(gapp, SHOWCASE) == saved.stored.entry.id
    assert await answer_id(gapp, SHOWCASE, OTHER) is None
    assert await answer_id(gapp, SHOWCASE, None) is None
    # the other guild cannot reach it by id either
    with pytest.raises(NotFound):
        await cur.find(OTHER, saved.stored.entry.id)
    reply = present.render(await gapp.item("faq", saved.stored.entry.id, guild_id=OTHER))
    assert reply.cards[0].title == "That answer is no longer available"


async def test_guild_entry_wins_a_tie_with_an_equally_good_shipped_entry(
    gapp: App, cur: Curation
) -> None:
    assert await answer_id(gapp, SHIPPED.question) == SHIPPED.id
    saved = await cur.add(
        GUILD, MOD, form(SHIPPED.question, "This server's rule.", tags="soundcloud, ai-content")
    )
    result = await gapp.ask(SHIPPED.question, guild_id=GUILD)
    assert result.answer is not None and result.answer.id == saved.stored.entry.id
    tied = [m for m in result.alternatives if m.id == SHIPPED.id]
    assert tied and tied[0].score <= result.answer.score  # equally good, guild entry first
    assert await answer_id(gapp, SHIPPED.question, OTHER) == SHIPPED.id


async def test_hide_and_unhide_a_shipped_entry_in_one_guild(gapp: App, cur: Curation) -> None:
    before = await generation(gapp)
    change = await cur.hide(GUILD, MOD, SHIPPED.id)
    assert change.entry.id == SHIPPED.id
    assert await generation(gapp) == before + 1
    assert await answer_id(gapp, SHIPPED.question) != SHIPPED.id
    result = await gapp.ask(SHIPPED.question, guild_id=GUILD)
    assert SHIPPED.id not in {m.id for m in result.alternatives}
    assert await answer_id(gapp, SHIPPED.question, OTHER) == SHIPPED.id  # others unaffected
    with pytest.raises(CurationError, match="already hidden"):
        await cur.hide(GUILD, MOD, SHIPPED.question)  # by question works too
    assert await cur.global_choices(GUILD, "label", hidden=True) == [
        (f"{SHIPPED.id} · {SHIPPED.question}", SHIPPED.id)
    ]
    await cur.unhide(GUILD, MOD2, SHIPPED.id)
    assert await answer_id(gapp, SHIPPED.question) == SHIPPED.id
    with pytest.raises(CurationError, match="not hidden"):
        await cur.unhide(GUILD, MOD, SHIPPED.id)
    trail = await faq_audit.audit_trail(gapp.db, GUILD, SHIPPED.id)
    assert [(r.action, r.actor_id) for r in trail] == [("unhide", MOD2), ("hide", MOD)]


async def test_hiding_a_guild_entry_points_to_remove(gapp: App, cur: Curation) -> None:
    saved = await cur.add(GUILD, MOD, form())
    with pytest.raises(CurationError, match="/faqmod remove"):
        await cur.hide(GUILD, MOD, saved.stored.entry.id)


async def test_remove_and_restore(gapp: App, cur: Curation) -> None:
    ref = (await cur.add(GUILD, MOD, form())).stored.entry.id
    gen = await generation(gapp)
    removed = await cur.remove(GUILD, MOD2, ref, expected_version=1)
    assert removed.stored.deleted and removed.stored.deleted_by == MOD2
    assert await generation(gapp) == gen + 1
    assert await answer_id(gapp, SHOWCASE) is None
    assert await cur.entry_choices(GUILD, "") == []
    assert [v for _l, v in await cur.entry_choices(GUILD, "show", deleted=True)] == [ref]
    with pytest.raises(NotFound, match="restore"):
        await cur.find(GUILD, ref)
    with pytest.raises(NotFound, match="was removed by <@22>"):
        await cur.remove(GUILD, MOD, ref)
    restored = await cur.restore(GUILD, MOD, SHOWCASE)  # by question
    assert not restored.stored.deleted and restored.stored.entry.version == 3
    assert await answer_id(gapp, SHOWCASE) == ref
    with pytest.raises(CurationError):
        await cur.restore(GUILD, MOD, ref)


async def test_remove_confirmation_of_an_outdated_version_is_a_conflict(
    gapp: App, cur: Curation
) -> None:
    ref = (await cur.add(GUILD, MOD, form())).stored.entry.id
    await cur.edit(GUILD, MOD2, ref, form(answer="Edited meanwhile."), expected_version=1)
    with pytest.raises(Conflict) as caught:
        await cur.remove(GUILD, MOD, ref, expected_version=1)
    assert caught.value.current is not None
    assert caught.value.current.entry.answer == "Edited meanwhile."
    assert await answer_id(gapp, SHOWCASE) == ref  # still there


# -- editing and conflicts -------------------------------------------------------------------
async def test_second_save_on_the_same_version_is_a_conflict_not_an_overwrite(
    gapp: App, cur: Curation
) -> None:
    ref = (await cur.add(GUILD, MOD, form())).stored.entry.id
    first = await cur.edit(GUILD, MOD, ref, form(answer="First moderator."), expected_version=1)
    assert first.stored.entry.version == 2
    with pytest.raises(Conflict) as caught:
        await cur.edit(GUILD, MOD2, ref, form(answer="Second moderator."), expected_version=1)
    exc = caught.value
    assert exc.current is not None and exc.current.entry.answer == "First moderator."
    assert exc.mine is not None and exc.mine.answer == "Second moderator."
    assert f"<@{MOD}>" in exc.message and "Nothing was overwritten" in exc.message
    reply = present_curation.conflict_reply(exc)
    shown = " ".join(f.value for f in reply.cards[0].fields)
    assert "First moderator." in shown and "Second moderator." in shown
    stored = await cur.find(GUILD, ref)
    assert stored.entry.answer == "First moderator." and stored.entry.version == 2
    # saving again from the current version works
    again = await cur.edit(GUILD, MOD2, ref, form(answer="Second moderator."), expected_version=2)
    assert again.stored.entry.version == 3


async def test_edit_of_a_removed_entry_is_refused(gapp: App, cur: Curation) -> None:
    ref = (await cur.add(GUILD, MOD, form())).stored.entry.id
    await cur.remove(GUILD, MOD2, ref)
    with pytest.raises(Conflict, match="removed"):
        await cur.edit(GUILD, MOD, ref, form(answer="x" * 20), expected_version=1)


async def test_unchanged_edit_writes_nothing(gapp: App, cur: Curation) -> None:
    ref = (await cur.add(GUILD, MOD, form())).stored.entry.id
    gen = await generation(gapp)
    saved = await cur.edit(GUILD, MOD2, ref, form(), expected_version=1)
    assert not saved.changed and saved.stored.entry.version == 1
    assert await generation(gapp) == gen
    assert await faq_audit.audit_count(gapp.db, GUILD, ref) == 1


async def test_duplicate_questions_are_refused(gapp: App, cur: Curation) -> None:
    ref = (await cur.add(GUILD, MOD, form())).stored.entry.id
    with pytest.raises(CurationError, match=ref):
        await cur.add(GUILD, MOD, form(SHOWCASE.upper() + "  "))
    other = (await cur.add(GUILD, MOD, form("Can I sell AI covers here?"))).stored.entry.id
    with pytest.raises(CurationError, match="already asks"):
        await cur.edit(GUILD, MOD, other, form(SHOWCASE), expected_version=1)
    # the same question in another guild is fine
    await cur.add(OTHER, MOD, form())


@pytest.mark.parametrize(
    "lookalike",
    [
        SHOWCASE.replace("o", "\u043e", 1),  # a Cyrillic "о"
        SHOWCASE.replace("AI", "\u0410\u0399"),  # Cyrillic А, Greek Ι
        SHOWCASE.replace("server", "ser\u200bver"),  # a zero-width space
        "\u202e" + SHOWCASE,  # a right-to-left override
        SHOWCASE.replace(" ", " \u2066\u200d", 3),  # bidi isolate + zero-width joiner
        SHOWCASE.replace("tracks", "\uff54racks"),  # fullwidth t (NFKC)
    ],
)
async def test_lookalike_questions_are_refused_as_duplicates(
    gapp: App, cur: Curation, lookalike: str
) -> None:
    ref = (await cur.add(GUILD, MOD, form())).stored.entry.id
    assert lookalike != SHOWCASE
    with pytest.raises(CurationError, match=f"{ref} already asks"):
        await cur.add(GUILD, MOD, form(lookalike))
    # and an import row with it updates the entry instead of adding a twin
    data = json.dumps([{"question": lookalike, "answer": "Changed.", "topics": ["ai-content"]}])
    plan = await cur.plan_import(GUILD, "rows.json", data.encode())
    assert not plan.added and [r.target.entry.id for r in plan.changed] == [ref]


def stall_until_together(monkeypatch: pytest.MonkeyPatch, module: Any, name: str, n: int) -> None:
    """Make ``module.name`` (a read a check relies on) wait, after reading, until ``n`` callers
    have read (or 0.3 s passed): without a lock, concurrent writers all pass the check."""
    real = getattr(module, name)
    arrived: list[int] = []
    together = asyncio.Event()

    async def stalled(*args: Any, **kwargs: Any) -> Any:
        result = await real(*args, **kwargs)
        arrived.append(1)
        if len(arrived) >= n:
            together.set()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(together.wait(), 0.3)
        return result

    monkeypatch.setattr(module, name, stalled)


async def test_moderators_adding_one_question_at_once_store_it_once(
    gapp: App, cur: Curation, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On PostgreSQL transactions run side by side: the duplicate check must hold anyway."""
    stall_until_together(monkeypatch, faq_entries, "list_stored", 2)
    results = await asyncio.gather(
        cur.add(GUILD, MOD, form()), cur.add(GUILD, MOD2, form()), return_exceptions=True
    )
    refused = [r for r in results if isinstance(r, BaseException)]
    assert len(refused) == 1 and isinstance(refused[0], CurationError), results
    assert len(await faq_entries.list_entries(gapp.db, GUILD)) == 1


async def test_audit_trail_records_who_what_when_before_and_after(gapp: App, cur: Curation) -> None:
    ref = (await cur.add(GUILD, MOD, form(links="https://example.org/rules"))).stored.entry.id
    await cur.edit(
        GUILD,
        MOD2,
        ref,
        form(answer="Only with a label.", tags="soundcloud, ai-content"),
        expected_version=1,
    )
    await cur.remove(GUILD, MOD, ref)
    await cur.restore(GUILD, MOD2, ref)
    trail = await faq_audit.audit_trail(gapp.db, GUILD, ref)
    assert [(r.action, r.actor_id) for r in reversed(trail)] == [
        ("add", MOD),
        ("edit", MOD2),
        ("remove", MOD),
        ("restore", MOD2),
    ]
    add, edit = trail[3], trail[2]
    assert add.before is None and add.after is not None
    assert add.after["answer"] == "No, human-made only." and add.after["version"] == 1
    assert add.after["links"] == ["https://example.org/rules"]
    assert edit.before == add.after
    assert edit.after is not None and edit.after["answer"] == "Only with a label."
    assert edit.after["platforms"] == ["soundcloud"] and edit.after["version"] == 2
    assert trail[1].before is not None and trail[1].after is None  # remove
    datetime.fromisoformat(edit.at)  # a real timestamp
    # rendered history: newest first, before -> after, no pings
    page = await cur.history(GUILD, ref)
    assert page.total == 4 and page.records[0].action == "restore"
    text = present_curation.describe(edit)
    assert "**answer:**" in text and "→" in text and "Only with a label." in text
    assert "**platforms:** — → soundcloud" in text
    assert (await cur.history_choices(GUILD, ""))[0][0].startswith(ref)


async def test_every_write_bumps_the_generation(gapp: App, cur: Curation) -> None:
    seen = [await generation(gapp)]

    async def step() -> None:
        seen.append(await generation(gapp))
        assert seen[-1] > seen[-2]

    ref = (await cur.add(GUILD, MOD, form())).stored.entry.id
    await step()
    await cur.edit(GUILD, MOD, ref, form(answer="Changed."), expected_version=1)
    await step()
    await cur.remove(GUILD, MOD, ref)
    await step()
    await cur.restore(GUILD, MOD, ref)
    await step()
    await cur.hide(GUILD, MOD, SHIPPED.id)
    await step()
    await cur.unhide(GUILD, MOD, SHIPPED.id)
    await step()


async def test_a_second_app_on_the_same_file_sees_changes_without_restart(
    gapp: App, cur: Curation, settings: Settings, kb: KnowledgeBase
) -> None:
    other = await make_app(settings, kb)  # think: the bot, while `gapp` is the CLI
    try:
        assert await answer_id(other, SHOWCASE) is None  # caches the guild's view
        ref = (await cur.add(GUILD, MOD, form())).stored.entry.id
        assert await answer_id(other, SHOWCASE) == ref
        await cur.edit(GUILD, MOD, ref, form(answer="Edited elsewhere."), expected_version=1)
        reply = present.answer(await other.answer(SHOWCASE, guild_id=GUILD))
        assert "Edited elsewhere." in reply.cards[0].description
        await cur.hide(GUILD, MOD, SHIPPED.id)
        assert await answer_id(other, SHIPPED.question) != SHIPPED.id
        await cur.remove(GUILD, MOD, ref)
        assert await answer_id(other, SHOWCASE) is None
    finally:
        await other.db.close()


# -- limits ----------------------------------------------------------------------------------
def bulk_toml(n: int, start: int = 0) -> bytes:
    rows = [
        f'[[faq]]\nquestion = "Server rule number {i} about AI music?"\n'
        f'answer = "Rule {i}."\ntopics = ["ai-content"]\n'
        for i in range(start, start + n)
    ]
    return "\n".join(rows).encode()


async def test_entry_cap(gapp: App, cur: Curation) -> None:
    plan = await cur.plan_import(GUILD, "bulk.toml", bulk_toml(curation.ENTRY_CAP))
    assert plan.can_apply, present_curation.import_report_lines(plan)[:5]
    await cur.apply_import(GUILD, MOD, plan)
    assert await faq_entries.count_live(gapp.db, GUILD) == curation.ENTRY_CAP
    with pytest.raises(LimitReached, match="limit is 500"):
        await cur.add(GUILD, MOD, form())
    more = await cur.plan_import(GUILD, "more.toml", bulk_toml(1, start=10_000))
    assert not more.can_apply and "limit is 500" in more.problems[0]
    # removing one makes room; restoring it would exceed the cap again
    await cur.remove(GUILD, MOD, "guild-1")
    await cur.add(GUILD, MOD, form())
    with pytest.raises(LimitReached):
        await cur.restore(GUILD, MOD, "guild-1")
    assert await faq_entries.count_live(gapp.db, OTHER) == 0


async def test_suggestion_rate_limit_per_member(gapp: App) -> None:
    now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    cur = Curation(gapp, clock=lambda: now)
    for n in range(curation.SUGGESTION_RATE):
        await cur.suggest(GUILD, MEMBER, 5, f"Does Spotify train AI on my song number {n}?")
    with pytest.raises(LimitReached, match="about 60 minute"):
        await cur.suggest(GUILD, MEMBER, 5, "Does YouTube train AI on my videos?")
    await cur.suggest(GUILD, MEMBER + 1, 5, "Does YouTube train AI on my videos?")  # others may
    await cur.suggest(OTHER, MEMBER, 5, "Does YouTube train AI on my videos?")  # elsewhere too
    now += timedelta(minutes=61)
    await cur.suggest(GUILD, MEMBER, 5, "Does Deezer train AI on my tracks?")


async def test_suggestion_rate_limit_holds_for_suggestions_sent_at_once(
    gapp: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    cur = Curation(gapp)
    sent = curation.SUGGESTION_RATE + 1
    stall_until_together(monkeypatch, suggestions, "member_suggestions_since", sent)
    asked = [f"Does Spotify train AI on my song number {n}?" for n in range(sent)]
    results = await asyncio.gather(
        *(cur.suggest(GUILD, MEMBER, 5, q) for q in asked), return_exceptions=True
    )
    assert [type(r) for r in results].count(LimitReached) == 1, results
    assert await suggestions.pending_count(gapp.db, GUILD) == curation.SUGGESTION_RATE


async def test_suggestion_queue_cap_and_duplicates(gapp: App, cur: Curation) -> None:
    with pytest.raises(Invalid):
        await cur.suggest(GUILD, MEMBER, 5, "ai?")
    await cur.suggest(GUILD, MEMBER, 5, "Can I opt out of AI training on TikTok?")
    with pytest.raises(CurationError, match="already waiting"):
        await cur.suggest(GUILD, MEMBER + 1, 5, "can i opt out of ai training on tiktok")
    for n in range(1, curation.PENDING_CAP):
        await cur.suggest(GUILD, 1000 + n, 5, f"Question number {n} about AI terms?")
    with pytest.raises(LimitReached, match="already have 100"):
        await cur.suggest(GUILD, 99, 5, "One question too many about AI?")
    assert (await cur.queue_page(GUILD, 0)).total == curation.PENDING_CAP


async def test_approve_and_reject_suggestions(gapp: App, cur: Curation) -> None:
    question = "Is **@everyone** allowed to [post](http://evil.example) AI covers?"
    first = await cur.suggest(GUILD, MEMBER, 77, question, "Maybe <@&5>")
    second = await cur.suggest(GUILD, MEMBER, 77, "Can the server sell AI-made sample packs?")
    page = await cur.queue_page(GUILD)
    assert page.total == 2 and page.item is not None and page.item.id == first.id
    shown = present_curation.queue_reply(page).cards[0].fields[0].value
    assert "@everyone" not in shown and r"\*\*" in shown and r"\[post\]" in shown

    prefill = await cur.suggestion_form(GUILD, first.id)
    assert prefill.question == question and prefill.answer == "Maybe <@&5>"
    approval = await cur.approve(
        GUILD,
        MOD,
        first.id,
        form("Can I post AI covers in this server?", "Yes, in #ai-covers."),
        guild_name="Beat Makers",
    )
    ref = approval.saved.stored.entry.id
    assert await answer_id(gapp, "Can I post AI covers in this server?") == ref
    told = present_curation.member_messages(approval.notice)
    assert approval.notice.member_id == MEMBER and told.channel is None
    assert "@everyone" not in told.dm and "Beat Makers" in told.dm
    trail = await faq_audit.audit_trail(gapp.db, GUILD, ref)
    assert trail[0].action == "approve" and trail[0].before is not None
    assert trail[0].before["suggestion"] == first.id and trail[0].before["member_id"] == MEMBER
    with pytest.raises(NotFound, match="already approved"):
        await cur.approve(GUILD, MOD2, first.id, form("Another one?"))

    notice = await cur.reject(GUILD, MOD2, second.id, "Covered by /faq ask @here", guild_name="X")
    declined = present_curation.member_messages(notice)
    assert notice.member_id == MEMBER and notice.channel_id == 77
    assert declined.channel is not None and declined.channel.startswith(f"<@{MEMBER}> ")
    assert declined.channel.count("<@") == 1  # mentions only the member
    assert "@here" not in declined.dm and "decided not to add it" in declined.dm
    row = await suggestions.get_suggestion(gapp.db, GUILD, second.id)
    assert row is not None and row.status == "rejected" and row.reviewed_by == MOD2
    rejected = await faq_audit.audit_trail(gapp.db, GUILD, f"suggestion-{second.id}")
    assert rejected[0].action == "reject" and rejected[0].after == {
        "status": "rejected",
        "reason": "Covered by /faq ask @here",
    }
    assert (await cur.queue_page(GUILD)).item is None
    with pytest.raises(NotFound):
        await cur.reject(OTHER, MOD, second.id)  # another guild's suggestion does not exist


# -- import and export -----------------------------------------------------------------------
GOOD_ROW = """
[[faq]]
question = "Can I upload Udio songs to this server's radio?"
answer = "Yes, tag them #ai."
topics = ["ai-content"]
"""
BAD_ROW = """
[[faq]]
question = "A row with a typo in its topic"
answer = "..."
topics = ["ai-trainnig"]
"""
OTHER_ROW = """
[[faq]]
question = "Who do I ask about AI rules here?"
answer = "The moderators."
topics = ["ai-training"]
links = ["https://example.org/rules"]
"""


async def test_import_with_a_bad_row_in_the_middle_applies_nothing(
    gapp: App, cur: Curation
) -> None:
    gen = await generation(gapp)
    data = (GOOD_ROW + BAD_ROW + OTHER_ROW).encode()
    plan = await cur.plan_import(GUILD, "mods.toml", data)
    assert [r.kind for r in plan.rows] == ["add", "reject", "add"]
    bad = plan.rejected[0]
    assert bad.number == 2 and bad.line == 7  # its [[faq]] header
    assert "unknown topic 'ai-trainnig'" in (bad.reason or "") and "line 10" in (bad.reason or "")
    assert not plan.can_apply
    with pytest.raises(Invalid, match="entry 2"):
        await cur.apply_import(GUILD, MOD, plan)
    assert await faq_entries.count_live(gapp.db, GUILD) == 0
    assert await generation(gapp) == gen
    assert await faq_audit.audited_refs(gapp.db, GUILD) == []
    reply = present_curation.import_preview_reply(plan)
    assert "Nothing was imported" in reply.cards[0].description


async def test_import_is_rolled_back_if_an_entry_changed_since_the_preview(
    gapp: App, cur: Curation
) -> None:
    ref = (await cur.add(GUILD, MOD, form())).stored.entry.id
    data = (
        GOOD_ROW + f'\n[[faq]]\nid = "{ref}"\nquestion = "{SHOWCASE}"\n'
        'answer = "From the file."\ntopics = ["ai-content"]\n'
    ).encode()
    plan = await cur.plan_import(GUILD, "mods.toml", data)
    assert [r.kind for r in plan.rows] == ["add", "change"] and plan.can_apply
    await cur.edit(GUILD, MOD2, ref, form(answer="Edited after the preview."), expected_version=1)
    with pytest.raises(Conflict, match="changed since the preview"):
        await cur.apply_import(GUILD, MOD, plan)
    entries = await faq_entries.list_stored(gapp.db, GUILD)
    assert [s.entry.answer for s in entries] == ["Edited after the preview."]  # the add rolled back
    assert [r.action for r in await faq_audit.audit_trail(gapp.db, GUILD, ref)] == ["edit", "add"]


async def test_import_maps_rows_by_id_then_by_question(gapp: App, cur: Curation) -> None:
    a = (await cur.add(GUILD, MOD, form("First question about AI here?"))).stored.entry.id
    b = (await cur.add(GUILD, MOD, form("Second question about AI here?"))).stored.entry.id
    gone = (await cur.add(GUILD, MOD, form("Removed question about AI?"))).stored.entry.id
    await cur.remove(GUILD, MOD, gone)
    foreign = (await cur.add(OTHER, MOD, form("Foreign question about AI?"))).stored.entry.id
    rows = [
        {
            "id": a,
            "question": "First question about AI here?",
            "answer": "New A",
            "topics": ["ai-content"],
        },
        {"question": "second QUESTION about ai here", "answer": "New B", "topics": ["ai-content"]},
        {
            "id": gone,
            "question": "Removed question about AI?",
            "answer": "x",
            "topics": ["ai-content"],
        },
        {
            "id": foreign,
            "question": "Foreign question about AI?",
            "answer": "F",
            "topics": ["ai-content"],
        },
        {
            "id": b,
            "question": "Second question about AI here?",
            "answer": "B again",
            "topics": ["ai-content"],
        },
        {
            "id": a,
            "question": "Second question about AI here?",
            "answer": "clash",
            "topics": ["ai-content"],
        },
        {
            "question": "A shipped-style entry with languages?",
            "answer": "Yes.",
            "topics": ["license"],
            "platforms": ["soundcloud"],
            "links": ["https://soundcloud.com/terms-of-use"],
            "verified": "2025-01-01",
            "phrasings": {"en": ["shipped style"], "fr": ["style livré"]},
        },
    ]
    plan = await cur.plan_import(GUILD, "rows.json", json.dumps(rows).encode())
    kinds = [(r.kind, r.target.entry.id if r.target else None) for r in plan.rows]
    assert kinds == [
        ("change", a),
        ("change", b),  # matched by question, ignoring case and "?"
        ("reject", None),  # a removed entry of this server
        ("add", None),  # another server's id: just a new entry here
        ("reject", None),  # b is already updated by row 2
        ("reject", None),  # a's question would duplicate b's
        ("add", None),
    ]
    assert "restore" in (plan.rows[2].reason or "")
    assert "entry 2 also updates" in (plan.rows[4].reason or "")
    assert f"{b} already has this question" in (plan.rows[5].reason or "")
    assert plan.rows[0].changed_fields == ("answer",)
    assert plan.rows[6].content is not None
    assert plan.rows[6].content.phrasings == ("shipped style", "style livré")


async def test_export_then_import_round_trips_unchanged(gapp: App, cur: Curation) -> None:
    tricky = 'Quotes " and \\ backslashes,\ttabs,\nnew lines, émojis 🎵, DEL \x7f and \u2028.'
    await cur.add(GUILD, MOD, form(answer=tricky, phrasings="one way\nanother way"))
    await cur.add(GUILD, MOD, form("Second?", "Plain.", tags="soundcloud, opt-out, third party"))
    for fmt in ("toml", "json"):
        export = await cur.export(GUILD, fmt)
        assert export.count == 2 and export.filename == f"faq-{GUILD}.{fmt}"
        plan = await cur.plan_import(GUILD, export.filename, export.data)
        assert [r.kind for r in plan.rows] == ["unchanged", "unchanged"], (
            present_curation.import_report_lines(plan)
        )
        assert not plan.can_apply
        # into another server, the same file adds copies
        elsewhere = await cur.plan_import(OTHER + 1, export.filename, export.data)
        assert [r.kind for r in elsewhere.rows] == ["add", "add"]
    with pytest.raises(NotFound, match="Nothing to export"):
        await cur.export(OTHER + 5)


async def test_import_file_problems_are_named(gapp: App, cur: Curation) -> None:
    cases = {
        b"\xff\xfe not utf-8": "not UTF-8",
        b"[[faq]\nquestion = ": "not valid TOML",
        b'{"faq": 3}': "list of entries",
        b"[platform]\nid = 'x'\n": "Unknown table",
        b"": "no entries",
        b"x" * (curation.IMPORT_MAX_BYTES + 1): "limit is 1 MB",
    }
    for data, message in cases.items():
        plan = await cur.plan_import(GUILD, "file.txt", data)
        assert plan.problems and message in plan.problems[0], (data[:20], plan.problems)
        assert not plan.can_apply
    plan = await cur.plan_import(
        GUILD,
        "one.json",
        b'{"question": "Top-level entry about AI?",'
        b' "answer": "ok", "topics": ["ai-training"], "colour": 1}',
    )
    assert plan.rows[0].kind == "reject" and "unknown key 'colour'" in (plan.rows[0].reason or "")


async def test_import_cannot_create_a_duplicate_question_by_renaming(
    gapp: App, cur: Curation
) -> None:
    a = (await cur.add(GUILD, MOD, form("Old question about AI here?"))).stored.entry.id
    rows = [
        {"id": a, "question": "New question about AI here?", "answer": "A", "topics": ["license"]},
        {"question": "New question about AI here?", "answer": "B", "topics": ["license"]},
    ]
    plan = await cur.plan_import(GUILD, "rows.json", json.dumps(rows).encode())
    assert [r.kind for r in plan.rows] == ["change", "reject"]
    assert plan.rows[1].reason == "same question as entry 1"


# --------------------------------------------------------------------------- other languages


async def test_an_entry_answers_each_member_in_their_language(gapp: App, cur: Curation) -> None:
    from bot import present

    saved = await cur.add(GUILD, MOD, form())
    ref, version = saved.stored.entry.id, saved.stored.entry.version
    fr = "Non, uniquement de la musique faite par des humains."
    saved = await cur.edit_answer(GUILD, MOD, ref, "fr", fr, expected_version=version)
    assert saved.stored.entry.answers == (("fr", fr),)

    async def answered(locale: str) -> str:
        view = await gapp.answer(SHOWCASE, guild_id=GUILD)
        return present.answer(view, gapp.languages.texts(locale)).cards[0].description

    assert await answered("fr") == fr
    assert await answered("de") == "No, human-made only."  # no German answer: the main one
    # editing the main answer keeps the French one; the file round-trips it
    saved = await cur.edit(
        GUILD,
        MOD,
        ref,
        form(answer="No: human-made only."),
        expected_version=saved.stored.entry.version,
    )
    assert saved.stored.entry.answers == (("fr", fr),)
    export = await cur.export(GUILD, "toml")
    assert 'answers = { fr = "Non, uniquement' in export.data.decode()
    text = export.data.decode().replace("uniquement de la musique", "seulement de la musique")
    text = text.replace("answers = { fr", 'answers = { de = "Nein, nur von Menschen.", fr')
    plan = await cur.plan_import(GUILD, "faq.toml", text.encode())
    assert [r.changed_fields for r in plan.changed] == [("answers",)]
    await cur.apply_import(GUILD, MOD, plan)
    assert await answered("de") == "Nein, nur von Menschen."
    # an empty answer drops that language; a language Fine Print does not speak is refused
    stored = await cur.find(GUILD, ref)
    await cur.edit_answer(GUILD, MOD, ref, "de", " ", expected_version=stored.entry.version)
    assert await answered("de") == "No: human-made only."
    bad = text.replace("answers = { de", 'answers = { ja = "いいえ", de')
    plan = await cur.plan_import(GUILD, "faq.toml", bad.encode())
    assert plan.rejected and "'ja' is not one of" in (plan.rejected[0].reason or "")
