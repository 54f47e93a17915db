"""Reading and checking the translation files: ``data/i18n/<locale>/ui.toml`` and
``knowledge.toml``.

Translations are reviewed like facts, so they are checked like facts. A catalog is refused —
every problem at once, each as ``file:line: key: problem`` — when it

- misses a key or has one the English source does not (a typo, a string since removed);
- drops or adds a placeholder (``{platform}``), or has unbalanced braces;
- drops or renames a slash command the English points to (commands stay English everywhere);
- has plural forms other than the ones its language needs (French ``one``/``many``/``other``,
  Indonesian only ``other``: Babel's CLDR plural rules say which);
- would break one of Discord's limits where the string is shown (a button label over 80
  characters, a modal title over 45…);
- (knowledge) translates an entry whose English has changed since (``english`` records a hash
  of the text it was made from), drops a link the English gives, or lists a different number of
  opt-out steps.

``ui.toml`` is flat, one quoted key per line, keyed exactly like ``bot/present/strings.py``::

    "answer.as_of" = "À jour au"

``knowledge.toml`` has one table per translated entry, keyed by kind and id::

    [clause."soundcloud-tou-2025-genai-consent"]
    english = "3f2a9c1e"          # hash of the English this translates (``data skeleton``)
    title = "…"
    summary = "…"

    [documents]                   # document names as cited ("What the Terms of Use say")
    "Terms of Use" = "Conditions d'utilisation"
"""

from __future__ import annotations

import hashlib
import re
import string
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel import Locale

from bot import limits
from bot.errors import Problem, ProblemsError
from bot.i18n.locales import BABEL, DEFAULT
from bot.knowledge.model import KnowledgeBase

UI_FILE = "ui.toml"
KNOWLEDGE_FILE = "knowledge.toml"
PLURAL_FORMS = ("zero", "one", "two", "few", "many", "other")

# Where each interface string is shown, hence Discord's limit for it; first match wins.
_BUTTONS = (
    "button.*",
    "view.cancel",
    "view.confirm",
    "view.previous",
    "view.next",
    "faq.fix_it",
    "faq.edit_current",
    "faq.start_from_mine",
    "faq.queue.approve",
    "faq.queue.reject",
    "faq.remove.confirm",
    "faq.import.confirm",
)
_FIELD_NAMES = (
    "answer.as_of",
    "answer.source",
    "answer.note",
    "clause.what_it_says",
    "clause.quoted_from",
    "clause.effective",
    "optout.steps",
    "optout.link",
    "optout.who",
    "optout.not_covered",
    "faq.sources",
    "faq.clause",
    "about.version",
    "about.platforms",
    "about.knowledge",
    "about.freshness",
    "curation.conflict.current_*",
    "curation.conflict.your_*",
    "curation.queue.question",
    "curation.queue.answer",
    "curation.queue.suggested",
    "curation.import.problems",
    "curation.import.rows.*",
    "alert.summary*",
    "alert.said",
    "alert.links",
    "alerts.check_this",
    "faq.approve.member",
    "config.language.current",
)
UI_LIMITS: tuple[tuple[tuple[str, ...], int], ...] = (
    (("cmd.*", "choice.*", "topic.*"), limits.COMMAND_DESCRIPTION),  # also choice names (100)
    (_BUTTONS, limits.BUTTON_LABEL),
    (("faq.form.*.title", "faq.reason.title"), limits.MODAL_TITLE),
    (
        ("faq.form.*.help", "faq.form.*.example", "faq.reason.help", "faq.reason.example"),
        limits.TEXT_INPUT_PLACEHOLDER,
    ),
    (("faq.form.*", "faq.reason.label"), limits.TEXT_INPUT_LABEL),
    (_FIELD_NAMES, limits.EMBED_FIELD_NAME),
    (("*.title", "*.footer*", "alert.footer", "alert.headline.*"), limits.EMBED_TITLE),
    (("console.*",), limits.MESSAGE_CONTENT),
    (("*",), limits.EMBED_DESCRIPTION - 500),  # a card's text, with room for what it shows
)

# Knowledge fields that may be translated, by kind, and Discord's limit where each is shown.
KNOWLEDGE_FIELDS: dict[str, dict[str, int]] = {
    "clause": {"title": limits.EMBED_TITLE, "summary": 2000, "note": limits.EMBED_FIELD_VALUE},
    "optout": {
        "title": limits.EMBED_TITLE,
        "controls": 2000,
        "steps": limits.EMBED_FIELD_VALUE,  # all steps together, numbered, in one field
        "who": limits.EMBED_FIELD_VALUE,
        "not_covered": limits.EMBED_FIELD_VALUE,
        "note": limits.EMBED_FIELD_VALUE,
    },
    "event": {"title": limits.EMBED_TITLE, "summary": 2000},
    "absence": {"note": 1000},  # after "No AI clause found in …" under /terms
    "faq": {"question": limits.EMBED_TITLE, "answer": limits.EMBED_DESCRIPTION - 500},
}
DOCUMENTS = "documents"
DOCUMENT_NAME_LIMIT = 100
HASH_KEY = "english"

_COMMAND = re.compile(r"`/([a-z][a-z-]*)")
_URL = re.compile(r"https?://[^\s)>\]\"']+")
_UI_KEY_LINE = re.compile(r'^\s*"((?:[^"\\]|\\.)+)"\s*=')
_BARE_KEY_LINE = re.compile(r"^\s*([A-Za-z0-9_.-]+)\s*=")
_TABLE_LINE = re.compile(r'^\s*\[\s*([a-z]+)\s*(?:\.\s*"?([^"\]]+?)"?\s*)?\]\s*(?:#.*)?$')


class TranslationError(ProblemsError):
    """A translation catalog in ``data/i18n`` is invalid."""

    what = "the translations"


# -- small helpers ---------------------------------------------------------------------------
@lru_cache(maxsize=2048)
def ui_limit(key: str) -> int:
    """Discord's limit for the place an interface string is shown (the same for every locale:
    worked out once per key)."""
    for patterns, limit in UI_LIMITS:
        if any(fnmatchcase(key, p) for p in patterns):
            return limit
    return limits.EMBED_DESCRIPTION  # pragma: no cover - the table ends with "*"


def placeholders(template: str) -> set[str]:
    """The ``{names}`` a template uses; ``ValueError`` when its braces do not balance."""
    names: set[str] = set()
    for _text, name, _spec, _conversion in string.Formatter().parse(template):
        if name is not None:
            names.add(name)
    return names


def plural_forms(locale: str) -> tuple[str, ...]:
    """The plural categories a locale's sentences need (CLDR, through Babel), in order."""
    tags = Locale.parse(BABEL.get(locale, locale)).plural_form.tags | {"other"}
    return tuple(f for f in PLURAL_FORMS if f in tags)


def plural_bases(keys: Iterable[str]) -> set[str]:
    """The keys chosen by a number: ``x`` when the English has both ``x.one`` and ``x.other``
    (``alert.changed.other`` alone is an ordinary key)."""
    keys = set(keys)
    return {
        k.rpartition(".")[0]
        for k in keys
        if k.endswith(".other") and f"{k.rpartition('.')[0]}.one" in keys
    }


def expected_ui_keys(english: Iterable[str], locale: str) -> set[str]:
    """Every key a locale's ``ui.toml`` must hold: the English keys, plural groups given in
    the forms that locale's grammar needs."""
    english = set(english)
    bases = plural_bases(english)
    out = {k for k in english if k.rpartition(".")[0] not in bases}
    for base in bases:
        out.update(f"{base}.{form}" for form in plural_forms(locale))
    return out


def english_hash(values: Iterable[str | tuple[str, ...] | None]) -> str:
    """A short fingerprint of an entry's English texts: a translation records the one it was
    made from, so a changed English text is caught instead of silently going stale."""
    digest = hashlib.sha256()
    for value in values:
        text = "\x1e".join(value) if isinstance(value, tuple) else (value or "")
        digest.update(text.encode("utf-8") + b"\x1f")
    return digest.hexdigest()[:10]


def _read(path: Path, problems: list[Problem]) -> tuple[dict[str, Any], list[str]] | None:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(path, 1, path.name, f"cannot read: {exc}"))
        return None
    try:
        return tomllib.loads(text), text.splitlines()
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None) or _line_of_toml_error(str(exc))
        problems.append(Problem(path, line, path.name, f"not valid TOML: {exc}"))
        return None


def _line_of_toml_error(message: str) -> int:
    match = re.search(r"line (\d+)", message)
    return int(match[1]) if match else 1


# -- the interface catalog -------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class UiCatalog:
    locale: str
    path: Path
    strings: dict[str, str]


def load_ui(
    path: Path, locale: str, english: Mapping[str, str], problems: list[Problem]
) -> UiCatalog | None:
    """One locale's interface strings, checked against the English catalog."""
    read = _read(path, problems)
    if read is None:
        return None
    raw, lines = read
    where: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        match = _UI_KEY_LINE.match(line)
        if match:
            where.setdefault(match[1].replace('\\"', '"'), number)
    before = len(problems)

    def problem(key: str, message: str, line: int | None = None) -> None:
        problems.append(Problem(path, line or where.get(key, 1), key, message))

    strings: dict[str, str] = {}
    for key, value in raw.items():
        if isinstance(value, dict):
            bare = next(
                (
                    n
                    for n, ln in enumerate(lines, 1)
                    if (m := _BARE_KEY_LINE.match(ln)) and m[1].split(".")[0] == key
                ),
                1,
            )
            problem(key, 'write keys in quotes ("answer.as_of" = …), not as dotted keys', bare)
        elif not isinstance(value, str) or (not value.strip() and english.get(key, "x").strip()):
            problem(key, "must be a non-empty string")
        else:
            strings[key] = value
    expected = expected_ui_keys(english, locale)
    plural = plural_bases(english)
    for key in sorted(expected - set(raw)):
        base = key.rpartition(".")[0]
        hint = (
            f" ({locale} needs the plural forms {', '.join(plural_forms(locale))})"
            if base in plural
            else ""
        )
        problem(
            key,
            f"missing (the English is {english.get(key, english.get(base + '.other'))!r}){hint}",
        )
    for key in sorted(set(raw) - expected):
        base = key.rpartition(".")[0]
        if base in plural:
            problem(
                key,
                f"{locale} has no plural form {key.rpartition('.')[2]!r} "
                f"(it uses {', '.join(plural_forms(locale))})",
            )
        else:
            problem(key, "not a key of the English catalog (bot/present/strings.py)")
    for key, value in strings.items():
        if key not in expected:
            continue
        base, _, form = key.rpartition(".")
        # A plural form is checked against the English "other" form: French "one" also
        # covers 0, so it says {count} where English "1 alert" does not.
        source = english[f"{base}.other"] if base in plural else english.get(key, "")
        _check_ui_string(key, value, source, form if base in plural else None, problem)
    return UiCatalog(locale, path, strings) if len(problems) == before else None


def _check_ui_string(
    key: str, value: str, source: str, plural_form: str | None, problem: Any
) -> None:
    try:
        have = placeholders(value)
    except ValueError as exc:
        problem(key, f"unbalanced braces: {exc} (write a literal brace as {{{{ or }}}})")
        return
    want = placeholders(source)
    missing, extra = want - have, have - want
    if plural_form not in (None, "other"):
        missing.discard("count")  # "un élément" may say the number in words
    if missing:
        problem(key, f"placeholder(s) missing: {', '.join('{' + p + '}' for p in sorted(missing))}")
    if extra:
        problem(
            key,
            f"placeholder(s) not in the English: {', '.join('{' + p + '}' for p in sorted(extra))}",
        )
    commands = set(_COMMAND.findall(source))
    if commands and set(_COMMAND.findall(value)) != commands:
        problem(
            key,
            f"must name the same commands as the English, untranslated: "
            f"{', '.join('/' + c for c in sorted(commands))}",
        )
    limit = ui_limit(key)
    if len(value) > limit:
        problem(key, f"{len(value)} characters; Discord's limit where it is shown is {limit}")


# -- the knowledge catalog -------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class KnowledgeCatalog:
    """One locale's translations of the knowledge base's own words (never of quotes)."""

    locale: str
    path: Path
    texts: dict[tuple[str, str, str], str | tuple[str, ...]] = field(default_factory=dict)
    documents: dict[str, str] = field(default_factory=dict)

    def get(self, kind: str, item_id: str, name: str) -> str | tuple[str, ...] | None:
        return self.texts.get((kind, item_id, name))


def translatable(kb: KnowledgeBase) -> dict[tuple[str, str], dict[str, str | tuple[str, ...]]]:
    """Every (kind, id) of the shipped knowledge with the English of each translatable field."""
    out: dict[tuple[str, str], dict[str, str | tuple[str, ...]]] = {}
    for clause in kb.clauses.values():
        out["clause", clause.id] = _present(
            title=clause.title, summary=clause.summary, note=clause.note
        )
    for opt in kb.optouts.values():
        out["optout", opt.id] = _present(
            title=opt.title,
            controls=opt.controls,
            steps=opt.steps,
            who=opt.who,
            not_covered=opt.not_covered,
            note=opt.note,
        )
    for event in kb.events.values():
        out["event", event.id] = _present(title=event.title, summary=event.summary)
    for entry in kb.faq.values():
        out["faq", entry.id] = _present(question=entry.question, answer=entry.answer)
    for absence in kb.absences.values():
        if absence.note:
            out["absence", absence.id] = _present(note=absence.note)
    return out


def _present(**fields: str | tuple[str, ...] | None) -> dict[str, str | tuple[str, ...]]:
    return {k: v for k, v in fields.items() if v}


def documents_of(kb: KnowledgeBase) -> set[str]:
    """Every document name a reply cites (clauses, and absences: "No AI clause in the …")."""
    names = {c.document for c in kb.clauses.values()}
    return names | {a.document for a in kb.absences.values()}


def load_knowledge_catalog(
    path: Path, locale: str, kb: KnowledgeBase, problems: list[Problem]
) -> KnowledgeCatalog | None:
    """One locale's knowledge translations: complete for the current data, or refused."""
    read = _read(path, problems)
    if read is None:
        return None
    raw, lines = read
    tables: dict[tuple[str, str], int] = {}
    for number, line in enumerate(lines, start=1):
        match = _TABLE_LINE.match(line)
        if match:
            tables.setdefault((match[1], match[2] or ""), number)
    before = len(problems)

    def line_of(kind: str, item_id: str, key: str | None = None) -> int:
        start = tables.get((kind, item_id), 1)
        if key is None:
            return start
        pattern = re.compile(rf'^\s*"?{re.escape(key)}"?\s*=')
        for number in range(start + 1, len(lines) + 1):
            if _TABLE_LINE.match(lines[number - 1]):
                break
            if pattern.match(lines[number - 1]):
                return number
        return start

    def problem(kind: str, item_id: str, message: str, key: str | None = None) -> None:
        problems.append(
            Problem(path, line_of(kind, item_id, key), f"{kind} {item_id}".strip(), message)
        )

    catalog = KnowledgeCatalog(locale, path)
    wanted = translatable(kb)
    for kind in raw:
        if kind not in KNOWLEDGE_FIELDS and kind != DOCUMENTS:
            problems.append(
                Problem(
                    path,
                    1,
                    kind,
                    f"unknown table [{kind}] (use "
                    f"{', '.join(sorted([*KNOWLEDGE_FIELDS, DOCUMENTS]))})",
                )
            )
    for (kind, item_id), english in sorted(wanted.items()):
        entry = raw.get(kind, {}).get(item_id)
        if entry is None:
            problems.append(
                Problem(path, 1, f"{kind} {item_id}", "missing: this entry has no translation")
            )
            continue
        _check_entry(kind, item_id, entry, english, catalog, problem)
    for kind, entries in raw.items():
        if kind not in KNOWLEDGE_FIELDS or not isinstance(entries, dict):
            continue
        for item_id in sorted(set(entries) - {i for k, i in wanted if k == kind}):
            problem(kind, item_id, f"no {kind} {item_id!r} in data/: remove this translation")
    docs = raw.get(DOCUMENTS, {})
    for name in sorted(documents_of(kb)):
        value = docs.get(name)
        if not isinstance(value, str) or not value.strip():
            problem(DOCUMENTS, "", f"missing the name of the document {name!r}")
        elif len(value) > DOCUMENT_NAME_LIMIT:
            problem(
                DOCUMENTS,
                "",
                f"{name!r}: {len(value)} characters; the limit is {DOCUMENT_NAME_LIMIT}",
                name,
            )
        else:
            catalog.documents[name] = value.strip()
    for name in sorted(set(docs) - documents_of(kb)):
        problem(DOCUMENTS, "", f"no clause cites a document {name!r}: remove it", name)
    return catalog if len(problems) == before else None


def _check_entry(
    kind: str,
    item_id: str,
    entry: Any,
    english: Mapping[str, str | tuple[str, ...]],
    catalog: KnowledgeCatalog,
    problem: Any,
) -> None:
    if not isinstance(entry, dict):
        problem(kind, item_id, "must be a table of translated fields")
        return
    allowed = KNOWLEDGE_FIELDS[kind]
    for name in sorted(set(entry) - set(english) - {HASH_KEY}):
        why = "the English has none" if name in allowed else f"not a field of a {kind}"
        problem(kind, item_id, f"extra field {name!r}: {why}", name)
    for name in sorted(set(english) - set(entry)):
        problem(kind, item_id, f"missing field {name!r}")
    expected_hash = english_hash(english[k] for k in sorted(english))
    if entry.get(HASH_KEY) != expected_hash:
        problem(
            kind,
            item_id,
            f"the English changed since this was translated ({HASH_KEY} = "
            f"{entry.get(HASH_KEY)!r}, now {expected_hash!r}): review the "
            f"translation, then update {HASH_KEY}",
            HASH_KEY,
        )
    for name, source in english.items():
        value = entry.get(name)
        if value is None:
            continue
        if isinstance(source, tuple):
            if not isinstance(value, list) or not all(
                isinstance(v, str) and v.strip() for v in value
            ):
                problem(kind, item_id, f"{name!r} must be a list of non-empty strings", name)
                continue
            if len(value) != len(source):
                problem(
                    kind,
                    item_id,
                    f"{name!r} has {len(value)} items; the English has {len(source)}",
                    name,
                )
            text = "\n".join(f"{n}. {v}" for n, v in enumerate(value, start=1))
            translated: str | tuple[str, ...] = tuple(v.strip() for v in value)
        else:
            if not isinstance(value, str) or not value.strip():
                problem(kind, item_id, f"{name!r} must be a non-empty string", name)
                continue
            text = translated = value.strip()
        english_text = "\n".join(source) if isinstance(source, tuple) else source
        limit = allowed[name]
        if len(text) > limit:
            problem(
                kind,
                item_id,
                f"{name!r} is {len(text)} characters; Discord's limit where it is shown is {limit}",
                name,
            )
        lost = [u for u in dict.fromkeys(_URL.findall(english_text)) if u not in text]
        if lost:
            problem(
                kind,
                item_id,
                f"{name!r} drops the link(s) the English gives: {', '.join(lost)}",
                name,
            )
        catalog.texts[kind, item_id, name] = translated


def skeleton(kb: KnowledgeBase, raw: dict[str, Any] | None = None) -> str:
    """A ``knowledge.toml`` for translators: every entry, its English as comments, the
    fields to fill in (existing translations carried over as they are)."""
    raw = raw or {}
    out = [
        "# Translations of the knowledge base's own words (never of quotes), checked by",
        "# `python -m bot data check`. Fill in every empty string; keep links, names and numbers.",
        f"# `{HASH_KEY}` records the English each entry was translated from: when the English",
        "# changes, the check asks for a review of that entry.",
        "",
    ]
    for (kind, item_id), english in sorted(translatable(kb).items()):
        old = raw.get(kind, {}).get(item_id, {}) if isinstance(raw.get(kind), dict) else {}
        out.append(f"[{kind}.{_key(item_id)}]")
        out.append(
            f"{HASH_KEY} = "
            + _toml(old.get(HASH_KEY) or english_hash(english[k] for k in sorted(english)))
        )
        for name in KNOWLEDGE_FIELDS[kind]:
            if name not in english:
                continue
            source = english[name]
            lines = list(source) if isinstance(source, tuple) else source.splitlines()
            out += [f"# en: {line}" for line in lines]
            value = old.get(name)
            if isinstance(source, tuple):
                items = value if isinstance(value, list) else [""] * len(source)
                out.append(f"{name} = [" + ", ".join(_toml(v) for v in items) + "]")
            else:
                out.append(f"{name} = {_toml(value if isinstance(value, str) else '')}")
        out.append("")
    docs = raw.get(DOCUMENTS, {})
    out.append(f"[{DOCUMENTS}]")
    for name in sorted(documents_of(kb)):
        out.append(f"{_toml(name)} = {_toml(docs.get(name, ''))}")
    return "\n".join(out) + "\n"


def _key(text: str) -> str:
    return text if re.fullmatch(r"[A-Za-z0-9_-]+", text) else _toml(text)


def _toml(text: str) -> str:
    if "\n" not in text:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    body = text.replace("\\", "\\\\").replace('"""', '""\\"')
    return f'"""\n{body}"""'


def knowledge_path(data_dir: Path, locale: str) -> Path:
    return data_dir / "i18n" / locale / KNOWLEDGE_FILE


def ui_path(data_dir: Path, locale: str) -> Path:
    return data_dir / "i18n" / locale / UI_FILE


__all__ = [
    "DEFAULT",
    "KnowledgeCatalog",
    "TranslationError",
    "UiCatalog",
    "english_hash",
    "expected_ui_keys",
    "load_knowledge_catalog",
    "load_ui",
    "placeholders",
    "plural_forms",
    "skeleton",
    "translatable",
    "ui_limit",
]
