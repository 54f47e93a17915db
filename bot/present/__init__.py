"""Presentation: pure functions from the core's results to ``Reply`` objects.

Nothing here reads the database or the ``App``: every function takes a result or view-model and
a ``Texts`` (the member's language) and returns a ``Reply`` the Discord shell turns into embeds
and the console prints as text. It is also the one home of user-facing strings
(``strings.py``) and of the button codec (``buttons.py``).

- ``answers``: /terms, /optout, /faq ask, history, help, about
- ``curation``: the moderators' /faq commands
- ``manage``: /alerts, /feeds, /config
- ``alerts``: the alerts and notices posted in channels
"""

from __future__ import annotations

from bot.present.answers import about, alternatives, answer, help_card, item, unknown_platform
from bot.present.answers import history as history_reply
from bot.present.answers import optouts as optouts_reply
from bot.present.answers import terms as terms_reply
from bot.present.reply import Button, Card, Field, Reply
from bot.present.texts import ENGLISH, Texts
from bot.results import (
    AboutView,
    AlternativesView,
    AnswerView,
    ClauseView,
    FaqView,
    Gone,
    HistoryView,
    OptOutsView,
    OptOutView,
    TermsView,
    UnknownPlatform,
    View,
)


def render(view: View, t: Texts = ENGLISH) -> Reply:
    """Any answer-side view the App returns (what a button press or a command produced)."""
    match view:
        case AnswerView():
            return answer(view, t)
        case TermsView():
            return terms_reply(view, t)
        case OptOutsView():
            return optouts_reply(view, t)
        case HistoryView():
            return history_reply(view, t)
        case AlternativesView():
            return alternatives(view, t)
        case UnknownPlatform():
            return unknown_platform(view, t)
        case AboutView():
            return about(view, t)
        case ClauseView() | OptOutView() | FaqView() | Gone():
            return item(view, t)
    raise TypeError(f"no renderer for {type(view).__name__}")


__all__ = [
    "ENGLISH",
    "Button",
    "Card",
    "Field",
    "Reply",
    "Texts",
    "answer",
    "help_card",
    "render",
]
