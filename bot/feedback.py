"""Members' corrections as labelled questions: what "Not what I asked" taught.

A press followed by a pick says: for this question, the answer was *this* item, not the one
shown. The item's platform and topic are the label (a FAQ entry about several platforms labels
no platform; its first topic is the topic, its second the equally acceptable one). Presses
without a pick, and picks of items removed since, teach nothing and are left out (counted).
The result is the query-file format (``bot.knowledge.queryset``), so an export can be dropped
into ``tests/data/queries/`` and fitted on (``python -m bot.knowledge.understanding.fit``).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.app import App
from bot.knowledge.model import GUILD_ID_PREFIX, FaqEntry
from bot.knowledge.queryset import LabelledQuery
from bot.store import faq_entries, feedback
from bot.store.feedback import FeedbackRow


@dataclass(frozen=True, slots=True)
class Export:
    queries: list[LabelledQuery]
    presses: int  # every press read
    unlabelled: int  # no pick, or the pick is gone


async def labelled(app: App, *, guild_id: int | None = None) -> Export:
    rows = await feedback.list_feedback(app.db, guild_id=guild_id)
    out: list[LabelledQuery] = []
    for row in rows:
        query = await _label(app, row)
        if query is not None:
            out.append(query)
    return Export(out, len(rows), len(rows) - len(out))


async def _label(app: App, row: FeedbackRow) -> LabelledQuery | None:
    if row.chosen_kind is None or row.chosen_id is None:
        return None
    kb = app.kb
    kind, item = row.chosen_kind, row.chosen_id
    platform: str | None
    topics: tuple[str, ...]
    if kind == "history" and item in kb.platforms:
        platform, topics = item, ("history",)
    elif kind == "event" and item in kb.events:
        platform, topics = kb.events[item].platform, ("history",)
    elif kind == "clause" and item in kb.clauses:
        platform, topics = kb.clauses[item].platform, (kb.clauses[item].topic,)
    elif kind == "optout" and item in kb.optouts:
        platform, topics = kb.optouts[item].platform, ("opt-out",)
    elif kind == "faq":
        entry = await _entry(app, row.guild_id, item)
        if entry is None or not entry.topics:
            return None
        platform = entry.platforms[0] if len(entry.platforms) == 1 else None
        topics = entry.topics[:2]
    else:
        return None
    shown = f"{row.shown_kind}:{row.shown_id}" if row.shown_kind else ""
    return LabelledQuery(
        text=row.query,
        platforms=frozenset({platform}),
        topics=frozenset(topics),
        lang=app.matcher.understand(row.query).language,
        intent=None,
        tags=("feedback",),
        source="feedback",
        primary=topics[0],
        extra={"guild": str(row.guild_id or ""), "shown": shown, "chosen": f"{kind}:{item}"},
    )


async def _entry(app: App, guild_id: int | None, entry_id: str) -> FaqEntry | None:
    if entry_id in app.kb.faq:
        return app.kb.faq[entry_id]
    number = entry_id.removeprefix(GUILD_ID_PREFIX)
    if guild_id is None or not entry_id.startswith(GUILD_ID_PREFIX) or not number.isdigit():
        return None
    stored = await faq_entries.get_entry(app.db, guild_id, int(number))
    return stored.entry if stored is not None else None
