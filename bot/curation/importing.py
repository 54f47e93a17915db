"""Imports: a file of ``[[faq]]`` rows is previewed as a plan, then applied all at once or not at
all, so a server never ends up with half a file.

How an imported row maps to an existing entry (also shown in the export header):

1. ``id = "guild-N"`` naming a live entry of *this* server updates that entry;
2. ``id = "guild-N"`` naming a removed entry of this server is rejected (restore it first, or
   delete the id line to add it as a new entry);
3. otherwise (no id, another server's ``guild-N``, any other slug) the row updates the live entry
   whose question is the same (ignoring case, spacing and a trailing ``?``), or else is added.

A row identical to its entry is "unchanged" and not written. Two rows targeting the same entry,
or a question that would duplicate another entry's, are rejected. ``verified`` is accepted (the
shipped schema has it) but not stored for server entries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.curation.base import ServiceBase
from bot.curation.caps import ENTRY_CAP
from bot.curation.errors import Actor, Conflict, CurationError, Invalid, Moment
from bot.curation.files import read_file
from bot.curation.model import FIELD_LABELS, ImportPlan, ImportResult, ImportRow
from bot.curation.text import question_key, safe
from bot.knowledge.loader import _Source
from bot.knowledge.text import clip
from bot.present.strings import STRINGS
from bot.store import faq_entries
from bot.store.faq_entries import EntryContent, StoredEntry, row_id


class ImportOps(ServiceBase):
    """``plan_import`` (a dry run) and ``apply_import`` (one transaction)."""

    async def plan_import(
        self, guild_id: int, filename: str, data: bytes, *, only_add: bool = False
    ) -> ImportPlan:
        """Validate a file and work out what it would change (see the module docstring for how
        rows map to entries). Nothing is written. ``only_add`` (CLI ``faq add``) rejects rows
        that would change an existing entry."""
        plan = ImportPlan(guild_id, filename)
        parsed = read_file(filename, data)
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
        live = await faq_entries.list_stored(self.db, guild_id)
        removed = await faq_entries.list_stored(self.db, guild_id, deleted=True)
        targets = _Targets(
            by_row={row_id(s.entry.id): s for s in live},
            removed_rows={row_id(s.entry.id) for s in removed},
            by_key={question_key(s.entry.question): s for s in live},
            only_add=only_add,
        )
        for index, raw in enumerate(raws):
            plan.rows.append(self._plan_row(targets, index, raw, src, is_toml))
        if len(live) + len(plan.added) > ENTRY_CAP:
            plan.problems.append(
                f"This server has {len(live)} entries and the file adds {len(plan.added)}; "
                f"the limit is {ENTRY_CAP}."
            )
        return plan

    def _plan_row(
        self, targets: _Targets, index: int, raw: Any, src: _Source, is_toml: bool
    ) -> ImportRow:
        """One row of the file: validated, then placed (or why it cannot be)."""
        number = index + 1
        line = src.header_line("faq", index) if is_toml and src.headers.get("faq") else None
        if not isinstance(raw, dict):
            return ImportRow(number, line, "?", "reject", reason="not a table")
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
            return ImportRow(number, line, label, "reject", reason=reason)
        return targets.place(number, line, clip(content.question, 80), given_id, content)

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
            raise CurationError("curation.import.other_server")
        if not plan.can_apply:
            reasons = plan.problems + [f"{r.where}: {r.reason}" for r in plan.rejected]
            raise Invalid(
                reasons or [STRINGS["curation.import.nothing"]],
                title="curation.import.none.title",
            )
        now = self._now()
        added: list[StoredEntry] = []
        changed: list[StoredEntry] = []
        async with self.db.transaction() as conn:
            await self._check_cap(conn, guild_id, len(plan.added))
            live_keys = {
                question_key(s.entry.question): s
                for s in await faq_entries.list_stored(self.db, guild_id, conn=conn)
            }
            for row in plan.rows:
                if row.kind == "add":
                    assert row.content is not None
                    twin = live_keys.get(question_key(row.content.question))
                    if twin is not None:
                        raise _question_taken(twin, row)
                    stored = await self._insert(
                        conn, guild_id, row.content, actor_id=actor_id, now=now, action=action
                    )
                    added.append(stored)
                    live_keys[question_key(stored.entry.question)] = stored
                elif row.kind == "change":
                    assert row.content is not None and row.target is not None
                    rid = row_id(row.target.entry.id)
                    assert rid is not None
                    twin = live_keys.get(question_key(row.content.question))
                    if twin is not None and twin.entry.id != row.target.entry.id:
                        raise _question_taken(twin, row)
                    updated = await self._update(
                        conn,
                        guild_id,
                        row.target,
                        row.content,
                        actor_id=actor_id,
                        now=now,
                        action=action,
                    )
                    if updated is None:
                        current = await faq_entries.get_entry(self.db, guild_id, rid, conn=conn)
                        raise Conflict(
                            "curation.import.changed" if current else "curation.import.gone",
                            current,
                            row.content,
                            entry=row.target.entry.id,
                            by=Actor(current.updated_by if current else None),
                            at=Moment(current.updated_at if current else None),
                        )
                    changed.append(updated)
                    live_keys.pop(question_key(row.target.entry.question), None)
                    live_keys[question_key(updated.entry.question)] = updated
        return ImportResult(plan.filename, added, changed, len(plan.unchanged))


@dataclass(slots=True)
class _Targets:
    """The server's entries as an import maps rows onto them, and what earlier rows claimed."""

    by_row: dict[int | None, StoredEntry]
    removed_rows: set[int | None]
    by_key: dict[str, StoredEntry]  # question key -> live entry
    only_add: bool
    claimed: dict[str, int] = field(default_factory=dict)  # entry id -> the row that updates it
    taken: dict[str, int] = field(default_factory=dict)  # question key -> the row asking it

    def place(
        self, number: int, line: int | None, label: str, given_id: Any, content: EntryContent
    ) -> ImportRow:
        """Where a valid row goes (rules 1-3 of the module docstring), or why it cannot go."""

        def reject(reason: str) -> ImportRow:
            return ImportRow(number, line, label, "reject", reason=reason)

        rid = row_id(given_id) if isinstance(given_id, str) else None
        key = question_key(content.question)
        if rid is not None and rid in self.removed_rows:
            return reject(
                f"{given_id} was removed: restore it with `/faq restore {given_id}` first, "
                "or delete its id line to add it as a new entry"
            )
        target = (
            self.by_row[rid] if rid is not None and rid in self.by_row else self.by_key.get(key)
        )
        if target is None:
            if key in self.taken:
                return reject(f"same question as entry {self.taken[key]}")
            self.taken[key] = number
            return ImportRow(number, line, label, "add", content)
        twin = self.by_key.get(key)
        if twin is not None and twin is not target:
            return reject(f"{twin.entry.id} already has this question")
        if target.entry.id in self.claimed:
            return reject(f"entry {self.claimed[target.entry.id]} also updates {target.entry.id}")
        self.claimed[target.entry.id] = number
        if self.only_add:
            return reject(f"already exists as {target.entry.id} (use import to update it)")
        if key in self.taken:
            return reject(f"same question as entry {self.taken[key]}")
        self.taken[key] = number
        fields = changed_fields(target.content, content)
        kind = "change" if fields else "unchanged"
        return ImportRow(number, line, label, kind, content, target, changed_fields=fields)


def changed_fields(before: EntryContent, after: EntryContent) -> tuple[str, ...]:
    b, a = before.to_json(), after.to_json()
    return tuple(k for k in FIELD_LABELS if b.get(k) != a.get(k))


def _question_taken(twin: StoredEntry, row: ImportRow) -> Conflict:
    return Conflict("curation.import.question_taken", entry=twin.entry.id, row=row.where)
