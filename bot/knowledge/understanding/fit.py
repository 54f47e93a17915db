"""Fit the question reader's models on labelled questions and write ``weights.json``.

    python -m bot.knowledge.understanding.fit            # refit, choose L2 by cross-validation
    python -m bot.knowledge.understanding.fit --check    # refit with the recorded L2; exit 1 if
                                                         # the result differs from the file

What it fits on, and what it never sees:
- the project's queries (``tests/data/queries/project.toml``), the *train* split of the members'
  questions (``members.toml``, see ``bot.knowledge.queryset``), any other query file in that
  folder (feedback exports), and every shipped FAQ question and phrasing (labelled with the
  entry's platforms and topics);
- never the members' *dev* split (it measures the fit: ``measured`` in the output) and never
  ``heldout.toml`` (nobody reads it until the lead runs the held-out test).

Three models come out (``bot.knowledge.understanding.model``): the topic model (six topics and
"off-topic"), the intent model, and the paraphrase model (is this FAQ entry the question asked,
in other words?). Two thresholds are calibrated with them, each the smallest value that reaches
a stated precision on the data it was measured on (``PRECISION_TARGET``); the file records the
precision and coverage reached, so a threshold means a measured number, not a guess.
"""

from __future__ import annotations

import argparse
import json
import sys
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from bot.config import DEFAULT_DATA_DIR
from bot.knowledge import queryset
from bot.knowledge.loader import load_knowledge
from bot.knowledge.model import FaqEntry, KnowledgeBase
from bot.knowledge.platforms import PlatformDetector
from bot.knowledge.queryset import LabelledQuery
from bot.knowledge.topics import TOPIC_IDS
from bot.knowledge.understanding import model
from bot.knowledge.understanding.model import Example, LinearModel
from bot.knowledge.understanding.paraphrase import (
    SEARCH_LIMIT,
    candidate_features,
    equivalent,
)
from bot.knowledge.understanding.reader import (
    INTENTS,
    OFF_TOPIC,
    PARAPHRASE_CLASSES,
    Reader,
    Weights,
    framed,
)

ROOT = Path(__file__).resolve().parents[3]
QUERIES = ROOT / "tests" / "data" / "queries"
WEIGHTS = Path(__file__).resolve().parent / "weights.json"
HELD_OUT = "heldout"
L2_GRID = (0.0001, 0.0003, 0.001, 0.003, 0.01)
PARAPHRASE_L2 = 0.001  # seven features and thousands of pairs: shrinkage barely matters here
FOLDS = 5
PRECISION_TARGET = 0.95
TOPIC_CLASSES = (*TOPIC_IDS, OFF_TOPIC)


@dataclass(frozen=True, slots=True)
class Question:
    """A labelled question as the fitting sees it: its text and what counts as right."""

    text: str
    topics: frozenset[str]  # accepted topics; {OFF_TOPIC} when off-topic
    platforms: frozenset[str | None]
    intent: str | None
    source: str  # members / project / faq / …
    entry: str | None = None  # the FAQ entry a phrasing belongs to


def questions_from_queries(queries: Iterable[LabelledQuery]) -> list[Question]:
    return [
        Question(
            text=q.text,
            topics=q.topics or frozenset({OFF_TOPIC}),
            platforms=q.platforms,
            intent=q.intent,
            source=q.source,
        )
        for q in queries
    ]


def questions_from_faq(entries: Iterable[FaqEntry]) -> list[Question]:
    out = []
    for entry in entries:
        platforms: frozenset[str | None] = (
            frozenset({entry.platforms[0]}) if len(entry.platforms) == 1 else frozenset({None})
        )
        for text in dict.fromkeys((entry.question, *entry.phrasings)):
            out.append(Question(text, frozenset(entry.topics), platforms, None, "faq", entry.id))
    return out


def training_queries(folder: Path = QUERIES) -> list[LabelledQuery]:
    """Every labelled query that may be fitted on (not the dev split, never the held-out)."""
    return [q for q in queryset.load_dir(folder, exclude={HELD_OUT}) if q.split != "dev"]


def dev_queries(folder: Path = QUERIES) -> list[LabelledQuery]:
    return [q for q in queryset.load_dir(folder, exclude={HELD_OUT}) if q.split == "dev"]


# -- the topic and intent models ---------------------------------------------------------------
def topic_examples(reader: Reader, questions: Sequence[Question]) -> list[Example]:
    out = []
    for q in questions:
        features = reader.read(q.text).features
        accepted = frozenset(TOPIC_CLASSES.index(t) for t in q.topics if t in TOPIC_CLASSES)
        if accepted:
            out.append(Example(features, accepted))
    return out


def intent_examples(reader: Reader, questions: Sequence[Question]) -> list[Example]:
    return [
        Example(reader.read(q.text).features, frozenset({INTENTS.index(q.intent)}))
        for q in questions
        if q.intent in INTENTS and OFF_TOPIC not in q.topics
    ]


def accuracy(fitted: LinearModel, examples: Sequence[Example]) -> float:
    right = 0
    for ex in examples:
        scores = fitted.scores(ex.features)
        best = max(range(len(scores)), key=lambda k: scores[k])
        right += best in ex.accepted
    return right / len(examples) if examples else 0.0


def choose_l2(examples: Sequence[Example], classes: Sequence[str], keys: Sequence[str]) -> float:
    """The L2 strength with the best cross-validated accuracy (folds by a hash of the text)."""
    best: tuple[float, float] | None = None
    for l2 in L2_GRID:
        right = 0.0
        for fold_no in range(FOLDS):
            held = [zlib.crc32(k.encode()) % FOLDS == fold_no for k in keys]
            train = [ex for ex, h in zip(examples, held, strict=True) if not h]
            test = [ex for ex, h in zip(examples, held, strict=True) if h]
            right += accuracy(model.fit(train, classes, l2=l2), test) * len(test)
        score = right / len(examples)
        print(f"  l2={l2:<7} cross-validated accuracy {score:.3f}", file=sys.stderr)
        if best is None or score > best[0]:
            best = (score, l2)
    assert best is not None
    return best[1]


# -- the paraphrase model ----------------------------------------------------------------------
def paraphrase_examples(
    reader: Reader, entries: Sequence[FaqEntry], off_topic: Sequence[Question]
) -> tuple[list[Example], list[tuple[str, list[tuple[dict[str, float], bool]]]]]:
    """Each FAQ phrasing asked as a question, its own string left out of the index: the entry
    it belongs to is "same", every other entry found is "other". Once within its pair's bucket
    (how shipped entries are searched) and once against all entries (how a server's own are);
    off-topic questions against all entries, and in the bucket of the topic they were misread
    as, are "other" throughout. Each phrasing is also asked verbatim in its bucket (its own
    string in the index), as members do when they pick a suggested question.

    The threshold is calibrated on the harder, left-out asks only: returned per ask as (entry
    id or question, candidates as (features, is-it-the-entry)).
    """
    Pool = tuple[list[str], list[str]]  # searchable shapes, and the entry id of each
    buckets: dict[tuple[str | None, str], Pool] = {}
    whole: Pool = ([], [])
    for e in entries:
        keys = [(p, t) for p in (e.platforms or (None,)) for t in e.topics]
        for shape in dict.fromkeys(reader.shape_of(t) for t in (e.question, *e.phrasings)):
            if shape:
                for pool in (whole, *(buckets.setdefault(k, ([], [])) for k in keys)):
                    pool[0].append(shape)
                    pool[1].append(e.id)
    by_id = {e.id: e for e in entries}
    shapes: dict[str, set[str]] = {}
    for shape, eid in zip(*whole, strict=True):
        shapes.setdefault(eid, set()).add(shape)
    groups: list[tuple[str, list[tuple[dict[str, float], bool]]]] = []
    examples: list[Example] = []

    def asked(text: str, own: str | None, pool: Pool | None, *, verbatim: bool, where: str) -> None:
        if pool is None:
            return
        u = reader.read(text)
        choices, owners = pool
        found = process.extract(
            u.shape, choices, scorer=fuzz.ratio, limit=SEARCH_LIMIT + (0 if verbatim else 1)
        )
        best: dict[str, tuple[float, str]] = {}
        skipped = verbatim
        for choice, score, i in found:
            if not skipped and owners[i] == own and choice == u.shape:
                skipped = True  # the phrasing itself is not in the index it is asked of
                continue
            if score > best.get(owners[i], (-1.0, ""))[0]:
                best[owners[i]] = (score, choice)
        features = candidate_features(
            u.shape,
            u.probabilities,
            u.platform,
            {eid: (score, choice, by_id[eid]) for eid, (score, choice) in best.items()},
        )
        mine = by_id.get(own or "")
        rows = [
            (f, mine is not None and equivalent(by_id[eid], mine, u.shape, shapes))
            for eid, f in features.items()
        ]
        if not verbatim:
            groups.append((f"{where}:{own or text}", rows))
        examples.extend(
            Example(f, frozenset({PARAPHRASE_CLASSES.index("same" if same else "other")}))
            for f, same in rows
        )

    for e in entries:
        for text in dict.fromkeys((e.question, *e.phrasings)):
            u = reader.read(text)
            bucket = buckets.get((u.platform, u.topic)) if u.topic else None
            asked(text, e.id, bucket, verbatim=False, where="pair")
            asked(text, e.id, bucket, verbatim=True, where="pair")
            asked(text, e.id, whole, verbatim=False, where="whole")
    for q in off_topic:
        asked(q.text, None, whole, verbatim=False, where="whole")
        u = reader.read(q.text)
        if u.topic is not None and u.platform is None:  # misread: searched as a general question
            asked(q.text, None, buckets.get((None, u.topic)), verbatim=False, where="general")
    return examples, groups


def calibrate(
    scored: Sequence[tuple[float, bool]], *, target: float = PRECISION_TARGET
) -> tuple[float, float, float]:
    """The smallest threshold whose answers (score ≥ it) are right at least ``target`` of the
    time: (threshold, precision reached, share of the right ones it keeps)."""
    ordered = sorted(scored, key=lambda t: -t[0])
    total_right = sum(1 for _s, ok in ordered if ok) or 1
    best = (1.0, 1.0, 0.0)
    right = 0
    for n, (score, ok) in enumerate(ordered, start=1):
        right += ok
        nxt = ordered[n][0] if n < len(ordered) else -1.0
        if nxt == score:
            continue  # a threshold cannot split equal scores
        if right / n >= target:
            best = (score, right / n, right / total_right)
    return best


def paraphrase_scores(
    groups: Sequence[tuple[str, list[tuple[dict[str, float], bool]]]], l2: float
) -> list[tuple[str, float, bool]]:
    """Per asked phrasing (or off-topic question): its top candidate's probability from a model
    that never saw that entry (folds by entry id), and whether it is the right entry."""
    scored: list[tuple[str, float, bool]] = []
    for fold_no in range(FOLDS):
        held = [
            zlib.crc32(key.split(":", 1)[1].encode()) % FOLDS == fold_no for key, _rows in groups
        ]
        train = [
            Example(f, frozenset({PARAPHRASE_CLASSES.index("same" if same else "other")}))
            for (key, rows), h in zip(groups, held, strict=True)
            if not h
            for f, same in rows
        ]
        fitted = model.fit(train, PARAPHRASE_CLASSES, l2=l2)
        for (key, rows), h in zip(groups, held, strict=True):
            if h and rows:
                probs = [fitted.probabilities(f)["same"] for f, _same in rows]
                top = max(range(len(rows)), key=lambda i: probs[i])
                scored.append((key, probs[top], rows[top][1]))
    return scored


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=Path, default=QUERIES)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--out", type=Path, default=WEIGHTS)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    kb = load_knowledge(args.data)
    recorded = json.loads(args.out.read_text()) if args.check else None
    result = fit_all(kb, args.queries, recorded=recorded)
    text = json.dumps(result, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    if args.check:
        same = recorded is not None and _models(recorded) == _models(result)
        print("weights.json is reproducible" if same else "weights.json differs from a refit")
        return 0 if same else 1
    args.out.write_text(text)
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


def _models(data: dict[str, Any]) -> dict[str, Any]:
    return {k: data.get(k) for k in ("topic", "intent", "paraphrase", "frames", "thresholds")}


def find_frames(questions: Sequence[LabelledQuery]) -> dict[str, str]:
    """Intents that are topics by themselves: those whose labelled questions carry one topic
    at least ``PRECISION_TARGET`` of the time ("when" → history, "who owns" → license)."""
    counts: dict[str, dict[str, int]] = {}
    for q in questions:
        if q.intent in INTENTS and q.primary and not q.off_topic:
            per = counts.setdefault(q.intent, {})
            per[q.primary] = per.get(q.primary, 0) + 1
    frames = {}
    for intent, per in sorted(counts.items()):
        topic, n = max(per.items(), key=lambda kv: (kv[1], kv[0]))
        if n / sum(per.values()) >= PRECISION_TARGET:
            frames[intent] = topic
    return frames


def topic_calibration(
    examples: Sequence[Example],
    keys: Sequence[str],
    always: Sequence[Example],
    l2: float,
    intents: tuple[Sequence[Example], Sequence[str], float, dict[str, str]],
) -> tuple[float, float, float]:
    """The confidence a topic needs before the bot answers: cross-validated, so every score
    comes from models that never saw that question (the topic model, and the intent model
    whose frames the reader folds in). An off-topic question read as a topic counts as a
    wrong answer, so the threshold also keeps those out."""
    intent_ex, intent_keys, l2_intent, frames = intents
    scored: list[tuple[float, bool]] = []
    for fold_no in range(FOLDS):
        held = [zlib.crc32(k.encode()) % FOLDS == fold_no for k in keys]
        train = [ex for ex, h in zip(examples, held, strict=True) if not h]
        fitted = model.fit([*train, *always], TOPIC_CLASSES, l2=l2)
        kept = [zlib.crc32(k.encode()) % FOLDS != fold_no for k in intent_keys]
        intent = model.fit(
            [ex for ex, k in zip(intent_ex, kept, strict=True) if k], INTENTS, l2=l2_intent
        )
        for ex, h in zip(examples, held, strict=True):
            if h:
                probs = read_topic(fitted, intent, frames, ex.features)
                best = max(probs, key=lambda c: probs[c])
                if best != OFF_TOPIC:
                    scored.append((probs[best], TOPIC_CLASSES.index(best) in ex.accepted))
    return calibrate(scored)


def read_topic(
    topic: LinearModel, intent: LinearModel, frames: dict[str, str], features: dict[str, float]
) -> dict[str, float]:
    """The topic probabilities as the reader forms them (``reader.framed``)."""
    return framed(topic.probabilities(features), intent.probabilities(features), frames)


def topic_accuracy(
    topic: LinearModel, intent: LinearModel, frames: dict[str, str], examples: Sequence[Example]
) -> float:
    right = 0
    for ex in examples:
        probs = read_topic(topic, intent, frames, ex.features)
        right += TOPIC_CLASSES.index(max(probs, key=lambda c: probs[c])) in ex.accepted
    return right / (len(examples) or 1)


def fit_all(
    kb: KnowledgeBase, folder: Path, *, recorded: dict[str, Any] | None = None
) -> dict[str, Any]:
    detector = PlatformDetector(kb.platforms)
    untrained = Weights.untrained(TOPIC_IDS, INTENTS)
    reader = Reader(detector, weights=untrained)
    train_q = questions_from_queries(training_queries(folder))
    dev_q = questions_from_queries(dev_queries(folder))
    faq_q = questions_from_faq(kb.faq.values())
    fit_on = train_q + faq_q
    topic_ex = topic_examples(reader, fit_on)
    intent_ex = intent_examples(reader, train_q)
    if recorded is not None:
        l2_topic = float(recorded["fitted"]["l2"]["topic"])
        l2_intent = float(recorded["fitted"]["l2"]["intent"])
    else:
        print("topic model:", file=sys.stderr)
        l2_topic = choose_l2(topic_ex, TOPIC_CLASSES, [q.text for q in fit_on])
        print("intent model:", file=sys.stderr)
        l2_intent = choose_l2(intent_ex, INTENTS, [q.text for q in train_q if q.intent in INTENTS])
    topic = model.fit(topic_ex, TOPIC_CLASSES, l2=l2_topic)
    intent = model.fit(intent_ex, INTENTS, l2=l2_intent)
    frames = find_frames(training_queries(folder))
    # Questions members asked (not FAQ phrasings) decide how confident an answer must be.
    asked_ex = topic_examples(reader, train_q)
    answer_at, answer_precision, answer_coverage = topic_calibration(
        asked_ex,
        [q.text for q in train_q],
        topic_examples(reader, faq_q),
        l2_topic,
        (
            intent_ex,
            [q.text for q in train_q if q.intent in INTENTS and OFF_TOPIC not in q.topics],
            l2_intent,
            frames,
        ),
    )
    reader = Reader(detector, weights=replace(untrained, topic=topic, intent=intent))
    off_topic = [q for q in train_q if OFF_TOPIC in q.topics]
    para_ex, groups = paraphrase_examples(reader, list(kb.faq.values()), off_topic)
    paraphrase = model.fit(para_ex, PARAPHRASE_CLASSES, l2=PARAPHRASE_L2)
    scores = paraphrase_scores(groups, PARAPHRASE_L2)
    para_at, para_precision, para_coverage = calibrate(
        [(p, ok) for k, p, ok in scores if k.startswith("pair:")]
    )
    # A server's own entries are searched whole: calibrated on FAQ phrasings asked of every
    # entry at once, and on off-topic questions, which must find nothing.
    own_at, own_precision, own_coverage = calibrate(
        [(p, ok) for k, p, ok in scores if k.startswith("whole:")]
    )
    # Suggestions for a question without a platform: above anything an off-topic question got.
    suggest_at = max((p for k, p, _ok in scores if k.startswith("general:")), default=0.0)
    suggest_at = min(suggest_at, para_at)
    dev_topic = topic_examples(reader, dev_q)
    dev_intent = intent_examples(reader, dev_q)
    return {
        "about": (
            "Fitted by python -m bot.knowledge.understanding.fit; do not edit by hand "
            "(tests/unit/test_understanding.py refits and compares)."
        ),
        "fitted": {
            "l2": {"topic": l2_topic, "intent": l2_intent, "paraphrase": PARAPHRASE_L2},
            "examples": {
                "topic": len(topic_ex),
                "intent": len(intent_ex),
                "paraphrase": len(para_ex),
            },
            "date": (recorded or {}).get("fitted", {}).get("date", date.today().isoformat()),
        },
        "topic": topic.to_json(),
        "intent": intent.to_json(),
        "paraphrase": paraphrase.to_json(),
        "frames": frames,
        "thresholds": {
            "answer": round(answer_at, 6),
            "paraphrase": round(para_at, 6),
            "own": round(own_at, 6),
            "suggest": round(suggest_at, 6),
        },
        "measured": {
            "precision_target": PRECISION_TARGET,
            "answer": {
                "precision": round(answer_precision, 4),
                "coverage": round(answer_coverage, 4),
                "on": "cross-validated topic reads of the training questions",
            },
            "paraphrase": {
                "precision": round(para_precision, 4),
                "coverage": round(para_coverage, 4),
                "on": "cross-validated (by entry) FAQ phrasings asked as questions",
            },
            "own": {
                "precision": round(own_precision, 4),
                "coverage": round(own_coverage, 4),
                "on": "cross-validated FAQ phrasings and off-topic questions asked of all "
                "entries at once (how a server's own entries are searched)",
            },
            "suggest": {
                "on": "the highest cross-validated probability an off-topic training question "
                "gave any FAQ entry (capped at the paraphrase threshold)",
            },
            "topic_accuracy_train": round(topic_accuracy(topic, intent, frames, topic_ex), 4),
            "topic_accuracy_dev": round(topic_accuracy(topic, intent, frames, dev_topic), 4),
            "intent_accuracy_dev": round(accuracy(intent, dev_intent), 4),
        },
    }


if __name__ == "__main__":
    sys.exit(main())
