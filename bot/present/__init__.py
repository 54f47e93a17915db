"""Presentation: pure functions from the core's results to ``Reply`` objects.

Nothing here reads the database or the ``App``: every function takes a result or view-model and
a ``Texts`` (the member's language) and returns a ``Reply`` the Discord shell turns into embeds
and the console prints as text. It is also the one home of user-facing strings
(``strings.py``) and of the button codec (``buttons.py``).

- ``answers``: /terms, /optout, /faq ask, history, help, about (``render`` takes any of them)
- ``curation``: the moderators' /faq commands
- ``manage``: /alerts, /feeds, /config
- ``alerts``: the alerts and notices posted in channels
"""

from __future__ import annotations

from bot.present.answers import answer, help_card, render
from bot.present.reply import Button, Card, Field, Reply
from bot.present.texts import ENGLISH, Texts

__all__ = ["ENGLISH", "Button", "Card", "Field", "Reply", "Texts", "answer", "help_card", "render"]
