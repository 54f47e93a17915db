"""The loader refuses bad facts with file, line, entry and problem; shipped data passes."""

from datetime import date
from pathlib import Path

import pytest

from bot.config import DEFAULT_DATA_DIR
from bot.knowledge.loader import REQUIRED_FAQ_LANGUAGES, KnowledgeError, load_knowledge

TODAY = date(2026, 11, 21)

PLATFORM = """\
[platform]
id = "demo"
name = "Demo"
aliases = ["dm"]
terms_url = "https://demo.example/terms"
[[clause]]
id = "demo-old"
topic = "ai-training"
document = "Terms"
title = "Old wording"
quote = "We may train on your stuff."
summary = "They could train."
since = 2024-01-01
since_basis = "effective"
source_url = "https://demo.example/old"
confirmed = 2024-06-01
status = "superseded"
ended = 2025-01-01
[[clause]]
id = "demo-new"
topic = "ai-training"
document = "Terms"
title = "New wording"
quote = "We will not train on your stuff."
summary = "They promise not to train."
since = 2025-01-01
source_url = "https://demo.example/new"
confirmed = 2026-01-01
supersedes = "demo-old"
since_basis = "effective"

[[optout]]
id = "demo-none"
title = "No opt-out"
exists = "no"
controls = "Nothing to switch off."
verified = 2026-01-01
source_url = "https://demo.example/new"
"""

PHRASINGS = "\n".join(f'{lang} = ["question in {lang}"]' for lang in REQUIRED_FAQ_LANGUAGES)
FAQ = f"""\
[[faq]]
id = "demo-train"
question = "Does Demo train AI?"
answer = "It says it does not."
platforms = ["demo"]
topics = ["ai-training"]
links = ["https://demo.example/new"]
verified = 2026-01-01

[faq.phrasings]
{PHRASINGS}
"""


def write(tmp: Path, platform: str = PLATFORM, faq: str = FAQ) -> Path:
    (tmp / "platforms").mkdir(parents=True, exist_ok=True)
    (tmp / "platforms" / "demo.toml").write_text(platform, encoding="utf-8")
    (tmp / "faq.toml").write_text(faq, encoding="utf-8")
    return tmp


def problems(tmp: Path, **kw: str) -> list[str]:
    with pytest.raises(KnowledgeError) as err:
        load_knowledge(write(tmp, **kw), today=TODAY)
    return [str(p) for p in err.value.problems]


def test_valid_data_loads(tmp_path: Path) -> None:
    kb = load_knowledge(write(tmp_path), today=TODAY)
    assert set(kb.clauses) == {"demo-old", "demo-new"}
    assert [i.id for i in kb.timeline("demo")] == ["demo-old", "demo-new"]
    assert kb.faq["demo-train"].languages == REQUIRED_FAQ_LANGUAGES
    assert kb.oldest_verified() == date(2026, 1, 1)


def test_missing_quote_names_file_line_and_entry(tmp_path: Path) -> None:
    bad = PLATFORM.replace('quote = "We will not train on your stuff."\n', "")
    [message] = problems(tmp_path, platform=bad)
    assert "demo.toml:19: demo-new: missing 'quote'" in message


def test_unknown_topic_and_key_are_reported_together(tmp_path: Path) -> None:
    bad = PLATFORM.replace(
        'topic = "ai-training"\ndocument = "Terms"\ntitle = "New',
        ('topic = "training"\nsumary = "typo"\ndocument = "Terms"\ntitle = "New'),
    )
    found = problems(tmp_path, platform=bad)
    assert any("demo.toml:21: demo-new: 'topic' must be one of" in p for p in found)
    assert any("unknown key 'sumary'" in p and "demo.toml:22" in p for p in found)


def test_missing_source_and_bad_date(tmp_path: Path) -> None:
    bad = PLATFORM.replace(
        'source_url = "https://demo.example/new"\nconfirmed = 2026-01-01\nsupersedes',
        'confirmed = "last week"\nsupersedes',
    )
    found = problems(tmp_path, platform=bad)
    assert any("demo-new: missing 'source_url'" in p for p in found)
    assert any("demo-new: 'confirmed' is not a date" in p for p in found)


def test_future_dates_are_refused(tmp_path: Path) -> None:
    bad = PLATFORM.replace(
        "confirmed = 2026-01-01\nsupersedes", "confirmed = 2027-01-01\nsupersedes"
    )
    assert any("in the future" in p for p in problems(tmp_path, platform=bad))


def test_duplicate_ids_across_kinds(tmp_path: Path) -> None:
    bad_faq = FAQ.replace('id = "demo-train"', 'id = "demo-new"')
    found = problems(tmp_path, faq=bad_faq)
    assert any("duplicate id 'demo-new'" in p and "faq.toml:2" in p for p in found)


def test_dangling_and_inconsistent_supersedes(tmp_path: Path) -> None:
    dangling = PLATFORM.replace('supersedes = "demo-old"', 'supersedes = "demo-older"')
    assert any("unknown clause 'demo-older'" in p for p in problems(tmp_path, platform=dangling))
    still_current = PLATFORM.replace('status = "superseded"\n', "")
    assert any("must be 'superseded'" in p for p in problems(tmp_path, platform=still_current))


def test_faq_unknown_platform_topic_missing_language(tmp_path: Path) -> None:
    bad = (
        FAQ.replace('platforms = ["demo"]', 'platforms = ["myspace"]')
        .replace('topics = ["ai-training"]', 'topics = ["vibes"]')
        .replace('id = ["question in id"]\n', "")
    )
    found = problems(tmp_path, faq=bad)
    assert any("unknown platform 'myspace'" in p for p in found)
    assert any("unknown topic 'vibes'" in p for p in found)
    assert any("missing for language(s): id" in p for p in found)


def test_optout_that_exists_needs_steps_or_url(tmp_path: Path) -> None:
    bad = PLATFORM.replace('exists = "no"', 'exists = "yes"')
    assert any("needs 'steps'" in p for p in problems(tmp_path, platform=bad))


def test_invalid_toml_reports_its_line(tmp_path: Path) -> None:
    found = problems(tmp_path, platform=PLATFORM + "\nbroken = [\n")
    assert any("demo.toml:" in p and "invalid TOML" in p for p in found)


def test_alias_collision(tmp_path: Path) -> None:
    write(tmp_path)
    (tmp_path / "platforms" / "other.toml").write_text(
        '[platform]\nid = "other"\nname = "Other"\naliases = ["dm"]\n'
        'terms_url = "https://other.example/"\n'
    )
    with pytest.raises(KnowledgeError, match="alias 'dm' is already used"):
        load_knowledge(tmp_path, today=TODAY)


def test_shipped_data_is_valid() -> None:
    kb = load_knowledge(DEFAULT_DATA_DIR)
    assert kb.platforms and kb.clauses and kb.optouts
    for clause in kb.clauses.values():
        assert clause.quote and clause.source_url.startswith("http") and clause.verified
