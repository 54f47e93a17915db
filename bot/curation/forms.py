"""Reading what moderators type: the entry form's five inputs, and rows of an imported file.

Both are validated by the loader's ``parse_faq`` (the one validator for ``data/faq/*.toml``) plus
the limits of a server entry, so a server's entries can never be something the shipped FAQ would
refuse. Every problem is reported at once, in words a moderator can act on.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rapidfuzz import fuzz, process

from bot.curation.caps import MAX_LINK, MAX_LINKS, MAX_PHRASINGS
from bot.curation.errors import Invalid
from bot.curation.model import EntryForm, Note, ParsedForm
from bot.curation.text import clean_lines, dedupe, member_text, safe
from bot.i18n.locales import LOCALES
from bot.knowledge.loader import MAX_ANSWER, Loader, Problem, _Entry, _Source, parse_faq
from bot.knowledge.text import clip, fold, squash
from bot.knowledge.topics import TOPIC_BY_ID, TOPIC_IDS, TOPICS
from bot.present.strings import STRINGS
from bot.store.faq_entries import EntryContent

if TYPE_CHECKING:
    from bot.app import App

TOPIC_TYPO_CUTOFF = 85
GENERAL_WORDS = frozenset({"general", "all", "all platforms", "any", "none", "every platform"})
_TOPIC_SYNONYMS: dict[str, tuple[str, ...]] = {
    "ai-training": ("training", "train", "ai train", "model training"),
    "third-party": ("third parties", "sharing", "data sharing", "selling", "resale"),
    "opt-out": ("optout", "opt in", "optin", "opting out", "settings"),
    "license": ("licence", "licensing", "licences", "licenses", "rights"),
    "ai-content": ("ai generated", "ai music", "ai generated content", "generated", "ai uploads"),
    "history": ("changes", "timeline", "changelog"),
}
TOPIC_PHRASES: dict[str, str] = {}
for _topic in TOPICS:
    for _phrase in (_topic.id, _topic.label, *_TOPIC_SYNONYMS.get(_topic.id, ())):
        TOPIC_PHRASES[fold(_phrase)] = _topic.id
TOPIC_KEYS = tuple(TOPIC_PHRASES)


def resolve_tags(app: App, text: str) -> tuple[tuple[str, ...], tuple[str, ...], list[str]]:
    """Platforms and topics from one input ("spotify, youtube, opt-out").

    Each comma/semicolon/line separated part is read phrase by phrase (longest first): a
    topic id, label or synonym, then a platform id, name or alias (typos tolerated as in
    questions). Returns (platforms, topics, what was not understood).
    """
    platforms: list[str] = []
    topics: list[str] = []
    unknown: list[str] = []
    for part in re.split(r"[,;\n]+", text):
        part = part.strip()
        if not part or fold(part) in GENERAL_WORDS:
            continue
        words = fold(part).split()
        if not words:
            unknown.append(part)
            continue
        missed: list[str] = []
        i = 0
        while i < len(words):
            for size in range(min(3, len(words) - i), 0, -1):
                phrase = " ".join(words[i : i + size])
                topic = TOPIC_PHRASES.get(phrase)
                pid = None if topic else _platform_phrase(app, phrase, size)
                if topic or pid:
                    target, value = (topics, topic) if topic else (platforms, pid)
                    if value not in target:
                        target.append(value)  # type: ignore[arg-type]
                    i += size
                    break
            else:
                missed.append(words[i])
                i += 1
        if missed:
            typo = process.extractOne(
                " ".join(words), TOPIC_KEYS, scorer=fuzz.ratio, score_cutoff=TOPIC_TYPO_CUTOFF
            )
            if typo is None:
                unknown.append(part)  # report what the moderator typed, not its pieces
            elif TOPIC_PHRASES[typo[0]] not in topics:  # "ai-trainnig": a misspelt topic
                topics.append(TOPIC_PHRASES[typo[0]])
    return tuple(platforms), tuple(topics), unknown


def _platform_phrase(app: App, phrase: str, size: int) -> str | None:
    names = app.detector.names
    pid = names.get(phrase) or names.get(phrase.replace(" ", ""))
    if pid is None and size == 1:
        pid = app.resolve_platform(phrase)  # typo tolerance ("spotfy")
    return pid


def parse_form(app: App, form: EntryForm, *, today: date) -> ParsedForm:
    """Modal text -> validated content, or ``Invalid`` naming every problem at once."""
    problems: list[str] = []
    platforms, topics, unknown = resolve_tags(app, form.tags)
    if unknown:
        names = ", ".join(f"“{clip(member_text(u), 40)}”" for u in unknown[:8])
        problems.append(
            STRINGS["curation.form.unknown_tags"].format(
                names=names, examples=_platform_examples(app), topics=", ".join(TOPIC_IDS)
            )
        )
    notes: list[Note] = []
    question = squash(form.question)
    if not topics and question:
        guessed = app.resolve_topic(question)
        if guessed:
            topics = (guessed,)
            notes.append(Note("curation.form.topic_guessed", {"topic": TOPIC_BY_ID[guessed].label}))
        else:
            problems.append(STRINGS["curation.form.no_topic"].format(topics=", ".join(TOPIC_IDS)))
    raw: dict[str, Any] = {
        "id": "guild-form",
        "question": question,
        "answer": form.answer.strip(),
        "platforms": list(platforms),
        "topics": list(topics),
        "links": [link.strip("<>") for link in form.links.split() if link.strip("<>")],
        "phrasings": clean_lines(form.phrasings),
    }
    content, row_problems = validate(app, raw, _Source(Path("form"), ""), 0, today=today)
    problems += [
        safe(p.message) for p in row_problems if not (topics == () and "topic" in p.message)
    ]
    if problems or content is None:
        raise Invalid(problems or [STRINGS["curation.form.incomplete"]])
    return ParsedForm(content, tuple(notes))


def _platform_examples(app: App) -> str:
    return ", ".join(p.name for p in list(app.kb.platforms.values())[:3])


def validate(
    app: App, raw: dict[str, Any], src: _Source, index: int, *, today: date
) -> tuple[EntryContent | None, list[Problem]]:
    """``parse_faq`` (the shipped schema) plus the limits of a server entry."""
    loader = Loader(Path("."), today=today)
    raw = dict(raw)
    given_answers = raw.pop("answers", None)
    e = _Entry(loader, src, "faq", index, raw)
    entry = parse_faq(e, app.kb.platforms)
    answers = _answers(e, given_answers)
    phrasings = raw.get("phrasings")
    if isinstance(phrasings, dict):  # the shipped form: language = [phrasings]
        count = sum(len(v) for v in phrasings.values() if isinstance(v, list))
    else:
        count = len(phrasings) if isinstance(phrasings, list) else 0
    if count > MAX_PHRASINGS:
        e.problem(f"{count} phrasings; a server entry may have {MAX_PHRASINGS}", "phrasings")
    links = raw.get("links")
    if isinstance(links, list):
        if len(links) > MAX_LINKS:
            e.problem(f"{len(links)} links; a server entry may have {MAX_LINKS}", "links")
        if any(isinstance(x, str) and len(x) > MAX_LINK for x in links):
            e.problem(f"a link is over {MAX_LINK} characters", "links")
    if any(bad_text(v) for v in _strings_in(raw)):
        e.problem("contains characters that cannot be stored (NUL or broken surrogates)")
    if entry is None or not e.ok:
        return None, loader.problems
    return (
        EntryContent(
            question=entry.question,
            answer=entry.answer,
            phrasings=dedupe(entry.phrasings),
            platforms=dedupe(entry.platforms),
            topics=dedupe(entry.topics),
            links=dedupe(entry.links),
            answers=answers,
        ),
        [],
    )


def _answers(e: _Entry, raw: Any) -> tuple[tuple[str, str], ...]:
    """``answers = {fr = "…", de = "…"}``: the entry's answer in other languages, each shown to
    members whose Discord speaks it (the main ``answer`` to everyone else)."""
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        e.problem("'answers' must be a table of language = answer, e.g. {fr = \"…\"}", "answers")
        return ()
    out: list[tuple[str, str]] = []
    for lang, text in raw.items():
        if lang not in LOCALES:
            e.problem(f"answers: {lang!r} is not one of {', '.join(LOCALES)}", "answers")
        elif not isinstance(text, str) or not text.strip():
            e.problem(f"answers.{lang} must be a non-empty string", "answers")
        elif len(text.strip()) > MAX_ANSWER:
            e.problem(f"answers.{lang} is over {MAX_ANSWER} characters", "answers")
        else:
            out.append((lang, text.strip()))
    return tuple(sorted(out))


def form_for(content: EntryContent) -> EntryForm:
    """Prefill for the edit modal (and "try again" after a refusal)."""
    return EntryForm(
        question=content.question,
        phrasings="\n".join(content.phrasings),
        answer=content.answer,
        tags=", ".join((*content.platforms, *content.topics)),
        links="\n".join(content.links),
    )


def bad_text(text: str) -> bool:
    """Text SQLite (or Discord) cannot take back: a NUL, or half of a surrogate pair."""
    return "\x00" in text or any(0xD800 <= ord(ch) <= 0xDFFF for ch in text)


def _strings_in(raw: dict[str, Any]) -> Iterable[str]:
    for value in raw.values():
        if isinstance(value, str):
            yield value
        elif isinstance(value, list):
            yield from (v for v in value if isinstance(v, str))
        elif isinstance(value, dict):
            for inner in value.values():
                if isinstance(inner, list):
                    yield from (v for v in inner if isinstance(v, str))
