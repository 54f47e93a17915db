"""Languages: which locale a tag means, Babel's dates/numbers/plurals through ``Texts``, and the
translation catalogs' checks — each refusal reported at the file and line to fix."""

from __future__ import annotations

import shutil
import tomllib
from datetime import date
from pathlib import Path

import pytest

from bot.i18n.catalog import (
    TranslationError,
    english_hash,
    expected_ui_keys,
    load_knowledge_catalog,
    plural_forms,
    skeleton,
    translatable,
)
from bot.i18n.languages import load_languages
from bot.i18n.locales import LOCALES, locale_for
from bot.knowledge.loader import load_knowledge
from bot.knowledge.model import Clause, Event, FaqEntry, KnowledgeBase, OptOut, Platform
from bot.present.answers import clause_card, optout_card
from bot.present.strings import STRINGS
from bot.present.texts import ENGLISH, Texts
from bot.results import ClauseView, OptOutView

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge(DATA)


# -- which language ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("tag", "locale"),
    [
        ("pt-BR", "pt"),
        ("es-ES", "es"),
        ("es-419", "es"),
        ("fr", "fr"),
        ("de", "de"),
        ("id", "id"),
        ("it", "it"),
        ("en-US", "en"),
        ("en-GB", "en"),
        ("ja", "en"),  # not spoken: English, not a guess
        ("ca", "en"),
        ("", "en"),
        (None, "en"),
        ("Deutsch", "de"),
        ("PT_br", "pt"),
    ],
)
def test_discord_and_typed_tags_map_onto_the_seven_locales(tag: str | None, locale: str) -> None:
    assert locale_for(tag) == locale


# -- dates, numbers, plurals -------------------------------------------------------------------
@pytest.fixture(scope="module")
def languages(kb: KnowledgeBase):  # type: ignore[no-untyped-def]
    return load_languages(DATA, kb)


def test_every_shipped_interface_catalog_loads(languages) -> None:  # type: ignore[no-untyped-def]
    assert languages.locales == LOCALES
    for locale in LOCALES:
        assert languages.texts(locale).lang == locale


def test_dates_and_numbers_are_written_the_locales_way(languages) -> None:  # type: ignore[no-untyped-def]
    day = date(2026, 8, 17)
    written = {loc: languages.texts(loc).date(day) for loc in LOCALES}
    assert written == {
        "en": "17 August 2026",
        "fr": "17 août 2026",
        "it": "17 agosto 2026",
        "es": "17 de agosto de 2026",
        "de": "17. August 2026",
        "pt": "17 de agosto de 2026",
        "id": "17 Agustus 2026",
    }
    assert languages.texts("de").number(12345) == "12.345"
    assert languages.texts("en").number(12345) == "12,345"
    assert languages.texts("fr").moment("2026-08-17T12:54:25+00:00") == "17 août 2026, 12:54 UTC"


def test_plurals_follow_each_languages_rules(languages) -> None:  # type: ignore[no-untyped-def]
    fr, de, id_, en = (languages.texts(x) for x in ("fr", "de", "id", "en"))
    assert fr.n("curation.list.hidden", 0).startswith("0 entrée fournie")  # French: 0 is singular
    assert fr.n("curation.list.hidden", 2).startswith("2 entrées")
    assert fr.n("curation.list.hidden", 1_000_000).startswith("1\u202f000\u202f000 entrées")
    assert en.n("curation.list.hidden", 0).startswith("0 shipped entries")
    assert de.n("curation.list.hidden", 1).startswith("1 mitgelieferter Eintrag")
    assert id_.n("curation.list.hidden", 1) == id_.n("curation.list.hidden", 1).replace("s", "s")
    assert plural_forms("id") == ("other",) and plural_forms("fr") == ("one", "many", "other")
    keys = expected_ui_keys(STRINGS, "id")
    assert "curation.list.hidden.other" in keys and "curation.list.hidden.one" not in keys
    assert "alert.changed.other" in keys  # an ordinary key that happens to end in ".other"


# -- the interface catalog's checks --------------------------------------------------------------
def _copy_data(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    return data


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def _line_of(path: Path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def test_a_broken_interface_catalog_is_refused_with_file_and_line(
    tmp_path: Path, kb: KnowledgeBase
) -> None:
    data = _copy_data(tmp_path)
    fr = data / "i18n" / "fr" / "ui.toml"
    _replace(fr, '"answer.source" = "Source"\n', "")  # missing
    _replace(fr, '"answer.note" = "À noter"', '"answer.note" = "À noter"\n"answer.typo" = "x"')
    _replace(fr, "{platform} : ce qui a changé", "{plateforme} : ce qui a changé")
    _replace(
        fr,
        '"history.empty" = "Je n\'ai encore aucun changement daté pour {platform}."',
        '"history.empty" = "Je n\'ai encore aucun changement daté pour {platform."',
    )
    _replace(fr, '"button.next" = "Page suivante"', '"button.next" = "' + "x" * 81 + '"')
    _replace(fr, "Reposez la question avec `/faq ask`.", "Reposez la question.")
    _replace(fr, '"curation.list.hidden.many" = ', '"curation.list.hidden.zero" = ')
    idf = data / "i18n" / "id" / "ui.toml"
    _replace(
        idf,
        '"curation.list.heading.other"',
        '"curation.list.heading.one" = "x {shown}"\n"curation.list.heading.other"',
    )
    with pytest.raises(TranslationError) as caught:
        load_languages(data, kb)
    by_key: dict[str, tuple[int, str]] = {}
    for p in caught.value.problems:
        line, message = by_key.get(p.entry, (p.line, ""))
        by_key[p.entry] = (line, f"{message}; {p.message}")
    assert "missing" in by_key["answer.source"][1]
    assert by_key["answer.typo"] == (_line_of(fr, "answer.typo"), by_key["answer.typo"][1])
    assert "not a key of the English catalog" in by_key["answer.typo"][1]
    line, message = by_key["history.title"]
    assert line == _line_of(fr, '"history.title"')
    assert "{platform}" in message and "{plateforme}" in message
    assert "unbalanced braces" in by_key["history.empty"][1]
    assert "Discord's limit where it is shown is 80" in by_key["button.next"][1]
    assert "/faq" in by_key["gone.text"][1]
    assert "many" in by_key["curation.list.hidden.many"][1]  # French needs it
    assert "no plural form 'zero'" in by_key["curation.list.hidden.zero"][1]
    assert "no plural form 'one'" in by_key["curation.list.heading.one"][1]
    text = str(caught.value)
    assert f"{fr}:{_line_of(fr, 'answer.typo')}: answer.typo:" in text


def test_a_locale_without_its_interface_catalog_is_refused(
    tmp_path: Path, kb: KnowledgeBase
) -> None:
    data = _copy_data(tmp_path)
    (data / "i18n" / "it" / "ui.toml").unlink()
    with pytest.raises(TranslationError, match=r"it/ui.toml:1: it: missing"):
        load_languages(data, kb)


# -- the knowledge catalog: mechanism (content comes once data/ is final) -------------------------
def _tiny_kb() -> KnowledgeBase:
    kb = KnowledgeBase()
    kb.platforms["sc"] = Platform("sc", "SoundCloud", terms_url="https://soundcloud.com/terms")
    kb.clauses["sc-c"] = Clause(
        id="sc-c",
        platform="sc",
        topic="ai-training",
        document="Terms of Use",
        title="No training without opt-in",
        quote="We will not use your content to train generative AI models.",
        summary="SoundCloud promises not to train generative AI on your music unless you opt in.",
        since=date(2025, 5, 21),
        source_url="https://example.org/tou",
        confirmed=date(2026, 8, 17),
        note="Details at https://example.org/note",
    )
    kb.optouts["sc-o"] = OptOut(
        id="sc-o",
        platform="sc",
        title="No opt-out setting",
        exists="no",
        controls="There is nothing to switch off.",
        verified=date(2026, 8, 17),
        source_url="https://example.org/tou",
        steps=("Settings", "Privacy"),
    )
    kb.events["sc-e"] = Event(
        "sc-e", "sc", date(2025, 5, 9), "Clause spotted", "It was seen.", "https://example.org/e"
    )
    kb.faq["sc-f"] = FaqEntry(
        "sc-f",
        "Does SoundCloud train AI?",
        "Not without opt-in.",
        ("sc",),
        ("ai-training",),
        ("https://example.org/f",),
    )
    return kb


FILLED = {
    ("clause", "sc-c", "title"): "Pas d'entraînement sans accord",
    (
        "clause",
        "sc-c",
        "summary",
    ): "SoundCloud promet de ne pas entraîner d'IA générative sur votre musique sans votre accord.",
    ("clause", "sc-c", "note"): "Détails sur https://example.org/note",
    ("optout", "sc-o", "title"): "Pas de réglage pour refuser",
    ("optout", "sc-o", "controls"): "Il n'y a rien à désactiver.",
    ("optout", "sc-o", "steps"): ["Paramètres", "Confidentialité"],
    ("event", "sc-e", "title"): "La clause est repérée",
    ("event", "sc-e", "summary"): "Elle a été remarquée.",
    ("faq", "sc-f", "question"): "SoundCloud entraîne-t-il une IA ?",
    ("faq", "sc-f", "answer"): "Pas sans votre accord.",
}


def _filled_catalog(path: Path, kb: KnowledgeBase) -> str:
    """The skeleton ``data skeleton`` writes, filled in as a translator would."""
    raw = tomllib.loads(skeleton(kb))
    for (kind, item_id, name), value in FILLED.items():
        raw[kind][item_id][name] = value
    raw["documents"]["Terms of Use"] = "Conditions d'utilisation"
    lines = []
    for kind in ("clause", "event", "faq", "optout"):
        for item_id, table in raw[kind].items():
            lines.append(f'[{kind}."{item_id}"]')
            for key, value in table.items():
                if isinstance(value, list):
                    lines.append(f"{key} = [" + ", ".join(f'"{v}"' for v in value) + "]")
                else:
                    lines.append(f'{key} = "{value}"')
    lines += ["[documents]", '"Terms of Use" = "Conditions d\'utilisation"']
    text = "\n".join(lines) + "\n"
    path.write_text(text, encoding="utf-8")
    return text


def test_a_complete_knowledge_catalog_translates_the_knowledge_texts(tmp_path: Path) -> None:
    kb = _tiny_kb()
    assert (
        skeleton(kb).count('= ""') == 10
    )  # every field (and the document name) to fill in, English as comments
    path = tmp_path / "knowledge.toml"
    _filled_catalog(path, kb)
    problems: list = []
    catalog = load_knowledge_catalog(path, "fr", kb, problems)
    assert problems == [] and catalog is not None
    t = Texts("fr", ENGLISH.catalog, catalog)
    card = clause_card(ClauseView(kb.clauses["sc-c"], kb.platforms["sc"]), t)
    assert card.title == "Pas d'entraînement sans accord"
    assert card.description.startswith("SoundCloud promet")
    assert (
        card.fields[0].name == "Quoted from the anglais Conditions d'utilisation"
    )  # fr UI not loaded here
    assert "We will not use your content" in card.fields[0].value  # the quote stays verbatim
    opt = optout_card(OptOutView(kb.optouts["sc-o"], kb.platforms["sc"]), t)
    assert opt.fields[0].value == "1. Paramètres\n2. Confidentialité"


def test_a_knowledge_catalog_out_of_step_with_the_data_is_refused(tmp_path: Path) -> None:
    kb = _tiny_kb()
    path = tmp_path / "knowledge.toml"
    text = _filled_catalog(path, kb)
    text = text.replace('steps = ["Paramètres", "Confidentialité"]', 'steps = ["Paramètres"]')
    text = text.replace("Détails sur https://example.org/note", "Détails en ligne")
    text = text.replace('[faq."sc-f"]', '[faq."sc-gone"]\nquestion = "x"\n\n[faq."sc-f"]')
    text = text.replace('title = "La clause est repérée"\n', "")
    path.write_text(text, encoding="utf-8")
    changed = _tiny_kb()
    changed.clauses["sc-c"] = Clause(**{**_asdict(kb.clauses["sc-c"]), "summary": "New English."})
    problems: list = []
    assert load_knowledge_catalog(path, "fr", changed, problems) is None
    lines = text.splitlines()
    got = {(p.entry, p.message.split(":")[0].split(" (")[0]): p.line for p in problems}

    def line(needle: str) -> int:
        return next(n for n, ln in enumerate(lines, 1) if needle in ln)

    assert got[("optout sc-o", "'steps' has 1 items; the English has 2")] == line("steps =")
    assert got[("clause sc-c", "'note' drops the link(s) the English gives")] == line(
        "Détails en ligne"
    )
    assert got[("faq sc-gone", "no faq 'sc-gone' in data/")] == line('[faq."sc-gone"]')
    assert ("event sc-e", "missing field 'title'") in got
    stale = [p for p in problems if "the English changed since this was translated" in p.message]
    assert [p.entry for p in stale] == ["clause sc-c"]


def _asdict(clause: Clause) -> dict:
    return {name: getattr(clause, name) for name in Clause.__dataclass_fields__}


def test_the_hash_covers_every_translated_field(kb: KnowledgeBase) -> None:
    wanted = translatable(kb)
    clause = next(k for k in wanted if k[0] == "clause")
    english = wanted[clause]
    before = english_hash(english[k] for k in sorted(english))
    edited = {**english, "summary": str(english["summary"]) + " More."}
    assert english_hash(edited[k] for k in sorted(edited)) != before
