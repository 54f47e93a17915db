"""What a member's button press asks for, as typed data.

Buttons carry their whole state in their custom id, so they keep working after a restart;
``bot.present.buttons`` encodes these actions into ids and decodes ids back into them, and
``App.press`` answers them. Nothing here knows how an id is spelled.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ShowOptOuts:
    platform: str


@dataclass(frozen=True, slots=True)
class ShowHistory:
    platform: str


@dataclass(frozen=True, slots=True)
class MoreTerms:
    """ "Not what I asked" under /terms: other answers than the clauses shown."""

    platform: str
    topic: str | None


@dataclass(frozen=True, slots=True)
class Alternatives:
    """ "Not what I asked" under an answer: the other matches for the question."""

    guild_id: int | None
    query: str


@dataclass(frozen=True, slots=True)
class ShowItem:
    kind: str  # clause | optout | faq | event
    item_id: str


@dataclass(frozen=True, slots=True)
class Pick:
    """An alternative picked from the list "Not what I asked" opened: shown, and recorded as
    the answer the member wanted (``feedback_id`` is the press it answers)."""

    feedback_id: int
    kind: str
    item_id: str


Action = ShowOptOuts | ShowHistory | MoreTerms | Alternatives | ShowItem | Pick
