"""Where a changed sentence sits: the section around it, and the sections it names.

"You may exclude your User Content from the development uses described in the User Content and
Activity section" says nothing about AI by itself; the section it names licenses uploads "to
develop new features and technologies, including models capable of generating … audio". A
lawyer defines a use once and refers to it afterwards, so an opt-out for it, or its withdrawal,
is worded without a single AI word. A changed sentence is therefore read with its context: when
the section it sits in, or a section it names (by heading, or by number: "Section 4", "article
4 bis"), holds another sentence the model finds AI-relevant on its own — or a heading that says
AI — the sentence also hits the group ``ai_section`` (the section it sits in) or
``ai_reference`` (a section it names). How much that counts, and with which
other groups, is fitted like every other group (``tools/fit_relevance.py``); the context is one
hop deep (a section is AI by its own sentences, never by its context), so nothing is circular.

A section is a heading line (``#`` Markdown, or a line that is bold as a whole, as captures of
HTML terms pages often have it) and the lines up to the next heading.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.knowledge.text import tokens
from bot.watch.diff import rows, sentences
from bot.watch.reading import read
from bot.watch.relevance_lexicon import Model, lexicon

SECTION = "ai_section"  # the group a sentence hits when its own section is about AI
REFERENCE = "ai_reference"  # … when it names a section that is
HEADING_GROUPS = frozenset({"ai", "ai_name"})  # a heading that says these makes its section AI
MAX_HEADING_CHARS = 150  # a longer bold line is a bold paragraph, not a heading
MIN_NAME_WORDS = 2  # a heading named in a sentence: one word ("Privacy") is everywhere
MAX_SECTION_SENTENCES = 400  # read at most this many sentences of one section
# A sentence's own section is its context only while the section is this short; in a longer one
# (a page with no headings is one section) only its own paragraph is.
MAX_OWN_SECTION = 40
_HEADING = re.compile(r"^(?:#{1,6}\s+(?P<md>.+?)|\*\*(?P<bold>[^*]+?)\*\*[.:]?)\s*$")
_NUMBER = re.compile(r"^\d+(?:\.\d+)*$")


@dataclass(slots=True)
class Section:
    name: tuple[str, ...]  # the heading's words, folded, its number left out
    number: str  # the heading's leading number ("4" for "4.2 …": words split at the dot), or ""
    heading: str
    sentences: list[str] = field(default_factory=list)
    ai: frozenset[str] | None = None  # the sentences that make it AI (computed when asked)


def heading(line: str) -> str | None:
    """The heading's text, or None when the line is no heading."""
    if len(line) > MAX_HEADING_CHARS + 4:
        return None
    match = _HEADING.match(line.strip())
    if match is None:
        return None
    return (match["md"] or match["bold"] or "").strip() or None


def _label(text: str) -> tuple[tuple[str, ...], str]:
    """A heading's name words and its number: "4. Content licence" -> (content, licence), "4";
    "Article 4 bis - Données" -> (bis, donnees), "4". A reference to "Section 4.2" names every
    section numbered 4: the words are split at the dot, so it is read as "4"."""
    words = tokens(text)
    refers = lexicon().aspects["section"]
    number = ""
    lead = 0
    for hit in refers.find(words):
        if hit.start == 0:
            lead = hit.end
    if lead < len(words) and _NUMBER.match(words[lead]):
        number = words[lead]
        lead += 1
    elif words and _NUMBER.match(words[0]):
        number, lead = words[0], 1
    rest = tuple(w for w in words[lead:] if not _NUMBER.match(w))
    return rest, number


class Document:
    """One version of a page as sections, each section's AI relevance read when first asked."""

    def __init__(self, lines: Sequence[str], m: Model) -> None:
        self.model = m
        self.sections: list[Section] = [Section((), "", "")]
        self._where: dict[str, list[int]] = {}
        self._paragraph: dict[str, list[str]] = {}
        self._scores: dict[str, bool] = {}
        for line in rows(list(lines)):
            title = heading(line)
            if title is not None:
                name, number = _label(title)
                self.sections.append(Section(name, number, line))
            said = sentences(line)
            for sentence in said:
                self._where.setdefault(sentence, []).append(len(self.sections) - 1)
                self._paragraph.setdefault(sentence, []).extend(said)
                if title is None:
                    self.sections[-1].sentences.append(sentence)

    def _ai(self, index: int) -> frozenset[str]:
        """The sentences (and heading) that make section ``index`` AI-relevant by themselves."""
        section = self.sections[index]
        if section.ai is None:
            found: set[str] = set()
            if section.heading and read(section.heading).groups & HEADING_GROUPS:
                found.add(section.heading)
            found.update(s for s in section.sentences[:MAX_SECTION_SENTENCES] if self._relevant(s))
            section.ai = frozenset(found)
        return section.ai

    def named(self, sentence: str) -> list[int]:
        """The sections a sentence names: by their heading's words, or by number after a word
        such as "section", "article", "Abschnitt"."""
        words = tokens(sentence)
        text = f" {' '.join(words)} "
        out: list[int] = []
        numbers = {
            words[hit.end]
            for hit in lexicon().aspects["section"].find(words)
            if hit.end < len(words) and _NUMBER.match(words[hit.end])
        }
        for index, section in enumerate(self.sections):
            by_name = len(section.name) >= MIN_NAME_WORDS and f" {' '.join(section.name)} " in text
            if by_name or (section.number and section.number in numbers):
                out.append(index)
        return out

    def _relevant(self, sentence: str) -> bool:
        if sentence not in self._scores:
            p = self.model.probability(read(sentence).groups)
            self._scores[sentence] = p >= self.model.threshold
        return self._scores[sentence]

    def context(self, sentence: str) -> frozenset[str]:
        """``ai_section`` when the sentence sits in a section (or, in a long one, a paragraph)
        another sentence of which is about AI; ``ai_reference`` when it names such a section."""
        out: set[str] = set()
        around = self._where.get(sentence, [])
        own = [i for i in around if len(self.sections[i].sentences) <= MAX_OWN_SECTION]
        if len(own) < len(around) and any(
            self._relevant(s) for s in self._paragraph.get(sentence, []) if s != sentence
        ):
            out.add(SECTION)
        if any(self._ai(i) - {sentence} for i in own):
            out.add(SECTION)
        if any(self._ai(i) - {sentence} for i in self.named(sentence) if i not in around):
            out.add(REFERENCE)
        return frozenset(out)


def with_context(
    groups: frozenset[str], sentence: str, document: Document | None
) -> frozenset[str]:
    """The groups a sentence hits, with ``ai_section`` / ``ai_reference`` when its context is
    AI-relevant."""
    return groups if document is None else groups | document.context(sentence)
