"""Member suggestions: any member may suggest a question; moderators approve it (it becomes an
entry, as they finalise it) or decline it, and the member is told either way.

The box is rate-limited per member and capped per server, because a queue nobody can get
through helps no one.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from bot import limits
from bot.curation.base import ServiceBase, page_bounds
from bot.curation.caps import (
    MAX_REASON,
    MIN_SUGGESTION,
    PENDING_CAP,
    SUGGESTION_RATE,
    SUGGESTION_WINDOW,
)
from bot.curation.errors import CurationError, Invalid, LimitReached, NotFound
from bot.curation.forms import bad_text
from bot.curation.model import (
    Approval,
    EntryForm,
    MemberNotice,
    QueuePage,
    Saved,
    SuggestionReceipt,
)
from bot.curation.text import iso, member_text, parse_iso, question_key, safe, when, who
from bot.embeds import quote_block
from bot.knowledge.loader import MAX_ANSWER, MAX_QUESTION
from bot.knowledge.text import clip, squash
from bot.store import faq as store
from bot.store.faq import EntryContent, SuggestionRow, row_id

if TYPE_CHECKING:
    import aiosqlite


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
            raise Invalid([f"Please write the question out (at least {MIN_SUGGESTION} letters)."])
        if len(question) > MAX_QUESTION:
            raise Invalid(
                [f"The question is {len(question)} characters; the limit is {MAX_QUESTION}."]
            )
        if answer and len(answer) > MAX_ANSWER:
            raise Invalid([f"The answer is {len(answer)} characters; the limit is {MAX_ANSWER}."])
        if any(bad_text(t) for t in (question, answer or "")):
            raise Invalid(["The text contains characters that cannot be stored."])
        now = self.clock()
        async with self.db.transaction() as conn:
            recent = await store.member_suggestions_since(
                self.db, guild_id, member_id, iso(now - SUGGESTION_WINDOW), conn=conn
            )
            if len(recent) >= SUGGESTION_RATE:
                free_at = parse_iso(recent[0]) + SUGGESTION_WINDOW
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
                conn, guild_id, member_id, channel_id, question, answer, now=iso(now)
            )
        return SuggestionReceipt(sid, len(pending) + 1)

    async def queue_page(self, guild_id: int, page: int = 0) -> QueuePage:
        """One waiting suggestion per page, oldest first."""
        total = await store.pending_count(self.db, guild_id)
        page, _pages = page_bounds(total, page, 1)
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
            stored = await self._insert(
                conn,
                guild_id,
                content,
                actor_id=actor_id,
                now=now,
                action="approve",
                before=_suggestion_json(s),
            )
            await store.review_suggestion(
                conn,
                guild_id,
                s.id,
                status="approved",
                reviewer_id=actor_id,
                now=now,
                entry_row=row_id(stored.entry.id),
            )
        notice = MemberNotice(s.member_id, s.channel_id, _approved_text(s, guild_name), None)
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
        body = _declined_text(s, reason, guild_name)
        return MemberNotice(
            s.member_id,
            s.channel_id,
            clip("Hi, " + body, limits.MESSAGE_CONTENT),
            clip(f"<@{s.member_id}> " + body, limits.MESSAGE_CONTENT),
        )


def _suggestion_json(s: SuggestionRow) -> dict[str, Any]:
    """The audit's "before" of an approved or declined suggestion."""
    return {
        "suggestion": s.id,
        "member_id": s.member_id,
        "question": s.question,
        "answer": s.answer,
        "suggested_at": s.created_at,
    }


def _server(name: str | None) -> str:
    return f"**{member_text(clip(name, 80))}**" if name else "the server"


def _approved_text(s: SuggestionRow, guild_name: str | None) -> str:
    return (
        f"Good news! The question you suggested for the FAQ of {_server(guild_name)} was added:\n"
        f"{quote_block(member_text(s.question))}\n"
        "Anyone there can now get the answer with `/faq ask`. Thank you for helping!"
    )


def _declined_text(s: SuggestionRow, reason: str | None, guild_name: str | None) -> str:
    """The note after "Hi, " (DM) or the member's mention (channel)."""
    return (
        f"thank you for suggesting a question for the FAQ of {_server(guild_name)}:\n"
        f"{quote_block(member_text(clip(s.question, MAX_QUESTION)))}\n"
        "The moderators decided not to add it this time."
        + (f"\nTheir note: {safe(reason)}" if reason else "")
        + "\nYou can still ask it with `/faq ask`, and you're welcome to suggest others."
    )
