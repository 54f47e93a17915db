"""Curation outcomes as ``Reply`` objects: the same content for Discord embeds and console text.

Plain dataclasses; the cog turns them into embeds and adds its views, the console prints
``Reply.to_text()``. Moderators' text goes through ``safe`` (no pings), members' through
``member_text`` (shown literally), and every reply is ephemeral.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bot import limits
from bot.curation.caps import HISTORY_PAGE_SIZE, IMPORT_MAX_BYTES
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
    QueuePage,
    Saved,
    SuggestionReceipt,
)
from bot.curation.text import fit_lines, member_text, safe, when, who
from bot.embeds import COLOR_MUTED, COLOR_NOTICE, COLOR_OK, Card, Field, Reply
from bot.knowledge.model import FaqEntry
from bot.knowledge.text import clip, squash
from bot.knowledge.topics import TOPIC_BY_ID
from bot.store.faq import AuditRow, StoredEntry

if TYPE_CHECKING:
    from bot.app import App

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


def error_reply(exc: CurationError) -> Reply:
    return Reply(
        [Card(exc.title, exc.message, color=COLOR_NOTICE)],
        ephemeral=True,
    )


def refusal_reply(exc: CurationError) -> Reply:
    """Any refusal: a conflict shows the current text (and the caller's), the rest a message."""
    return conflict_reply(exc) if isinstance(exc, Conflict) else error_reply(exc)


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


def _tag_names(app: App, entry: FaqEntry) -> tuple[list[str], list[str]]:
    """The entry's platforms and topics as people read them (names and labels, not ids)."""
    names = [app.kb.platforms[p].name for p in entry.platforms if p in app.kb.platforms]
    topics = [TOPIC_BY_ID[t].label for t in entry.topics if t in TOPIC_BY_ID]
    return names, topics


def _entry_fields(entry: FaqEntry, app: App) -> list[Field]:
    names, topics = _tag_names(app, entry)
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
    if saved.notes:
        text += "\n" + "\n".join(f"ℹ️ {n}" for n in saved.notes)
    color = COLOR_MUTED if saved.action == "remove" else COLOR_OK
    return _entry_reply(app, entry, title, text, color)


def confirm_remove_reply(app: App, stored: StoredEntry) -> Reply:
    entry = stored.entry
    text = (
        f"It will stop answering in this server. You can undo this with `/faq restore {entry.id}`."
    )
    return _entry_reply(app, entry, f"Remove {entry.id}?", text, COLOR_NOTICE)


def _entry_reply(app: App, entry: FaqEntry, title: str, text: str, color: int) -> Reply:
    """One entry in full (question, answer, tags, sources, version) under ``title``."""
    return Reply(
        [
            Card(
                title,
                f"**{safe(entry.question)}**\n{safe(clip(entry.answer, 1500))}\n\n{text}",
                color=color,
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
        names, topics = _tag_names(app, entry)
        tags = ", ".join(names + topics)
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
