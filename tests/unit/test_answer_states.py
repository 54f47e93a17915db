"""The four states of an answer to a free question, as a member reads them: the item for the
platform and topic understood (the timeline for history), "no curated answer" for a pair with
nothing curated, "not sure", and off-topic — plus the buttons that carry "Not what I asked"."""

from __future__ import annotations

from bot import present
from bot.actions import Pick, ShowHistory, ShowItem
from bot.app import App
from bot.knowledge.matcher import Match, Outcome
from bot.knowledge.topics import TOPIC_IDS
from bot.present.answers import show_action
from bot.present.buttons import decode, encode
from bot.results import AnswerView, HistoryView


def uncurated_pair(app: App) -> tuple[str, str]:
    for pid in sorted(app.kb.platforms):
        for topic in TOPIC_IDS:
            if not app.matcher.structured(pid, topic) and not app.matcher.global_index.entries_of(
                (pid, topic)
            ):
                return pid, topic
    raise AssertionError("every pair is curated: pick another state to test")


async def test_a_pair_with_nothing_curated_says_so_and_offers_that_platform_only(app: App) -> None:
    pid, topic = "patreon", "license"
    if app.matcher.structured(pid, topic) or app.matcher.global_index.entries_of((pid, topic)):
        pid, topic = uncurated_pair(app)
    name = app.kb.platforms[pid].name
    questions = {
        "license": f"what rights does {name} get over my uploads",
        "ai-content": f"can i upload ai generated music to {name}",
        "third-party": f"does {name} sell my content to ai companies",
        "ai-training": f"does {name} train ai on my uploads",
        "opt-out": f"how do i opt out of ai training on {name}",
        "history": f"what changed in {name}'s ai terms and when",
    }
    view = await app.answer(questions[topic])
    assert (view.result.platform, view.result.topic) == (pid, topic)
    assert view.state == Outcome.UNCURATED and view.shown is None
    assert view.result.answer is None
    assert all(m.platform == pid for m in view.result.alternatives)
    text = present.answer(view).to_text()
    assert f"I have no curated answer about {name}'s" in text
    assert app.kb.platforms[pid].terms_url in text  # the live terms
    assert "Did you mean" not in text


async def test_an_off_topic_question_gets_what_the_bot_answers_and_no_suggestion(app: App) -> None:
    view = await app.answer("what's the weather in paris tomorrow")
    assert view.state == Outcome.OFF_TOPIC and not view.result.alternatives
    reply = present.answer(view)
    assert reply.cards[0].title == "I answer questions about platforms' AI terms"
    assert "/optout youtube" in reply.to_text() and not reply.buttons

    named = present.answer(await app.answer("how do i change my soundcloud profile picture"))
    assert "`/terms soundcloud`" in named.to_text() and not named.buttons


async def test_a_history_question_gets_the_timeline(app: App) -> None:
    view = await app.answer("what changed in soundcloud's terms about ai, and when?")
    assert isinstance(view, AnswerView) and isinstance(view.shown, HistoryView)
    assert view.shown.platform.id == "soundcloud"
    answer = view.result.answer
    assert answer is not None and answer.kind in ("clause", "event")
    assert answer.to_json()["topic"] == "history"


async def test_a_history_answer_headed_by_an_event_has_the_event_kind(app: App) -> None:
    for pid in sorted(app.kb.platforms):
        head = app.matcher.timeline_head(pid)
        if head is not None and head.id in app.kb.events:
            break
    else:
        raise AssertionError("no platform's newest dated item is an event")
    name = app.kb.platforms[pid].name
    result = await app.ask(f"{name} ai terms history")
    assert result.answer is not None
    assert result.answer.to_json()["kind"] == "event" and result.answer.id == head.id


def test_pick_buttons_survive_the_codec() -> None:
    clause = Match(
        "clause", "soundcloud-tou-2025-genai-consent", "soundcloud", "ai-training", "t", 90
    )
    timeline = Match("event", "x-2024-grok", "x", "history", "X: what changed and when", 100)
    assert decode(encode(show_action(clause, 17))) == Pick(17, "clause", clause.id)
    assert decode(encode(show_action(timeline, 17))) == Pick(17, "history", "x")
    assert decode(encode(show_action(clause))) == ShowItem("clause", clause.id)
    assert decode(encode(show_action(timeline))) == ShowHistory("x")
    assert decode("fp:pick:x:clause:abc") is None and decode("fp:pick:3:clause") is None
