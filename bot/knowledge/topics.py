"""The fixed topic vocabulary (DESIGN.md), used by data files, ``ask --json`` and alerts."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Topic:
    id: str
    label: str
    question: str


TOPICS: tuple[Topic, ...] = (
    Topic("ai-training", "AI training", "Does the platform use my uploads or data to train AI?"),
    Topic(
        "third-party",
        "Third parties",
        "May it share, license or sell my content or data to others for AI?",
    ),
    Topic("opt-out", "Opt-out", "How do I opt out, opt in or change the setting?"),
    Topic(
        "license",
        "Licence",
        "What rights do I grant over what I upload (scope, sublicensing, duration)?",
    ),
    Topic(
        "ai-content",
        "AI-generated content",
        "Rules for AI-generated uploads (allowed, labelled, demonetised, banned)",
    ),
    Topic("history", "History", "What changed in its terms and when?"),
)

TOPIC_IDS: tuple[str, ...] = tuple(t.id for t in TOPICS)
TOPIC_BY_ID: dict[str, Topic] = {t.id: t for t in TOPICS}
