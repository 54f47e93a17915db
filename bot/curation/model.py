"""What the curation core hands the shell (the cog, the CLI, the console): plain dataclasses.

They hold ids and text only, never discord objects, so every shell renders the same outcome.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.curation.caps import IMPORT_MAX_BYTES
from bot.knowledge.model import FaqEntry
from bot.present.strings import STRINGS
from bot.store.faq_audit import AuditRow
from bot.store.faq_entries import EntryContent, StoredEntry
from bot.store.suggestions import SuggestionRow

# The fields of an entry a moderator controls, in the order changes are listed.
FIELD_LABELS = {
    "question": "question",
    "phrasings": "phrasings",
    "answer": "answer",
    "platforms": "platforms",
    "topics": "topics",
    "links": "links",
    "answers": "answers",  # the answer in other languages
}


@dataclass(frozen=True, slots=True)
class Note:
    """Something the core tells the moderator, as a string key and its parameters."""

    key: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:  # English, for the command line and the logs
        return STRINGS[self.key].format(**self.params)


@dataclass(frozen=True, slots=True)
class EntryForm:
    """The five inputs of the add/edit modal, as typed (Discord allows five per modal)."""

    question: str = ""
    phrasings: str = ""  # one per line
    answer: str = ""
    tags: str = ""  # platforms and topics together: "spotify, youtube, opt-out"
    links: str = ""  # one per line


@dataclass(frozen=True, slots=True)
class ParsedForm:
    content: EntryContent
    notes: tuple[Note, ...] = ()  # things we decided for the moderator (a guessed topic)


@dataclass(frozen=True, slots=True)
class Saved:
    """The outcome of add/edit/remove/restore/approve."""

    action: str
    stored: StoredEntry
    changed: bool = True
    notes: tuple[Note, ...] = ()


@dataclass(frozen=True, slots=True)
class HiddenChange:
    action: str  # hide | unhide
    entry: FaqEntry


@dataclass(frozen=True, slots=True)
class EntryPage:
    items: list[StoredEntry]
    page: int
    pages: int
    total: int  # entries matching the filter
    total_all: int  # all live entries of the server
    platform: str | None
    hidden: list[FaqEntry] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class HistoryPage:
    ref: str
    title: str
    records: list[AuditRow]
    page: int
    pages: int
    total: int


@dataclass(frozen=True, slots=True)
class ExportFile:
    filename: str
    data: bytes
    count: int

    @property
    def too_big_to_reimport(self) -> bool:
        return len(self.data) > IMPORT_MAX_BYTES


@dataclass(slots=True)
class ImportRow:
    number: int  # 1-based position in the file
    line: int | None  # TOML only
    label: str
    kind: str  # add | change | unchanged | reject
    content: EntryContent | None = None
    target: StoredEntry | None = None
    reason: str | None = None
    changed_fields: tuple[str, ...] = ()

    @property
    def where(self) -> str:
        return f"entry {self.number}" + (f" (line {self.line})" if self.line else "")


@dataclass(slots=True)
class ImportPlan:
    """A dry run: what an import would do. Nothing is written until ``apply_import``."""

    guild_id: int
    filename: str
    rows: list[ImportRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # file-level: nothing can be applied

    def of(self, kind: str) -> list[ImportRow]:
        return [r for r in self.rows if r.kind == kind]

    @property
    def added(self) -> list[ImportRow]:
        return self.of("add")

    @property
    def changed(self) -> list[ImportRow]:
        return self.of("change")

    @property
    def unchanged(self) -> list[ImportRow]:
        return self.of("unchanged")

    @property
    def rejected(self) -> list[ImportRow]:
        return self.of("reject")

    @property
    def can_apply(self) -> bool:
        return not self.problems and not self.rejected and bool(self.added or self.changed)


@dataclass(frozen=True, slots=True)
class ImportResult:
    filename: str
    added: list[StoredEntry]
    changed: list[StoredEntry]
    unchanged: int


@dataclass(frozen=True, slots=True)
class SuggestionReceipt:
    id: int
    position: int  # how many are waiting, this one included


@dataclass(frozen=True, slots=True)
class QueuePage:
    item: SuggestionRow | None
    page: int
    total: int


@dataclass(frozen=True, slots=True)
class MemberNotice:
    """What to tell a member about their suggestion: by DM, or in the channel where they
    suggested it, mentioning only them (declines only: approvals are good news, DM only)."""

    member_id: int
    channel_id: int | None
    approved: bool
    question: str
    guild_name: str | None = None
    reason: str | None = None  # the moderator's note when declining


@dataclass(frozen=True, slots=True)
class Approval:
    saved: Saved
    notice: MemberNotice
