"""Judging the matcher on labelled questions, the one way every test and report does it.

A question about AI terms is right when the platform and topic read are the labelled ones
(the topic or its equally acceptable alternative; no platform when none is labelled), and any
answer given is for that pair — never another platform's answer, nor a general one presented
as the answer. An off-topic question is right when it gets no answer and no "did you mean"
that shares neither its platform nor its topic (an off-topic question has no topic, so every
suggestion must be about the platform it names).

Each part of the understanding is also judged on its own (``components``), so a regression
says which part broke: the subject platform, the topic, the intent, the language guess, and
telling off-topic questions apart.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from bot.knowledge.matcher import AskResult, Match
from bot.knowledge.queryset import LabelledQuery

OFF = "off-topic"


@dataclass(frozen=True, slots=True)
class Verdict:
    query: LabelledQuery
    result: AskResult
    right: bool
    why: str  # empty when right

    @property
    def language(self) -> str:
        return self.query.lang or "?"

    @property
    def topic(self) -> str:
        """The labelled topic a report files it under (not the alternative one)."""
        if not self.query.topics:
            return OFF
        return self.query.primary or min(self.query.topics)


def related(match: Match, query: LabelledQuery) -> bool:
    """A suggestion shares the question's platform or its topic."""
    return (match.platform is not None and match.platform in query.platforms) or (
        match.topic in query.topics
    )


def judge(query: LabelledQuery, result: AskResult) -> Verdict:
    answer = result.answer
    if query.off_topic:
        # An off-topic question is labelled with no platform, but it may name one ("elevenlabs
        # or suno, which is better for voices?"): a suggestion about the platform it names
        # shares that platform with it, which is all issue 9 asks of a "did you mean".
        named = result.platform
        unrelated = [
            m
            for m in result.alternatives
            if not related(m, query) and (named is None or m.platform != named)
        ]
        if answer is not None:
            return Verdict(query, result, False, f"answered {_show(answer)}")
        if unrelated:
            return Verdict(query, result, False, f"suggested {_show(unrelated[0])}")
        return Verdict(query, result, True, "")
    if result.platform not in query.platforms or result.topic not in query.topics:
        return Verdict(query, result, False, f"read as {result.platform}/{result.topic}")
    if answer is not None and (answer.platform, answer.topic) != (result.platform, result.topic):
        return Verdict(query, result, False, f"answered with {_show(answer)}")
    return Verdict(query, result, True, "")


def judge_all(queries: Iterable[LabelledQuery], ask: Callable[[str], AskResult]) -> list[Verdict]:
    return [judge(q, ask(q.text)) for q in queries]


def accuracy(verdicts: Sequence[Verdict]) -> float:
    return sum(v.right for v in verdicts) / len(verdicts) if verdicts else 0.0


def table(verdicts: Sequence[Verdict], by: Callable[[Verdict], str], title: str) -> str:
    """Right / total and accuracy per group, and overall: a report a person can read."""
    groups: dict[str, list[Verdict]] = defaultdict(list)
    for v in verdicts:
        groups[by(v)].append(v)
    width = max([len(title), *(len(k) for k in groups)]) + 2
    lines = [f"{title:<{width}} {'right':>7} {'total':>6} {'top-1':>7}"]
    for key in sorted(groups):
        vs = groups[key]
        lines.append(
            f"{key:<{width}} {sum(v.right for v in vs):>7} {len(vs):>6} {accuracy(vs):>7.1%}"
        )
    lines.append(
        f"{'all':<{width}} {sum(v.right for v in verdicts):>7} {len(verdicts):>6} "
        f"{accuracy(verdicts):>7.1%}"
    )
    return "\n".join(lines)


def misses(verdicts: Sequence[Verdict]) -> str:
    return "\n".join(
        f"  [{v.language}] {v.query.text[:100]!r}: want {v.query.platform}/{v.topic}, {v.why}"
        for v in verdicts
        if not v.right
    )


def report(verdicts: Sequence[Verdict], name: str) -> str:
    return "\n\n".join(
        [
            f"{name}: {sum(v.right for v in verdicts)}/{len(verdicts)} right "
            f"({accuracy(verdicts):.1%}); off-topic answered: {off_topic_answered(verdicts)}",
            table(verdicts, lambda v: v.language, "language"),
            table(verdicts, lambda v: v.topic, "topic"),
            components_table(verdicts),
            "misses:\n" + (misses(verdicts) or "  none"),
        ]
    )


def off_topic_answered(verdicts: Sequence[Verdict]) -> int:
    return sum(1 for v in verdicts if v.query.off_topic and v.result.answer is not None)


@dataclass(frozen=True, slots=True)
class Component:
    name: str
    right: int
    total: int

    @property
    def accuracy(self) -> float:
        return self.right / self.total if self.total else 0.0


def components(verdicts: Sequence[Verdict]) -> list[Component]:
    """Each part of the understanding judged on its own."""
    counts: dict[str, list[int]] = {
        k: [0, 0] for k in ("platform", "topic", "off-topic", "intent", "language")
    }

    def count(name: str, ok: bool) -> None:
        counts[name][0] += ok
        counts[name][1] += 1

    for v in verdicts:
        q, r = v.query, v.result
        u = r.understanding
        count("off-topic", q.off_topic == (r.topic is None))
        if not q.off_topic:
            count("platform", r.platform in q.platforms)
            count("topic", r.topic in q.topics)
            if q.intent and u is not None:
                count("intent", u.intent == q.intent)
        if q.lang and u is not None:
            count("language", u.language == q.lang)
    return [Component(name, right, total) for name, (right, total) in counts.items() if total]


def components_table(verdicts: Sequence[Verdict]) -> str:
    lines = [f"{'component':<12} {'right':>7} {'total':>6} {'accuracy':>9}"]
    for c in components(verdicts):
        lines.append(f"{c.name:<12} {c.right:>7} {c.total:>6} {c.accuracy:>9.1%}")
    return "\n".join(lines)


def _show(match: Match) -> str:
    return f"{match.kind}:{match.id} ({match.platform}/{match.topic})"
