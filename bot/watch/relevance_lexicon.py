"""The AI-relevance vocabulary and its fitted weights, read from ``data/lexicon/``.

Two files, one job each: ``relevance.toml`` says which words mean which concept (people edit
it), ``relevance_model.toml`` says how much each concept and each combination of concepts counts
(``tools/fit_relevance.py`` writes it from labelled terms histories; nobody edits it by hand).
Both are read once, validated, and shared: the watcher, the fitting script and the tests all see
the same features, so the weights a test checks are the weights the watcher uses.

Both ship with the code (``data/lexicon/`` beside ``bot/``) and are not read from
``FINEPRINT_DATA``: the model is fitted to this vocabulary, so the two travel together.

A feature is a conjunction of disjunctions of groups: ``"ai|ai_name & train"`` is 1 when the
passage hits ``ai`` or ``ai_name`` AND hits ``train``, else 0. The model is logistic:
``p = sigmoid(bias + Σ weight·feature)``, and a passage is AI-relevant when ``p >= threshold``.
Weights under ``[weights]`` are >= 0 (a cue never makes a passage less relevant); the few under
``[exceptions]`` are <= 0 (boilerplate that names the same concepts without the use: a hosting
licence "to operate, develop and improve the Services").
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from bot.config import DEFAULT_DATA_DIR
from bot.errors import Problem, ProblemsError
from bot.knowledge.terms import TermSet
from bot.knowledge.text import fold

LEXICON_PATH = DEFAULT_DATA_DIR / "lexicon" / "relevance.toml"
MODEL_PATH = DEFAULT_DATA_DIR / "lexicon" / "relevance_model.toml"
LANGUAGES = ("en", "fr", "it", "es", "de", "pt", "id")
SECTIONS = ("group", "aspect")


class LexiconError(ProblemsError):
    """The relevance lexicon or its model file is invalid."""

    what = "the AI-relevance lexicon"


@dataclass(frozen=True, slots=True)
class Near:
    """Group ``target`` holds when groups ``a`` and ``b`` hit at most ``window`` words apart
    (``ordered``: ``b`` after ``a``, as in "your posts … are used to improve", not "to improve
    our products, services and content")."""

    target: str
    a: str
    b: str
    window: int
    ordered: bool = False

    def holds(self, x_start: int, x_end: int, y_start: int, y_end: int) -> bool:
        if self.ordered:
            return x_start < y_start and y_start - x_end < self.window
        return max(x_start, y_start) - min(x_end, y_end) < self.window


@dataclass(frozen=True, slots=True)
class Lexicon:
    groups: dict[str, TermSet]  # relevance features' building blocks
    aspects: dict[str, TermSet]  # stance, actor and topic cues of a verdict
    terms: dict[str, dict[str, tuple[str, ...]]]  # "group.ai" -> language -> terms (as written)
    near: tuple[Near, ...] = ()


@dataclass(frozen=True, slots=True)
class Feature:
    name: str  # as written: "ai|ai_name & train"
    parts: tuple[frozenset[str], ...]  # all parts must hold; a part holds if any group hits

    @classmethod
    def parse(cls, name: str) -> Feature:
        parts = tuple(
            frozenset(g.strip() for g in part.split("|") if g.strip()) for part in name.split("&")
        )
        return cls(" & ".join("|".join(sorted(p)) for p in parts), parts)

    def value(self, hit: frozenset[str]) -> float:
        return 1.0 if all(part & hit for part in self.parts) else 0.0

    @property
    def groups(self) -> frozenset[str]:
        return frozenset().union(*self.parts)


@dataclass(frozen=True, slots=True)
class Model:
    bias: float
    weights: tuple[tuple[Feature, float], ...]  # [weights] (>= 0) and [exceptions] (<= 0)
    threshold: float  # a passage with p >= threshold is AI-relevant
    exceptions: frozenset[str] = frozenset()  # the names of the features that only lower p

    def probability(self, hit: frozenset[str]) -> float:
        z = self.bias + sum(w * f.value(hit) for f, w in self.weights)
        return 1.0 / (1.0 + math.exp(-z))

    def contributions(self, hit: frozenset[str]) -> list[tuple[Feature, float]]:
        """The features that fired, strongest first (they explain a verdict)."""
        fired = [(f, w) for f, w in self.weights if w > 0 and f.value(hit)]
        return sorted(fired, key=lambda fw: -fw[1])


def _line_of(text: str, needle: str) -> int:
    at = text.find(needle)
    return text.count("\n", 0, at) + 1 if at >= 0 else 1


def parse_lexicon(text: str, path: Path) -> Lexicon:
    problems: list[Problem] = []
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise LexiconError([Problem(path, 1, path.name, f"invalid TOML: {exc}")]) from exc
    found: dict[str, dict[str, TermSet]] = {s: {} for s in SECTIONS}
    listed: dict[str, dict[str, tuple[str, ...]]] = {}
    for key in raw:
        if key not in (*SECTIONS, "near"):
            problems.append(Problem(path, _line_of(text, f"[{key}"), key, "unknown section"))
    for section in SECTIONS:
        for name, table in raw.get(section, {}).items():
            entry = f"{section}.{name}"
            line = _line_of(text, f"[{entry}]")
            if not isinstance(table, dict):
                problems.append(Problem(path, line, entry, "must be a table"))
                continue
            langs: dict[str, tuple[str, ...]] = {}
            for key, value in table.items():
                if key == "doc":
                    continue
                if key not in LANGUAGES:
                    problems.append(Problem(path, line, entry, f"unknown language {key!r}"))
                    continue
                if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                    problems.append(Problem(path, line, entry, f"{key}: must be a list of terms"))
                    continue
                for term in value:
                    if fold(term.rstrip("*")) != term.rstrip("*") or not term.strip("*"):
                        problems.append(
                            Problem(
                                path,
                                _line_of(text, f'"{term}"'),
                                entry,
                                f"term {term!r} is not in folded form ({fold(term)!r})",
                            )
                        )
                langs[key] = tuple(value)
            missing = [lang for lang in LANGUAGES if lang not in langs]
            if missing:
                problems.append(
                    Problem(path, line, entry, f"no list for {', '.join(missing)} (may be empty)")
                )
            if "doc" not in table:
                problems.append(Problem(path, line, entry, "say what the group is for (doc)"))
            listed[entry] = langs
            found[section][name] = TermSet([t for terms in langs.values() for t in terms])
    near: list[Near] = []
    for target, table in raw.get("near", {}).items():
        line = _line_of(text, f"[near.{target}]")
        pairs = table.get("pairs", []) if isinstance(table, dict) else None
        follows = table.get("follows", []) if isinstance(table, dict) else None
        if (
            target not in found["group"]
            or not isinstance(pairs, list)
            or not isinstance(follows, list)
            or not pairs + follows
        ):
            problems.append(
                Problem(path, line, f"near.{target}", "needs a group and pairs or follows")
            )
            continue
        for ordered, pair in [(False, p) for p in pairs] + [(True, p) for p in follows]:
            ok = (
                isinstance(pair, list)
                and len(pair) == 3
                and all(isinstance(g, str) and g in found["group"] for g in pair[:2])
                and isinstance(pair[2], int)
                and pair[2] > 0
            )
            if not ok:
                problems.append(
                    Problem(path, line, f"near.{target}", f"{pair!r}: want [group, group, words]")
                )
                continue
            near.append(Near(target, pair[0], pair[1], pair[2], ordered))
    if problems:
        raise LexiconError(problems)
    return Lexicon(found["group"], found["aspect"], listed, tuple(near))


def parse_model(text: str, path: Path, groups: frozenset[str]) -> Model:
    problems: list[Problem] = []
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise LexiconError([Problem(path, 1, path.name, f"invalid TOML: {exc}")]) from exc
    weights: list[tuple[Feature, float]] = []
    exceptions: set[str] = set()
    for table, sign in (("weights", 1), ("exceptions", -1)):
        for name, weight in raw.get(table, {}).items():
            feature = Feature.parse(name)
            unknown = feature.groups - groups
            if unknown:
                line = _line_of(text, name)
                problems.append(Problem(path, line, table, f"unknown groups {sorted(unknown)}"))
            if not isinstance(weight, int | float) or weight * sign < 0:
                want = "a number >= 0" if sign > 0 else "a number <= 0"
                problems.append(Problem(path, _line_of(text, name), table, f"must be {want}"))
                continue
            weights.append((feature, float(weight)))
            if sign < 0:
                exceptions.add(feature.name)
    bias, threshold = raw.get("bias"), raw.get("threshold")
    if not isinstance(bias, int | float):
        problems.append(Problem(path, 1, "bias", "missing or not a number"))
    if not isinstance(threshold, int | float) or not 0 < threshold < 1:
        problems.append(Problem(path, 1, "threshold", "missing or not between 0 and 1"))
    if problems:
        raise LexiconError(problems)
    assert isinstance(bias, int | float) and isinstance(threshold, int | float)
    return Model(float(bias), tuple(weights), float(threshold), frozenset(exceptions))


@cache
def lexicon(path: Path = LEXICON_PATH) -> Lexicon:
    return parse_lexicon(path.read_text(encoding="utf-8"), path)


@cache
def model(path: Path = MODEL_PATH, lexicon_path: Path = LEXICON_PATH) -> Model:
    groups = frozenset(lexicon(lexicon_path).groups)
    return parse_model(path.read_text(encoding="utf-8"), path, groups)
