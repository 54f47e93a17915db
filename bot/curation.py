"""Moderator curation of a server's own FAQ: the core service (no Discord here).

Moderators extend and correct the answers for *their* server without touching files. The rules
this module enforces, whoever calls it (the ``/faq`` cog, the ``python -m bot faq`` CLI, tests):

- **Nothing half-applied.** Every operation is one ``Database.transaction()``: the entry, its
  audit record and the guild's generation bump commit together or not at all. An import is one
  transaction for the whole file, and a file with any rejected row is not applied at all.
- **No silent overwrites.** Entries carry a version. An edit (or removal) states the version it
  was based on; if someone saved in between, it fails with ``Conflict`` carrying the current
  text, never overwriting it. Imports re-check the versions they previewed.
- **Nothing lost.** Removal is a soft delete undone by ``restore``; every change is audited with
  a before/after JSON snapshot (``faq_audit``).
- **Immediately live, everywhere.** Store helpers bump the guild's FAQ generation in the same
  transaction, so every process's ``App.guild_view`` (the bot, the CLI) rebuilds on its next
  question without a restart.
- **Same schema as the shipped FAQ.** Modal input and import files are validated by the loader's
  ``parse_faq`` (the one validator for ``data/faq.toml``), plus the server-entry limits below.

How an imported row maps to an existing entry (also shown in the export header):

1. ``id = "guild-N"`` naming a live entry of *this* server updates that entry;
2. ``id = "guild-N"`` naming a removed entry of this server is rejected (restore it first, or
   delete the id line to add it as a new entry);
3. otherwise (no id, another server's ``guild-N``, any other slug) the row updates the live entry
   whose question is the same (ignoring case, spacing and a trailing ``?``), or else is added.

A row identical to its entry is "unchanged" and not written. Two rows targeting the same entry,
or a question that would duplicate another entry's, are rejected. ``verified`` is accepted (the
shipped schema has it) but not stored for server entries.

Text from moderators may use Markdown but can never ping (``neutralize_mentions``, and every
reply is sent with no allowed mentions); text from members is also ``escape_markdown``-ed.
"""

from __future__ import annotations

import json
import re
import tomllib
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot import limits
from bot.embeds import (
    COLOR_MUTED,
    COLOR_NOTICE,
    COLOR_OK,
    Card,
    Field,
    Reply,
    escape_markdown,
    neutralize_mentions,
    quote_block,
)
from bot.knowledge.loader import MAX_ANSWER, MAX_QUESTION, Loader, _Entry, _Source, parse_faq
from bot.knowledge.model import FaqEntry
from bot.knowledge.text import clip, fold, squash
from bot.knowledge.topics import TOPIC_BY_ID, TOPIC_IDS, TOPICS
from bot.store import faq as store
from bot.store.faq import AuditRow, EntryContent, StoredEntry, SuggestionRow, public_id, row_id

if TYPE_CHECKING:
    import aiosqlite

    from bot.app import App

# -- limits (Discord's own live in bot.limits; these are ours) --------------------------------
ENTRY_CAP = 500  # live entries per server (removed ones do not count; restore re-checks)
IMPORT_MAX_BYTES = 1024 * 1024  # 1 MB; the cog checks the attachment size before downloading
SUGGESTION_RATE = 3  # suggestions per member ...
SUGGESTION_WINDOW = timedelta(hours=1)  # ... per hour
PENDING_CAP = 100  # waiting suggestions per server: beyond that the queue is not being read
MIN_SUGGESTION = 8  # characters: "ai?" is not a question anyone can answer
MAX_REASON = 300  # a rejection note sent to the member
# Every phrasing must fit back into the edit modal's one text input, one per line.
MAX_PHRASINGS = limits.TEXT_INPUT_VALUE // (MAX_QUESTION + 1)
MAX_LINKS = 6  # faq_card shows six sources
MAX_LINK = 500
LIST_PAGE_SIZE = 8
HISTORY_PAGE_SIZE = 6
OPERATOR = 0  # actor id the CLI records unless --actor is given

GENERAL_WORDS = frozenset({"general", "all", "all platforms", "any", "none", "every platform"})
_TOPIC_SYNONYMS: dict[str, tuple[str, ...]] = {
    "ai-training": ("training", "train", "ai train", "model training"),
    "third-party": ("third parties", "sharing", "data sharing", "selling", "resale"),
    "opt-out": ("optout", "opt in", "optin", "opting out", "settings"),
    "license": ("licence", "licensing", "licences", "licenses", "rights"),
    "ai-content": ("ai generated", "ai music", "ai generated content", "generated", "ai uploads"),
    "history": ("changes", "timeline", "changelog"),
}
TOPIC_PHRASES: dict[str, str] = {}
for _topic in TOPICS:
    for _phrase in (_topic.id, _topic.label, *_TOPIC_SYNONYMS.get(_topic.id, ())):
        TOPIC_PHRASES[fold(_phrase)] = _topic.id

FIELD_LABELS = {
    "question": "question",
    "phrasings": "phrasings",
    "answer": "answer",
    "platforms": "platforms",
    "topics": "topics",
    "links": "links",
}
ACTION_LABELS = {
    "add": "Added",
    "edit": "Edited",
    "remove": "Removed",
    "restore": "Restored",
    "hide": "Hidden in this server",
    "unhide": "Shown again in this server",
    "import": "Imported",
    "approve": "Added from a member's suggestion",
    "reject": "Suggestion declined",
}


# -- errors: every message is written for the person who will read it -----------------------
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


# -- small helpers ---------------------------------------------------------------------------
def question_key(text: str) -> str:
    """How two questions count as "the same" (imports map rows by it; duplicates are refused).

    Case, spacing and a trailing question mark are ignored. Unlike ``fold`` it keeps non-Latin
    letters, so two different Japanese questions never collide.
    """
    text = " ".join(unicodedata.normalize("NFKC", text).casefold().split())
    return text.rstrip(" ?!.？！。")


def snapshot(stored: StoredEntry) -> dict[str, Any]:
    """The audit JSON of an entry."""
    return {**stored.content.to_json(), "version": stored.entry.version}


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _parse_iso(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def when(text: str | None, style: str = "f") -> str:
    """A Discord timestamp: everyone sees it in their own time zone (``R``: "3 hours ago")."""
    if not text:
        return "?"
    try:
        return f"<t:{int(_parse_iso(text).timestamp())}:{style}>"
    except ValueError:
        return text


def who(actor_id: int | None) -> str:
    if not actor_id:
        return "the operator (command line)"
    return f"<@{actor_id}>"  # inside embeds and with allowed_mentions none: shown, never pinged


def safe(text: str) -> str:
    """Moderators' text: their Markdown stays, pings go."""
    return neutralize_mentions(text)


def member_text(text: str) -> str:
    """Members' text: shown literally, cannot ping or inject links/formatting."""
    return escape_markdown(text)


def _clean_lines(text: str) -> list[str]:
    seen: list[str] = []
    for line in text.splitlines():
        line = squash(line)
        if line and line not in seen:
            seen.append(line)
    return seen


def fit_lines(lines: list[str], budget: int, more: str = "… and {n} more") -> tuple[str, bool]:
    """Whole lines within ``budget`` characters; when some do not fit, say how many are left out.

    Returns the text and whether anything was left out.
    """
    lines = [clip(line, budget // 2) for line in lines]
    out: list[str] = []
    for line in lines:
        if len("\n".join([*out, line])) > budget:
            break
        out.append(line)
    if len(out) == len(lines):
        return "\n".join(out), False
    while out and len("\n".join(out)) + 1 + len(more.format(n=len(lines) - len(out))) > budget:
        out.pop()
    out.append(more.format(n=len(lines) - len(out)))
    return "\n".join(out), True


# -- data handed to the shell ----------------------------------------------------------------
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
    notes: tuple[str, ...] = ()  # things we decided for the moderator (a guessed topic)


@dataclass(frozen=True, slots=True)
class Saved:
    """The outcome of add/edit/remove/restore/approve."""

    action: str
    stored: StoredEntry
    changed: bool = True
    notes: tuple[str, ...] = ()


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

    def summary(self) -> str:
        return (
            f"{len(self.added)} to add · {len(self.changed)} to change · "
            f"{len(self.unchanged)} unchanged · {len(self.rejected)} rejected"
        )

    def report_lines(self) -> list[str]:
        """The whole preview as plain text (CLI output, and the attachment when it is long)."""
        lines = [f"Import preview for {self.filename}: {self.summary()}"]
        lines += [f"PROBLEM: {p}" for p in self.problems]
        for row in self.rows:
            if row.kind == "add":
                lines.append(f"ADD       {row.where}: {row.label}")
            elif row.kind == "change":
                target = row.target.entry.id if row.target else "?"
                fields = ", ".join(row.changed_fields)
                lines.append(f"CHANGE    {row.where}: {target} {row.label} ({fields})")
            elif row.kind == "unchanged":
                target = row.target.entry.id if row.target else "?"
                lines.append(f"UNCHANGED {row.where}: {target} {row.label}")
            else:
                lines.append(f"REJECT    {row.where}: {row.label}: {row.reason}")
        return lines


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
    """What to tell a member about their suggestion: by DM, or (``channel_text``) in the channel
    where they suggested it, mentioning only them. ``channel_text`` None means DM only."""

    member_id: int
    channel_id: int | None
    dm_text: str
    channel_text: str | None


@dataclass(frozen=True, slots=True)
class Approval:
    saved: Saved
    notice: MemberNotice


# -- the service -----------------------------------------------------------------------------
class Curation:
    """All moderator curation of one process's database; stateless apart from the App."""

    def __init__(self, app: App, *, clock: Callable[[], datetime] | None = None) -> None:
        self.app = app
        self.db = app.db
        self.clock = clock or (lambda: datetime.now(UTC))

    def _now(self) -> str:
        return _iso(self.clock())

    # -- parsing and validation --------------------------------------------------------------
    def resolve_tags(self, text: str) -> tuple[tuple[str, ...], tuple[str, ...], list[str]]:
        """Platforms and topics from one input ("spotify, youtube, opt-out").

        Each comma/semicolon/line separated part is read phrase by phrase (longest first): a
        topic id, label or synonym, then a platform id, name or alias (typos tolerated as in
        questions). Returns (platforms, topics, what was not understood).
        """
        platforms: list[str] = []
        topics: list[str] = []
        unknown: list[str] = []
        for part in re.split(r"[,;\n]+", text):
            part = part.strip()
            if not part or fold(part) in GENERAL_WORDS:
                continue
            words = fold(part).split()
            if not words:
                unknown.append(part)
                continue
            i = 0
            while i < len(words):
                for size in range(min(3, len(words) - i), 0, -1):
                    phrase = " ".join(words[i : i + size])
                    topic = TOPIC_PHRASES.get(phrase)
                    pid = None if topic else self._platform_phrase(phrase, size)
                    if topic or pid:
                        target, value = (topics, topic) if topic else (platforms, pid)
                        if value not in target:
                            target.append(value)  # type: ignore[arg-type]
                        i += size
                        break
                else:
                    unknown.append(words[i])
                    i += 1
        return tuple(platforms), tuple(topics), unknown

    def _platform_phrase(self, phrase: str, size: int) -> str | None:
        names = self.app.detector.names
        pid = names.get(phrase) or names.get(phrase.replace(" ", ""))
        if pid is None and size == 1:
            pid = self.app.resolve_platform(phrase)  # typo tolerance ("spotfy")
        return pid

    def parse_form(self, form: EntryForm) -> ParsedForm:
        """Modal text -> validated content, or ``Invalid`` naming every problem at once."""
        problems: list[str] = []
        platforms, topics, unknown = self.resolve_tags(form.tags)
        if unknown:
            names = ", ".join(f"“{clip(member_text(u), 40)}”" for u in unknown[:8])
            problems.append(
                f"I didn't understand {names} in platforms and topics. Use platform names "
                f"(e.g. {self._platform_examples()}) and topics ({', '.join(TOPIC_IDS)}), "
                "separated by commas."
            )
        notes: list[str] = []
        question = squash(form.question)
        if not topics and question:
            guessed = self.app.resolve_topic(question)
            if guessed:
                topics = (guessed,)
                notes.append(
                    f"Topic set to “{TOPIC_BY_ID[guessed].label}” from the question; edit the "
                    "entry to change it."
                )
            else:
                problems.append(f"Add at least one topic: {', '.join(TOPIC_IDS)}.")
        raw: dict[str, Any] = {
            "id": "guild-form",
            "question": question,
            "answer": form.answer.strip(),
            "platforms": list(platforms),
            "topics": list(topics),
            "links": [link.strip("<>") for link in form.links.split() if link.strip("<>")],
            "phrasings": _clean_lines(form.phrasings),
        }
        content, row_problems = self._validate(raw, _Source(Path("form"), ""), 0)
        problems += [
            safe(p.message) for p in row_problems if not (topics == () and "topic" in p.message)
        ]
        if problems or content is None:
            raise Invalid(problems or ["The entry is incomplete."])
        return ParsedForm(content, tuple(notes))

    def _platform_examples(self) -> str:
        return ", ".join(p.name for p in list(self.app.kb.platforms.values())[:3])

    def _validate(
        self, raw: dict[str, Any], src: _Source, index: int
    ) -> tuple[EntryContent | None, list[Any]]:
        """``parse_faq`` (the shipped schema) plus the limits of a server entry."""
        loader = Loader(Path("."), today=self.clock().date())
        e = _Entry(loader, src, "faq", index, raw)
        entry = parse_faq(e, self.app.kb.platforms)
        phrasings = raw.get("phrasings")
        if isinstance(phrasings, dict):  # the shipped form: language = [phrasings]
            count = sum(len(v) for v in phrasings.values() if isinstance(v, list))
        else:
            count = len(phrasings) if isinstance(phrasings, list) else 0
        if count > MAX_PHRASINGS:
            e.problem(f"{count} phrasings; a server entry may have {MAX_PHRASINGS}", "phrasings")
        links = raw.get("links")
        if isinstance(links, list):
            if len(links) > MAX_LINKS:
                e.problem(f"{len(links)} links; a server entry may have {MAX_LINKS}", "links")
            if any(isinstance(x, str) and len(x) > MAX_LINK for x in links):
                e.problem(f"a link is over {MAX_LINK} characters", "links")
        if any(_bad_text(v) for v in _strings_in(raw)):
            e.problem("contains characters that cannot be stored (NUL or broken surrogates)")
        if entry is None or not e.ok:
            return None, loader.problems
        return (
            EntryContent(
                question=entry.question,
                answer=entry.answer,
                phrasings=_dedupe(entry.phrasings),
                platforms=_dedupe(entry.platforms),
                topics=_dedupe(entry.topics),
                links=_dedupe(entry.links),
            ),
            [],
        )

    def _content(
        self, given: EntryForm | EntryContent, notes: Iterable[str]
    ) -> tuple[EntryContent, tuple[str, ...]]:
        if isinstance(given, EntryForm):
            parsed = self.parse_form(given)
            return parsed.content, (*parsed.notes, *notes)
        return given, tuple(notes)

    def form_for(self, content: EntryContent) -> EntryForm:
        """Prefill for the edit modal (and "try again" after a refusal)."""
        return EntryForm(
            question=content.question,
            phrasings="\n".join(content.phrasings),
            answer=content.answer,
            tags=", ".join((*content.platforms, *content.topics)),
            links="\n".join(content.links),
        )

    # -- lookups -----------------------------------------------------------------------------
    async def find(self, guild_id: int, ref: str, *, deleted: bool | None = False) -> StoredEntry:
        """An entry of this server by ``guild-N`` or by its exact question."""
        ref = ref.strip()
        rid = row_id(ref)
        if rid is not None:
            stored = await store.get_entry(self.db, guild_id, rid)
            if stored is None:
                raise NotFound(f"This server has no entry {ref}. Pick one from the list.")
            if deleted is False and stored.deleted:
                raise NotFound(
                    f"{ref} was removed by {who(stored.deleted_by)} {when(stored.deleted_at)}. "
                    f"Bring it back with `/faq restore {ref}`."
                )
            if deleted is True and not stored.deleted:
                raise CurationError(f"{ref} is not removed: nothing to restore.")
            return stored
        key = question_key(ref)
        for stored in await store.list_stored(self.db, guild_id, deleted=deleted):
            if question_key(stored.entry.question) == key:
                return stored
        raise NotFound(
            f"I can't find “{clip(safe(ref), 80)}” among this server's "
            f"{'removed ' if deleted else ''}entries. Start typing and pick one from the list."
        )

    def find_global(self, ref: str) -> FaqEntry:
        """A shipped entry by id or exact question."""
        ref = ref.strip()
        if row_id(ref) is not None:
            raise CurationError(
                f"{ref} is this server's own entry: use `/faq remove` (or `/faq edit`) for it. "
                "Hiding is for the shipped Fine Print entries."
            )
        entry = self.app.kb.faq.get(ref)
        if entry is None:
            key = question_key(ref)
            entry = next(
                (e for e in self.app.kb.faq.values() if question_key(e.question) == key), None
            )
        if entry is None:
            raise NotFound(
                f"There is no shipped entry “{clip(safe(ref), 80)}”. Start typing and pick one "
                "from the list."
            )
        return entry

    async def entry_choices(
        self, guild_id: int, typed: str, *, deleted: bool | None = False, limit: int = 25
    ) -> list[tuple[str, str]]:
        """(label, value) pairs for autocomplete: ``guild-N · question``, best first."""
        typed_f = fold(typed)
        rows = await store.list_stored(self.db, guild_id, deleted=deleted)
        picked = [
            s
            for s in reversed(rows)  # newest first: usually what a moderator is looking for
            if not typed_f or typed_f in fold(s.entry.question) or typed_f in fold(s.entry.id)
        ]
        return [(_choice_label(s.entry), s.entry.id) for s in picked[:limit]]

    async def global_choices(
        self, guild_id: int, typed: str, *, hidden: bool, limit: int = 25
    ) -> list[tuple[str, str]]:
        """Shipped entries for /faq hide (not hidden yet) or /faq unhide (hidden)."""
        hidden_now = await store.hidden_ids(self.db, guild_id)
        typed_f = fold(typed)
        out = []
        for entry in self.app.kb.faq.values():
            if (entry.id in hidden_now) != hidden:
                continue
            if typed_f and typed_f not in fold(entry.question) and typed_f not in fold(entry.id):
                continue
            out.append((_choice_label(entry), entry.id))
        return out[:limit]

    async def history_choices(
        self, guild_id: int, typed: str, *, limit: int = 25
    ) -> list[tuple[str, str]]:
        """Entries with a history in this server: its own (also removed) and hidden shipped."""
        typed_f = fold(typed)
        stored = await store.list_stored(self.db, guild_id, deleted=None)
        own = {s.entry.id: s.entry for s in stored}
        out: list[tuple[str, str]] = []
        for ref in await store.audited_refs(self.db, guild_id):
            entry = own.get(ref) or self.app.kb.faq.get(ref)
            label = _choice_label(entry) if entry else ref
            if typed_f and typed_f not in fold(label):
                continue
            out.append((label, ref))
        return out[:limit]

    # -- checks shared by the writers (run inside the transaction) ---------------------------
    async def _check_cap(self, conn: aiosqlite.Connection, guild_id: int, adding: int) -> None:
        live = await store.count_live(self.db, guild_id, conn=conn)
        if live + adding > ENTRY_CAP:
            raise LimitReached(
                f"This server has {live} entries; the limit is {ENTRY_CAP}"
                + (f" and this would add {adding}" if adding > 1 else "")
                + ". Remove entries you no longer need with `/faq remove` first."
            )

    async def _check_unique(
        self,
        conn: aiosqlite.Connection,
        guild_id: int,
        question: str,
        *,
        except_row: int | None = None,
    ) -> None:
        key = question_key(question)
        for other in await store.list_stored(self.db, guild_id, conn=conn):
            if question_key(other.entry.question) == key and row_id(other.entry.id) != except_row:
                raise CurationError(
                    f"{other.entry.id} already asks “{clip(safe(other.entry.question), 120)}”. "
                    f"Edit that one with `/faq edit {other.entry.id}`, or word this one "
                    "differently.",
                    title="That question already has an entry",
                )

    # -- entries -----------------------------------------------------------------------------
    async def add(
        self,
        guild_id: int,
        actor_id: int,
        given: EntryForm | EntryContent,
        *,
        notes: Iterable[str] = (),
    ) -> Saved:
        """A new entry, from the modal's text (validated here) or from ready content."""
        content, notes = self._content(given, notes)
        now = self._now()
        async with self.db.transaction() as conn:
            await self._check_cap(conn, guild_id, 1)
            await self._check_unique(conn, guild_id, content.question)
            rid = await store.insert_entry(conn, guild_id, content, actor_id=actor_id, now=now)
            stored = await self._get(conn, guild_id, rid)
            await store.add_audit(
                conn,
                guild_id,
                stored.entry.id,
                "add",
                actor_id=actor_id,
                now=now,
                before=None,
                after=snapshot(stored),
            )
        return Saved("add", stored, notes=tuple(notes))

    async def edit(
        self,
        guild_id: int,
        actor_id: int,
        ref: str,
        given: EntryForm | EntryContent,
        *,
        expected_version: int,
        notes: Iterable[str] = (),
    ) -> Saved:
        """Save an edit made on ``expected_version``; ``Conflict`` if the entry moved on."""
        content, notes = self._content(given, notes)
        rid = row_id(ref)
        if rid is None:
            raise NotFound(f"{ref} is not an entry of this server.")
        now = self._now()
        async with self.db.transaction() as conn:
            current = await store.get_entry(self.db, guild_id, rid, conn=conn)
            if current is None:
                raise NotFound(f"This server has no entry {ref}.")
            if current.deleted:
                raise Conflict(
                    f"{ref} was removed by {who(current.deleted_by)} "
                    f"{when(current.deleted_at)} while you were editing. Nothing was saved; "
                    f"restore it with `/faq restore {ref}` if it should stay.",
                    current,
                    content,
                )
            if current.entry.version != expected_version:
                raise _conflict(current, content)
            if current.content == content:
                return Saved("edit", current, changed=False, notes=tuple(notes))
            await self._check_unique(conn, guild_id, content.question, except_row=rid)
            ok = await store.update_entry(
                conn,
                guild_id,
                rid,
                content,
                expected_version=expected_version,
                actor_id=actor_id,
                now=now,
            )
            if not ok:  # pragma: no cover - the write lock makes this unreachable
                raise _conflict(current, content)
            stored = await self._get(conn, guild_id, rid)
            await store.add_audit(
                conn,
                guild_id,
                ref,
                "edit",
                actor_id=actor_id,
                now=now,
                before=snapshot(current),
                after=snapshot(stored),
            )
        return Saved("edit", stored, notes=tuple(notes))

    async def remove(
        self, guild_id: int, actor_id: int, ref: str, *, expected_version: int | None = None
    ) -> Saved:
        """Soft delete. The confirm button passes the version it showed: if the entry was edited
        meanwhile, the moderator sees the new text before deciding again."""
        stored = await self.find(guild_id, ref)
        rid = row_id(stored.entry.id)
        assert rid is not None
        now = self._now()
        async with self.db.transaction() as conn:
            current = await self._get(conn, guild_id, rid)
            if current.deleted:
                raise CurationError(
                    f"{current.entry.id} was already removed by {who(current.deleted_by)} "
                    f"{when(current.deleted_at)}.",
                    title="Already removed",
                )
            version = expected_version if expected_version is not None else current.entry.version
            if current.entry.version != version:
                raise _conflict(current, None, doing="asked to remove it")
            await store.delete_entry(
                conn, guild_id, rid, expected_version=version, actor_id=actor_id, now=now
            )
            removed = await self._get(conn, guild_id, rid)
            await store.add_audit(
                conn,
                guild_id,
                removed.entry.id,
                "remove",
                actor_id=actor_id,
                now=now,
                before=snapshot(current),
                after=None,
            )
        return Saved("remove", removed)

    async def restore(self, guild_id: int, actor_id: int, ref: str) -> Saved:
        stored = await self.find(guild_id, ref, deleted=True)
        rid = row_id(stored.entry.id)
        assert rid is not None
        now = self._now()
        async with self.db.transaction() as conn:
            current = await self._get(conn, guild_id, rid)
            if not current.deleted:
                raise CurationError(f"{current.entry.id} is not removed: nothing to restore.")
            await self._check_cap(conn, guild_id, 1)
            await self._check_unique(conn, guild_id, current.entry.question)
            await store.restore_entry(
                conn,
                guild_id,
                rid,
                expected_version=current.entry.version,
                actor_id=actor_id,
                now=now,
            )
            restored = await self._get(conn, guild_id, rid)
            await store.add_audit(
                conn,
                guild_id,
                restored.entry.id,
                "restore",
                actor_id=actor_id,
                now=now,
                before=None,
                after=snapshot(restored),
            )
        return Saved("restore", restored)

    async def hide(self, guild_id: int, actor_id: int, ref: str) -> HiddenChange:
        """Hide a shipped entry in this server only: it never answers here again until unhidden."""
        entry = self.find_global(ref)
        now = self._now()
        async with self.db.transaction() as conn:
            if not await store.hide_global(conn, guild_id, entry.id, actor_id=actor_id, now=now):
                raise CurationError(
                    f"“{entry.question}” is already hidden in this server.", title="Already hidden"
                )
            await store.add_audit(
                conn,
                guild_id,
                entry.id,
                "hide",
                actor_id=actor_id,
                now=now,
                before={"hidden": False},
                after={"hidden": True},
            )
        return HiddenChange("hide", entry)

    async def unhide(self, guild_id: int, actor_id: int, ref: str) -> HiddenChange:
        entry = self.find_global(ref)
        now = self._now()
        async with self.db.transaction() as conn:
            if not await store.unhide_global(conn, guild_id, entry.id):
                raise CurationError(
                    f"“{entry.question}” is not hidden in this server.", title="Not hidden"
                )
            await store.add_audit(
                conn,
                guild_id,
                entry.id,
                "unhide",
                actor_id=actor_id,
                now=now,
                before={"hidden": True},
                after={"hidden": False},
            )
        return HiddenChange("unhide", entry)

    async def _get(self, conn: aiosqlite.Connection, guild_id: int, rid: int) -> StoredEntry:
        stored = await store.get_entry(self.db, guild_id, rid, conn=conn)
        if stored is None:  # pragma: no cover - only called for rows just seen in this tx
            raise NotFound(f"This server has no entry {public_id(rid)}.")
        return stored

    # -- reading -----------------------------------------------------------------------------
    async def list_page(
        self,
        guild_id: int,
        *,
        platform: str | None = None,
        page: int = 0,
        per_page: int = LIST_PAGE_SIZE,
    ) -> EntryPage:
        pid = None
        if platform and platform.strip():
            pid = self.app.resolve_platform(platform)
            if pid is None:
                raise NotFound(
                    f"I don't know a platform called “{clip(member_text(platform), 60)}”.",
                    title="Unknown platform",
                )
        everything = await store.list_stored(self.db, guild_id)
        items = [s for s in everything if pid is None or pid in s.entry.platforms]
        pages = max(1, -(-len(items) // per_page))
        page = min(max(page, 0), pages - 1)
        hidden_ids = await store.hidden_ids(self.db, guild_id)
        hidden = [e for e in self.app.kb.faq.values() if e.id in hidden_ids]
        return EntryPage(
            items=items[page * per_page : (page + 1) * per_page],
            page=page,
            pages=pages,
            total=len(items),
            total_all=len(everything),
            platform=pid,
            hidden=hidden,
        )

    async def history(
        self, guild_id: int, ref: str, *, page: int = 0, per_page: int = HISTORY_PAGE_SIZE
    ) -> HistoryPage:
        """An entry's audit trail, newest first: who changed what, when, before -> after."""
        ref = ref.strip()
        if row_id(ref) is not None:
            stored = await self.find(guild_id, ref, deleted=None)
            key, title = stored.entry.id, stored.entry.question
        elif ref in self.app.kb.faq:
            key, title = ref, self.app.kb.faq[ref].question
        elif ref.startswith("suggestion-") and await store.audit_count(self.db, guild_id, ref):
            key, title = ref, "A member's suggestion"
        else:
            try:
                stored = await self.find(guild_id, ref, deleted=None)
                key, title = stored.entry.id, stored.entry.question
            except NotFound:
                entry = self.find_global(ref)
                key, title = entry.id, entry.question
        total = await store.audit_count(self.db, guild_id, key)
        pages = max(1, -(-total // per_page))
        page = min(max(page, 0), pages - 1)
        records = await store.audit_trail(
            self.db, guild_id, key, limit=per_page, offset=page * per_page
        )
        return HistoryPage(key, title, records, page, pages, total)

    # -- export and import -------------------------------------------------------------------
    async def export(self, guild_id: int, fmt: str = "toml") -> ExportFile:
        """This server's live entries in the shipped FAQ schema (TOML or JSON)."""
        if fmt not in ("toml", "json"):
            raise CurationError("Export as toml or json.")
        entries = [s.entry for s in await store.list_stored(self.db, guild_id)]
        if not entries:
            raise NotFound(
                "Nothing to export yet — this server has no entries of its own. Add one with "
                "`/faq add`.",
                title="No entries yet",
            )
        rows = [_export_row(e) for e in entries]
        if fmt == "json":
            data = json.dumps({"faq": rows}, ensure_ascii=False, indent=2) + "\n"
        else:
            data = _to_toml(rows, guild_id, self._now())
        return ExportFile(f"faq-{guild_id}.{fmt}", data.encode("utf-8"), len(entries))

    async def plan_import(
        self, guild_id: int, filename: str, data: bytes, *, only_add: bool = False
    ) -> ImportPlan:
        """Validate a file and work out what it would change (see the module docstring for how
        rows map to entries). Nothing is written. ``only_add`` (CLI ``faq add``) rejects rows
        that would change an existing entry."""
        plan = ImportPlan(guild_id, filename)
        parsed = _read_file(filename, data)
        if isinstance(parsed, str):
            plan.problems.append(safe(parsed))
            return plan
        raws, src, is_toml = parsed
        if not raws:
            plan.problems.append("The file has no entries ([[faq]] tables).")
            return plan
        if len(raws) > ENTRY_CAP:
            plan.problems.append(
                f"The file has {len(raws)} entries; a server may have at most {ENTRY_CAP}."
            )
            return plan
        live = await store.list_stored(self.db, guild_id)
        removed = await store.list_stored(self.db, guild_id, deleted=True)
        by_row = {row_id(s.entry.id): s for s in live}
        removed_rows = {row_id(s.entry.id) for s in removed}
        by_key = {question_key(s.entry.question): s for s in live}
        claimed: dict[str, int] = {}  # entry id -> the row that updates it
        taken: dict[str, int] = {}  # question key -> the row whose question it will be
        for index, raw in enumerate(raws):
            number = index + 1
            line = src.header_line("faq", index) if is_toml and src.headers.get("faq") else None
            if not isinstance(raw, dict):
                plan.rows.append(ImportRow(number, line, "?", "reject", reason="not a table"))
                continue
            label = clip(str(raw.get("question") or raw.get("id") or "?"), 80)
            given_id = raw.get("id")
            probe = dict(raw)
            if given_id is None:
                probe["id"] = "new-entry"
            content, problems = self._validate(probe, src, index)
            if content is None:
                reason = safe(
                    "; ".join(
                        f"line {p.line}: {p.message}" if is_toml and p.line > 1 else p.message
                        for p in problems
                    )
                )
                plan.rows.append(ImportRow(number, line, label, "reject", reason=reason))
                continue
            label = clip(content.question, 80)
            rid = row_id(given_id) if isinstance(given_id, str) else None
            key = question_key(content.question)
            target: StoredEntry | None = None
            if rid is not None and rid in removed_rows:
                reason = (
                    f"{given_id} was removed: restore it with `/faq restore {given_id}` first, "
                    "or delete its id line to add it as a new entry"
                )
                plan.rows.append(ImportRow(number, line, label, "reject", reason=reason))
                continue
            if rid is not None and rid in by_row:
                target = by_row[rid]
            else:
                target = by_key.get(key)
            if target is not None:
                twin = by_key.get(key)
                if twin is not None and twin is not target:
                    reason = f"{twin.entry.id} already has this question"
                    plan.rows.append(ImportRow(number, line, label, "reject", reason=reason))
                    continue
                if target.entry.id in claimed:
                    reason = f"entry {claimed[target.entry.id]} also updates {target.entry.id}"
                    plan.rows.append(ImportRow(number, line, label, "reject", reason=reason))
                    continue
                claimed[target.entry.id] = number
                if only_add:
                    reason = f"already exists as {target.entry.id} (use import to update it)"
                    plan.rows.append(ImportRow(number, line, label, "reject", reason=reason))
                    continue
                if key in taken:
                    reason = f"same question as entry {taken[key]}"
                    plan.rows.append(ImportRow(number, line, label, "reject", reason=reason))
                    continue
                taken[key] = number
                fields = _changed_fields(target.content, content)
                kind = "change" if fields else "unchanged"
                plan.rows.append(
                    ImportRow(number, line, label, kind, content, target, changed_fields=fields)
                )
                continue
            if key in taken:
                reason = f"same question as entry {taken[key]}"
                plan.rows.append(ImportRow(number, line, label, "reject", reason=reason))
                continue
            taken[key] = number
            plan.rows.append(ImportRow(number, line, label, "add", content))
        if len(live) + len(plan.added) > ENTRY_CAP:
            plan.problems.append(
                f"This server has {len(live)} entries and the file adds {len(plan.added)}; "
                f"the limit is {ENTRY_CAP}."
            )
        return plan

    async def apply_import(
        self, guild_id: int, actor_id: int, plan: ImportPlan, *, action: str = "import"
    ) -> ImportResult:
        """Apply a previewed plan in ONE transaction: all of it, or (on any problem) nothing.

        Versions and questions are re-checked, because another moderator may have changed
        the entries between the preview and the confirmation. ``action`` is what the audit
        records ("import", or "add" for the CLI's ``faq add``).
        """
        if action not in ("import", "add"):
            raise ValueError(f"unexpected audit action {action!r}")
        if plan.guild_id != guild_id:
            raise CurationError("That preview belongs to another server.")
        if not plan.can_apply:
            reasons = plan.problems + [f"{r.where}: {r.reason}" for r in plan.rejected]
            raise Invalid(
                reasons or ["The file changes nothing."],
                title="Nothing was imported",
            )
        now = self._now()
        added: list[StoredEntry] = []
        changed: list[StoredEntry] = []
        async with self.db.transaction() as conn:
            await self._check_cap(conn, guild_id, len(plan.added))
            live_keys = {
                question_key(s.entry.question): s
                for s in await store.list_stored(self.db, guild_id, conn=conn)
            }
            for row in plan.rows:
                if row.kind == "add":
                    assert row.content is not None
                    twin = live_keys.get(question_key(row.content.question))
                    if twin is not None:
                        raise Conflict(
                            f"Since the preview, {twin.entry.id} was saved with the question of "
                            f"{row.where}. Nothing was imported; run the import again to see "
                            "the new preview."
                        )
                    rid = await store.insert_entry(
                        conn, guild_id, row.content, actor_id=actor_id, now=now
                    )
                    stored = await self._get(conn, guild_id, rid)
                    await store.add_audit(
                        conn,
                        guild_id,
                        stored.entry.id,
                        action,
                        actor_id=actor_id,
                        now=now,
                        before=None,
                        after=snapshot(stored),
                    )
                    added.append(stored)
                    live_keys[question_key(stored.entry.question)] = stored
                elif row.kind == "change":
                    assert row.content is not None and row.target is not None
                    rid = row_id(row.target.entry.id)
                    assert rid is not None
                    twin = live_keys.get(question_key(row.content.question))
                    if twin is not None and twin.entry.id != row.target.entry.id:
                        raise Conflict(
                            f"Since the preview, {twin.entry.id} was saved with the question of "
                            f"{row.where}. Nothing was imported; run the import again to see "
                            "the new preview."
                        )
                    ok = await store.update_entry(
                        conn,
                        guild_id,
                        rid,
                        row.content,
                        expected_version=row.target.entry.version,
                        actor_id=actor_id,
                        now=now,
                    )
                    if not ok:
                        current = await store.get_entry(self.db, guild_id, rid, conn=conn)
                        raise Conflict(
                            f"{row.target.entry.id} changed since the preview"
                            + (
                                f" ({who(current.updated_by)} {when(current.updated_at)})"
                                if current
                                else ""
                            )
                            + ". Nothing was imported; run the import again to see the new "
                            "preview.",
                            current,
                            row.content,
                        )
                    stored = await self._get(conn, guild_id, rid)
                    await store.add_audit(
                        conn,
                        guild_id,
                        stored.entry.id,
                        action,
                        actor_id=actor_id,
                        now=now,
                        before=snapshot(row.target),
                        after=snapshot(stored),
                    )
                    changed.append(stored)
                    live_keys.pop(question_key(row.target.entry.question), None)
                    live_keys[question_key(stored.entry.question)] = stored
        return ImportResult(plan.filename, added, changed, len(plan.unchanged))

    # -- member suggestions ------------------------------------------------------------------
    async def suggest(
        self,
        guild_id: int,
        member_id: int,
        channel_id: int | None,
        question: str,
        answer: str | None = None,
    ) -> SuggestionReceipt:
        """Any member may suggest; rate-limited per member, and the queue is capped per server."""
        question = squash(question)
        answer = answer.strip() if answer and answer.strip() else None
        if len(question) < MIN_SUGGESTION:
            raise Invalid([f"Please write the question out (at least {MIN_SUGGESTION} letters)."])
        if len(question) > MAX_QUESTION:
            raise Invalid(
                [f"The question is {len(question)} characters; the limit is {MAX_QUESTION}."]
            )
        if answer and len(answer) > MAX_ANSWER:
            raise Invalid([f"The answer is {len(answer)} characters; the limit is {MAX_ANSWER}."])
        if any(_bad_text(t) for t in (question, answer or "")):
            raise Invalid(["The text contains characters that cannot be stored."])
        now = self.clock()
        async with self.db.transaction() as conn:
            recent = await store.member_suggestions_since(
                self.db, guild_id, member_id, _iso(now - SUGGESTION_WINDOW), conn=conn
            )
            if len(recent) >= SUGGESTION_RATE:
                free_at = _parse_iso(recent[0]) + SUGGESTION_WINDOW
                minutes = max(1, -(-int((free_at - now).total_seconds()) // 60))
                raise LimitReached(
                    f"You've suggested {len(recent)} questions in the last hour — thank you! "
                    f"You can suggest another in about {minutes} minute(s).",
                    title="Thanks — that's plenty for now",
                )
            pending = await store.pending_suggestions(self.db, guild_id, conn=conn)
            if len(pending) >= PENDING_CAP:
                raise LimitReached(
                    f"The moderators already have {len(pending)} suggestions to read. Please try "
                    "again in a few days.",
                    title="The suggestion box is full",
                )
            key = question_key(question)
            if any(question_key(p.question) == key for p in pending):
                raise CurationError(
                    "That question is already waiting for the moderators — thanks!",
                    title="Already suggested",
                )
            sid = await store.insert_suggestion(
                conn, guild_id, member_id, channel_id, question, answer, now=_iso(now)
            )
        return SuggestionReceipt(sid, len(pending) + 1)

    async def queue_page(self, guild_id: int, page: int = 0) -> QueuePage:
        total = await store.pending_count(self.db, guild_id)
        page = min(max(page, 0), max(total - 1, 0))
        items = await store.pending_suggestions(self.db, guild_id, limit=1, offset=page)
        return QueuePage(items[0] if items else None, page, total)

    async def suggestion_form(self, guild_id: int, suggestion_id: int) -> EntryForm:
        """The add modal's prefill when approving: the member's question and answer."""
        s = await self._pending(guild_id, suggestion_id)
        return EntryForm(question=s.question, answer=s.answer or "")

    async def _pending(
        self, guild_id: int, suggestion_id: int, conn: aiosqlite.Connection | None = None
    ) -> SuggestionRow:
        s = await store.get_suggestion(self.db, guild_id, suggestion_id, conn=conn)
        if s is None:
            raise NotFound(f"There is no suggestion #{suggestion_id} in this server.")
        if s.status != "pending":
            raise NotFound(
                f"Suggestion #{s.id} was already {s.status} by {who(s.reviewed_by)} "
                f"{when(s.reviewed_at)}.",
                title="Already reviewed",
            )
        return s

    async def approve(
        self,
        guild_id: int,
        actor_id: int,
        suggestion_id: int,
        given: EntryForm | EntryContent,
        *,
        guild_name: str | None = None,
        notes: Iterable[str] = (),
    ) -> Approval:
        """The suggestion becomes an entry (as the moderator finalised it), audited as approve."""
        content, notes = self._content(given, notes)
        now = self._now()
        async with self.db.transaction() as conn:
            s = await self._pending(guild_id, suggestion_id, conn)
            await self._check_cap(conn, guild_id, 1)
            await self._check_unique(conn, guild_id, content.question)
            rid = await store.insert_entry(conn, guild_id, content, actor_id=actor_id, now=now)
            stored = await self._get(conn, guild_id, rid)
            await store.review_suggestion(
                conn,
                guild_id,
                s.id,
                status="approved",
                reviewer_id=actor_id,
                now=now,
                entry_row=rid,
            )
            await store.add_audit(
                conn,
                guild_id,
                stored.entry.id,
                "approve",
                actor_id=actor_id,
                now=now,
                before=_suggestion_json(s),
                after=snapshot(stored),
            )
        server = _server(guild_name)
        text = (
            f"Good news! The question you suggested for the FAQ of {server} was added:\n"
            f"{quote_block(member_text(s.question))}\n"
            "Anyone there can now get the answer with `/faq ask`. Thank you for helping!"
        )
        notice = MemberNotice(s.member_id, s.channel_id, text, None)
        return Approval(Saved("approve", stored, notes=tuple(notes)), notice)

    async def reject(
        self,
        guild_id: int,
        actor_id: int,
        suggestion_id: int,
        reason: str | None = None,
        *,
        guild_name: str | None = None,
    ) -> MemberNotice:
        """Decline a suggestion; returns the polite note the member should get."""
        reason = clip(squash(reason), MAX_REASON) if reason and reason.strip() else None
        now = self._now()
        async with self.db.transaction() as conn:
            s = await self._pending(guild_id, suggestion_id, conn)
            await store.review_suggestion(
                conn,
                guild_id,
                s.id,
                status="rejected",
                reviewer_id=actor_id,
                now=now,
                reason=reason,
            )
            await store.add_audit(
                conn,
                guild_id,
                f"suggestion-{s.id}",
                "reject",
                actor_id=actor_id,
                now=now,
                before=_suggestion_json(s),
                after={"status": "rejected", "reason": reason},
            )
        server = _server(guild_name)
        body = (
            f"thank you for suggesting a question for the FAQ of {server}:\n"
            f"{quote_block(member_text(clip(s.question, MAX_QUESTION)))}\n"
            "The moderators decided not to add it this time."
            + (f"\nTheir note: {safe(reason)}" if reason else "")
            + "\nYou can still ask it with `/faq ask`, and you're welcome to suggest others."
        )
        return MemberNotice(
            s.member_id,
            s.channel_id,
            clip("Hi, " + body, limits.MESSAGE_CONTENT),
            clip(f"<@{s.member_id}> " + body, limits.MESSAGE_CONTENT),
        )


def _conflict(current: StoredEntry, mine: EntryContent | None, *, doing: str = "") -> Conflict:
    doing = doing or "opened it"
    return Conflict(
        f"{who(current.updated_by)} saved a newer version of {current.entry.id} (version "
        f"{current.entry.version}) {when(current.updated_at)}, after you {doing}. Nothing was "
        "overwritten. Here is the current text"
        + ("; yours is below so you can copy it." if mine else "."),
        current,
        mine,
    )


def _suggestion_json(s: SuggestionRow) -> dict[str, Any]:
    return {
        "suggestion": s.id,
        "member_id": s.member_id,
        "question": s.question,
        "answer": s.answer,
        "suggested_at": s.created_at,
    }


def _server(name: str | None) -> str:
    return f"**{member_text(clip(name, 80))}**" if name else "the server"


def _dedupe(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def _strings_in(raw: dict[str, Any]) -> Iterable[str]:
    for value in raw.values():
        if isinstance(value, str):
            yield value
        elif isinstance(value, list):
            yield from (v for v in value if isinstance(v, str))
        elif isinstance(value, dict):
            for inner in value.values():
                if isinstance(inner, list):
                    yield from (v for v in inner if isinstance(v, str))


def _bad_text(text: str) -> bool:
    return "\x00" in text or any(0xD800 <= ord(ch) <= 0xDFFF for ch in text)


def _choice_label(entry: FaqEntry) -> str:
    return clip(f"{entry.id} · {squash(entry.question)}", limits.CHOICE_NAME)


def _changed_fields(before: EntryContent, after: EntryContent) -> tuple[str, ...]:
    b, a = before.to_json(), after.to_json()
    return tuple(k for k in FIELD_LABELS if b[k] != a[k])


# -- file formats ----------------------------------------------------------------------------
_ENTRY_KEYS = ("id", "question", "answer", "platforms", "topics", "links", "phrasings", "verified")


def _export_row(entry: FaqEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "question": entry.question,
        "answer": entry.answer,
        "platforms": list(entry.platforms),
        "topics": list(entry.topics),
        "links": list(entry.links),
        "phrasings": list(entry.phrasings),
    }


def _toml_string(text: str) -> str:
    """A TOML basic string. JSON's escapes are TOML's; DEL and C1 controls need escaping too."""
    return re.sub(
        r"[\x7f-\x9f]", lambda m: f"\\u{ord(m.group()):04x}", json.dumps(text, ensure_ascii=False)
    )


def _to_toml(rows: list[dict[str, Any]], guild_id: int, now: str) -> str:
    out = [
        f"# Fine Print: the FAQ entries of server {guild_id} ({len(rows)}), exported {now}.",
        "# Same schema as data/faq.toml. Import with /faq import (or python -m bot faq import).",
        "# A row whose id is guild-N of this server updates that entry; any other row updates the",
        "# entry with the same question, or is added. Delete an id line to add a copy instead.",
    ]
    for row in rows:
        out.append("")
        out.append("[[faq]]")
        for key, value in row.items():
            if isinstance(value, list):
                inner = ", ".join(_toml_string(v) for v in value)
                out.append(f"{key} = [{inner}]")
            else:
                out.append(f"{key} = {_toml_string(value)}")
    return "\n".join(out) + "\n"


def _read_file(filename: str, data: bytes) -> tuple[list[Any], _Source, bool] | str:
    """Rows of a TOML or JSON file, or one message saying why the file cannot be read."""
    if len(data) > IMPORT_MAX_BYTES:
        return f"The file is {len(data) / 1e6:.1f} MB; the limit is 1 MB."
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return "The file is not UTF-8 text. Save it as UTF-8 and try again."
    suffix = Path(filename).suffix.lower()
    as_json = suffix == ".json" or (suffix != ".toml" and text.lstrip()[:1] in ("{", "["))
    src = _Source(Path(filename), text if not as_json else "")
    if as_json:
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as exc:
            if suffix == ".json":
                return f"The file is not valid JSON: {exc}"
            as_json = False  # "[[faq]]" also starts with "[": try TOML
        else:
            if isinstance(raw, list):
                return raw, src, False
            if isinstance(raw, dict) and "question" in raw:
                return [raw], src, False
            if isinstance(raw, dict) and set(raw) == {"faq"} and isinstance(raw["faq"], list):
                return raw["faq"], src, False
            return 'A JSON file must be a list of entries or {"faq": [entries]}.'
    src = _Source(Path(filename), text)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return f"The file is not valid TOML or JSON: {exc}"
    if "question" in raw and set(raw) <= set(_ENTRY_KEYS):
        return [raw], src, True  # one entry written at the top level (handy for `faq add`)
    unknown = sorted(set(raw) - {"faq"})
    if unknown:
        return (
            f"Unknown table(s) {', '.join(unknown)}: the file should hold [[faq]] tables "
            "(the schema of data/faq.toml)."
        )
    rows = raw.get("faq", [])
    if not isinstance(rows, list):
        return "Use [[faq]] (double brackets) for each entry."
    return rows, src, True


# -- replies (plain dataclasses; the cog turns them into embeds and adds its views) ----------
def error_reply(exc: CurationError) -> Reply:
    return Reply(
        [Card(exc.title, exc.message, color=COLOR_NOTICE)],
        ephemeral=True,
    )


def conflict_reply(exc: Conflict) -> Reply:
    fields: list[Field] = []
    if exc.current is not None and not exc.current.deleted:
        cur = exc.current.entry
        fields.append(Field("Current question", safe(cur.question)))
        fields.append(Field("Current answer", safe(clip(cur.answer, limits.EMBED_FIELD_VALUE))))
        tags = ", ".join((*cur.platforms, *cur.topics))
        fields.append(Field("Current platforms and topics", tags or "—"))
    if exc.mine is not None:
        fields.append(Field("Your question", safe(exc.mine.question)))
        fields.append(Field("Your answer", safe(clip(exc.mine.answer, limits.EMBED_FIELD_VALUE))))
    return Reply([Card(exc.title, exc.message, color=COLOR_NOTICE, fields=fields)], ephemeral=True)


def _entry_fields(entry: FaqEntry, app: App) -> list[Field]:
    names = [app.kb.platforms[p].name for p in entry.platforms if p in app.kb.platforms]
    topics = [TOPIC_BY_ID[t].label for t in entry.topics if t in TOPIC_BY_ID]
    fields = [
        Field("Platforms", ", ".join(names) or "All platforms", inline=True),
        Field("Topics", ", ".join(topics) or "—", inline=True),
    ]
    if entry.phrasings:
        fields.append(Field("Also matches", fit_lines([safe(p) for p in entry.phrasings], 1000)[0]))
    if entry.links:
        fields.append(Field("Sources", "\n".join(f"<{link}>" for link in entry.links)))
    return fields


def saved_reply(app: App, saved: Saved) -> Reply:
    entry = saved.stored.entry
    heads = {
        "add": ("Entry added", "Members can ask it now with `/faq ask`."),
        "approve": ("Suggestion approved", "Members can ask it now with `/faq ask`."),
        "edit": ("Entry saved", "The new text answers from now on."),
        "restore": ("Entry restored", "It answers questions again."),
        "remove": (
            "Entry removed",
            f"It no longer answers. Undo with `/faq restore {entry.id}`.",
        ),
    }
    title, text = heads.get(saved.action, ("Saved", ""))
    if not saved.changed:
        title, text = "Nothing to save", "The entry already says exactly that."
    description = f"**{safe(entry.question)}**\n{safe(clip(entry.answer, 1500))}\n\n{text}"
    if saved.notes:
        description += "\n" + "\n".join(f"ℹ️ {n}" for n in saved.notes)
    return Reply(
        [
            Card(
                title,
                description,
                color=COLOR_MUTED if saved.action == "remove" else COLOR_OK,
                fields=_entry_fields(entry, app),
                footer=f"{entry.id} · version {entry.version}",
            )
        ],
        ephemeral=True,
    )


def confirm_remove_reply(app: App, stored: StoredEntry) -> Reply:
    entry = stored.entry
    return Reply(
        [
            Card(
                f"Remove {entry.id}?",
                f"**{safe(entry.question)}**\n{safe(clip(entry.answer, 1500))}\n\n"
                "It will stop answering in this server. You can undo this with "
                f"`/faq restore {entry.id}`.",
                color=COLOR_NOTICE,
                fields=_entry_fields(entry, app),
                footer=f"{entry.id} · version {entry.version}",
            )
        ],
        ephemeral=True,
    )


def hidden_reply(change: HiddenChange) -> Reply:
    entry = change.entry
    if change.action == "hide":
        title = "Hidden in this server"
        text = (
            f"“{entry.question}” ({entry.id}) will no longer answer here. Other servers still "
            f"see it. Undo with `/faq unhide {entry.id}`."
        )
    else:
        title = "Shown again"
        text = f"“{entry.question}” ({entry.id}) answers in this server again."
    return Reply([Card(title, text, color=COLOR_OK)], ephemeral=True)


def list_reply(app: App, page: EntryPage) -> Reply:
    pname = app.kb.platforms[page.platform].name if page.platform else None
    hidden_note = (
        f"{len(page.hidden)} shipped entr{'y' if len(page.hidden) == 1 else 'ies'} hidden here "
        "(`/faq unhide`)."
        if page.hidden
        else ""
    )
    if not page.items:
        if page.total_all == 0:
            text = (
                "No entries yet — add one with `/faq add`, import a file with `/faq import`, "
                "or review members' suggestions with `/faq queue`."
            )
        else:
            text = (
                f"No entries about {pname} yet — add one with `/faq add`. "
                f"`/faq list` without a platform shows all {page.total_all}."
            )
        if hidden_note:
            text += f"\n\n{hidden_note}"
        return Reply([Card("This server's FAQ", text, color=COLOR_NOTICE)], ephemeral=True)
    fields = []
    for stored in page.items:
        entry = stored.entry
        tags = ", ".join(
            [app.kb.platforms[p].name for p in entry.platforms if p in app.kb.platforms]
            + [TOPIC_BY_ID[t].label for t in entry.topics if t in TOPIC_BY_ID]
        )
        value = (
            f"{safe(clip(squash(entry.answer), 200))}\n"
            f"*{tags}* · v{entry.version} · changed {when(stored.updated_at, 'R')} by "
            f"{who(stored.updated_by)}"
        )
        fields.append(Field(clip(f"{entry.id} · {safe(entry.question)}", 256), value))
    about = f" about {pname}" if pname else ""
    count = f"{page.total} of {page.total_all}" if page.platform else str(page.total)
    return Reply(
        [
            Card(
                f"This server's FAQ{about} — {count} entr{'y' if page.total == 1 else 'ies'}",
                "Edit with `/faq edit`, remove with `/faq remove`, see changes with "
                "`/faq history`." + (f"\n{hidden_note}" if hidden_note else ""),
                fields=fields,
                footer=f"Page {page.page + 1} of {page.pages}",
            )
        ],
        ephemeral=True,
    )


def describe(record: AuditRow) -> str:
    """One audit record as text: who, when, and each changed field before -> after."""
    head = f"{ACTION_LABELS.get(record.action, record.action)} by {who(record.actor_id)} · "
    head += when(record.at)
    lines = [head]
    before, after = record.before or {}, record.after or {}
    if record.action in ("hide", "unhide", "remove", "restore"):
        pass
    elif record.action == "reject":
        lines.append(f"Question: “{member_text(clip(str(before.get('question', '')), 150))}”")
        if after.get("reason"):
            lines.append(f"Note: {safe(str(after['reason']))}")
    elif not record.before or "version" not in before:
        if record.action == "approve":
            lines.append(f"Suggested by {who(before.get('member_id'))}")
        lines.append(f"Question: “{safe(clip(str(after.get('question', '')), 150))}”")
    else:
        for key in FIELD_LABELS:
            old, new = before.get(key), after.get(key)
            if old != new:
                lines.append(f"**{key}:** {_short(old)} → {_short(new)}")
    return clip("\n".join(lines), limits.EMBED_FIELD_VALUE)


def _short(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(safe(clip(str(v), 60)) for v in value) or "—"
    if value is None or value == "":
        return "—"
    return "“" + safe(clip(squash(str(value)), 140)) + "”"


def history_reply(page: HistoryPage) -> Reply:
    if not page.records:
        return Reply(
            [
                Card(
                    f"History of {page.ref}",
                    f"“{safe(page.title)}”\n\nNo changes recorded in this server yet.",
                    color=COLOR_NOTICE,
                )
            ],
            ephemeral=True,
        )
    first = page.total - page.page * HISTORY_PAGE_SIZE
    fields = [Field(f"#{first - n}", describe(record)) for n, record in enumerate(page.records)]
    return Reply(
        [
            Card(
                f"History of {page.ref}",
                f"“{safe(clip(page.title, 300))}” — {page.total} change(s), newest first.",
                fields=fields,
                footer=f"Page {page.page + 1} of {page.pages}",
            )
        ],
        ephemeral=True,
    )


def export_reply(export: ExportFile) -> Reply:
    text = (
        f"{export.count} entr{'y' if export.count == 1 else 'ies'}, in the same schema as the "
        "shipped FAQ. Edit it and bring it back with `/faq import`: rows keep their `guild-N` "
        "id, so they update the same entries."
    )
    if export.too_big_to_reimport:
        text += (
            f"\n\n⚠️ The file is larger than the {IMPORT_MAX_BYTES // (1024 * 1024)} MB import "
            "limit: split it into smaller files to import it again."
        )
    return Reply(
        [Card("FAQ export", text, color=COLOR_OK)],
        ephemeral=True,
        file=(export.filename, export.data),
    )


def import_preview_reply(plan: ImportPlan) -> Reply:
    clipped = False

    def block(rows: list[ImportRow], fmt: Callable[[ImportRow], str]) -> str:
        nonlocal clipped
        text, cut = fit_lines(
            [fmt(r) for r in rows],
            limits.EMBED_FIELD_VALUE,
            "… and {n} more (see the attached report)",
        )
        clipped = clipped or cut
        return text

    fields: list[Field] = []
    if plan.problems:
        fields.append(Field("Problems", "\n".join(f"• {p}" for p in plan.problems)))
    if plan.rejected:
        fields.append(
            Field(
                f"Rejected ({len(plan.rejected)})",
                block(plan.rejected, lambda r: f"• {r.where} “{safe(r.label)}”: {r.reason}"),
            )
        )
    if plan.added:
        fields.append(
            Field(f"Added ({len(plan.added)})", block(plan.added, lambda r: f"• {safe(r.label)}"))
        )
    if plan.changed:
        fields.append(
            Field(
                f"Changed ({len(plan.changed)})",
                block(
                    plan.changed,
                    lambda r: (
                        f"• {r.target.entry.id if r.target else '?'} {safe(r.label)} — "
                        + ", ".join(r.changed_fields)
                    ),
                ),
            )
        )
    if plan.problems or plan.rejected:
        text = (
            "**Nothing was imported.** Fix the rows below and import the file again: a file is "
            "applied all at once or not at all."
        )
        color = COLOR_NOTICE
    elif plan.can_apply:
        text = (
            "Nothing has changed yet. Press **Confirm import** to apply all of it at once, or "
            "**Cancel**."
        )
        color = COLOR_MUTED
    else:
        text = "The file matches this server's entries exactly: there is nothing to import."
        color = COLOR_MUTED
    card = Card(
        f"Import preview — {clip(member_text(plan.filename), 100)}",
        f"{plan.summary()}\n\n{text}",
        color=color,
        fields=fields,
        footer="Rows map to entries by id (guild-N of this server), else by identical question.",
    )
    report = None
    if clipped:
        report = ("import-preview.txt", ("\n".join(plan.report_lines()) + "\n").encode("utf-8"))
    return Reply([card], ephemeral=True, file=report)


def import_result_reply(result: ImportResult) -> Reply:
    return Reply(
        [
            Card(
                "Import applied",
                f"{len(result.added)} added · {len(result.changed)} changed · "
                f"{result.unchanged} unchanged. The new answers are live; every change is in "
                "`/faq history`.",
                color=COLOR_OK,
            )
        ],
        ephemeral=True,
    )


def suggestion_receipt_reply(receipt: SuggestionReceipt) -> Reply:
    return Reply(
        [
            Card(
                "Thanks for the suggestion!",
                "The moderators will review it. If they don't add it, I'll let you know "
                "(by DM if your DMs are open).",
                color=COLOR_OK,
                footer=f"Suggestion #{receipt.id}",
            )
        ],
        ephemeral=True,
    )


def queue_reply(page: QueuePage) -> Reply:
    s = page.item
    if s is None:
        return Reply(
            [
                Card(
                    "No suggestions waiting",
                    "The queue is empty. Members can suggest questions with `/faq suggest`.",
                    color=COLOR_NOTICE,
                )
            ],
            ephemeral=True,
        )
    fields = [Field("Question", member_text(s.question))]
    if s.answer:
        fields.append(
            Field("Their suggested answer", member_text(clip(s.answer, limits.EMBED_FIELD_VALUE)))
        )
    where = f" in <#{s.channel_id}>" if s.channel_id else ""
    fields.append(Field("Suggested", f"by {who(s.member_id)}{where} · {when(s.created_at)}"))
    return Reply(
        [
            Card(
                f"Suggestion #{s.id}",
                "**Approve** opens the entry form prefilled with it; **Reject** lets you add a "
                "short note for the member.",
                fields=fields,
                footer=f"{page.page + 1} of {page.total} waiting · oldest first",
            )
        ],
        ephemeral=True,
    )


def notice_outcome_reply(title: str, reached: str | None) -> Reply:
    """What the moderator sees after a decision, including whether the member was told."""
    told = {
        "dm": "The member was told by DM.",
        "channel": "Their DMs are closed, so I told them in the channel where they suggested it.",
        None: "I couldn't reach the member (DMs closed and no access to that channel).",
    }[reached]
    return Reply([Card(title, told, color=COLOR_OK)], ephemeral=True)
