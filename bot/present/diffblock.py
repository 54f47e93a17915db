"""Changed sentences as a Discord ```diff block: ``- `` the old wording, ``+ `` the new.

An edited sentence is shown as a before/after PAIR with the changed words marked in each line
(``[-old-]`` in the ``-`` line, ``{+new+}`` in the ``+`` line, git's word-diff marks). Why a
pair rather than one line with both marks: Discord colours a diff block by the first character
of each line, so the pair keeps "red = before, green = after" that every reader of a diff knows,
while the marks point at the words; one merged line would lose the colour and, for an edit of
several words, read like a puzzle. An edit that rewrote most of the sentence is shown without
marks (they would cover everything). Long lines keep a few words of context around the changes
and drop the rest as "…"; when that is still too long, the line is a window on the change that
holds the words that made the sentence AI-relevant (the verdict's ``terms``).

Page text is untrusted. Inside a code block Markdown is inert, so it is not escaped; what could
still do harm is a backtick (three of them close the block and let the rest render) and a
mention: backticks become "ˋ" (U+02CB, which looks the same), mentions are neutralised, and a
sentence is always one line so it cannot forge a ``+``/``-`` line of its own.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.alerts.model import PassageVerdict
from bot.knowledge.text import clip, fold
from bot.present.markdown import neutralize_mentions

OPEN = "```diff\n"
CLOSE = "\n```"
LINE_CHARS = 360  # one sentence's line in the block
MIN_LINE_CHARS = 80  # a line is never clipped shorter than this to squeeze it in
CONTEXT_WORDS = 8  # unchanged words kept either side of an edit's changes in a long line
MARKED_SHARE = 0.6  # an edit changing more than this share of the words gets no marks
DIFF_WORDS = 400  # a changed middle longer than this is shown as rewritten, not diffed
BACKTICK_STANDIN = "\u02cb"
ELLIPSIS = "…"


def code_safe(text: str) -> str:
    """Untrusted text for one line of a code block: no line breaks, no backticks, no pings."""
    return neutralize_mentions(" ".join(text.replace("`", BACKTICK_STANDIN).split()))


@dataclass(frozen=True, slots=True)
class _Run:
    words: list[str]
    changed: bool
    op: int  # which step of the word diff made it: both sides' runs of one step share it


def _key(word: str) -> str:
    """What a word is compared by: its folded form, so a comma or a capital that moved is not
    a change worth a mark (the line still shows each side's own spelling)."""
    return fold(word) or word


def _runs(before: list[str], after: list[str]) -> tuple[list[_Run], list[_Run], int]:
    """Each side as runs of unchanged / changed words, and how many words changed.

    The common start and end are split off first (linear), so only the middle that changed is
    diffed word by word — and a middle longer than ``DIFF_WORDS`` on either side is taken as
    rewritten whole, which keeps a hostile page from making rendering quadratic."""
    a, b = [_key(w) for w in before], [_key(w) for w in after]
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    end = 0
    while end < min(len(a), len(b)) - start and a[len(a) - 1 - end] == b[len(b) - 1 - end]:
        end += 1
    mid_old, mid_new = before[start : len(before) - end], after[start : len(after) - end]
    keys_old, keys_new = a[start : len(a) - end], b[start : len(b) - end]
    old: list[_Run] = [_Run(before[:start], False, 0)] if start else []
    new: list[_Run] = [_Run(after[:start], False, 0)] if start else []
    opcodes: Sequence[tuple[str, int, int, int, int]]
    if len(mid_old) > DIFF_WORDS or len(mid_new) > DIFF_WORDS:
        opcodes = [("replace", 0, len(mid_old), 0, len(mid_new))]
    else:
        opcodes = difflib.SequenceMatcher(None, keys_old, keys_new, autojunk=False).get_opcodes()
    changed = 0
    for op, (tag, i1, i2, j1, j2) in enumerate(opcodes, start=1):
        if tag == "equal":
            old.append(_Run(mid_old[i1:i2], False, op))
            new.append(_Run(mid_new[j1:j2], False, op))
            continue
        changed += max(i2 - i1, j2 - j1)
        if i2 > i1:
            old.append(_Run(mid_old[i1:i2], True, op))
        if j2 > j1:
            new.append(_Run(mid_new[j1:j2], True, op))
    if end:
        old.append(_Run(before[len(before) - end :], False, len(opcodes) + 1))
        new.append(_Run(after[len(after) - end :], False, len(opcodes) + 1))
    return old, new, changed


def _focus(old: list[_Run], new: list[_Run], terms: tuple[str, ...]) -> int:
    """The diff step a long line is centred on: the first change that holds a matched term
    (the words that made the sentence AI-relevant), else the first change."""
    changes = [r for r in (*new, *old) if r.changed]
    if not changes:
        return 0
    wanted = [fold(term) for term in terms if fold(term)]
    for run in sorted(changes, key=lambda r: r.op):
        text = f" {fold(' '.join(run.words))} "
        if any(f" {term} " in text for term in wanted):
            return run.op
    return min(r.op for r in changes)


def _render(
    runs: list[_Run], opening: str, closing: str, *, elide: bool
) -> tuple[list[str], list[int]]:
    """The line's pieces (changed runs marked; with ``elide``, unchanged runs shortened to
    ``CONTEXT_WORDS`` beside each change) and the diff step of each piece."""
    parts: list[str] = []
    ops: list[int] = []
    last = len(runs) - 1
    keep = CONTEXT_WORDS
    for k, run in enumerate(runs):
        words = run.words
        if run.changed:
            text = opening + " ".join(words) + closing
        else:
            if elide and k == 0 and len(words) > keep:
                words = [ELLIPSIS, *words[-keep:]]
            elif elide and k == last and len(words) > keep:
                words = [*words[:keep], ELLIPSIS]
            elif elide and len(words) > 2 * keep:
                words = [*words[:keep], ELLIPSIS, *words[-keep:]]
            text = " ".join(words)
        if text:
            parts.append(text)
            ops.append(run.op)
    return parts, ops


def _window(parts: list[str], ops: list[int], focus: int, limit: int) -> str:
    """The line within ``limit`` characters: whole when it fits, else a window that keeps the
    piece of the ``focus`` step in view, with "…" where it was cut."""
    line = " ".join(parts)
    if len(line) <= limit:
        return line
    at = 0
    for part, op in zip(parts, ops, strict=True):
        if op >= focus:
            break
        at += len(part) + 1
    start = max(0, min(at - limit // 4, len(line) - limit + 2))
    if start > 0:
        space = line.find(" ", start)
        start = space + 1 if 0 <= space < at else start
    window = line[start:]
    prefix = ELLIPSIS + " " if start > 0 and not window.startswith(ELLIPSIS) else ""
    return clip(prefix + window, limit)


def marked_pair(
    before: str, after: str, limit: int = LINE_CHARS, terms: tuple[str, ...] = ()
) -> tuple[str, str]:
    """The two lines of an edited sentence (without their ``- ``/``+ ``), changed words marked,
    a long line shown around the change that holds one of ``terms``."""
    old_words, new_words = code_safe(before).split(), code_safe(after).split()
    old, new, changed = _runs(old_words, new_words)
    if not changed or changed > MARKED_SHARE * max(len(old_words), len(new_words), 1):
        return clip(" ".join(old_words), limit), clip(" ".join(new_words), limit)
    focus = _focus(old, new, terms)
    lines = []
    for runs, opening, closing in ((old, "[-", "-]"), (new, "{+", "+}")):
        parts, ops = _render(runs, opening, closing, elide=False)
        if len(" ".join(parts)) > limit:
            parts, ops = _render(runs, opening, closing, elide=True)
        lines.append(_window(parts, ops, focus, limit))
    return lines[0], lines[1]


def passage_lines(p: PassageVerdict, limit: int = LINE_CHARS) -> list[str]:
    """The block lines of one changed sentence."""
    if p.direction == "edited" and p.before is not None:
        before, after = marked_pair(p.before, p.text, limit, p.terms)
        return [f"- {before}", f"+ {after}"]
    sign = "-" if p.direction == "removed" else "+"
    return [f"{sign} {clip(code_safe(p.text), limit)}"]


def _unique(passages: Iterable[PassageVerdict]) -> list[PassageVerdict]:
    """A sentence the page says twice (a summary box and the clause itself) is shown once."""
    seen: set[tuple[str, str, str | None]] = set()
    out: list[PassageVerdict] = []
    for p in passages:
        key = (p.direction, " ".join(p.text.split()), p.before and " ".join(p.before.split()))
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


def diff_block(
    passages: Iterable[PassageVerdict], room: int, *, most: int | None = None
) -> tuple[str, int, int]:
    """(the block, how many sentences it shows, how many distinct sentences there were), within
    ``room`` characters fences included. The first sentence is always shown — clipped harder
    if need be — as long as the room allows a minimal line; the others only whole."""
    unique = _unique(passages)
    wanted = unique if most is None else unique[:most]
    body: list[str] = []
    shown = 0
    for p in wanted:
        lines = passage_lines(p)
        size = len(OPEN) + len("\n".join(body + lines)) + len(CLOSE)
        if size > room:
            if shown:
                break
            spare = room - len(OPEN) - len(CLOSE) - 3 * len(lines)
            limit = spare // len(lines)
            if limit < MIN_LINE_CHARS:
                break
            lines = passage_lines(p, limit)
        body += lines
        shown += 1
    if not body:
        return "", 0, len(unique)
    return OPEN + "\n".join(body) + CLOSE, shown, len(unique)
