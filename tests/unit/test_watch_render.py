"""Rendering alerts: the readable layout (headline, diff block, "What Fine Print said", links),
escaped, mention-free unless a role was chosen, within Discord's limits whatever the input."""

from __future__ import annotations

import itertools

import pytest

from bot import limits
from bot.alerts.model import (
    ACTORS,
    DIRECTIONS,
    ID_LENGTH,
    PASSAGE_TOPICS,
    STANCES,
    Alert,
    AlertLinks,
    Notice,
    PassageVerdict,
    TouchedClause,
    delivery_nonce,
)
from bot.present.alerts import render_alert, render_notice, with_marker
from bot.present.diffblock import LINE_CHARS
from bot.present.headline import PREFIX, headline, template_key
from bot.present.strings import STRINGS
from bot.present.texts import Texts

DIFF_URL = (
    "https://github.com/OpenTermsArchive/contrib-versions/commit/"
    "139bd415eae127aa725b7f2768d5309159eb7195#diff-7ddf606e"
)
PAGE_URL = "https://soundcloud.com/terms-of-use"
AI_ADDED = "We may use your Content to train AI models."
AI_REMOVED = "We will not use your content to train generative AI models."


def alert(**kw) -> Alert:
    base = dict(
        id="a1",
        source="sc-terms",
        platform="soundcloud",
        kind="terms-change",
        title="SoundCloud changed its Terms of Use: AI-relevant wording",
        url=PAGE_URL,
        relevance=0.91,
        ai_relevant=True,
        added=(AI_ADDED,),
        removed=(AI_REMOVED,),
        detected_at="2026-08-17T12:54:25.000+00:00",
        document="Terms of Use",
        platform_name="SoundCloud",
        why=("train", "ai", "content"),
    )
    base.update(kw)
    return Alert(**base)


def verdict(
    text: str,
    direction: str = "added",
    *,
    score: float = 0.9,
    topic: str | None = "ai-training",
    actor: str | None = "platform",
    stance: str | None = "permits",
    before: str | None = None,
    whose: str | None = "content",
) -> PassageVerdict:
    ai = topic is not None
    return PassageVerdict(
        direction=direction,  # type: ignore[arg-type]
        text=text,
        ai_relevant=ai,
        score=score if ai else 0.01,
        before=before,
        topic=topic,
        actor=actor if ai else None,  # type: ignore[arg-type]
        stance=stance if ai else None,  # type: ignore[arg-type]
        whose=whose if ai else None,  # type: ignore[arg-type]
    )


def quiet(text: str, direction: str = "added", before: str | None = None) -> PassageVerdict:
    return verdict(text, direction, topic=None, before=before)


def change(*passages: PassageVerdict, edits: int | None = None, **kw) -> Alert:
    return alert(passages=passages, edits=len(passages) if edits is None else edits, **kw)


def block_of(description: str) -> list[str]:
    """The lines inside the ```diff block of a description."""
    start = description.index("```diff\n") + len("```diff\n")
    end = description.index("\n```", start)
    return description[start:end].split("\n")


def assert_within_limits(card) -> None:
    assert len(card.title) <= limits.EMBED_TITLE
    assert len(card.description) <= limits.EMBED_DESCRIPTION
    assert len(card.fields) <= limits.EMBED_FIELDS
    assert all(len(f.name) <= limits.EMBED_FIELD_NAME for f in card.fields)
    assert all(len(f.value) <= limits.EMBED_FIELD_VALUE for f in card.fields)
    assert len(card.footer or "") <= limits.EMBED_FOOTER
    assert card.total_length() <= limits.EMBED_TOTAL


# --------------------------------------------------------------------------- the JSON line


def test_json_line_shape_is_exactly_the_design():
    data = change(
        verdict(AI_ADDED),
        links=AlertLinks(diff=DIFF_URL, page=PAGE_URL),
        clauses=(TouchedClause("sc-1", "A clause", "removed"),),
    ).to_json()
    assert list(data) == [
        "id", "source", "platform", "kind", "title", "url", "relevance", "ai_relevant", "added",
        "removed", "detected_at",
    ]  # fmt: skip
    assert data["added"] == [AI_ADDED]


# --------------------------------------------------------------------------- headline


def test_the_highest_scoring_ai_sentence_leads_and_ai_sentences_come_first():
    # X's October 2024 privacy change, in miniature: the AI sentences came 9th and 10th.
    reply = render_alert(
        change(
            quiet("Before you scroll, read this."),
            quiet("We updated the section on cookies."),
            verdict(
                "We may share your information with third-party collaborators to train AI models.",
                score=0.81,
                topic="third-party",
                actor="third-parties",
                whose="data",
            ),
            verdict(
                "We may use the information we collect to train our machine learning models.",
                score=0.97,
                whose="data",
            ),
            edits=14,
            platform="x",
            platform_name="X",
            document="Privacy Policy",
        )
    )
    card = reply.cards[0]
    assert card.title == "X now allows AI training on your data"
    lines = block_of(card.description)
    assert lines == [
        "+ We may use the information we collect to train our machine learning models.",
        "+ We may share your information with third-party collaborators to train AI models.",
    ]
    assert "Before you scroll" not in card.description
    assert card.description.endswith("\n…and 12 other edits.")
    assert card.description.startswith("**X · Privacy Policy**\n```diff\n")
    assert card.timestamp is not None and "17 August 2026, 12:54 UTC" in (card.footer or "")
    assert reply.content is None and reply.mention_role_id is None


HEADLINES = [
    # (topic, actor, direction, stance, whose) -> the English headline for "X"
    (("third-party", "third-parties", "added", "permits", "data"),
     "X now lets third parties train AI on your data"),
    (("ai-training", "platform", "added", "permits", "content"),
     "X now allows AI training on your content"),
    (("ai-training", "platform", "added", "forbids", "content"),
     "X now rules out AI training on your content"),
    (("ai-training", "platform", "removed", "forbids", "content"),
     "X no longer rules out AI training on your content"),
    (("ai-training", "platform", "removed", "permits", "data"),
     "X no longer says it allows AI training on your data"),
    (("ai-training", "platform", "edited", "permits", "content"),
     "X reworded what it says about AI training on your content"),
    (("ai-training", "users", "added", "forbids", "content"),
     "X now forbids using its service to train AI"),
    # A duty on the user that permits ("You agree that your Content may be used to train…")
    # has no template of its own: the topic's general one says what it means.
    (("ai-training", "users", "added", "permits", "content"),
     "X now allows AI training on your content"),
    (("third-party", "third-parties", "removed", "forbids", "content"),
     "X no longer rules out letting others train AI on your content"),
    (("third-party", "third-parties", "edited", "forbids", "content"),
     "X reworded what it says about others training AI on your content"),
    (("license", "platform", "added", "permits", "content"),
     "X added licence terms covering AI use of your content"),
    (("opt-out", "platform", "edited", "forbids", "data"),
     "X reworded how you opt out of AI use of your data"),
    (("ai-content", "users", "added", "forbids", "content"),
     "X now restricts AI-generated uploads"),
    (("ai-content", "users", "removed", "permits", "content"),
     "X dropped its rules for AI-generated uploads"),
]  # fmt: skip


@pytest.mark.parametrize(("aspects", "expected"), HEADLINES)
def test_headline_templates_for_the_main_combinations(aspects, expected):
    topic, actor, direction, stance, whose = aspects
    before = "Old wording about AI." if direction == "edited" else None
    p = verdict(
        "Some AI sentence.", direction, topic=topic, actor=actor, stance=stance,
        whose=whose, before=before,
    )  # fmt: skip
    assert headline(change(p, platform="x", platform_name="X")) == expected


def test_every_combination_has_a_template_and_every_template_is_reachable():
    used = {f"{PREFIX}.ai"}
    for topic, actor, direction, stance in itertools.product(
        PASSAGE_TOPICS, ACTORS, DIRECTIONS, STANCES
    ):
        p = verdict("x", direction, topic=topic, actor=actor, stance=stance)
        key = template_key(p)
        assert key != f"{PREFIX}.ai", f"no template for {topic}/{actor}/{direction}/{stance}"
        used.add(key)
        text = headline(change(p, platform_name="Amazon Music"))
        assert text and text.startswith("Amazon Music ") and "{" not in text
        assert len(text) <= 120  # one line, whatever the combination
    templates = {
        k for k in STRINGS if k.startswith(f"{PREFIX}.") and k.split(".")[2] in PASSAGE_TOPICS
    }
    assert templates <= used, f"templates nothing selects: {sorted(templates - used)}"


def test_headline_fallbacks():
    # Nothing AI-relevant: what changed, in plain words.
    other = change(quiet("You must be 16."), ai_relevant=False, document="Privacy Policy")
    assert headline(other) == "SoundCloud changed its Privacy Policy"
    # AI-relevant, but no sentence says what it is about.
    odd = change(PassageVerdict("added", "AI.", True, 0.5), platform_name="Bluesky")
    assert headline(odd) == "Bluesky changed its AI wording"
    # No verdicts (recorded before this layout, or a sample): the alert's own title stands.
    legacy = render_alert(alert())
    assert headline(alert()) is None
    assert legacy.cards[0].title == "SoundCloud changed its Terms of Use: AI\\-relevant wording"
    # A platform name is escaped in the headline.
    starred = change(verdict(AI_ADDED), platform_name="*Star* [Music](https://evil.example)")
    assert (
        render_alert(starred)
        .cards[0]
        .title.startswith("\\*Star\\* \\[Music\\]\\(https://evil.example\\) now allows")
    )


# --------------------------------------------------------------------------- diff block


def test_an_edited_sentence_is_a_before_after_pair_with_the_changed_words_marked():
    reply = render_alert(
        change(
            verdict(
                "We will now use your content to train generative AI models.",
                "edited",
                before=AI_REMOVED,
            )
        )
    )
    assert block_of(reply.cards[0].description) == [
        "- We will [-not-] use your content to train generative AI models.",
        "+ We will {+now+} use your content to train generative AI models.",
    ]


def test_a_rewritten_sentence_is_shown_without_marks():
    p = verdict(
        "Partners may license your uploads for machine learning.", "edited", before=AI_REMOVED
    )
    assert block_of(render_alert(change(p)).cards[0].description) == [
        f"- {AI_REMOVED}",
        "+ Partners may license your uploads for machine learning.",
    ]


def test_a_long_edited_sentence_keeps_the_words_around_the_change():
    head = " ".join(f"w{i}" for i in range(200))
    tail = " ".join(f"z{i}" for i in range(200))
    p = verdict(
        f"{head} we may train AI on your content {tail}",
        "edited",
        before=f"{head} we will never train AI on your content {tail}",
    )
    old, new = block_of(render_alert(change(p)).cards[0].description)
    # Eight unchanged words either side of the change, the rest elided.
    assert old == (
        "- … w193 w194 w195 w196 w197 w198 w199 we [-will never-] train AI on your content "
        "z0 z1 z2 …"
    )
    assert new == (
        "+ … w193 w194 w195 w196 w197 w198 w199 we {+may+} train AI on your content z0 z1 z2 …"
    )
    assert len(old) <= LINE_CHARS + 2 and len(new) <= LINE_CHARS + 2


def test_the_same_sentence_twice_on_a_page_is_shown_once():
    twice = change(verdict(AI_ADDED), verdict(AI_ADDED), quiet("Hello."), edits=3)
    description = render_alert(twice).cards[0].description
    assert block_of(description) == [f"+ {AI_ADDED}"]
    assert description.endswith("…and 1 other edit.")


def test_many_ai_sentences_are_capped_and_the_rest_counted():
    many = change(
        *(verdict(f"We may train AI model number {n} on your content.") for n in range(9)),
        edits=30,
    )
    description = render_alert(many).cards[0].description
    assert len(block_of(description)) == 6
    assert "…and 3 more AI-relevant sentences in the full diff." in description
    assert description.endswith("…and 21 other edits.")


def test_a_change_with_nothing_about_ai_says_so_and_shows_its_first_sentences():
    card = render_alert(
        change(
            *(quiet(f"Clause {n} changed.") for n in range(5)),
            quiet("Old wording.", "removed"),
            edits=9,
            ai_relevant=False,
            relevance=0.02,
            why=(),
        )
    ).cards[0]
    assert card.title == "SoundCloud changed its Terms of Use"
    assert "does not look AI-related" in card.description
    assert block_of(card.description) == [f"+ Clause {n} changed." for n in range(3)]
    assert card.description.endswith("…and 6 other edits.")
    assert "matched" not in (card.footer or "")


def test_an_alert_recorded_before_verdicts_shows_its_passages_as_a_diff():
    card = render_alert(alert()).cards[0]
    assert block_of(card.description) == [f"+ {AI_ADDED}", f"- {AI_REMOVED}"]
    assert [f.name for f in card.fields] == ["Source"]
    assert card.url == PAGE_URL


# --------------------------------------------------------------------------- untrusted text


def test_untrusted_text_cannot_break_out_of_the_block_or_ping():
    evil = "```\n@everyone **bold** [x](https://evil.example) <@&42> <@123>\n+ forged line\n```"
    reply = render_alert(
        change(
            verdict(evil),
            verdict(evil + " again", "edited", before="``` @here old"),
            title="@everyone [click](https://evil.example) **now**",
        )
    )
    card = reply.cards[0]
    assert card.description.count("```") == 2  # our fences only
    lines = block_of(card.description)
    assert len(lines) == 3 and all(line[:2] in ("+ ", "- ") for line in lines)
    assert "+ forged line" not in card.description.split("\n")
    everything = reply.to_text() + card.title
    for ping in ("@everyone", "@here", "<@&42>", "<@123>"):
        assert ping not in everything
    assert reply.mention_role_id is None and reply.content is None


def test_untrusted_titles_of_legacy_alerts_stay_escaped():
    evil = alert(
        title="@everyone [click](https://evil.example) **now**",
        added=("@here <@&42> <@123> `code` > quote [link](https://evil.example)",),
    )
    reply = render_alert(evil)
    everything = reply.to_text() + reply.cards[0].title
    for ping in ("@everyone", "@here", "<@&42>", "<@123>"):
        assert ping not in everything
    assert "\\[click\\]" in reply.cards[0].title and "\\*\\*now\\*\\*" in reply.cards[0].title


def test_only_the_chosen_role_is_mentioned():
    reply = render_alert(change(verdict(AI_ADDED)), 987654321)
    assert reply.content == "<@&987654321>" and reply.mention_role_id == 987654321


# --------------------------------------------------------------------------- said, links


def test_what_fine_print_said_names_the_touched_clauses_flagged_for_review():
    card = render_alert(
        change(
            verdict(AI_ADDED),
            clauses=(
                TouchedClause("sc-genai", "SoundCloud won't train generative AI", "removed"),
                TouchedClause("sc-grant", "Licence on *your* uploads", "nearby"),
                TouchedClause("sc-ai", "AI use needs consent", "edited"),
            ),
        )
    ).cards[0]
    said = next(f for f in card.fields if f.name == "What Fine Print said")
    assert said.value.split("\n") == [
        "• **SoundCloud won't train generative AI** — its quote is gone from the new version "
        "— flagged for review",
        "• **Licence on \\*your\\* uploads** — still quoted, but a sentence next to it changed "
        "— flagged for review",
        "• **AI use needs consent** — its quote was reworded — flagged for review",
    ]
    assert [f.name for f in card.fields] == ["What Fine Print said", "Source"]


def test_many_touched_clauses_are_counted_within_the_field():
    clauses = tuple(TouchedClause(f"c{n}", "T" * 300, "nearby") for n in range(40))
    said = render_alert(change(verdict(AI_ADDED), clauses=clauses)).cards[0].fields[0]
    assert len(said.value) <= limits.EMBED_FIELD_VALUE
    shown = said.value.count("• ")
    assert said.value.endswith(f"…and {40 - shown} more clauses.") and shown >= 3


def test_links_to_the_full_diff_and_the_live_page():
    card = render_alert(
        change(verdict(AI_ADDED), links=AlertLinks(diff=DIFF_URL, page=PAGE_URL))
    ).cards[0]
    links = next(f for f in card.fields if f.name == "Links")
    assert links.value == f"[Full diff]({DIFF_URL}) · [Live page]({PAGE_URL})"
    assert card.url == DIFF_URL  # the headline opens the diff


def test_links_of_a_page_source_and_of_an_archive_without_a_known_live_page():
    page = render_alert(change(verdict(AI_ADDED), links=AlertLinks(page=PAGE_URL))).cards[0]
    assert page.fields[-1].value == f"[Live page]({PAGE_URL})" and page.url == PAGE_URL
    archived = (
        "https://github.com/OpenTermsArchive/pga-versions/blob/abc1234/X/Developer%20Terms.md"
    )
    ota = render_alert(
        change(verdict(AI_ADDED), links=AlertLinks(diff=DIFF_URL, archived=archived))
    ).cards[0]
    assert ota.fields[-1].value == f"[Full diff]({DIFF_URL}) · [Full text (archived)]({archived})"
    hostile = render_alert(
        change(verdict(AI_ADDED), links=AlertLinks(diff="javascript:alert(1)", page=PAGE_URL))
    ).cards[0]
    assert hostile.fields[-1].value == f"[Live page]({PAGE_URL})"


# --------------------------------------------------------------------------- limits


@pytest.mark.parametrize(
    "size",
    [
        pytest.param((1, 200_000), id="one-huge-sentence"),
        pytest.param((40, 1_000), id="forty-long-sentences"),
        pytest.param((40, 1_000_000 // 40), id="forty-huge-edits"),
        pytest.param((400, 50), id="many-short-sentences"),
    ],
)
def test_huge_and_many_passages_fit_discords_limits(size):
    count, chars = size
    word = "trainAI "
    passages = []
    for n in range(count):
        text = f"{n} " + word * (chars // len(word))
        if n % 2:
            passages.append(verdict(text, "edited", before=text.replace("trainAI", "nope", 3)))
        else:
            passages.append(verdict(text, "removed" if n % 3 else "added"))
    long_url = "https://example.org/" + "a" * 360
    big = change(
        *passages,
        edits=count * 3,
        title="T" * 5_000,
        document="D" * 2_000,
        platform_name="P" * 2_000,
        why=tuple("w" * 500 for _ in range(20)),
        links=AlertLinks(diff=long_url + "1", page=long_url + "2", archived=long_url + "3"),
        clauses=tuple(TouchedClause(f"c{n}", "x" * 2_000, "edited") for n in range(50)),
    )
    reply = render_alert(big, 1234)
    [card] = reply.cards
    assert_within_limits(card)
    assert card.description.count("```") == 2 and "\n```" in card.description  # closed
    assert len(block_of(card.description)) >= 1
    assert any(f.name == "Links" for f in card.fields)  # never dropped to make room
    assert any(f.name == "What Fine Print said" for f in card.fields)
    # The renderer sized everything itself: Card.fit, the last guard, had nothing to clip —
    # not even once delivery has appended the alert's id to the footer.
    [posted] = with_marker(reply, big.id.ljust(ID_LENGTH, "0")).cards
    assert_within_limits(posted)
    assert posted.description == card.description and posted.fields == card.fields
    assert "Read the full text" not in card.description
    assert card.description.endswith(("edits.", "diff."))


# --------------------------------------------------------------------------- news, language


def test_news_keeps_its_own_title_summary_and_link():
    news = render_alert(
        alert(
            kind="news",
            document=None,
            removed=(),
            title="SoundCloud news",
            added=("SoundCloud will train AI on uploads.",),
            url="https://news.example/sc",
        )
    )
    card = news.cards[0]
    assert card.title == "SoundCloud news" and card.url == "https://news.example/sc"
    assert [f.name for f in card.fields] == ["Summary", "Source"]
    assert card.fields[0].value == "> SoundCloud will train AI on uploads."
    assert "```" not in card.description


def test_strings_come_from_the_readers_catalog():
    french = Texts(
        "fr",
        {
            f"{PREFIX}.third-party.added.permits": (
                "{platform} permet désormais à des tiers d'entraîner l'IA sur {what}"
            ),
            f"{PREFIX}.whose.data": "vos données",
            "alert.said": "Ce que Fine Print disait",
            "alert.others.other": "…et {count} autres modifications.",
        },
    )
    card = render_alert(
        change(
            verdict(
                "Partners may train AI on it.",
                topic="third-party",
                actor="third-parties",
                whose="data",
            ),
            edits=5,
            platform_name="X",
            clauses=(TouchedClause("x-1", "Clause", "removed"),),
        ),
        t=french,
    ).cards[0]
    assert card.title == "X permet désormais à des tiers d'entraîner l'IA sur vos données"
    assert card.fields[0].name == "Ce que Fine Print disait"
    assert card.description.endswith("…et 4 autres modifications.")


def test_notice_and_nonce():
    notice = Notice(
        "n1", "src", "reddit", "Paused a source: @everyone", "Last error: HTTP 500", "t"
    )
    reply = render_notice(notice)
    assert "@everyone" not in reply.cards[0].title and reply.mention_role_id is None
    nonce = delivery_nonce("alert-id", 123456789012345678)
    assert len(nonce) <= 25 and nonce == delivery_nonce("alert-id", 123456789012345678)
    assert nonce != delivery_nonce("alert-id", 123456789012345679)


@pytest.fixture(scope="module")
def languages():
    from bot.config import DEFAULT_DATA_DIR
    from bot.i18n.languages import load_languages
    from bot.knowledge.loader import load_knowledge

    return load_languages(DEFAULT_DATA_DIR, load_knowledge(DEFAULT_DATA_DIR))


@pytest.mark.parametrize("lang", ["fr", "it", "es", "de", "pt", "id"])
def test_every_headline_and_the_layout_come_out_in_each_shipped_language(languages, lang):
    t = languages.texts(lang)
    english = Texts()
    for topic, actor, direction, stance in itertools.product(
        PASSAGE_TOPICS, ACTORS, DIRECTIONS, STANCES
    ):
        p = verdict("x", direction, topic=topic, actor=actor, stance=stance, before="y")
        said = headline(change(p, platform_name="SoundCloud"), t)
        assert said and "SoundCloud" in said and "{" not in said
        assert said != headline(change(p, platform_name="SoundCloud"), english)
        assert len(said) <= 150
    card = render_alert(
        change(
            verdict(AI_ADDED, "edited", before=AI_REMOVED),
            *(verdict(f"AI sentence {n}.") for n in range(8)),
            edits=20,
            links=AlertLinks(diff=DIFF_URL, page=PAGE_URL),
            clauses=(TouchedClause("sc-1", "A clause", "nearby"),),
        ),
        t=t,
    ).cards[0]
    assert_within_limits(card)
    names = [f.name for f in card.fields]
    assert names == [t("alert.said"), t("alert.links")] and names != [
        "What Fine Print said",
        "Links",
    ]
    assert t.n("alert.others", 11) in card.description
    assert t.n("alert.more_ai", 3) in card.description
