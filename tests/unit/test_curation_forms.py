"""The curation core without storage: reading the modal, files, and replies that fit Discord."""

from __future__ import annotations

import tomllib

import pytest

from bot import curation, limits
from bot.app import App
from bot.curation import Curation, EntryForm, ImportPlan, ImportRow, Invalid, question_key
from bot.knowledge.loader import MAX_QUESTION
from bot.knowledge.model import FaqEntry
from bot.present import curation as present_curation
from bot.store.faq_audit import AuditRow
from bot.store.faq_entries import EntryContent, StoredEntry
from bot.store.suggestions import SuggestionRow
from tests.unit.test_render_limits import assert_within_limits

PING = "@everyone @here <@123> <@&456> <#789>"


@pytest.fixture
def cur(app: App) -> Curation:
    return Curation(app)


def F(question: str, answer: str = "A", tags: str = "ai-training", **kw: str) -> EntryForm:
    return EntryForm(question=question, answer=answer, tags=tags, **kw)


def no_raw_pings(text: str) -> bool:
    return not any(p in text for p in ("@everyone", "@here", "<@123>", "<@&456>", "<#789>"))


def card_text(reply) -> str:  # type: ignore[no-untyped-def]
    parts = []
    for card in reply.cards:
        parts += [card.title, card.description, card.footer or "", card.author or ""]
        parts += [f.name + "\n" + f.value for f in card.fields]
    return "\n".join([*parts, reply.content or ""])


# -- platforms and topics in one input -------------------------------------------------------
@pytest.mark.parametrize(
    ("typed", "platforms", "topics"),
    [
        ("soundcloud, opt-out", ("soundcloud",), ("opt-out",)),
        ("SC; AI training\nthird party", ("soundcloud",), ("ai-training", "third-party")),
        ("sound cloud opt out licence", ("soundcloud",), ("opt-out", "license")),
        ("soundclod, ai-content, ai-content", ("soundcloud",), ("ai-content",)),  # a typo
        ("general, history", (), ("history",)),
        ("", (), ()),
    ],
)
def test_tags_resolve_platforms_and_topics(
    cur: Curation, typed: str, platforms: tuple[str, ...], topics: tuple[str, ...]
) -> None:
    assert cur.resolve_tags(typed) == (platforms, topics, [])


def test_a_misspelt_topic_is_read_as_the_topic(cur: Curation) -> None:
    assert cur.resolve_tags("spotify, ai-trainnig, thrid party") == (
        ("spotify",),
        ("ai-training", "third-party"),
        [],
    )
    # a part that is neither is reported as typed, not cut into words
    assert cur.resolve_tags("flux capacitor")[2] == ["flux capacitor"]


def test_tags_name_what_was_not_understood(cur: Curation) -> None:
    _p, _t, unknown = cur.resolve_tags("soundcloud, bananas, opt-out, ミュージック")
    assert unknown == ["bananas", "ミュージック"]
    with pytest.raises(Invalid) as caught:
        cur.parse_form(F("Can I opt out here?", "Yes.", "bananas, opt-out"))
    assert "“bananas”" in caught.value.message and "ai-training" in caught.value.message


def test_form_is_validated_with_the_shipped_schema(cur: Curation) -> None:
    parsed = cur.parse_form(
        EntryForm(
            question="  Does   SoundCloud train AI on my uploads? ",
            phrasings="soundcloud ai training\n\nsoundcloud ai training\nsc entraîne l'IA ?",
            answer="Not without opt-in.\nSee the terms.",
            tags="sc, ai-training",
            links="<https://soundcloud.com/terms-of-use>\nhttps://example.org/a",
        )
    )
    content = parsed.content
    assert content.question == "Does SoundCloud train AI on my uploads?"
    assert content.phrasings == ("soundcloud ai training", "sc entraîne l'IA ?")
    assert content.answer == "Not without opt-in.\nSee the terms."
    assert content.links == ("https://soundcloud.com/terms-of-use", "https://example.org/a")
    assert parsed.notes == ()
    assert cur.parse_form(cur.form_for(content)).content == content  # the edit modal round-trips


def test_a_missing_topic_is_guessed_and_said(cur: Curation) -> None:
    parsed = cur.parse_form(F("Does SoundCloud train AI on my music?", "No.", ""))
    assert parsed.content.topics == ("ai-training",)
    assert parsed.notes and "from the question" in str(parsed.notes[0])
    with pytest.raises(Invalid, match="at least one topic"):
        cur.parse_form(F("Where is the rules channel?", "#rules", ""))


@pytest.mark.parametrize(
    ("form", "message"),
    [
        (F("Q about AI?", links="ftp://x.org"), r"not an http\(s\) URL"),
        (
            F("Q about AI?", links=" ".join(["https://x.org"] * 7)),
            "7 links",
        ),
        (
            F(
                "Q about AI?",
                phrasings="\n".join(f"way {n}" for n in range(curation.MAX_PHRASINGS + 1)),
            ),
            f"{curation.MAX_PHRASINGS + 1} phrasings",
        ),
        (F("Q about AI?", phrasings="x" * 201), "over 200"),
        (F("q" * 201), "the limit is 200"),
        (F("Q about AI?", "A\x00"), "cannot be stored"),
    ],
)
def test_form_problems_are_named(cur: Curation, form: EntryForm, message: str) -> None:
    with pytest.raises(Invalid, match=message):
        cur.parse_form(form)


def test_every_allowed_phrasing_fits_back_into_the_modal() -> None:
    worst = "\n".join(["p" * MAX_QUESTION] * curation.MAX_PHRASINGS)
    assert len(worst) <= limits.TEXT_INPUT_VALUE


def test_question_key_ignores_case_spacing_and_question_marks() -> None:
    assert question_key(" Does  Spotify train AI? ") == question_key("does spotify train ai")
    assert question_key("スポティファイはAIを学習しますか？") != question_key("ユーチューブ？")


# -- files -----------------------------------------------------------------------------------
def test_toml_export_escapes_everything_tomllib_reads_back() -> None:
    nasty = 'q " \\ \t \n \r \x01 \x7f \x85 \u2028 é 🎵 """ \'\'\''
    row = {"id": "guild-1", "question": nasty, "answer": nasty, "links": [nasty], "topics": []}
    text = curation.files.to_toml([row], 1, "2026-01-01T00:00:00+00:00")
    assert tomllib.loads(text)["faq"] == [row]


@pytest.mark.parametrize(
    ("name", "data", "count"),
    [
        ("a.json", b'[{"question": "q"}, {"question": "r"}]', 2),
        ("a.json", b'{"faq": [{"question": "q"}]}', 1),
        ("a.json", b'{"question": "q", "answer": "a"}', 1),
        ("a.toml", b'question = "q"\nanswer = "a"\n', 1),
        ("a.txt", b'[[faq]]\nquestion = "q"\n\n[[faq]]\nquestion = "r"\n', 2),  # sniffed
        ("a", b'\xef\xbb\xbf{"faq": []}', 0),  # BOM, no extension
    ],
)
def test_import_files_in_every_accepted_shape(name: str, data: bytes, count: int) -> None:
    parsed = curation.files.read_file(name, data)
    assert not isinstance(parsed, str), parsed
    assert len(parsed[0]) == count


def test_fit_lines_says_how_many_were_left_out() -> None:
    text, cut = curation.fit_lines([f"line {n}" for n in range(500)], 100)
    assert cut and len(text) <= 100 and text.endswith("more")
    assert curation.fit_lines(["a", "b"], 100) == ("a\nb", False)


# -- replies fit Discord and never ping ------------------------------------------------------
def stored(n: int, text: str = "x") -> StoredEntry:
    entry = FaqEntry(
        id=f"guild-{n}",
        question=(PING + " " + text * 300)[:200],
        answer=(PING + " " + text * 3000)[:1800],
        platforms=("soundcloud",),
        topics=("ai-training", "opt-out"),
        links=tuple(f"https://example.org/{'a' * 400}{i}" for i in range(6)),
        phrasings=tuple(("p" * 199) + str(i) for i in range(curation.MAX_PHRASINGS)),
        guild_id=1,
        version=3,
    )
    now = "2026-01-02T03:04:05+00:00"
    return StoredEntry(entry, 5, now, 6, now)


def test_entry_replies_fit_and_do_not_ping(app: App) -> None:
    big = stored(1)
    replies = [
        present_curation.saved_reply(
            curation.Saved(
                "add",
                big,
                notes=(curation.Note("curation.form.topic_guessed", {"topic": "note " * 100}),),
            ),
            app.kb.platforms,
        ),
        present_curation.confirm_remove_reply(big, app.kb.platforms),
        present_curation.list_reply(
            curation.EntryPage(
                [stored(n) for n in range(curation.LIST_PAGE_SIZE)], 0, 63, 500, 500, None
            ),
            app.kb.platforms,
        ),
        present_curation.conflict_reply(curation.Conflict.newer_version(big, big.content)),
    ]
    for reply in replies:
        fitted = reply.fit()
        assert_within_limits(fitted)
        assert reply.ephemeral
        assert no_raw_pings(card_text(fitted)), card_text(fitted)[:300]


def test_history_import_and_queue_replies_fit(app: App) -> None:
    before = {**stored(1).content.to_json(), "version": 1}
    after = {**EntryContent("New " + PING, "b" * 1800).to_json(), "version": 2}
    records = [
        AuditRow(n, 1, "guild-1", action, 7, "2026-01-02T03:04:05+00:00", before, after)
        for n, action in enumerate(["edit", "import", "approve", "remove", "restore", "hide"])
    ]
    history = present_curation.history_reply(
        curation.HistoryPage("guild-1", PING, records, 0, 9, 50)
    )
    plan = ImportPlan(1, PING + ".toml")
    for n in range(300):
        plan.rows.append(ImportRow(n + 1, n * 7 + 1, PING * 3, "reject", reason="bad " * 80))
        plan.rows.append(ImportRow(n + 1, None, PING, "add", EntryContent("q", "a")))
    preview = present_curation.import_preview_reply(plan)
    assert preview.file is not None and preview.file[0] == "import-preview.txt"
    assert b"REJECT    entry 300 (line 2094)" in preview.file[1]
    suggestion = SuggestionRow(
        9, 1, 33, 44, "**" + PING + "** [x](http://evil)", "y" * 1800, "pending", "2026-01-01"
    )
    queue = present_curation.queue_reply(curation.QueuePage(suggestion, 0, 100))
    for reply in (history, preview, queue):
        fitted = reply.fit()
        assert_within_limits(fitted)
        assert no_raw_pings(card_text(fitted)), card_text(fitted)[:300]
    assert r"\[x\]\(http://evil\)" in card_text(queue)


def test_empty_states_say_what_to_do(app: App) -> None:
    empty = present_curation.list_reply(curation.EntryPage([], 0, 1, 0, 0, None), app.kb.platforms)
    assert "No entries yet — add one with `/faqmod add`" in empty.cards[0].description
    none_here = present_curation.list_reply(
        curation.EntryPage([], 0, 1, 0, 4, "soundcloud"), app.kb.platforms
    )
    assert "No entries about SoundCloud" in none_here.cards[0].description
    assert "all 4" in none_here.cards[0].description
    queue = present_curation.queue_reply(curation.QueuePage(None, 0, 0))
    assert "/faq suggest" in queue.cards[0].description


def test_refusals_quote_typed_text_without_pings(cur: Curation) -> None:
    with pytest.raises(Invalid) as caught:
        cur.parse_form(F("Q about AI?", tags="@everyone, opt-out", links="<@123>"))
    assert no_raw_pings(caught.value.message), caught.value.message
