"""Every (platform, topic) pair that has a curated item, asked plainly in each of the seven
languages (tests/data/templates.toml), gets an item of that pair.

Generated from the data, so a platform or clause added tomorrow is covered tomorrow; a failure
names the pair and the languages that missed it, and what came back instead.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from bot.config import DEFAULT_DATA_DIR
from bot.knowledge.loader import load_knowledge
from bot.knowledge.matcher import Matcher
from bot.knowledge.model import KnowledgeBase
from bot.knowledge.topics import TOPIC_IDS

TEMPLATES: dict[str, dict[str, str]] = tomllib.loads(
    (Path(__file__).parent.parent / "data" / "templates.toml").read_text(encoding="utf-8")
)
LANGUAGES = ("en", "fr", "it", "es", "de", "pt", "id")
KB = load_knowledge(DEFAULT_DATA_DIR)


def curated_pairs(kb: KnowledgeBase) -> list[tuple[str, str]]:
    """Pairs with a current clause, an opt-out, a dated timeline or a FAQ entry of their own."""
    matcher = Matcher(kb)
    pairs = []
    for pid in sorted(kb.platforms):
        for topic in TOPIC_IDS:
            faq = matcher.global_index.entries_of((pid, topic))
            if matcher.structured(pid, topic) or faq:
                pairs.append((pid, topic))
    return pairs


PAIRS = curated_pairs(KB)


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(KB)


def test_templates_cover_every_topic_in_every_language() -> None:
    assert set(TEMPLATES) == set(TOPIC_IDS)
    for topic, by_language in TEMPLATES.items():
        assert set(by_language) == set(LANGUAGES), topic
        assert all("{platform}" in q for q in by_language.values()), topic


def test_most_pairs_are_curated() -> None:
    assert len({p for p, _t in PAIRS}) == len(KB.platforms)  # every platform has something
    assert len(PAIRS) >= 3 * len(KB.platforms)


@pytest.mark.parametrize(("platform", "topic"), PAIRS, ids=[f"{p}-{t}" for p, t in PAIRS])
def test_plain_question_gets_the_pairs_item(matcher: Matcher, platform: str, topic: str) -> None:
    name = KB.platforms[platform].name
    wrong = []
    for lang in LANGUAGES:
        question = TEMPLATES[topic][lang].format(platform=name)
        result = matcher.ask(question)
        got = result.answer
        if got is None or (got.platform, got.topic) != (platform, topic):
            shown = f"{got.kind}:{got.id} {got.platform}/{got.topic}" if got else "no answer"
            wrong.append(
                f"  [{lang}] {question!r}: read {result.platform}/{result.topic} "
                f"({result.outcome}), {shown}"
            )
    assert not wrong, "\n" + "\n".join(wrong)
