"""Every shipped answer, rendered in all seven locales: within Discord's limits, and no English
sentence outside quotes.

"Every shipped answer" is what a member can get from the shipped data: each clause, opt-out and
FAQ entry shown alone, each platform's ``/terms`` for every topic, ``/optout`` and history, and
the replies around them (not sure, alternatives, help, about). The language check runs lingua
(``bot.knowledge.language.detect``) on each sentence of the rendered text once quotes, links,
code, mentions and names are taken out.

Knowledge texts (summaries, FAQ answers, opt-out steps…) are translated by
``data/i18n/<locale>/knowledge.toml``. Until a locale has that file they are still English, so
the interface test masks them and checks only the words Fine Print's interface adds;
``test_knowledge_texts_are_translated`` then says, per locale, that it was skipped. Once the file
exists nothing is masked and both tests check everything.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot import limits, present
from bot.app import App, open_app
from bot.config import load_settings
from bot.i18n.languages import Languages, load_languages
from bot.i18n.locales import DEFAULT, LOCALES
from bot.knowledge.language import detect
from bot.knowledge.loader import load_knowledge
from bot.knowledge.matcher import AskResult, Match
from bot.knowledge.model import KnowledgeBase
from bot.knowledge.topics import TOPIC_IDS
from bot.present.reply import Card, Reply
from bot.present.texts import Texts
from bot.results import AboutView, AlternativesView, AnswerView, View
from tests.conftest import clean_env

ROOT = Path(__file__).resolve().parents[2]
MASK = "⟦kb⟧"  # stands for a knowledge text in a locale that has no knowledge.toml yet
MIN_WORDS = 4  # shorter bits ("Source", "Link") name the same thing in several languages


class Masked:
    """A knowledge catalog that answers every lookup with ``MASK``."""

    class _Docs(dict[str, str]):
        def get(self, key: str, default: str | None = None) -> str:  # type: ignore[override]
            return MASK

    documents: dict[str, str] = _Docs()

    def get(self, kind: str, item_id: str, name: str) -> str | tuple[str, ...]:
        return (MASK,) * 8 if name == "steps" else MASK


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge(ROOT / "data")


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[App]:
    settings = load_settings(clean_env(FINEPRINT_DB=str(tmp_path / "render.db")))
    async with open_app(settings) as built:
        yield built


@pytest.fixture(scope="module")
def languages(kb: KnowledgeBase) -> Languages:
    return load_languages(ROOT / "data", kb)


async def shipped_views(app: App) -> list[tuple[str, View]]:
    """Every answer the shipped data can give (as the App builds it), named for failures."""
    kb = app.kb
    out: list[tuple[str, View]] = []
    for kind, ids in (("clause", kb.clauses), ("optout", kb.optouts), ("faq", kb.faq)):
        for item_id in ids:
            out.append((f"{kind} {item_id}", await app.item(kind, item_id)))
    for pid in kb.platforms:
        out.append((f"history {pid}", await app.history(pid)))
        out.append((f"optouts {pid}", await app.optouts(pid)))
        for topic in TOPIC_IDS:
            out.append((f"terms {pid} {topic}", await app.terms(pid, topic)))
    matches = [
        Match("clause", c.id, c.platform, c.topic, c.title, 70) for c in kb.clauses.values()
    ][:4]
    out.append(
        ("not sure", AnswerView(AskResult("q", "soundcloud", None, None, matches), None, None))
    )
    out.append(("alternatives", AlternativesView(tuple(matches))))
    out.append(("about", await app.about()))
    return out


def render(view: View, t: Texts) -> list[Reply]:
    return (
        [present.render(view, t), present.help_card(t)]
        if isinstance(view, AboutView)
        else [present.render(view, t)]
    )


def over_limits(card: Card) -> list[str]:
    out = []
    if len(card.title) > limits.EMBED_TITLE:
        out.append(f"title {len(card.title)}")
    if len(card.description) > limits.EMBED_DESCRIPTION:
        out.append(f"description {len(card.description)}")
    if len(card.fields) > limits.EMBED_FIELDS:
        out.append(f"{len(card.fields)} fields")
    for f in card.fields:
        if len(f.name) > limits.EMBED_FIELD_NAME or len(f.value) > limits.EMBED_FIELD_VALUE:
            out.append(f"field {f.name[:30]!r} {len(f.name)}/{len(f.value)}")
    if card.footer and len(card.footer) > limits.EMBED_FOOTER:
        out.append("footer")
    if card.author and len(card.author) > limits.EMBED_AUTHOR:
        out.append("author")
    if card.total_length() > limits.EMBED_TOTAL:
        out.append(f"total {card.total_length()}")
    return out


_STRIP = [
    re.compile(r"^>.*$", re.MULTILINE),  # quote blocks: verbatim, in the document's language
    re.compile(r"\[([^\]]*)\]\([^)]*\)"),  # Markdown links: keep the words
    re.compile(r"<?https?://\S+>?"),
    re.compile(r"`[^`]*`"),  # commands and examples stay English on purpose
    re.compile(r"<[@#][&!]?\d+>|<t:\d+:\w>"),
]


def sentences(text: str, names: set[str]) -> Iterator[str]:
    for pattern in _STRIP[:2]:
        text = pattern.sub(r"\1" if pattern.groups else "", text)
    for pattern in _STRIP[2:]:
        text = pattern.sub(" ", text)
    text = text.replace(MASK, " ").replace("*", "")
    for name in names:
        text = text.replace(name, " ")
    for part in re.split(r"(?<=[.!?:;])\s+|\n+| · | — ", text):
        words = re.findall(r"[^\W\d_]{2,}", part)
        if len(words) >= MIN_WORDS:
            yield part.strip()


def english_sentences(reply: Reply, t: Texts, names: set[str]) -> list[str]:
    texts: list[str] = [b.label for b in reply.buttons]
    for card in reply.cards:
        texts += [card.title, card.description, card.footer or "", card.author or ""]
        texts += [f"{f.name}\n{f.value}" for f in card.fields]
    found = []
    for text in texts:
        for sentence in sentences(text, names):
            if detect(sentence) == "en":
                found.append(sentence)
    return found


def names_of(kb: KnowledgeBase) -> set[str]:
    names = {p.name for p in kb.platforms.values()} | {"Fine Print", "Open Terms Archive"}
    return names | {"FAQ", "AI"}


@pytest.mark.parametrize("locale", LOCALES)
async def test_every_shipped_answer_fits_and_speaks_the_locale(
    locale: str, app: App, kb: KnowledgeBase, languages: Languages
) -> None:
    real = languages.texts(locale)
    knowledge = real.knowledge if real.translates_knowledge or locale == DEFAULT else Masked()
    t = Texts(locale, real.catalog, knowledge)  # type: ignore[arg-type]
    names = names_of(kb)
    too_long: list[str] = []
    english: list[str] = []
    count = 0
    for label, view in await shipped_views(app):
        for reply in render(view, t):
            count += 1
            for card in reply.cards:
                too_long += [f"{label}: {p}" for p in over_limits(card)]
            if any(len(b.label) > limits.BUTTON_LABEL for b in reply.buttons):
                too_long.append(f"{label}: a button label")
            if locale != DEFAULT:
                english += [f"{label}: {s}" for s in english_sentences(reply, t, names)]
    assert count > 250
    assert too_long == []
    assert english == [], f"{len(english)} English sentence(s) in {locale}:\n" + "\n".join(
        english[:20]
    )


@pytest.mark.parametrize("locale", [code for code in LOCALES if code != DEFAULT])
def test_knowledge_texts_are_translated(
    locale: str, kb: KnowledgeBase, languages: Languages
) -> None:
    """Once ``data/i18n/<locale>/knowledge.toml`` exists, the previous test checks the knowledge
    texts too (nothing is masked); this one says which locales are still waiting."""
    if not languages.texts(locale).translates_knowledge:
        pytest.skip(
            f"data/i18n/{locale}/knowledge.toml does not exist yet: the knowledge base's own "
            f"texts show in English in {locale} (interface strings were checked)"
        )
    assert languages.texts(locale).kb("faq", next(iter(kb.faq)), "answer", "") != ""
