""" "Not what I asked" as labels: the press and the alternative picked next are recorded (no
user ids), and ``python -m bot feedback export`` writes them as labelled questions."""

from __future__ import annotations

import tomllib
from pathlib import Path

from bot import present
from bot.actions import Alternatives, Pick
from bot.app import App
from bot.knowledge import queryset
from bot.present.buttons import decode
from bot.results import AlternativesView, OptOutsView
from bot.store import feedback
from tests.integration.test_cli import run

QUESTION = "how do i stop youtube from using my videos for ai"
GUILD = 4242


async def press_not_what_i_asked(app: App, query: str = QUESTION) -> AlternativesView:
    view = await app.press(Alternatives(GUILD, query), guild_id=GUILD)
    assert isinstance(view, AlternativesView)
    return view


async def test_press_then_pick_is_recorded_without_user_ids(app: App) -> None:
    answered = (await app.ask(QUESTION, guild_id=GUILD)).answer
    assert answered is not None
    view = await press_not_what_i_asked(app)
    assert view.feedback_id is not None and view.matches
    reply = present.render(view)
    picks = [decode(b.custom_id or "") for b in reply.buttons]
    assert all(isinstance(p, Pick) and p.feedback_id == view.feedback_id for p in picks)

    first = picks[0]
    assert isinstance(first, Pick)
    shown = await app.press(first, guild_id=GUILD)
    assert not isinstance(shown, OptOutsView) or shown.optouts  # the item itself, not "gone"
    await app.press(picks[-1], guild_id=GUILD)  # browsing on afterwards is not a second label

    [row] = await feedback.list_feedback(app.db)
    assert (row.guild_id, row.query) == (GUILD, QUESTION)
    assert (row.shown_kind, row.shown_id) == (answered.kind, answered.id)
    assert (row.chosen_kind, row.chosen_id) == (first.kind, first.item_id)
    stored = await app.db.fetchone("SELECT * FROM answer_feedback")
    assert stored is not None
    assert not {c for c in dict(stored) if "user" in c or "member" in c}


async def test_export_writes_labelled_questions_in_the_query_format(
    app: App, tmp_path: Path
) -> None:
    asked = "does soundcloud train ai on my music"
    view = await press_not_what_i_asked(app, asked)
    pick = next(m for m in view.matches if m.kind == "clause")
    await app.press(Pick(view.feedback_id or 0, pick.kind, pick.id), guild_id=GUILD)
    await press_not_what_i_asked(app, "sc ai")  # a press without a pick teaches nothing
    history = await press_not_what_i_asked(app)
    await app.press(Pick(history.feedback_id or 0, "history", "youtube"), guild_id=GUILD)
    await app.db.close()

    out = tmp_path / "feedback.toml"
    result = run(["feedback", "export", "--out", str(out)], tmp_path, db=app.settings.database)
    assert result.returncode == 0, result.stderr
    assert "Wrote 2 labelled questions" in result.stderr
    text = out.read_text()
    assert "1 of 3 presses left out" in text
    [first, second] = queryset.load(out)
    clause = app.kb.clauses[pick.id]
    assert (first.text, first.platform, first.primary) == (asked, clause.platform, clause.topic)
    assert first.tags == ("feedback",) and first.lang == "en"
    assert first.extra["chosen"] == f"clause:{pick.id}" and first.extra["guild"] == str(GUILD)
    assert (second.text, second.platform, second.primary) == (QUESTION, "youtube", "history")
    raw = tomllib.loads(text)["query"][0]
    assert not {k for k in raw if "user" in k or "member" in k}
