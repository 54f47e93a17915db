"""Member suggestions: any member may suggest a question; moderators approve it (it becomes an
entry, as they finalise it) or decline it, and the member is told either way.

The box is rate-limited per member and capped per server, because a queue nobody can get
through helps no one.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from bot.curation.base import ServiceBase, page_bounds
from bot.curation.caps import (
    MAX_REASON,
    MIN_SUGGESTION,
    PENDING_CAP,
    SUGGESTION_RATE,
    SUGGESTION_WINDOW,
)
from bot.curation.errors import Actor, CurationError, Invalid, LimitReached, Moment, NotFound
from bot.curation.forms import bad_text
from bot.curation.model import (
    Approval,
    EntryForm,
    MemberNotice,
    Note,
    QueuePage,
    Saved,
    SuggestionReceipt,
)
from bot.curation.text import iso, parse_iso, question_key
from bot.knowledge.loader import MAX_ANSWER, MAX_QUESTION
from bot.knowledge.text import clip, squash
from bot.present.strings import STRINGS
from bot.store import faq_audit, suggestions
from bot.store.faq_entries import EntryContent, row_id
from bot.store.suggestions import SuggestionRow

if TYPE_CHECKING:
    from bot.store.db import Connection


class SuggestionOps(ServiceBase):
    """``suggest`` for members; ``queue_page``, ``approve`` and ``reject`` for moderators."""

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
            raise Invalid([STRINGS["curation.suggest.short"].format(min=MIN_SUGGESTION)])
        if len(question) > MAX_QUESTION:
            raise Invalid(
                [
                    STRINGS["curation.suggest.long_question"].format(
                        length=len(question), limit=MAX_QUESTION
                    )
                ]
            )
        if answer and len(answer) > MAX_ANSWER:
            raise Invalid(
                [
                    STRINGS["curation.suggest.long_answer"].format(
                        length=len(answer), limit=MAX_ANSWER
                    )
                ]
            )
        if any(bad_text(t) for t in (question, answer or "")):
            raise Invalid([STRINGS["curation.suggest.bad_text"]])
        now = self.clock()
        async with self.db.transaction() as conn:
            await conn.lock(f"faq-suggestions:{guild_id}")  # rate limit, cap and dedupe hold
            recent = await suggestions.member_suggestions_since(
                self.db, guild_id, member_id, iso(now - SUGGESTION_WINDOW), conn=conn
            )
            if len(recent) >= SUGGESTION_RATE:
                free_at = parse_iso(recent[0]) + SUGGESTION_WINDOW
                minutes = max(1, -(-int((free_at - now).total_seconds()) // 60))
                raise LimitReached(
                    "curation.suggest.rate",
                    title="curation.suggest.rate.title",
                    count=len(recent),
                    minutes=minutes,
                )
            pending = await suggestions.pending_suggestions(self.db, guild_id, conn=conn)
            if len(pending) >= PENDING_CAP:
                raise LimitReached(
                    "curation.suggest.full",
                    title="curation.suggest.full.title",
                    count=len(pending),
                )
            key = question_key(question)
            if any(question_key(p.question) == key for p in pending):
                raise CurationError("curation.suggest.dup", title="curation.suggest.dup.title")
            sid = await suggestions.insert_suggestion(
                conn, guild_id, member_id, channel_id, question, answer, now=iso(now)
            )
        return SuggestionReceipt(sid, len(pending) + 1)

    async def queue_page(self, guild_id: int, page: int = 0) -> QueuePage:
        """One waiting suggestion per page, oldest first."""
        total = await suggestions.pending_count(self.db, guild_id)
        page, _pages = page_bounds(total, page, 1)
        items = await suggestions.pending_suggestions(self.db, guild_id, limit=1, offset=page)
        return QueuePage(items[0] if items else None, page, total)

    async def suggestion_form(self, guild_id: int, suggestion_id: int) -> EntryForm:
        """The add modal's prefill when approving: the member's question and answer."""
        s = await self._pending(guild_id, suggestion_id)
        return EntryForm(question=s.question, answer=s.answer or "")

    async def _pending(
        self, guild_id: int, suggestion_id: int, conn: Connection | None = None
    ) -> SuggestionRow:
        s = await suggestions.get_suggestion(self.db, guild_id, suggestion_id, conn=conn)
        if s is None:
            raise NotFound("curation.suggestion.none", number=suggestion_id)
        if s.status != "pending":
            raise NotFound(
                f"curation.suggestion.{s.status}",
                title="curation.suggestion.reviewed.title",
                number=s.id,
                by=Actor(s.reviewed_by),
                at=Moment(s.reviewed_at),
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
        notes: Iterable[Note] = (),
    ) -> Approval:
        """The suggestion becomes an entry (as the moderator finalised it), audited as approve."""
        content, notes = self._content(given, notes)
        now = self._now()
        async with self.db.transaction() as conn:
            s = await self._pending(guild_id, suggestion_id, conn)
            await self._check_cap(conn, guild_id, 1)
            await self._check_unique(conn, guild_id, content.question)
            stored = await self._insert(
                conn,
                guild_id,
                content,
                actor_id=actor_id,
                now=now,
                action="approve",
                before=_suggestion_json(s),
            )
            await suggestions.review_suggestion(
                conn,
                guild_id,
                s.id,
                status="approved",
                reviewer_id=actor_id,
                now=now,
                entry_row=row_id(stored.entry.id),
            )
        notice = MemberNotice(s.member_id, s.channel_id, True, s.question, guild_name)
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
            await suggestions.review_suggestion(
                conn,
                guild_id,
                s.id,
                status="rejected",
                reviewer_id=actor_id,
                now=now,
                reason=reason,
            )
            await faq_audit.add_audit(
                conn,
                guild_id,
                f"suggestion-{s.id}",
                "reject",
                actor_id=actor_id,
                now=now,
                before=_suggestion_json(s),
                after={"status": "rejected", "reason": reason},
            )
        return MemberNotice(s.member_id, s.channel_id, False, s.question, guild_name, reason)


def _suggestion_json(s: SuggestionRow) -> dict[str, Any]:
    """The audit's "before" of an approved or declined suggestion."""
    return {
        "suggestion": s.id,
        "member_id": s.member_id,
        "question": s.question,
        "answer": s.answer,
        "suggested_at": s.created_at,
    }
