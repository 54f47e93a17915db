"""What changed between two versions of a document, as added and removed sentences.

Terms pages put a whole clause in one long paragraph, so a line diff alone would show a
1,500-character paragraph for a five-word change. The diff runs in two steps: lines
(``difflib``), then sentences inside each changed block, so the alert shows the sentences that
changed. Sentences that merely moved (same words elsewhere in the document) are not changes.
A sentence edited only in trivia — a typo, punctuation, a date or number — is kept but marked
``trivial`` so it never makes a change AI-relevant. So is a sentence that says nothing the other
version did not already say, word for word: every run of three words in it (links and list
markers aside) occurs in the other version. That is a list reflowed into one paragraph, a
sentence split in two, or a link whose text a capture lost or restored — not a new rule.

An edited sentence is reported as a removed and an added passage that share a ``pair`` number,
so the alert can show the before/after pair with a word-level diff.

A table row is one record: its cells say together what is done with what, for what, and by whom
("Your content | your public videos | to train AI models | data partners"). Captures break a row
wherever a cell holds a line break, so the lines of one row are joined before the diff, and a
row is never cut into sentences: a changed cell is read with the rest of its row.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from bot.watch.normalize import comparable

SIMILAR = 0.55  # sentences this alike in words (0-1) are one sentence edited, not two
MAX_PAIRINGS = 40_000
MAX_ROW_LINES = 60  # a table row broken over more lines than this is not one row
SHINGLE = 3  # words per run when asking "did the other version already say this?"
_LINK = re.compile(r"!?\[[^\]]*\]\([^)]*\)")
_ENUMERATOR = re.compile(r"(?:^|(?<=\s))\(?(?:[ivxlc]{1,5}|[a-z]|\d{1,3})[.)](?=\s|$)|\(\w{1,4}\)")
_SENTENCE_END = re.compile(
    r"(?:(?<=[.!?;])|(?<=[.!?;][\"')\]]))\s+(?=[\"'(\[*]*[A-Z0-9\u00c0-\u024f])"
)
_MONTHS = frozenset(
    """
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec janvier fevrier mars avril mai juin
    juillet aout septembre octobre novembre decembre enero febrero marzo abril mayo junio
    julio agosto septiembre octubre noviembre diciembre januar februar marz juni juli
    oktober dezember gennaio febbraio aprile maggio giugno luglio settembre ottobre
    novembre dicembre janeiro fevereiro marco maio junho julho setembro outubro novembro
    dezembro st nd rd th er eme
    """.split()
)


@dataclass(frozen=True, slots=True)
class Passage:
    text: str
    trivial: bool = False
    pair: int | None = None  # an edited sentence: its removed and added halves share the number


@dataclass(frozen=True, slots=True)
class Change:
    added: tuple[Passage, ...]
    removed: tuple[Passage, ...]

    @property
    def empty(self) -> bool:
        return not self.added and not self.removed

    @property
    def trivial(self) -> bool:
        return all(p.trivial for p in (*self.added, *self.removed))


def rows(lines: list[str]) -> list[str]:
    """The lines, with each table row that a capture broke over several lines joined into one.

    A row starts with ``|`` and runs to the first line that ends with ``|``; a line that starts
    a new row or is blank ends it early (a stray ``|`` never swallows the page)."""
    out: list[str] = []
    row: list[str] = []
    for line in lines:
        text = line.strip()
        if row and (not text or text.startswith("|") or len(row) >= MAX_ROW_LINES):
            out.append(" ".join(row))
            row = []
        if row:
            row.append(text)
            if text.endswith("|"):
                out.append(" ".join(row))
                row = []
        elif text.startswith("|") and not (len(text) > 1 and text.endswith("|")):
            row = [text]
        else:
            out.append(line)
    if row:
        out.append(" ".join(row))
    return out


def sentences(line: str) -> list[str]:
    if line.lstrip().startswith("|"):  # a table row: one record, not sentences
        return [line.strip()]
    parts = [p.strip() for p in _SENTENCE_END.split(line)]
    return [p for p in parts if p]


def _typo(x: str, y: str) -> bool:
    """A spelling fix: a long word with one or two letters changed ("not"/"now" never is)."""
    shorter = min(len(x), len(y))
    if shorter < 5:
        return False
    return Levenshtein.distance(x, y) <= (1 if shorter < 8 else 2)


def _links_lost(old: str, new: str) -> bool:
    """The two differ only in links one capture lost (text and all) and the other kept."""
    if skeleton(old) != skeleton(new):
        return False
    a, b = _LINK.findall(old), _LINK.findall(new)
    if len(a) == len(b):  # the same links, some with their text lost
        pairs = zip((comparable(x) for x in a), (comparable(y) for y in b), strict=True)
        return all(x == y or not x or not y for x, y in pairs)
    shorter, longer = (a, b) if len(a) < len(b) else (b, a)
    rest = [comparable(x) for x in longer]
    for link in shorter:
        if comparable(link) not in rest:
            return False
        rest.remove(comparable(link))
    return True


def _trivial_edit(old: str, new: str) -> bool:
    """Only typos, punctuation, dates, numbers or lost links differ between the sentences."""
    if _links_lost(old, new):
        return True
    a, b = comparable(old.replace("'", "")).split(), comparable(new.replace("'", "")).split()
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        changed = a[i1:i2] + b[j1:j2]
        if all(w.isdigit() or w in _MONTHS for w in changed):
            continue
        if (
            tag == "replace"
            and i2 - i1 == j2 - j1
            and all(_typo(x, y) for x, y in zip(a[i1:i2], b[j1:j2], strict=True))
        ):
            continue
        return False
    return True


def diff_lines(old: list[str], new: list[str]) -> Change:
    """Added and removed sentences between two normalised line lists."""
    old, new = rows(old), rows(new)
    removed: list[Passage] = []
    added: list[Passage] = []
    lines = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in lines.get_opcodes():
        if tag == "equal":
            continue
        old_sents = [s for line in old[i1:i2] for s in sentences(line)]
        new_sents = [s for line in new[j1:j2] for s in sentences(line)]
        _diff_sentences(old_sents, new_sents, added, removed)
    # A sentence that left one place and arrived in another moved; it did not change.
    gone = {comparable(p.text) for p in removed}
    came = {comparable(p.text) for p in added}
    moved = gone & came
    added = [p for p in added if comparable(p.text) not in moved]
    removed = [p for p in removed if comparable(p.text) not in moved]
    # An edit whose other half moved away is a plain add or remove.
    pairs = {p.pair for p in added} & {p.pair for p in removed}
    if added:
        old_runs = _runs(old)
        added = [_restated(p, old_runs, pairs) for p in added]
    if removed:
        new_runs = _runs(new)
        removed = [_restated(p, new_runs, pairs) for p in removed]
    return Change(added=tuple(added), removed=tuple(removed))


def skeleton(text: str) -> list[str]:
    """The words that carry meaning: links (text and address) and list markers dropped."""
    return comparable(_ENUMERATOR.sub(" ", _LINK.sub(" ", text))).split()


def _runs(lines: list[str]) -> set[tuple[str, ...]]:
    words = [w for line in lines for w in skeleton(line)]
    return {tuple(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


def _restated(p: Passage, other: set[tuple[str, ...]], pairs: set[int | None]) -> Passage:
    """Mark a passage trivial when the other version already says every run of its words."""
    pair = p.pair if p.pair in pairs else None
    if p.trivial:
        return Passage(p.text, True, pair)
    words = skeleton(p.text)
    runs = [tuple(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)]
    restated = bool(runs) and all(r in other for r in runs)
    return Passage(p.text, restated, pair)


def _diff_sentences(
    old: list[str], new: list[str], added: list[Passage], removed: list[Passage]
) -> None:
    keys_old = [comparable(s) for s in old]
    keys_new = [comparable(s) for s in new]
    matcher = difflib.SequenceMatcher(None, keys_old, keys_new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        olds, news = old[i1:i2], new[j1:j2]
        if tag == "replace":
            paired = _pair(olds, news, keys_old[i1:i2], keys_new[j1:j2])
            for o, n in paired:
                if o is not None and n is not None:
                    trivial = _trivial_edit(o, n)
                    pair = len(removed)  # unique: the list only grows
                    removed.append(Passage(o, trivial, pair))
                    added.append(Passage(n, trivial, pair))
                elif o is not None:
                    removed.append(Passage(o, not comparable(o)))
                elif n is not None:
                    added.append(Passage(n, not comparable(n)))
        else:
            removed.extend(Passage(o, not comparable(o)) for o in olds)
            added.extend(Passage(n, not comparable(n)) for n in news)


def _pair(
    olds: list[str], news: list[str], keys_old: list[str], keys_new: list[str]
) -> list[tuple[str | None, str | None]]:
    """Match edited sentences to their new wording; the rest are plain adds and removes."""
    pairs: list[tuple[str | None, str | None]] = []
    used: set[int] = set()
    if len(olds) * len(news) > MAX_PAIRINGS:  # a rewrite, not an edit: no pairing
        return [(o, None) for o in olds] + [(None, n) for n in news]
    # Alike in words, not letters: two unrelated clauses of similar length that both start
    # "You can…" share half their letters, and a rewrite that pairs them as one edit would
    # show an AI sentence as the "before" of a sentence about billing.
    words_new = [kn.split() for kn in keys_new]
    for o, ko in zip(olds, keys_old, strict=True):
        best, best_score = None, SIMILAR * 100
        words_old = ko.split()
        for k, wn in enumerate(words_new):
            if k in used:
                continue
            score = fuzz.ratio(words_old, wn, score_cutoff=best_score)
            if score >= best_score:
                best, best_score = k, score
        if best is None:
            pairs.append((o, None))
        else:
            used.add(best)
            pairs.append((o, news[best]))
    pairs.extend((None, n) for k, n in enumerate(news) if k not in used)
    return pairs
