"""Refusals of the curation core. Every message is written for the person who will read it.

The shell shows them as they are (``replies.error_reply``, ``replies.conflict_reply``), ephemeral,
to the moderator or member who asked; nothing here is a crash.
"""

from __future__ import annotations

from bot.curation.text import when, who
from bot.store.faq import EntryContent, StoredEntry


class CurationError(Exception):
    """A refusal to show as is (ephemeral, to the moderator or member who asked)."""

    title = "That didn't work"

    def __init__(self, message: str, *, title: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if title:
            self.title = title


class NotFound(CurationError):
    title = "Entry not found"


class Invalid(CurationError):
    title = "Please check the entry"

    def __init__(self, problems: list[str], *, title: str | None = None) -> None:
        self.problems = problems
        text = "\n".join(f"• {p}" for p in problems)
        super().__init__(text, title=title)


class LimitReached(CurationError):
    title = "Limit reached"


class Unreadable(CurationError):
    """A local file (CLI, console) that cannot be read, or is over the import size limit."""

    title = "Can't read that file"


class Conflict(CurationError):
    """Someone else changed the entry first; carries its current state and the caller's text."""

    title = "Someone else changed this entry"

    def __init__(
        self,
        message: str,
        current: StoredEntry | None = None,
        mine: EntryContent | None = None,
    ) -> None:
        super().__init__(message)
        self.current = current
        self.mine = mine

    @classmethod
    def newer_version(
        cls, current: StoredEntry, mine: EntryContent | None, *, doing: str = ""
    ) -> Conflict:
        """Saved since the moderator ``doing`` (opened it, asked to remove it): show both texts."""
        doing = doing or "opened it"
        return cls(
            f"{who(current.updated_by)} saved a newer version of {current.entry.id} (version "
            f"{current.entry.version}) {when(current.updated_at)}, after you {doing}. Nothing "
            "was overwritten. Here is the current text"
            + ("; yours is below so you can copy it." if mine else "."),
            current,
            mine,
        )
