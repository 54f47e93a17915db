"""A cheap guess at a question's language, from its function words and letters.

``bot.knowledge.language.detect`` (lingua) is the accurate identifier, but it takes seconds and
hundreds of megabytes to load, so the bot's hot path never calls it. Reading a question only
needs a hint: which language's little words ("est-ce que", "della", "apakah") it uses most. A
word several languages share counts for each of them in proportion; a letter only some write
("ñ", "ã", "ß") counts once. No clear winner gives ``None``.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.knowledge.understanding.lexicon import Lexicon


class LanguageGuesser:
    def __init__(self, lexicon: Lexicon) -> None:
        self.languages = lexicon.languages
        owners: dict[str, list[str]] = {}
        for lang, words in lexicon.function_words.items():
            for word in words:
                owners.setdefault(word, []).append(lang)
        self.owners = {w: tuple(langs) for w, langs in owners.items()}
        self.letters = {lang: frozenset(chars) for lang, chars in lexicon.letters.items()}

    def scores(self, text: str, toks: Sequence[str]) -> dict[str, float]:
        scores = dict.fromkeys(self.languages, 0.0)
        for tok in toks:
            langs = self.owners.get(tok)
            if langs:
                for lang in langs:
                    scores[lang] += 1 / len(langs)
        lowered = set(text.lower())
        for lang, chars in self.letters.items():
            if chars & lowered:
                scores[lang] += 1
        return scores

    def guess(self, text: str, toks: Sequence[str]) -> str | None:
        scores = self.scores(text, toks)
        ranked = sorted(scores.items(), key=lambda kv: -kv[1])
        if not ranked or ranked[0][1] <= 0 or ranked[0][1] == ranked[1][1]:
            return None
        return ranked[0][0]
