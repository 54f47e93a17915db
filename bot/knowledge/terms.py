"""Finding lexicon terms (words, prefixes, phrases) in folded token lists.

Shared by the matcher (short queries, with typo tolerance) and the watcher (long page diffs,
exact only), so both read the lexicon the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rapidfuzz import fuzz, process

TYPO_MIN_LENGTH = 6
TYPO_CUTOFF = 88


@dataclass(frozen=True, slots=True)
class Hit:
    term: str
    weight: float
    start: int
    end: int


class TermSet:
    def __init__(self, terms: Mapping[str, float] | Iterable[str]) -> None:
        weighted = dict(terms) if isinstance(terms, Mapping) else dict.fromkeys(terms, 1.0)
        self._words: dict[str, float] = {}
        self._prefixes: list[tuple[str, str, float]] = []
        self._phrases: dict[str, list[tuple[tuple[str, ...], bool, str, float]]] = {}
        for term, weight in weighted.items():
            words = term.split(" ")
            prefix = words[-1].endswith("*")
            if prefix:
                words[-1] = words[-1][:-1]
            if len(words) == 1:
                if prefix:
                    self._prefixes.append((words[0], term, float(weight)))
                else:
                    self._words[words[0]] = float(weight)
            else:
                self._phrases.setdefault(words[0], []).append(
                    (tuple(words), prefix, term, float(weight))
                )
        self._long_words = [w for w in self._words if len(w) >= TYPO_MIN_LENGTH]

    def find(self, toks: list[str], *, typos: bool = False) -> list[Hit]:
        hits: list[Hit] = []
        for i, tok in enumerate(toks):
            weight = self._words.get(tok)
            if weight is not None:
                hits.append(Hit(tok, weight, i, i + 1))
            else:
                for stem, term, w in self._prefixes:
                    if tok.startswith(stem):
                        hits.append(Hit(term, w, i, i + 1))
                        break
                else:
                    if typos and len(tok) >= TYPO_MIN_LENGTH and self._long_words:
                        best = process.extractOne(
                            tok, self._long_words, scorer=fuzz.ratio, score_cutoff=TYPO_CUTOFF
                        )
                        if best is not None:
                            hits.append(Hit(best[0], self._words[best[0]], i, i + 1))
            for words, prefix, term, w in self._phrases.get(tok, ()):
                end = i + len(words)
                if end > len(toks):
                    continue
                if all(toks[i + k] == words[k] for k in range(1, len(words) - 1)) and (
                    toks[end - 1].startswith(words[-1]) if prefix else toks[end - 1] == words[-1]
                ):
                    hits.append(Hit(term, w, i, end))
        return hits
