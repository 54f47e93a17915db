"""Small text helpers of the curation core: how questions compare, how people and times show.

Two kinds of text reach a reply and they are treated differently on purpose: moderators' text
keeps its Markdown but can never ping (``safe``); members' text is shown literally
(``member_text``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from bot import limits
from bot.curation.confusables import skeleton
from bot.knowledge.model import FaqEntry
from bot.knowledge.text import clip, fold, squash
from bot.present.markdown import escape_markdown, neutralize_mentions


def question_key(text: str) -> str:
    """How two questions count as "the same" (imports map rows by it; duplicates are refused).

    Case, spacing and a trailing question mark are ignored, and so is what cannot be seen: the
    key is built on a confusables skeleton (``bot.curation.confusables``), so a Cyrillic "о", a
    zero-width space or a right-to-left override does not make a new question. Unlike ``fold``
    it keeps non-Latin letters, so two different Japanese questions never collide.
    """
    text = " ".join(skeleton(text).casefold().split())
    return text.rstrip(" ?!.？！。")


def iso(moment: datetime) -> str:
    """How the database stores a moment: UTC, to the second."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def parse_iso(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def when(text: str | None, style: str = "f") -> str:
    """A Discord timestamp: everyone sees it in their own time zone (``R``: "3 hours ago")."""
    if not text:
        return "?"
    try:
        return f"<t:{int(parse_iso(text).timestamp())}:{style}>"
    except ValueError:
        return text


def who(actor_id: int | None, operator: str) -> str:
    """A member as a mention (inside embeds, with no allowed mentions: shown, never pinged), or
    ``operator`` — how the reader's language names the operator — for changes from the CLI."""
    return f"<@{actor_id}>" if actor_id else operator


def safe(text: str) -> str:
    """Moderators' text: their Markdown stays, pings go."""
    return neutralize_mentions(text)


def member_text(text: str) -> str:
    """Members' text: shown literally, cannot ping or inject links/formatting."""
    return escape_markdown(text)


def clean_lines(text: str) -> list[str]:
    """One item per typed line (phrasings in the modal), squashed, blank lines and repeats gone."""
    seen: list[str] = []
    for line in text.splitlines():
        line = squash(line)
        if line and line not in seen:
            seen.append(line)
    return seen


def dedupe(items: Iterable[str]) -> tuple[str, ...]:
    """First occurrences, in order."""
    return tuple(dict.fromkeys(items))


def typed_in(typed_folded: str, *texts: str) -> bool:
    """Autocomplete's filter: nothing typed yet, or what was typed is part of one of the texts."""
    return not typed_folded or any(typed_folded in fold(text) for text in texts)


def choice_label(entry: FaqEntry) -> str:
    """An autocomplete label: ``guild-N · question``."""
    return clip(f"{entry.id} · {squash(entry.question)}", limits.CHOICE_NAME)


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
