"""The question reader's vocabulary, read from ``lexicon.toml`` and ``languages.toml``.

Nothing here is a number: the files say what words mean (an opt-out verb, a when-word, a
function word of Italian), and the fitted weights (``weights.json``) say how much each kind of
evidence counts. ``CueFinder`` finds every class's terms in one pass over a question's tokens,
because a question is read on every keystroke of autocomplete and must stay cheap.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from rapidfuzz import fuzz, process

from bot.knowledge.terms import TYPO_CUTOFF, TYPO_MIN_LENGTH
from bot.knowledge.text import fold

MIN_PREFIX = 3  # a shorter prefix would match half the dictionary
GAP = "~"  # in a phrase: up to MAX_GAP words ("keep ~ from" is "keep facebook from")
MAX_GAP = 3  # "keep my public photos from": further apart, the words rarely belong together
WORD_CACHE = 16_384  # words read before: members' vocabulary repeats, typo search is the cost


class LexiconError(ValueError):
    """The lexicon files are malformed (a bug in the shipped files, caught by the tests)."""


@dataclass(frozen=True, slots=True)
class Cue:
    cls: str  # the cue class ("stop", "when", …)
    term: str  # the lexicon term that matched
    start: int  # token span
    end: int


@dataclass(frozen=True, slots=True)
class Lexicon:
    classes: dict[str, tuple[str, ...]]  # class -> folded terms
    not_evidence: frozenset[str]  # classes that point at no topic ("how", "my songs")
    roles: dict[str, frozenset[str]]  # subject roles: location, toward, purpose, source
    articles: frozenset[str]
    neutral: frozenset[str]
    spelling: dict[str, str]
    not_platforms: frozenset[str]
    function_words: dict[str, frozenset[str]]  # language -> words
    letters: dict[str, str]  # language -> characters only it writes (before folding)
    normalize: dict[str, str]  # chat spelling -> words
    owners: dict[str, str] = field(default_factory=dict)  # "tweets" -> the platform id "x"

    @property
    def stopwords(self) -> frozenset[str]:
        return frozenset().union(*self.function_words.values())

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self.function_words)

    def cue_words(self) -> frozenset[str]:
        """Every single word a cue is made of (never read as a misspelt platform name)."""
        return frozenset(
            w.rstrip("*") for terms in self.classes.values() for t in terms for w in t.split()
        )


def _words(value: object, where: str) -> frozenset[str]:
    if isinstance(value, str):
        return frozenset(value.split())
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return frozenset(value)
    raise LexiconError(f"{where}: expected a list of words")


def _check_term(term: str, where: str) -> str:
    words = [w for w in term.replace("*", "").split(" ") if w != GAP]
    if " ".join(fold(w) for w in words) != " ".join(words) or "*" in term[:-1]:
        raise LexiconError(f"{where}: {term!r} is not folded (or has * before the end)")
    if term.endswith("*") and len(term.split()[-1]) - 1 < MIN_PREFIX:
        raise LexiconError(f"{where}: prefix {term!r} is too short")
    return term


def parse(lexicon: Mapping[str, object], languages: Mapping[str, object]) -> Lexicon:
    classes: dict[str, tuple[str, ...]] = {}
    not_evidence: set[str] = set()
    raw_classes = lexicon.get("classes")
    if not isinstance(raw_classes, dict):
        raise LexiconError("lexicon: no [classes]")
    for name, table in raw_classes.items():
        terms: list[str] = []
        if table.get("evidence", True) is False:
            not_evidence.add(name)
        for lang, values in table.items():
            if lang in ("about", "evidence"):
                continue
            if lang not in languages:
                raise LexiconError(f"classes.{name}: unknown language {lang!r}")
            terms += [_check_term(t, f"classes.{name}.{lang}") for t in values]
        classes[name] = tuple(dict.fromkeys(terms))
    roles_table = lexicon.get("roles")
    if not isinstance(roles_table, dict):
        raise LexiconError("lexicon: no [roles]")
    roles = {k: _words(v, f"roles.{k}") for k, v in roles_table.items() if k != "articles"}
    function_words: dict[str, frozenset[str]] = {}
    letters: dict[str, str] = {}
    normalize: dict[str, str] = {}
    for lang, table in languages.items():
        if not isinstance(table, dict):
            raise LexiconError(f"languages.{lang}: expected a table")
        function_words[lang] = _words(table.get("function_words", ""), f"languages.{lang}")
        letters[lang] = str(table.get("letters", ""))
        for short, long in dict(table.get("normalize", {})).items():
            if normalize.get(short, long) != long:
                raise LexiconError(f"languages.{lang}.normalize: {short!r} means two things")
            normalize[short] = long
    words = lexicon.get("words", {})
    if not isinstance(words, dict):
        raise LexiconError("lexicon: [words] must be a table")
    owners: dict[str, str] = {}
    raw_owners = lexicon.get("owners", {})
    if not isinstance(raw_owners, dict):
        raise LexiconError("lexicon: [owners] must be a table")
    for platform, values in raw_owners.items():
        for word in _words(values, f"owners.{platform}"):
            if owners.setdefault(_check_term(word, f"owners.{platform}"), platform) != platform:
                raise LexiconError(f"owners: {word!r} names two platforms")
    spelling = words.get("spelling", {})
    if not isinstance(spelling, dict):
        raise LexiconError("lexicon: words.spelling must be a table")
    return Lexicon(
        classes=classes,
        not_evidence=frozenset(not_evidence),
        roles=roles,
        articles=_words(roles_table.get("articles", []), "roles.articles"),
        neutral=_words(words.get("neutral", ""), "words.neutral"),
        spelling={str(k): str(v) for k, v in spelling.items()},
        not_platforms=_words(words.get("not_platforms", ""), "words.not_platforms"),
        function_words=function_words,
        letters=letters,
        normalize=normalize,
        owners=owners,
    )


@cache
def default_lexicon() -> Lexicon:
    """The shipped lexicon (read once per process)."""
    folder = resources.files(__package__)
    lexicon = tomllib.loads(folder.joinpath("lexicon.toml").read_text(encoding="utf-8"))
    languages = tomllib.loads(folder.joinpath("languages.toml").read_text(encoding="utf-8"))
    return parse(lexicon, languages)


class CueFinder:
    """All cue classes at once: exact words, prefixes, phrases, and typos of long words."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.words: dict[str, list[tuple[str, str]]] = {}
        self.prefixes: dict[str, list[tuple[str, str, str]]] = {}  # first 3 letters -> ...
        self.phrases: dict[str, list[tuple[tuple[str, ...], bool, str, str]]] = {}
        self.gapped: dict[str, list[tuple[tuple[str, ...], tuple[str, ...], str, str]]] = {}
        for cls, terms in lexicon.classes.items():
            for term in terms:
                if f" {GAP} " in term:
                    before, after = term.split(f" {GAP} ", 1)
                    first = before.split(" ")
                    self.gapped.setdefault(first[0], []).append(
                        (tuple(first), tuple(after.split(" ")), cls, term)
                    )
                    continue
                words = term.split(" ")
                prefix = words[-1].endswith("*")
                if prefix:
                    words[-1] = words[-1][:-1]
                if len(words) > 1:
                    self.phrases.setdefault(words[0], []).append((tuple(words), prefix, cls, term))
                elif prefix:
                    self.prefixes.setdefault(words[0][:MIN_PREFIX], []).append(
                        (words[0], cls, term)
                    )
                else:
                    self.words.setdefault(words[0], []).append((cls, term))
        self._long = [w for w in self.words if len(w) >= TYPO_MIN_LENGTH]
        self._skip_typos = lexicon.stopwords | lexicon.neutral
        self._seen: dict[tuple[str, bool], list[tuple[str, str]]] = {}

    def find(self, toks: Iterable[str], *, typos: bool = True) -> list[Cue]:
        toks = list(toks)
        cues: list[Cue] = []
        for i, tok in enumerate(toks):
            found = self._word(tok, typos=typos)
            cues += [Cue(cls, term, i, i + 1) for cls, term in found]
            for words, prefix, cls, term in self.phrases.get(tok, ()):
                end = i + len(words)
                if end > len(toks):
                    continue
                last = toks[end - 1]
                if all(toks[i + k] == words[k] for k in range(1, len(words) - 1)) and (
                    last.startswith(words[-1]) if prefix else last == words[-1]
                ):
                    cues.append(Cue(cls, term, i, end))
            for before, after, cls, term in self.gapped.get(tok, ()):
                cue = _gapped(toks, i, before, after, cls, term)
                if cue is not None:
                    cues.append(cue)
        return cues

    def _word(self, tok: str, *, typos: bool) -> list[tuple[str, str]]:
        key = (tok, typos)
        found = self._seen.get(key)
        if found is None:
            found = self._read_word(tok, typos=typos)
            if len(self._seen) >= WORD_CACHE:
                self._seen.clear()
            self._seen[key] = found
        return found

    def _read_word(self, tok: str, *, typos: bool) -> list[tuple[str, str]]:
        found = list(self.words.get(tok, ()))
        seen = {cls for cls, _t in found}
        for stem, cls, term in self.prefixes.get(tok[:MIN_PREFIX], ()):
            if cls not in seen and tok.startswith(stem):
                found.append((cls, term))
                seen.add(cls)
        if (
            not found
            and typos
            and len(tok) >= TYPO_MIN_LENGTH
            and tok not in self._skip_typos
            and not tok.isdigit()
        ):
            best = process.extractOne(tok, self._long, scorer=fuzz.ratio, score_cutoff=TYPO_CUTOFF)
            if best is not None:
                found = list(self.words[best[0]])
        return found


def _gapped(
    toks: list[str], i: int, before: tuple[str, ...], after: tuple[str, ...], cls: str, term: str
) -> Cue | None:
    """ "keep ~ from" at token ``i``: ``before``, at most ``MAX_GAP`` words, then ``after``."""
    mid = i + len(before)
    if tuple(toks[i:mid]) != before:
        return None
    for start in range(mid, min(mid + MAX_GAP, len(toks) - len(after)) + 1):
        if tuple(toks[start : start + len(after)]) == after:
            return Cue(cls, term, i, start + len(after))
    return None
