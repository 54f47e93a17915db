"""The readable alert layout on real recorded changes, built through the real watcher path.

Two real steps from Open Terms Archive histories (../shared/corpus) are served on loopback and
polled by the real ``Watcher``; the alert is then delivered through the outbox (rendered at send
time from what was stored) and read the way a moderator would read it:

- Reddit's User Agreement of August 2024 (a ``page`` source): the AI-training sentence is the
  headline and the first line of the diff block, ahead of "We've updated our User Agreement",
  and the curated licence clause whose paragraph gained it appears in "What Fine Print said",
  flagged for review without the answers' "quote not found" note.
- X's Developer Terms of June 2025 (an ``ota`` source): the ban on training foundation models
  was inserted into a long sentence, shown as a before/after pair with the words marked, and the
  archived version is linked since Fine Print knows no live address for that document.

Skipped when the corpus is absent (``FINEPRINT_CORPUS``, else ``../shared/corpus``).
"""

from __future__ import annotations

import re

import pytest

from bot import limits
from bot.alerts.delivery import Deliverer
from bot.store import alerts as alert_store
from bot.store import reviews, subscriptions
from bot.watch.sources import SourceSpec
from tests.integration.conftest import FakeDiscord
from tests.integration.test_replay_corpus import corpus_dir

REDDIT = ("Reddit", "Terms of Service", "010_2024-02-15.md", "011_2024-08-17.md")
X_DEV = ("X", "Developer Terms", "007_2025-04-17.md", "008_2025-06-04.md")
REDDIT_AI = (
    "For example, this license includes the right to use Your Content to train AI and machine "
    "learning models, as further described in our Public Content Policy."
)
LICENSE_CLAUSE = "Worldwide, perpetual, irrevocable, sublicensable licence on your content"


def version(step: tuple[str, str, str, str], which: int) -> str:
    root = corpus_dir()
    path = root / "ota" / step[0] / step[1] / step[2 + which]
    if not path.is_file():
        pytest.skip(f"corpus not found at {root} (set FINEPRINT_CORPUS)")
    return path.read_text(encoding="utf-8")


def block_of(description: str) -> list[str]:
    start = description.index("```diff\n") + len("```diff\n")
    return description[start : description.index("\n```", start)].split("\n")


def within_limits(card) -> bool:
    return (
        len(card.title) <= limits.EMBED_TITLE
        and len(card.description) <= limits.EMBED_DESCRIPTION
        and all(len(f.value) <= limits.EMBED_FIELD_VALUE for f in card.fields)
        and card.total_length() <= limits.EMBED_TOTAL
    )


async def test_reddits_ai_training_sentence_leads_its_alert(web_server, db, make_watcher):
    web_server.set("/reddit.md", version(REDDIT, 0), content_type="text/markdown")
    spec = SourceSpec(
        id="reddit-terms",
        kind="page",
        url=web_server.url("/reddit.md"),
        platform="reddit",
        document="User Agreement",
        interval=60,
    )
    watcher = make_watcher(db, [spec])
    await subscriptions.subscribe(db, 1, 11, ["reddit"], actor=9)
    assert await watcher.poll_once() == []  # baseline

    web_server.set("/reddit.md", version(REDDIT, 1), content_type="text/markdown")
    [alert] = await watcher.poll_once()
    discord = FakeDiscord()
    report = await Deliverer(db, discord, kb=watcher.kb).deliver_due()
    assert report.sent == 1
    [posted] = discord.posted
    [card] = posted.reply.cards

    assert card.title == "Reddit now allows AI training on your content"
    assert card.description.startswith("**Reddit · User Agreement**\n```diff\n")
    assert block_of(card.description) == [f"+ {REDDIT_AI}"]  # said twice on the page, shown once
    assert "We've updated our User Agreement" not in card.description
    others = alert.edits - sum(p.ai_relevant for p in alert.passages)
    assert others > 5 and card.description.endswith(f"…and {others} other edits.")
    said = next(f for f in card.fields if f.name == "What Fine Print said")
    assert said.value == (
        f"• **{LICENSE_CLAUSE}** — still quoted, but a sentence next to it changed — flagged "
        "for review"
    )
    links = next(f for f in card.fields if f.name == "Links")
    assert links.value == f"[Live page]({spec.url})" and card.url == spec.url
    assert within_limits(card)
    assert posted.reply.mention_role_id is None

    # What was stored is what renders: the layout's parts survive the database.
    stored = await alert_store.get_alert(db, alert.id)
    assert stored is not None
    assert (stored.links, stored.clauses) == (alert.links, alert.clauses)
    # Flagged for review as a "nearby" change: the quote is still there, so finding it again
    # on the next change does not clear the flag, and answers show no "quote not found" note.
    [pending] = [p for p in await reviews.pending(db) if p.clause_id == "reddit-ua-license-grant"]
    assert pending.reason == reviews.NEARBY
    web_server.set(
        "/reddit.md", version(REDDIT, 1) + "\n\nA new paragraph.\n", content_type="text/markdown"
    )
    [later] = await watcher.poll_once()
    assert not later.clauses
    assert "reddit-ua-license-grant" in {p.clause_id for p in await reviews.pending(db)}


async def test_x_developer_terms_ban_on_training_models_is_a_marked_edit(
    web_server, db, make_watcher
):
    def feed(*numbers: int) -> str:
        entries = "".join(
            f"<entry><id>tag:x:{n}</id><title>Record new changes {n}</title>"
            f"<updated>2025-0{n}-01T00:00:00Z</updated>"
            f'<link href="{web_server.url(f"/x/{n}.md")}"/></entry>'
            for n in reversed(numbers)
        )
        return (
            '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>X Developer Terms</title><id>tag:x</id>"
            f"<updated>2025-06-04T00:00:00Z</updated>{entries}</feed>"
        )

    web_server.set("/x/1.md", version(X_DEV, 0), content_type="text/markdown")
    web_server.set("/x/2.md", version(X_DEV, 1), content_type="text/markdown")
    web_server.set("/x.atom", feed(1), content_type="application/atom+xml")
    spec = SourceSpec(
        id="x-developer-terms",
        kind="ota",
        url=web_server.url("/x.atom"),
        platform="x",
        document="Developer Terms",
        interval=60,
    )
    watcher = make_watcher(db, [spec])
    assert await watcher.poll_once() == []  # baseline

    web_server.set("/x.atom", feed(1, 2), content_type="application/atom+xml")
    [alert] = await watcher.poll_once()
    stored = await alert_store.get_alert(db, alert.id)
    assert stored is not None
    from bot.present.alerts import render_alert

    reply = render_alert(stored)
    [card] = reply.cards
    # The curated name, Markdown-escaped like every name in a title.
    assert card.title == (
        "X \\(Twitter\\) reworded what it says about others training AI on your content"
    )
    before, after = block_of(card.description)[:2]
    assert before.startswith("- ") and after.startswith("+ ")
    # The inserted ban is marked as new words, in view although the sentence runs for pages.
    assert re.search(r"\{\+[^+]*fine-tune or train a foundation or frontier model[^+]*\+\}", after)
    assert "(k) use the X API" in after and "foundation" not in before
    assert "[-" not in after and "{+" not in before
    assert "…" in after and len(after) < 400  # the long sentence, around its change
    archived = web_server.url("/x/2.md")
    assert stored.links.archived == archived and stored.links.diff is None
    assert next(f for f in card.fields if f.name == "Links").value == (
        f"[Full text (archived)]({archived})"
    )
    assert "1 other edit" in card.description or "other edits." in card.description
    assert within_limits(card)
    print("\n" + reply.to_text())
