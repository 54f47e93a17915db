"""An alert's one-line headline, in plain words, from templates — never generated text.

A terms change carries one verdict per changed sentence (``PassageVerdict``: direction, and for
AI-relevant ones topic, actor, stance and whose material). The headline is the template of the
**leading** verdict: the AI-relevant sentence with the highest score (the first of them in
document order on a tie, which is the order the watcher stores them in). One sentence leads
because a headline states one thing; the diff block below it lists every AI-relevant sentence,
so a second rule changed at the same time is one glance away, never hidden.

Templates live in ``strings.py`` under ``alert.headline.<topic>…``; the most specific one that
exists wins (``_keys``), so a language's catalog needs no more combinations than English has.
With no AI-relevant sentence, a terms change says what changed ("SoundCloud changed its Privacy
Policy"); an AI-relevant change whose sentences say nothing usable says "changed its AI
wording". An alert without verdicts (recorded before this layout, or a sample) has no headline:
its own title stands.
"""

from __future__ import annotations

from bot.alerts.model import Alert, PassageVerdict
from bot.knowledge.text import clip
from bot.present.markdown import escape_markdown
from bot.present.strings import STRINGS
from bot.present.texts import ENGLISH, Texts

PREFIX = "alert.headline"
NAME_CHARS = 60  # a platform's name (a server's own source may spell any slug)
DOCUMENT_CHARS = 120


def lead(alert: Alert) -> PassageVerdict | None:
    """The AI-relevant sentence the headline is about: highest score, then document order."""
    best: PassageVerdict | None = None
    for passage in alert.passages:
        if passage.ai_relevant and passage.topic and (best is None or passage.score > best.score):
            best = passage
    return best


def _keys(p: PassageVerdict) -> list[str]:
    topic, actor, direction, stance = p.topic, p.actor, p.direction, p.stance
    return [
        f"{PREFIX}.{topic}.{actor}.{direction}.{stance}",
        f"{PREFIX}.{topic}.{actor}.{direction}",
        f"{PREFIX}.{topic}.{direction}.{stance}",
        f"{PREFIX}.{topic}.{direction}",
    ]


def template_key(p: PassageVerdict) -> str:
    """The catalog key of the template for ``p`` (the fallback when none fits)."""
    return next((k for k in _keys(p) if k in STRINGS), f"{PREFIX}.ai")


def platform_name(alert: Alert, t: Texts = ENGLISH) -> str:
    """The platform as alerts name it (curated name, else the source's), within reason."""
    return clip(alert.platform_name or alert.platform or t("alert.news"), NAME_CHARS)


def headline(alert: Alert, t: Texts = ENGLISH) -> str | None:
    """The headline as Discord Markdown (the platform and document names escaped), or None
    for news and for an alert without verdicts."""
    if alert.kind != "terms-change" or not alert.passages:
        return None
    platform = escape_markdown(platform_name(alert, t))
    p = lead(alert)
    if p is None:
        if alert.ai_relevant:
            return t(f"{PREFIX}.ai", platform=platform)
        document = (
            escape_markdown(clip(t.document(alert.document), DOCUMENT_CHARS))
            if alert.document
            else None
        )
        return t(f"{PREFIX}.other", platform=platform, document=document or t(f"{PREFIX}.document"))
    what = t(f"{PREFIX}.whose.{p.whose or 'content'}")
    return t(template_key(p), platform=platform, what=what)
