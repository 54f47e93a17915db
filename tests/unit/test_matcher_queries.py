"""The matcher on labelled questions (tests/data/queries), judged as bot.knowledge.evaluation says.

The *dev* questions were never fitted on: the third of each hash-split file of members'
questions (``members.toml``, ``members2.toml``) and the first blind held-out set, released to
development (``members_dev2.toml``, measured only). Their accuracy per language and per topic is
the number this project reports, file by file (run with ``-s`` to see the tables). The project's
own queries and the training splits were fitted on, so they only guard against regressions.
Every off-topic question fitted on must get no answer and no unrelated "did you mean"; the dev
files' off-topic questions answered are reported and bounded.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.knowledge import evaluation, queryset
from bot.knowledge.matcher import Matcher
from bot.knowledge.model import KnowledgeBase
from bot.knowledge.queryset import LabelledQuery

FOLDER = Path(__file__).parent.parent / "data" / "queries"
ALL = queryset.load_dir(FOLDER, exclude={"heldout"})
DEV_TARGET = 0.95
# Off-topic dev questions answered, of about 140: the acceptance target is none, and the held-out
# test asserts none; on the dev files a miss shows in the report and this keeps it from growing.
OFF_TOPIC_ANSWERED_AT_MOST = 2
FITTED_TARGET = 0.95


@pytest.fixture(scope="module")
def matcher(kb: KnowledgeBase) -> Matcher:
    return Matcher(kb)


def known(queries: list[LabelledQuery], kb: KnowledgeBase) -> list[LabelledQuery]:
    """Questions whose labelled platform the knowledge base has (all, once issue 12 landed)."""
    return [q for q in queries if any(p is None or p in kb.platforms for p in q.platforms)]


def test_query_files_are_big_and_varied() -> None:
    blind = [q for q in ALL if q.source.startswith("members")]
    assert len(ALL) >= 400
    assert len(blind) >= 150
    assert {q.lang for q in blind} == {"en", "fr", "it", "es", "de", "pt", "id"}
    assert sum(q.off_topic for q in ALL) >= 40
    assert {t for q in ALL for t in q.topics} == {
        "ai-training", "third-party", "opt-out", "license", "ai-content", "history",
    }  # fmt: skip
    tags = {t for q in blind for t in q.tags}
    assert {"typo", "short", "two-platform", "no-ai-word", "slang"} <= tags


DEV_FILES = sorted({q.source for q in ALL if q.split == "dev"})


def test_dev_questions_per_language_and_topic(matcher: Matcher, kb: KnowledgeBase) -> None:
    everything: list[evaluation.Verdict] = []
    reports = []
    for source in DEV_FILES:
        dev = known([q for q in ALL if q.split == "dev" and q.source == source], kb)
        verdicts = evaluation.judge_all(dev, matcher.ask)
        everything += verdicts
        reports.append(evaluation.report(verdicts, f"{source}.toml, dev (never fitted on)"))
    report = "\n\n".join(reports)
    print("\n" + report)
    assert {"members", "members2", "members_dev2"} <= set(DEV_FILES)
    assert evaluation.accuracy(everything) >= DEV_TARGET, report
    assert evaluation.off_topic_answered(everything) <= OFF_TOPIC_ANSWERED_AT_MOST, report


def test_fitted_questions_do_not_regress(matcher: Matcher, kb: KnowledgeBase) -> None:
    fitted = known([q for q in ALL if q.split != "dev"], kb)
    verdicts = evaluation.judge_all(fitted, matcher.ask)
    report = evaluation.report(verdicts, "questions fitted on (project, members' train, author)")
    print("\n" + report)
    assert evaluation.accuracy(verdicts) >= FITTED_TARGET, report


# Off-topic questions fitted on must all be refused; the dev ones are counted (and every miss
# shown) by test_dev_questions_per_language_and_topic, so a measure is not tuned one by one.
OFF_TOPIC = [q for q in ALL if q.off_topic and q.split != "dev"]


@pytest.mark.parametrize("query", OFF_TOPIC, ids=[q.text[:60] for q in OFF_TOPIC])
def test_off_topic_gets_no_answer_and_no_unrelated_suggestion(
    matcher: Matcher, query: LabelledQuery
) -> None:
    verdict = evaluation.judge(query, matcher.ask(query.text))
    assert verdict.right, verdict.why


def test_two_platforms_named_the_subject_answers(matcher: Matcher) -> None:
    result = matcher.ask("is reddit selling my posts to google")
    assert (result.platform, result.topic) == ("reddit", "third-party")
    assert result.answer is not None and result.answer.platform == "reddit"


def test_how_do_i_stop_is_an_opt_out_question(matcher: Matcher) -> None:
    result = matcher.ask("how do i stop youtube from using my videos for ai")
    assert (result.platform, result.topic) == ("youtube", "opt-out")
    assert result.answer is not None and result.answer.kind == "optout"
