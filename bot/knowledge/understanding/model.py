"""Fitted linear models: multinomial logistic regression over sparse named features.

Small on purpose: a question has a few dozen possible features and a handful of answers (six
topics or "off-topic"; five intents; "same question" or not), so a linear model fitted on a few
hundred labelled questions is enough, is fast (a dictionary lookup per active feature) and can
be read: ``weights.json`` says how much "an opt-out verb" counts for each topic.

Labels may accept several classes ("opt-out, or third-party, equally right"): the loss is then
minus the log of the probability of the accepted set, so the model is never punished for
choosing either reading. Fitting is deterministic (L-BFGS from zero, fixed iterations), so
``python -m bot.knowledge.understanding.fit`` reproduces the committed weights exactly.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

Features = Mapping[str, float]


@dataclass(frozen=True, slots=True)
class LinearModel:
    classes: tuple[str, ...]
    weights: dict[str, tuple[float, ...]]  # feature -> one weight per class ("bias" always on)

    def scores(self, features: Features) -> list[float]:
        out = list(self.weights.get("bias", (0.0,) * len(self.classes)))
        for name, value in features.items():
            row = self.weights.get(name)
            if row is not None and value:
                for k, w in enumerate(row):
                    out[k] += w * value
        return out

    def probabilities(self, features: Features) -> dict[str, float]:
        return dict(zip(self.classes, softmax(self.scores(features)), strict=True))

    def to_json(self) -> dict[str, object]:
        return {
            "classes": list(self.classes),
            "weights": {k: [round(w, 6) for w in v] for k, v in sorted(self.weights.items())},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> LinearModel:
        classes = tuple(str(c) for c in data["classes"])  # type: ignore[attr-defined]
        raw = data["weights"]
        assert isinstance(raw, dict)
        weights = {str(k): tuple(float(w) for w in v) for k, v in raw.items()}
        for name, row in weights.items():
            if len(row) != len(classes):
                raise ValueError(f"weights for {name!r}: {len(row)} values, {len(classes)} classes")
        return cls(classes, weights)


def softmax(scores: Sequence[float]) -> list[float]:
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    total = sum(exps)
    return [e / total for e in exps]


@dataclass(frozen=True, slots=True)
class Example:
    features: dict[str, float]
    accepted: frozenset[int]  # indices of the classes that are right
    weight: float = 1.0


def fit(
    examples: Sequence[Example],
    classes: Sequence[str],
    *,
    l2: float,
    iterations: int = 300,
) -> LinearModel:
    """Minimise the mean negative log-likelihood of the accepted sets plus ``l2``·|w|²/2."""
    names = sorted({n for ex in examples for n in ex.features} | {"bias"})
    index = {n: i for i, n in enumerate(names)}
    k = len(classes)
    # Questions read alike (the same cues, the same right answers) are one row, weighted.
    grouped: dict[tuple[tuple[tuple[str, float], ...], frozenset[int]], float] = {}
    for ex in examples:
        key = (tuple(sorted((n, v) for n, v in ex.features.items() if v)), ex.accepted)
        grouped[key] = grouped.get(key, 0.0) + ex.weight
    rows = [
        (
            [(index[n], v) for n, v in features] + [(index["bias"], 1.0)],
            Example(dict(features), accepted, weight),
        )
        for (features, accepted), weight in grouped.items()
    ]
    total_weight = sum(ex.weight for ex in examples) or 1.0
    bias = index["bias"]
    if k == 2 and all(len(ex.accepted) == 1 for _a, ex in rows):
        w = _fit_binary(rows, len(names), bias, total_weight, l2, iterations)
    else:
        w = _fit_multinomial(rows, len(names), k, bias, total_weight, l2, iterations)
    weights = {n: tuple(w[i * k : (i + 1) * k]) for n, i in index.items()}
    # Classes are only defined up to a constant per feature: centre each row, drop dead ones.
    centred = {}
    for n, row in weights.items():
        mean = sum(row) / k
        shifted = tuple(x - mean for x in row)
        if max(abs(x) for x in shifted) >= 1e-4 or n == "bias":
            centred[n] = shifted
    return LinearModel(tuple(classes), centred)


Rows = list[tuple[list[tuple[int, float]], Example]]


def _fit_multinomial(
    rows: Rows, n: int, k: int, bias: int, total: float, l2: float, iterations: int
) -> list[float]:
    dim = n * k
    prepared = [([(i * k, v) for i, v in active], ex.accepted, ex.weight) for active, ex in rows]
    classes = range(k)

    def loss_and_grad(w: list[float]) -> tuple[float, list[float]]:
        grad = [0.0] * dim
        loss = 0.0
        for active, accepted, weight in prepared:
            scores = [0.0] * k
            for base, v in active:
                for c in classes:
                    scores[c] += w[base + c] * v
            probs = softmax(scores)
            right = sum(probs[c] for c in accepted)
            loss -= weight * math.log(max(right, 1e-300))
            deltas = [
                weight * (probs[c] - (probs[c] / right if c in accepted else 0.0)) for c in classes
            ]
            for base, v in active:
                for c in classes:
                    grad[base + c] += deltas[c] * v
        return _penalised(w, grad, loss, total, l2, range(bias * k, bias * k + k))

    return lbfgs(loss_and_grad, [0.0] * dim, iterations=iterations)


def _fit_binary(
    rows: Rows, n: int, bias: int, total: float, l2: float, iterations: int
) -> list[float]:
    """Two classes: one weight per feature (the second class's score minus the first's), the
    same optimum as the two-class softmax (whose centred rows are ∓ half of it)."""
    prepared = [(active, 1 in ex.accepted, ex.weight) for active, ex in rows]

    def loss_and_grad(b: list[float]) -> tuple[float, list[float]]:
        grad = [0.0] * n
        loss = 0.0
        for active, positive, weight in prepared:
            s = sum(b[i] * v for i, v in active)
            margin = s if positive else -s
            # -log sigmoid(margin), computed without overflow
            loss += weight * (
                math.log1p(math.exp(-margin))
                if margin > 0
                else -margin + math.log1p(math.exp(margin))
            )
            p = 1.0 / (1.0 + math.exp(-s)) if s > -700 else 0.0
            delta = weight * (p - (1.0 if positive else 0.0))
            for i, v in active:
                grad[i] += delta * v
        return _penalised(b, grad, loss, total, l2 / 2, range(bias, bias + 1))

    b = lbfgs(loss_and_grad, [0.0] * n, iterations=iterations)
    return [x for value in b for x in (-value / 2, value / 2)]


def _penalised(
    w: list[float], grad: list[float], loss: float, total: float, l2: float, free: range
) -> tuple[float, list[float]]:
    """Mean loss plus ``l2``·|w|²/2 over every weight but the intercepts (``free``)."""
    loss /= total
    grad = [g / total for g in grad]
    for j, x in enumerate(w):
        if j not in free:
            loss += 0.5 * l2 * x * x
            grad[j] += l2 * x
    return loss, grad


Objective = Callable[[list[float]], tuple[float, list[float]]]


def lbfgs(
    f: Objective,
    x0: list[float],
    *,
    iterations: int,
    memory: int = 10,
    tolerance: float = 1e-7,
) -> list[float]:
    """Limited-memory BFGS with a backtracking (Armijo) line search; deterministic."""
    x = list(x0)
    value, grad = f(x)
    history: list[tuple[list[float], list[float], float]] = []
    for _ in range(iterations):
        q = list(grad)
        alphas = []
        for s, y, rho in reversed(history):
            a = rho * _dot(s, q)
            alphas.append(a)
            q = [qi - a * yi for qi, yi in zip(q, y, strict=True)]
        if history:
            s, y, _rho = history[-1]
            gamma = _dot(s, y) / max(_dot(y, y), 1e-12)
        else:
            gamma = 1.0 / max(math.sqrt(_dot(grad, grad)), 1e-12)
        r = [gamma * qi for qi in q]
        for (s, y, rho), a in zip(history, reversed(alphas), strict=True):
            b = rho * _dot(y, r)
            r = [ri + si * (a - b) for ri, si in zip(r, s, strict=True)]
        direction = [-ri for ri in r]
        slope = _dot(grad, direction)
        if slope >= 0:  # not a descent direction: restart from steepest descent
            history.clear()
            direction = [-g for g in grad]
            slope = -_dot(grad, grad)
        step = 1.0
        while True:
            candidate = [xi + step * di for xi, di in zip(x, direction, strict=True)]
            new_value, new_grad = f(candidate)
            if new_value <= value + 1e-4 * step * slope or step < 1e-10:
                break
            step *= 0.5
        s = [c - xi for c, xi in zip(candidate, x, strict=True)]
        y = [ng - g for ng, g in zip(new_grad, grad, strict=True)]
        sy = _dot(s, y)
        if sy > 1e-12:
            history.append((s, y, 1.0 / sy))
            if len(history) > memory:
                history.pop(0)
        converged = abs(value - new_value) < tolerance * max(1.0, abs(value))
        x, value, grad = candidate, new_value, new_grad
        if converged:
            break
    return x


def _dot(a: Sequence[float], b: Sequence[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))
