"""Which curated clauses a change touches ("What Fine Print said"): quote removed, quote
reworded, or a sentence of the quote's paragraph changed — and nothing else."""

from __future__ import annotations

from datetime import date

from bot.knowledge.model import Clause
from bot.watch.clauses import touched
from bot.watch.diff import diff_lines

PROMISE = "We will not use your content to train generative AI models."
GRANT = "You grant us a worldwide licence to host and distribute your content."


def clause(cid: str, quote: str) -> Clause:
    return Clause(
        id=cid,
        platform="soundcloud",
        topic="ai-training",
        document="Terms of Use",
        title=f"Title of {cid}",
        quote=quote,
        summary="…",
        since=date(2025, 5, 27),
        source_url="https://soundcloud.com/terms-of-use",
        confirmed=date(2025, 5, 27),
    )


CLAUSES = [clause("promise", PROMISE), clause("grant", GRANT)]
OLD = [
    "# Terms of Use",
    f"Your content. {GRANT} You can delete it at any time.",
    f"AI. {PROMISE}",
    "Contact us by email.",
]


def how(new: list[str], clauses: list[Clause] = CLAUSES) -> dict[str, str]:
    return {c.id: h for c, h in touched(clauses, OLD, new, diff_lines(OLD, new))}


def test_a_quote_dropped_from_the_page_is_removed():
    new = [OLD[0], OLD[1], "AI.", OLD[3]]
    assert how(new) == {"promise": "removed"}


def test_a_quote_reworded_is_edited():
    new = [OLD[0], OLD[1], "AI. We may use your content to train generative AI models.", OLD[3]]
    assert how(new) == {"promise": "edited"}


def test_a_sentence_added_beside_a_quote_touches_it_nearby():
    new = [
        OLD[0],
        f"Your content. {GRANT} This licence lets our partners train AI models. You can delete "
        "it at any time.",
        OLD[2],
        OLD[3],
    ]
    assert how(new) == {"grant": "nearby"}


def test_a_sentence_removed_beside_a_quote_touches_it_nearby():
    new = [OLD[0], f"Your content. {GRANT}", OLD[2], OLD[3]]
    assert how(new) == {"grant": "nearby"}


def test_changes_elsewhere_or_trivial_ones_touch_nothing():
    assert how([*OLD[:3], "Contact us by email or by post."]) == {}
    assert how([*OLD, "A new paragraph about cookies."]) == {}
    # A typo in the quote's paragraph is trivia, not a change to what it says.
    typo = [OLD[0], OLD[1].replace("delete", "delte"), *OLD[2:]]
    assert how(typo) == {}
    assert touched(CLAUSES, typo, OLD, diff_lines(typo, OLD)) == []  # and its fix


def test_a_quote_already_missing_is_not_this_changes_doing():
    gone = clause("gone", "This sentence was removed long ago.")
    new = [OLD[0], OLD[1], "AI.", OLD[3]]
    assert how(new, [*CLAUSES, gone]) == {"promise": "removed"}


def test_a_quote_with_omissions_is_located_by_its_parts():
    split = clause("split", "We will not use your content … generative AI models.")
    new = [OLD[0], OLD[1], f"AI. {PROMISE} Unless you opt in.", OLD[3]]
    assert how(new, [split]) == {"split": "nearby"}
