"""Fit the AI-relevance model (data/lexicon/relevance_model.toml) on labelled terms histories.

    python tools/fit_relevance.py            # cross-validate by document and print the report
    python tools/fit_relevance.py --write    # … and write the fitted model

Labels: ``tests/data/ai_labels/*.json`` (``--labels`` picks one file; default: train.json), each
step of a document's Open Terms Archive history marked AI-relevant or not by people who never
saw the classifier, with the key changed sentences as evidence. The corpus: ``--corpus`` or
``FINEPRINT_CORPUS`` or ``../shared/corpus``.

How: every labelled step is diffed exactly as the watcher diffs it (``page_lines`` →
``diff_lines`` on the Markdown versions); each non-trivial changed
sentence is read against the lexicon's concept groups. Sentences of a non-AI step are
negatives; sentences of an AI step that match its evidence are positives (its other sentences
are left out: unlabelled). A logistic model over the groups and the combinations listed in
``FEATURES`` is fitted with an L2 penalty and non-negative weights — a cue never makes a
passage *less* AI-relevant, which keeps the model monotone and harder to overfit — by
coordinate descent on the distinct feature patterns (a few hundred), so it runs in pure Python.

Leave-one-document-out cross-validation picks the penalty and the threshold: a step is flagged
when its best sentence's probability reaches the threshold; the threshold is the highest one
that keeps every AI step of the held-out documents flagged, provided false flags stay within
``MAX_FALSE_FLAGS`` — erring towards recall. The report prints precision and recall per
document. The held-out evaluation split is never read here.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import pickle
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from rapidfuzz import fuzz

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bot.knowledge.text import fold  # noqa: E402
from bot.watch.diff import Change, diff_lines  # noqa: E402
from bot.watch.page import page_lines  # noqa: E402
from bot.watch.reading import read  # noqa: E402
from bot.watch.relevance import counted, units  # noqa: E402
from bot.watch.relevance_lexicon import MODEL_PATH, Feature  # noqa: E402

# Concept groups alone, then the combinations that make sense of them ("ai|ai_name": either).
FEATURES = (
    "ai|ai_name", "model", "train", "improve", "mine", "dataset", "generate", "media",
    "content", "consent", "license", "third",
    "ai|ai_name & train",
    "ai|ai_name & improve",
    "ai|ai_name & content",
    "ai|ai_name & media",
    "ai|ai_name & generate",
    "ai|ai_name & consent",
    "ai|ai_name & license",
    "ai|ai_name & third",
    "ai|ai_name & mine",
    "ai|ai_name & dataset",
    "ai|ai_name & content|media & improve|train|consent|license|third",
    "model & train",
    "model & generate",
    "train & content|media",
    "mine & dataset|train",
    "dataset & content|media",
    "generate & media",
)  # fmt: skip
PENALTIES = (0.1, 0.3, 1.0, 3.0)
MAX_FALSE_FLAGS = 0.02  # share of non-AI steps
THRESHOLD_FLOOR = 0.05  # never flag on less than this probability
EVIDENCE_MATCH = 88  # rapidfuzz partial_ratio for a sentence to count as the label's evidence
MARKDOWN = "text/markdown; charset=utf-8"
LABELS = REPO / "tests" / "data" / "ai_labels"


def corpus_dir(arg: str | None) -> Path:
    return Path(arg or os.environ.get("FINEPRINT_CORPUS") or REPO.parent / "shared" / "corpus")


@dataclass
class Step:
    document: str  # "Service/Document"
    label: dict
    change: Change | None
    # (groups hit, label) per non-trivial sentence side: 1 positive, 0 negative, None unlabelled
    sides: list[tuple[frozenset[str], int | None]] = field(default_factory=list)


def version_lines(path: Path) -> list[str]:
    """A version as the watcher reads a Markdown response."""
    return page_lines(path.read_bytes(), content_type=MARKDOWN, charset="utf-8")


def _evidence(label: dict) -> list[str]:
    pieces: list[str] = []
    for chunk in label.get("evidence", "").replace(" / ", " | ").split("|"):
        pieces += [fold(p) for p in chunk.split("...") if len(fold(p)) >= 20]
    return pieces


def load_steps(labels: list[dict], corpus: Path) -> list[Step]:
    cache: dict[Path, list[str]] = {}

    def lines(path: Path) -> list[str]:
        if path not in cache:
            cache[path] = version_lines(path)
        return cache[path]

    steps: list[Step] = []
    for label in labels:
        folder = corpus / "ota" / label["service"] / label["document"]
        old, new = lines(folder / label["from"]), lines(folder / label["to"])
        change = diff_lines(old, new) if old != new else None
        step = Step(f"{label['service']}/{label['document']}", label, change)
        step.sides = _sides(step)
        steps.append(step)
    return steps


def _sides(step: Step) -> list[tuple[frozenset[str], int | None]]:
    """Each non-trivial changed sentence (both wordings of an edit), with its label."""
    out: list[tuple[frozenset[str], int | None]] = []
    if step.change is None:
        return out
    label = step.label
    evidence = _evidence(label) if label["ai"] else []
    for unit in units(step.change):
        for side in counted(unit):
            reading = read(side.text)
            if not label["ai"]:
                mark: int | None = 0
            else:
                text = fold(reading.text)
                hit = any(
                    fuzz.partial_ratio(e, text) >= EVIDENCE_MATCH
                    for e in evidence
                    if min(len(e), len(text)) >= 20
                )
                mark = 1 if hit else None
            out.append((reading.groups, mark))
    return out


# -- the model ---------------------------------------------------------------------------------
def sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


@dataclass
class Fitted:
    bias: float
    weights: list[float]
    features: list[Feature]

    def probability(self, groups: frozenset[str]) -> float:
        z = self.bias + sum(
            w * f.value(groups) for f, w in zip(self.features, self.weights, strict=True)
        )
        return sigmoid(z)


def fit(samples: Iterable[tuple[frozenset[str], int]], penalty: float, sweeps: int = 300) -> Fitted:
    """L2-penalised logistic regression, weights >= 0, by cyclic coordinate Newton steps."""
    features = [Feature.parse(f) for f in FEATURES]
    counts: dict[frozenset[str], list[float]] = defaultdict(lambda: [0.0, 0.0])
    for groups, y in samples:
        counts[groups][y] += 1.0
    patterns = list(counts)
    x = [[f.value(g) for f in features] for g in patterns]
    neg = [counts[g][0] for g in patterns]
    pos = [counts[g][1] for g in patterns]
    total_pos, total = sum(pos), sum(pos) + sum(neg)
    bias = math.log(total_pos / (total - total_pos))
    weights = [0.0] * len(features)
    z = [bias] * len(patterns)
    columns = [[i for i in range(len(patterns)) if x[i][j]] for j in range(len(features))]
    for _ in range(sweeps):
        moved = 0.0
        for j in [-1, *range(len(features))]:
            rows = range(len(patterns)) if j < 0 else columns[j]
            grad = hess = 0.0
            for i in rows:
                p = sigmoid(z[i])
                grad += (pos[i] + neg[i]) * p - pos[i]
                hess += (pos[i] + neg[i]) * p * (1 - p)
            if j < 0:
                step = grad / max(hess, 1e-9)
                bias -= step
            else:
                grad += penalty * weights[j]
                hess += penalty
                new = max(0.0, weights[j] - grad / max(hess, 1e-9))
                step = weights[j] - new
                weights[j] = new
            if step:
                for i in rows:
                    z[i] -= step
            moved = max(moved, abs(step))
        if moved < 1e-7:
            break
    return Fitted(bias, weights, features)


def samples_of(steps: Iterable[Step]) -> list[tuple[frozenset[str], int]]:
    return [(g, y) for s in steps for g, y in s.sides if y is not None]


def step_score(step: Step, fitted: Fitted) -> float:
    return max((fitted.probability(g) for g, _ in step.sides), default=0.0)


def choose_threshold(scored: list[tuple[float, bool]]) -> float:
    """The highest threshold flagging every AI step, if false flags stay within the budget;
    otherwise the one with the best recall within the budget."""
    negatives = sum(1 for _, ai in scored if not ai)
    budget = math.floor(MAX_FALSE_FLAGS * negatives)
    best: tuple[int, float] | None = None
    for t in sorted({s for s, _ in scored if s >= THRESHOLD_FLOOR} | {THRESHOLD_FLOOR}):
        hits = sum(1 for s, ai in scored if ai and s >= t)
        false = sum(1 for s, ai in scored if not ai and s >= t)
        if false <= budget and (best is None or hits >= best[0]):
            best = (hits, t)
    assert best is not None
    # Halfway (in log-odds) to the next score below, so a slightly weaker wording still counts.
    below = [s for s, _ in scored if s < best[1]]
    if not below:
        return best[1]
    lo = max(max(below), THRESHOLD_FLOOR)
    logit = lambda p: math.log(p / (1 - p))  # noqa: E731
    return 1 / (1 + math.exp(-(logit(lo) + logit(best[1])) / 2))


def cross_validate(steps: list[Step], penalty: float) -> dict[str, list[float]]:
    """Out-of-fold step scores, one document left out at a time."""
    by_doc: dict[str, list[float]] = {}
    for document in sorted({s.document for s in steps}):
        train = [s for s in steps if s.document != document]
        fitted = fit(samples_of(train), penalty)
        by_doc[document] = [step_score(s, fitted) for s in steps if s.document == document]
    return by_doc


@dataclass
class Report:
    penalty: float
    threshold: float
    rows: list[tuple[str, int, int, int, int]]  # document, steps, tp, fp, fn

    @property
    def totals(self) -> tuple[int, int, int, int]:
        return (
            sum(r[1] for r in self.rows),
            sum(r[2] for r in self.rows),
            sum(r[3] for r in self.rows),
            sum(r[4] for r in self.rows),
        )

    def text(self) -> str:
        lines = [
            f"leave-one-document-out, penalty {self.penalty}, threshold {self.threshold:.3f}",
            f"{'document':52} {'steps':>5} {'AI':>3} {'TP':>3} {'FP':>3} {'FN':>3} "
            f"{'precision':>9} {'recall':>6}",
        ]
        for doc, n, tp, fp, fn in self.rows:
            prec = f"{tp / (tp + fp):.2f}" if tp + fp else "-"
            rec = f"{tp / (tp + fn):.2f}" if tp + fn else "-"
            lines.append(f"{doc:52} {n:>5} {tp + fn:>3} {tp:>3} {fp:>3} {fn:>3} {prec:>9} {rec:>6}")
        n, tp, fp, fn = self.totals
        negatives = n - tp - fn
        lines.append(
            f"{'all':52} {n:>5} {tp + fn:>3} {tp:>3} {fp:>3} {fn:>3} "
            f"{(tp / (tp + fp) if tp + fp else 0):>9.2f} {(tp / (tp + fn) if tp + fn else 0):>6.2f}"
            f"   false flags {fp}/{negatives} = {fp / max(negatives, 1):.1%}"
        )
        return "\n".join(lines)


def evaluate(steps: list[Step], by_doc: dict[str, list[float]], threshold: float) -> Report:
    rows = []
    for document, scores in by_doc.items():
        labelled = [s for s in steps if s.document == document]
        tp = sum(
            1 for s, x in zip(labelled, scores, strict=True) if s.label["ai"] and x >= threshold
        )
        fp = sum(
            1 for s, x in zip(labelled, scores, strict=True) if not s.label["ai"] and x >= threshold
        )
        fn = sum(
            1 for s, x in zip(labelled, scores, strict=True) if s.label["ai"] and x < threshold
        )
        rows.append((document, len(labelled), tp, fp, fn))
    return Report(0.0, threshold, rows)


def select(steps: list[Step]) -> tuple[Report, dict[str, list[float]]]:
    """The penalty whose cross-validated threshold gives the best recall, then fewest flags."""
    best: tuple[tuple[int, int], Report, dict[str, list[float]]] | None = None
    for penalty in PENALTIES:
        by_doc = cross_validate(steps, penalty)
        scored = [
            (x, s.label["ai"])
            for document, scores in by_doc.items()
            for s, x in zip([s for s in steps if s.document == document], scores, strict=True)
        ]
        threshold = choose_threshold(scored)
        report = evaluate(steps, by_doc, threshold)
        report.penalty = penalty
        _, tp, fp, _ = report.totals
        key = (tp, -fp)
        print(f"penalty {penalty}: threshold {threshold:.3f}, TP {tp}, FP {fp}", file=sys.stderr)
        if best is None or key > best[0]:
            best = (key, report, by_doc)
    assert best is not None
    return best[1], best[2]


def model_toml(fitted: Fitted, report: Report, labels: Path, n_samples: int) -> str:
    n, tp, fp, fn = report.totals
    lines = [
        "# Written by tools/fit_relevance.py — do not edit by hand; re-run it after changing",
        "# relevance.toml or the labels. A passage is AI-relevant when",
        "#   p = 1 / (1 + exp(-(bias + sum of the weights of the features it has))) >= threshold",
        '# where a feature "a|b & c" holds when the passage hits group a or b, and group c.',
        f"# Fitted {date.today().isoformat()} on {labels.name}: {n} steps, {n_samples} labelled "
        "sentences.",
        f"# Leave-one-document-out: penalty {report.penalty}, {tp}/{tp + fn} AI steps flagged, "
        f"{fp}/{n - tp - fn} other steps flagged.",
        "",
        f"bias = {fitted.bias:.4f}",
        f"threshold = {report.threshold:.4f}",
        f"penalty = {report.penalty}",
        "",
        "[weights]",
    ]
    for feature, weight in zip(fitted.features, fitted.weights, strict=True):
        lines.append(f'"{feature.name}" = {weight:.4f}')
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--labels", default=str(REPO / "tests" / "data" / "ai_labels" / "train.json")
    )
    parser.add_argument("--corpus")
    parser.add_argument("--write", action="store_true", help="write relevance_model.toml")
    parser.add_argument("--verbose", action="store_true", help="list the misjudged steps")
    args = parser.parse_args(argv)
    corpus = corpus_dir(args.corpus)
    if not (corpus / "ota").is_dir():
        print(
            f"corpus not found at {corpus}; pass --corpus or set FINEPRINT_CORPUS", file=sys.stderr
        )
        return 1
    labels_path = Path(args.labels)
    labels = json.loads(labels_path.read_text(encoding="utf-8"))
    cache = os.environ.get("FIT_RELEVANCE_CACHE")  # development: reuse diffs between runs
    if cache and Path(cache).exists():
        steps = pickle.loads(Path(cache).read_bytes())
        for step in steps:  # the lexicon may have changed: read the sentences again
            step.sides = _sides(step)
    else:
        steps = load_steps(labels, corpus)
        if cache:
            Path(cache).write_bytes(pickle.dumps(steps))
    report, by_doc = select(steps)
    print(report.text())
    if args.verbose:
        for document, scores in by_doc.items():
            labelled = [s for s in steps if s.document == document]
            for step, x in zip(labelled, scores, strict=True):
                if (x >= report.threshold) != step.label["ai"]:
                    kind = "missed" if step.label["ai"] else "false flag"
                    print(
                        f"  {kind}: {document} {step.label['to']} ({x:.3f}): "
                        f"{step.label['note'][:90]}"
                    )
    fitted = fit(samples_of(steps), report.penalty)
    print("\nweights fitted on every labelled document:")
    for feature, weight in sorted(
        zip(fitted.features, fitted.weights, strict=True), key=lambda fw: -fw[1]
    ):
        if weight:
            print(f"  {weight:7.3f}  {feature.name}")
    print(f"  bias {fitted.bias:.3f}")
    if args.write:
        MODEL_PATH.write_text(
            model_toml(fitted, report, labels_path, len(samples_of(steps))), encoding="utf-8"
        )
        print(f"wrote {MODEL_PATH.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
