"""Is a FAQ entry the question asked, in other words? The paraphrase model's evidence.

The fitted model (``weights.json`` ``paraphrase``) weighs these; the matcher answers with an
entry when the probability reaches the calibrated threshold (``thresholds.paraphrase``).
"""

from __future__ import annotations

SEARCH_LIMIT = 8  # candidates per search the model sees (the matcher's and the fitting's)


def platform_differs(subject: str | None, entry_platforms: tuple[str, ...]) -> bool:
    """The entry is about other platforms than the question (or about one when it names none).
    Shapes leave platform names out, so "does spotify train ai" and "does deezer train ai" are
    alike to the letter: only this tells them apart in a search across platforms."""
    if entry_platforms:
        return subject not in entry_platforms
    return subject is not None


def paraphrase_features(
    query_shape: str,
    choice_shape: str,
    similarity: float,
    topic_p: float,
    differs: bool,
) -> dict[str, float]:
    """How alike a question and one FAQ phrasing are, both as shapes (sorted content words)."""
    q = set(query_shape.split())
    c = set(choice_shape.split())
    shared = len(q & c)
    out = {
        "similarity": similarity / 100,
        "jaccard": shared / len(q | c) if q | c else 0.0,
        "covers_question": shared / len(q) if q else 0.0,
        "covers_entry": shared / len(c) if c else 0.0,
        "topic": topic_p,
    }
    if similarity >= 100:
        out["identical"] = 1.0
    if differs:
        out["platform_differs"] = 1.0
    return out
