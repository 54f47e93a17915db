"""Which platform a text is about: aliases, split names ("sound cloud") and typos ("soudncloud").

Split names are only joined, and aliases of several words only read, when no word is another
platform's name: "x ai" is X and AI, not Grok's alias "x.ai" (a platform's own name, "Meta AI",
always counts). Short names ("x", "ig", "sc")
only count as whole words; typo tolerance only applies to long
words and never to common words that happen to sit one letter away from a platform ("video" vs
"vimeo"). News and page text use ``strict`` mode: no typo guessing, no two-letter aliases, and a
lone "X" only in capitals, because a false attribution there would alert the wrong servers.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz.distance import OSA

from bot.knowledge.model import Platform
from bot.knowledge.text import fold
from bot.knowledge.understanding.lexicon import Lexicon, default_lexicon

FUZZY_MIN_LENGTH = 5
TYPO_CACHE = 16_384  # distinct words remembered between questions
MAX_PHRASE = 3


@dataclass(frozen=True, slots=True)
class PlatformHit:
    platform: str
    start: int  # token index
    end: int
    exact: bool


class PlatformDetector:
    def __init__(self, platforms: dict[str, Platform], lexicon: Lexicon | None = None) -> None:
        self.names: dict[str, str] = {}
        for p in platforms.values():
            for name in (p.id, p.name, *p.aliases):
                folded = fold(name)
                if folded:
                    self.names[folded] = p.id
                    self.names.setdefault(folded.replace(" ", ""), p.id)
        # An alias spelt with another platform's name ("x.ai" reads "x ai") would take that
        # platform's plain mentions ("x ai training"): it is left out; its joined spelling
        # ("xai") and the platform's own name still count.
        for folded, pid in list(self.names.items()):
            words = folded.split(" ")
            is_name = folded == fold(platforms[pid].name)
            if len(words) > 1 and not is_name and any(self.names.get(w, pid) != pid for w in words):
                del self.names[folded]
        self._fuzzy = [
            (n, pid) for n, pid in self.names.items() if " " not in n and len(n) >= FUZZY_MIN_LENGTH
        ]
        lexicon = lexicon or default_lexicon()
        self._never_fuzzy = lexicon.not_platforms | lexicon.stopwords | lexicon.cue_words()
        self._typos: dict[str, str | None] = {}  # words already looked at: the same come back

    def detect(self, text: str, *, strict: bool = False) -> list[PlatformHit]:
        """All platforms mentioned, in reading order, each once."""
        seen: set[str] = set()
        unique = []
        for hit in self.mentions(text, strict=strict):
            if hit.platform not in seen:
                seen.add(hit.platform)
                unique.append(hit)
        return unique

    def mentions(self, text: str, *, strict: bool = False) -> list[PlatformHit]:
        """Every mention of a platform, in reading order ("youtube … youtube" twice)."""
        toks = fold(text).split(" ") if text.strip() else []
        original = text.split()
        capital_x = any(w.strip(".,;:!?()[]\"'") == "X" for w in original)
        hits: list[PlatformHit] = []
        taken = [False] * len(toks)
        # Longest phrases first, so "wordpress com" wins over "wordpress".
        for size in range(min(MAX_PHRASE, len(toks)), 0, -1):
            for i in range(len(toks) - size + 1):
                if any(taken[i : i + size]):
                    continue
                phrase = " ".join(toks[i : i + size])
                pid = self.names.get(phrase) or (
                    self.names.get(phrase.replace(" ", ""))
                    if size > 1 and not any(t in self.names for t in toks[i : i + size])
                    else None
                )
                if pid is None:
                    continue
                if strict and size == 1 and len(phrase) <= 2 and not (phrase == "x" and capital_x):
                    continue
                hits.append(PlatformHit(pid, i, i + size, True))
                for k in range(i, i + size):
                    taken[k] = True
        if not strict:
            for i, tok in enumerate(toks):
                if taken[i] or len(tok) < FUZZY_MIN_LENGTH or tok in self._never_fuzzy:
                    continue
                pid = self._typo(tok)
                if pid:
                    hits.append(PlatformHit(pid, i, i + 1, False))
                    taken[i] = True
        hits.sort(key=lambda h: h.start)
        return hits

    def _typo(self, tok: str) -> str | None:
        if tok in self._typos:
            return self._typos[tok]
        if len(self._typos) >= TYPO_CACHE:
            self._typos.clear()
        self._typos[tok] = found = self._closest(tok)
        return found

    def _closest(self, tok: str) -> str | None:
        best: tuple[int, str] | None = None
        for name, pid in self._fuzzy:
            if name[0] != tok[0] or abs(len(name) - len(tok)) > 2:
                continue
            allowed = 1 if len(name) < 8 else 2
            dist = OSA.distance(tok, name, score_cutoff=allowed)
            if dist <= allowed and (best is None or dist < best[0]):
                best = (dist, pid)
        return best[1] if best else None

    def primary(self, text: str, *, strict: bool = False) -> str | None:
        hits = self.detect(text, strict=strict)
        return hits[0].platform if hits else None
