"""Is a FAQ entry the question asked, in other words? The paraphrase model's evidence.

The fitted model (``weights.json`` ``paraphrase``) weighs these; the matcher answers with an
entry when the probability reaches the calibrated threshold (``thresholds.paraphrase`` within a
pair's entries, ``thresholds.own`` among a server's own entries). The matcher and the fitting
script both compute the evidence here, so the model sees at fitting what it sees at work.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from bot.knowledge.model import FaqEntry

SEARCH_LIMIT = 8  # phrasings compared per search; their entries are the model's candidates

K = TypeVar("K")


def platform_differs(subject: str | None, entry_platforms: tuple[str, ...]) -> bool:
    """The entry is about other platforms than the question (or about one when it names none).
    Shapes leave platform names out, so "does spotify train ai" and "does deezer train ai" are
    alike to the letter: only this tells them apart in a search across platforms."""
    if entry_platforms:
        return subject not in entry_platforms
    return subject is not None


def candidate_features(
    shape: str,
    probabilities: Mapping[str, float],
    subject: str | None,
    found: Mapping[K, tuple[float, str, FaqEntry]],
) -> dict[K, dict[str, float]]:
    """Evidence for each entry found: (similarity 0-100, the phrasing it matched, the entry)."""
    ranked = sorted((s for s, _c, _e in found.values()), reverse=True)
    out: dict[K, dict[str, float]] = {}
    for key, (similarity, choice, entry) in found.items():
        runner_up = ranked[1] if len(ranked) > 1 and similarity == ranked[0] else ranked[0]
        if len(ranked) == 1:
            runner_up = 0.0
        topic_p = max((probabilities.get(t, 0.0) for t in entry.topics), default=0.0)
        q = set(shape.split())
        c = set(choice.split())
        shared = len(q & c)
        features = {
            "similarity": similarity / 100,
            "lead": (similarity - runner_up) / 100,  # how far ahead of the best other entry
            "jaccard": shared / len(q | c) if q | c else 0.0,
            "covers_question": shared / len(q) if q else 0.0,
            "covers_entry": shared / len(c) if c else 0.0,
            "topic": topic_p,
        }
        if similarity >= 100:
            features["identical"] = 1.0
        if platform_differs(subject, entry.platforms):
            features["platform_differs"] = 1.0
        out[key] = features
    return out


def equivalent(entry: FaqEntry, own: FaqEntry, shape: str, shapes: Mapping[str, set[str]]) -> bool:
    """An entry counts as the one asked when it is, or carries the very same phrasing for the
    same platforms (curated FAQ files repeat short phrasings across entries)."""
    return entry.id == own.id or (
        entry.platforms == own.platforms and shape in shapes.get(entry.id, set())
    )
