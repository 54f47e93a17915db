"""Curation outcomes as ``Reply`` objects: the same content for Discord embeds and console text.

The cog turns them into embeds and adds its views, the console prints ``Reply.to_text()``.
Moderators' text goes through ``safe`` (no pings), members' through ``member_text`` (shown
literally), and every reply is ephemeral.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from bot import limits
from bot.curation.caps import HISTORY_PAGE_SIZE, IMPORT_MAX_BYTES, MAX_QUESTION
from bot.curation.errors import Conflict, CurationError
from bot.curation.model import (
    FIELD_LABELS,
    EntryPage,
    ExportFile,
    HiddenChange,
    HistoryPage,
    ImportPlan,
    ImportResult,
    ImportRow,
    MemberNotice,
    Note,
    QueuePage,
    Saved,
    SuggestionReceipt,
)
from bot.curation.text import fit_lines, member_text, safe, when, who
from bot.knowledge.model import FaqEntry, Platform
from bot.knowledge.text import clip, squash
from bot.present.markdown import quote_block
from bot.present.reply import COLOR_MUTED, COLOR_NOTICE, COLOR_OK, Card, Field, Reply
from bot.present.texts import ENGLISH, Texts
from bot.store.faq_audit import AuditRow
from bot.store.faq_entries import StoredEntry

Platforms = Mapping[str, Platform]
ACTIONS = ("add", "edit", "remove", "restore", "hide", "unhide", "import", "approve", "reject")


def note(item: Note | str, t: Texts) -> str:
    """A core note in the reader's language (a plain string is already written out)."""
    return t(item.key, **item.params) if isinstance(item, Note) else item


def person(actor_id: int | None, t: Texts) -> str:
    return who(actor_id, t("curation.operator"))


def error_reply(exc: CurationError, t: Texts = ENGLISH) -> Reply:
    return Reply([Card(exc.title(t), exc.text(t), color=COLOR_NOTICE)], ephemeral=True)


def refusal_reply(exc: CurationError, t: Texts = ENGLISH) -> Reply:
    """Any refusal: a conflict shows the current text (and the caller's), the rest a message."""
    return conflict_reply(exc, t) if isinstance(exc, Conflict) else error_reply(exc, t)


def conflict_reply(exc: Conflict, t: Texts = ENGLISH) -> Reply:
    fields: list[Field] = []
    if exc.current is not None and not exc.current.deleted:
        cur = exc.current.entry
        fields.append(Field(t("curation.conflict.current_question"), safe(cur.question)))
        fields.append(
            Field(
                t("curation.conflict.current_answer"),
                safe(clip(cur.answer, limits.EMBED_FIELD_VALUE)),
            )
        )
        tags = ", ".join((*cur.platforms, *cur.topics))
        fields.append(Field(t("curation.conflict.current_tags"), tags or "—"))
    if exc.mine is not None:
        fields.append(Field(t("curation.conflict.your_question"), safe(exc.mine.question)))
        fields.append(
            Field(
                t("curation.conflict.your_answer"),
                safe(clip(exc.mine.answer, limits.EMBED_FIELD_VALUE)),
            )
        )
    card = Card(exc.title(t), exc.text(t), color=COLOR_NOTICE, fields=fields)
    return Reply([card], ephemeral=True)


def _tag_names(platforms: Platforms, entry: FaqEntry, t: Texts) -> tuple[list[str], list[str]]:
    """The entry's platforms and topics as people read them (names and labels, not ids)."""
    names = [platforms[p].name for p in entry.platforms if p in platforms]
    return names, [t.topic(topic) for topic in entry.topics]


def _entry_fields(entry: FaqEntry, platforms: Platforms, t: Texts) -> list[Field]:
    names, topics = _tag_names(platforms, entry, t)
    fields = [
        Field(t("curation.field.platforms"), ", ".join(names) or t("faq.all_platforms"), True),
        Field(t("curation.field.topics"), ", ".join(topics) or "—", inline=True),
    ]
    if entry.phrasings:
        phrasings = fit_lines([safe(p) for p in entry.phrasings], 1000)[0]
        fields.append(Field(t("curation.field.phrasings"), phrasings))
    if entry.links:
        fields.append(Field(t("faq.sources"), "\n".join(f"<{link}>" for link in entry.links)))
    return fields


def saved_reply(saved: Saved, platforms: Platforms, t: Texts = ENGLISH) -> Reply:
    entry = saved.stored.entry
    action = saved.action if saved.action in ACTIONS else "edit"
    title = t(f"curation.saved.{action}.title")
    text = t(f"curation.saved.{action}.text", entry=entry.id)
    if not saved.changed:
        title, text = t("curation.saved.same.title"), t("curation.saved.same.text")
    if saved.notes:
        text += "\n" + "\n".join(f"ℹ️ {note(n, t)}" for n in saved.notes)
    color = COLOR_MUTED if saved.action == "remove" else COLOR_OK
    return _entry_reply(entry, platforms, title, text, color, t)


def confirm_remove_reply(stored: StoredEntry, platforms: Platforms, t: Texts = ENGLISH) -> Reply:
    entry = stored.entry
    title = t("curation.remove.confirm.title", entry=entry.id)
    text = t("curation.remove.confirm.text", entry=entry.id)
    return _entry_reply(entry, platforms, title, text, COLOR_NOTICE, t)


def _entry_reply(
    entry: FaqEntry, platforms: Platforms, title: str, text: str, color: int, t: Texts
) -> Reply:
    """One entry in full (question, answer, tags, sources, version) under ``title``."""
    return Reply(
        [
            Card(
                title,
                f"**{safe(entry.question)}**\n{safe(clip(entry.answer, 1500))}\n\n{text}",
                color=color,
                fields=_entry_fields(entry, platforms, t),
                footer=t("curation.entry.footer", entry=entry.id, version=entry.version),
            )
        ],
        ephemeral=True,
    )


def hidden_reply(change: HiddenChange, t: Texts = ENGLISH) -> Reply:
    entry = change.entry
    state = "hidden" if change.action == "hide" else "shown"
    text = t(f"curation.{state}.text", question=entry.question, entry=entry.id)
    return Reply([Card(t(f"curation.{state}.title"), text, color=COLOR_OK)], ephemeral=True)


def list_reply(page: EntryPage, platforms: Platforms, t: Texts = ENGLISH) -> Reply:
    known = platforms.get(page.platform or "")
    pname = known.name if known else page.platform or ""
    hidden_note = t.n("curation.list.hidden", len(page.hidden)) if page.hidden else ""
    if not page.items:
        if page.total_all == 0:
            text = t("curation.list.empty")
        else:
            text = t("curation.list.empty.platform", platform=pname, total=page.total_all)
        if hidden_note:
            text += f"\n\n{hidden_note}"
        return Reply([Card(t("curation.list.title"), text, color=COLOR_NOTICE)], ephemeral=True)
    fields = []
    for stored in page.items:
        entry = stored.entry
        names, topics = _tag_names(platforms, entry, t)
        value = t(
            "curation.list.item",
            answer=safe(clip(squash(entry.answer), 200)),
            tags=", ".join(names + topics),
            version=entry.version,
            when=when(stored.updated_at, "R"),
            who=person(stored.updated_by, t),
        )
        fields.append(Field(clip(f"{entry.id} · {safe(entry.question)}", 256), value))
    count = (
        t("curation.list.of", total=page.total, all=page.total_all)
        if page.platform
        else str(page.total)
    )
    title = (
        t.n("curation.list.heading.platform", page.total, platform=pname, shown=count)
        if page.platform
        else t.n("curation.list.heading", page.total, shown=count)
    )
    return Reply(
        [
            Card(
                title,
                t("curation.list.help") + (f"\n{hidden_note}" if hidden_note else ""),
                fields=fields,
                footer=t("curation.page", page=page.page + 1, pages=page.pages),
            )
        ],
        ephemeral=True,
    )


def describe(record: AuditRow, t: Texts = ENGLISH) -> str:
    """One audit record as text: who, when, and each changed field before -> after."""
    action = record.action if record.action in ACTIONS else "edit"
    lines = [
        t(
            "curation.audit.head",
            action=t(f"curation.action.{action}"),
            who=person(record.actor_id, t),
            when=when(record.at),
        )
    ]
    before, after = record.before or {}, record.after or {}
    if record.action in ("hide", "unhide", "remove", "restore"):
        pass
    elif record.action == "reject":
        question = member_text(clip(str(before.get("question", "")), 150))
        lines.append(t("curation.audit.question", question=question))
        if after.get("reason"):
            lines.append(t("curation.audit.note", note=safe(str(after["reason"]))))
    elif not record.before or "version" not in before:
        if record.action == "approve":
            member = before.get("member_id")
            lines.append(t("curation.audit.suggested_by", who=person(member, t) if member else "?"))
        question = safe(clip(str(after.get("question", "")), 150))
        lines.append(t("curation.audit.question", question=question))
    else:
        for key in FIELD_LABELS:
            old, new = before.get(key), after.get(key)
            if old != new:
                lines.append(f"**{key}:** {_short(old)} → {_short(new)}")
    return clip("\n".join(lines), limits.EMBED_FIELD_VALUE)


def _short(value: Any) -> str:
    if isinstance(value, dict):  # answers in other languages: which ones
        return ", ".join(sorted(value)) or "—"
    if isinstance(value, list):
        return ", ".join(safe(clip(str(v), 60)) for v in value) or "—"
    if value is None or value == "":
        return "—"
    return "“" + safe(clip(squash(str(value)), 140)) + "”"


def history_reply(page: HistoryPage, t: Texts = ENGLISH) -> Reply:
    title = t("curation.history.title", entry=page.ref)
    if not page.records:
        text = t("curation.history.empty", question=safe(page.title))
        return Reply([Card(title, text, color=COLOR_NOTICE)], ephemeral=True)
    first = page.total - page.page * HISTORY_PAGE_SIZE
    fields = [Field(f"#{first - n}", describe(record, t)) for n, record in enumerate(page.records)]
    return Reply(
        [
            Card(
                title,
                t.n("curation.history.count", page.total, question=safe(clip(page.title, 300))),
                fields=fields,
                footer=t("curation.page", page=page.page + 1, pages=page.pages),
            )
        ],
        ephemeral=True,
    )


def export_reply(export: ExportFile, t: Texts = ENGLISH) -> Reply:
    text = t.n("curation.export.text", export.count)
    if export.too_big_to_reimport:
        text += "\n\n" + t("curation.export.too_big", mb=IMPORT_MAX_BYTES // (1024 * 1024))
    return Reply(
        [Card(t("curation.export.title"), text, color=COLOR_OK)],
        ephemeral=True,
        file=(export.filename, export.data),
    )


def import_summary(plan: ImportPlan, t: Texts = ENGLISH) -> str:
    return t(
        "curation.import.summary",
        added=len(plan.added),
        changed=len(plan.changed),
        unchanged=len(plan.unchanged),
        rejected=len(plan.rejected),
    )


def import_report_lines(plan: ImportPlan, t: Texts = ENGLISH) -> list[str]:
    """The whole preview as plain text (CLI output, and the attachment when it is long)."""
    lines = [t("curation.import.report", file=plan.filename, summary=import_summary(plan, t))]
    lines += [f"PROBLEM: {note(p, t)}" for p in plan.problems]
    for row in plan.rows:
        target = row.target.entry.id if row.target else "?"
        if row.kind == "add":
            lines.append(f"ADD       {row.where}: {row.label}")
        elif row.kind == "change":
            fields = ", ".join(row.changed_fields)
            lines.append(f"CHANGE    {row.where}: {target} {row.label} ({fields})")
        elif row.kind == "unchanged":
            lines.append(f"UNCHANGED {row.where}: {target} {row.label}")
        else:
            lines.append(f"REJECT    {row.where}: {row.label}: {note(row.reason or '', t)}")
    return lines


@dataclass(slots=True)
class _Blocks:
    """Rows of the preview packed into fields; remembers whether any had to be left out."""

    t: Texts
    clipped: bool = False

    def block(self, rows: list[ImportRow], fmt: Callable[[ImportRow], str]) -> str:
        text, cut = fit_lines(
            [fmt(r) for r in rows], limits.EMBED_FIELD_VALUE, self.t("curation.import.more")
        )
        self.clipped = self.clipped or cut
        return text


def import_preview_reply(plan: ImportPlan, t: Texts = ENGLISH) -> Reply:
    blocks = _Blocks(t)
    fields: list[Field] = []
    if plan.problems:
        problems = "\n".join(f"• {note(p, t)}" for p in plan.problems)
        fields.append(Field(t("curation.import.problems"), problems))
    if plan.rejected:
        fields.append(
            Field(
                t("curation.import.rows.rejected", count=len(plan.rejected)),
                blocks.block(
                    plan.rejected,
                    lambda r: f"• {r.where} “{safe(r.label)}”: {note(r.reason or '', t)}",
                ),
            )
        )
    if plan.added:
        fields.append(
            Field(
                t("curation.import.rows.added", count=len(plan.added)),
                blocks.block(plan.added, lambda r: f"• {safe(r.label)}"),
            )
        )
    if plan.changed:
        fields.append(
            Field(
                t("curation.import.rows.changed", count=len(plan.changed)),
                blocks.block(
                    plan.changed,
                    lambda r: (
                        f"• {r.target.entry.id if r.target else '?'} {safe(r.label)} — "
                        + ", ".join(r.changed_fields)
                    ),
                ),
            )
        )
    if plan.problems or plan.rejected:
        text, color = t("curation.import.refused"), COLOR_NOTICE
    elif plan.can_apply:
        text, color = t("curation.import.ready"), COLOR_MUTED
    else:
        text, color = t("curation.import.same"), COLOR_MUTED
    card = Card(
        t("curation.import.preview", file=clip(member_text(plan.filename), 100)),
        f"{import_summary(plan, t)}\n\n{text}",
        color=color,
        fields=fields,
        footer=t("curation.import.footer"),
    )
    report = None
    if blocks.clipped:
        lines = import_report_lines(plan, t)
        report = ("import-preview.txt", ("\n".join(lines) + "\n").encode("utf-8"))
    return Reply([card], ephemeral=True, file=report)


def import_result_reply(result: ImportResult, t: Texts = ENGLISH) -> Reply:
    text = t(
        "curation.import.applied.text",
        added=len(result.added),
        changed=len(result.changed),
        unchanged=result.unchanged,
    )
    return Reply([Card(t("curation.import.applied.title"), text, color=COLOR_OK)], ephemeral=True)


def suggestion_receipt_reply(receipt: SuggestionReceipt, t: Texts = ENGLISH) -> Reply:
    card = Card(
        t("curation.suggest.thanks.title"),
        t("curation.suggest.thanks.text"),
        color=COLOR_OK,
        footer=t("curation.suggest.footer", number=receipt.id),
    )
    return Reply([card], ephemeral=True)


def queue_reply(page: QueuePage, t: Texts = ENGLISH) -> Reply:
    s = page.item
    if s is None:
        card = Card(
            t("curation.queue.empty.title"), t("curation.queue.empty.text"), color=COLOR_NOTICE
        )
        return Reply([card], ephemeral=True)
    fields = [Field(t("curation.queue.question"), member_text(s.question))]
    if s.answer:
        answer = member_text(clip(s.answer, limits.EMBED_FIELD_VALUE))
        fields.append(Field(t("curation.queue.answer"), answer))
    where = t("curation.queue.where", channel=s.channel_id) if s.channel_id else ""
    fields.append(
        Field(
            t("curation.queue.suggested"),
            t(
                "curation.queue.by",
                who=person(s.member_id, t),
                where=where,
                when=when(s.created_at),
            ),
        )
    )
    return Reply(
        [
            Card(
                t("curation.queue.title", number=s.id),
                t("curation.queue.help"),
                fields=fields,
                footer=t("curation.queue.footer", position=page.page + 1, total=page.total),
            )
        ],
        ephemeral=True,
    )


def notice_outcome_reply(title: str, reached: str | None, t: Texts = ENGLISH) -> Reply:
    """What the moderator sees after a decision, including whether the member was told."""
    told = t(f"curation.told.{reached or 'none'}")
    return Reply([Card(title, told, color=COLOR_OK)], ephemeral=True)


@dataclass(frozen=True, slots=True)
class MemberMessages:
    dm: str
    channel: str | None  # None: DM only


def member_messages(notice: MemberNotice, t: Texts = ENGLISH) -> MemberMessages:
    """What a member is told about their suggestion: by DM, else in the channel (declines)."""
    server = (
        f"**{member_text(clip(notice.guild_name, 80))}**"
        if notice.guild_name
        else t("curation.member.the_server")
    )
    if notice.approved:
        body = t(
            "curation.member.approved",
            server=server,
            question=quote_block(member_text(notice.question)),
        )
        return MemberMessages(clip(body, limits.MESSAGE_CONTENT), None)
    reason = t("curation.member.reason", note=safe(notice.reason)) if notice.reason else ""
    body = t(
        "curation.member.declined",
        server=server,
        question=quote_block(member_text(clip(notice.question, MAX_QUESTION))),
        reason=reason,
    )
    return MemberMessages(
        clip(t("curation.member.hi", body=body), limits.MESSAGE_CONTENT),
        clip(f"<@{notice.member_id}> {body}", limits.MESSAGE_CONTENT),
    )
