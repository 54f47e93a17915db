"""Refusals of the curation core, as string keys with parameters, never as sentences.

The shell shows them to the moderator or member who asked (``bot.present.curation``), ephemeral
and in their language; nothing here is a crash. A parameter that names a person (``Actor``) or a
moment (``Moment``) is formatted when the text is written, so it reads naturally there.
``str(error)`` is the English text, for the command line and the logs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.curation.text import when, who
from bot.errors import FinePrintError
from bot.present.strings import STRINGS
from bot.store.faq_entries import EntryContent, StoredEntry

Lookup = Callable[..., str]  # ``Texts``: (key, **params) -> text


@dataclass(frozen=True, slots=True)
class Actor:
    """Who did something: a member (shown as a mention) or the operator (id 0 or None)."""

    id: int | None


@dataclass(frozen=True, slots=True)
class Moment:
    """When: a stored ISO time, shown as a Discord timestamp in each reader's time zone."""

    iso: str | None


def _english(key: str, **params: Any) -> str:
    return STRINGS[key].format(**params) if params else STRINGS[key]


class CurationError(FinePrintError):
    """A refusal to show to the moderator or member who asked."""

    title_key = "curation.error.title"

    def __init__(self, key: str, /, *, title: str | None = None, **params: Any) -> None:
        self.key = key
        self.params = params
        if title:
            self.title_key = title
        super().__init__(self.text(_english))

    def _params(self, t: Lookup) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, value in self.params.items():
            if isinstance(value, Actor):
                value = who(value.id, t("curation.operator"))
            elif isinstance(value, Moment):
                value = when(value.iso)
            out[name] = value
        return out

    def text(self, t: Lookup) -> str:
        return t(self.key, **self._params(t))

    def title(self, t: Lookup) -> str:
        return t(self.title_key)

    @property
    def message(self) -> str:
        return str(self)


class NotFound(CurationError):
    title_key = "curation.not_found.title"


class Invalid(CurationError):
    """Every problem with an entry at once; ``problems`` are already written out."""

    title_key = "curation.invalid.title"

    def __init__(self, problems: list[str], *, title: str | None = None) -> None:
        self.problems = problems
        super().__init__(
            "curation.invalid.list", title=title, problems="\n".join(f"• {p}" for p in problems)
        )


class LimitReached(CurationError):
    title_key = "curation.limit.title"


class Unreadable(CurationError):
    """A local file (CLI, console) that cannot be read, or is over the import size limit."""

    title_key = "curation.unreadable.title"


class Conflict(CurationError):
    """Someone else changed the entry first; carries its current state and the caller's text."""

    title_key = "curation.conflict.title"

    def __init__(
        self,
        key: str,
        current: StoredEntry | None = None,
        mine: EntryContent | None = None,
        **params: Any,
    ) -> None:
        self.current = current
        self.mine = mine
        super().__init__(key, **params)

    @classmethod
    def newer_version(
        cls, current: StoredEntry, mine: EntryContent | None, *, removing: bool = False
    ) -> Conflict:
        """Saved since the moderator opened it (or asked to remove it): show both texts."""
        return cls(
            "curation.conflict.newer.removing" if removing else "curation.conflict.newer",
            current,
            mine,
            entry=current.entry.id,
            version=current.entry.version,
            by=Actor(current.updated_by),
            at=Moment(current.updated_at),
            yours="curation.conflict.yours" if mine else "curation.conflict.no_yours",
        )

    def _params(self, t: Lookup) -> dict[str, Any]:
        params = super()._params(t)
        if "yours" in params:
            params["yours"] = t(params["yours"])
        return params
