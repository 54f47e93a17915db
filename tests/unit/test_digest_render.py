"""The weekly digest as a moderator reads it, and the week it covers: AI-relevant alerts first,
each with platform, document and link, everything within Discord's limits ("and N more" when
a week had more than fits), and untrusted titles and links unable to break out or ping."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

from bot import limits
from bot.alerts.digest import next_week_start, week_start
from bot.alerts.model import Alert, AlertLinks, Digest, PassageVerdict
from bot.present.alerts import render_digest

MONDAY = datetime(2025, 3, 3, tzinfo=UTC)


def alert(
    n: int,
    *,
    ai: bool = True,
    platform: str | None = "soundcloud",
    name: str | None = "SoundCloud",
    document: str | None = "Terms of Use",
    title: str = "",
    url: str = "https://soundcloud.com/terms-of-use",
    day: int = 1,
) -> Alert:
    return Alert(
        id=f"a{n:04d}",
        source="sc-terms",
        platform=platform,
        kind="terms-change" if document else "news",
        title=title or f"Change number {n}",
        url=url,
        relevance=0.9 if ai else 0.1,
        ai_relevant=ai,
        added=("x",),
        removed=(),
        detected_at=(MONDAY + timedelta(days=day, hours=n % 24)).isoformat(),
        document=document,
        platform_name=name,
    )


def lines(description: str) -> list[str]:
    return [line for line in description.splitlines() if line.startswith("•")]


def test_the_week_runs_from_monday_midnight_utc() -> None:
    assert week_start(datetime(2025, 3, 9, 23, 59, 59, tzinfo=UTC)) == MONDAY  # Sunday night
    assert week_start(MONDAY) == MONDAY
    assert week_start(MONDAY - timedelta(microseconds=1)) == MONDAY - timedelta(days=7)
    # Monday 01:00 in Paris is still Sunday in UTC: the week is the UTC one.
    paris = timezone(timedelta(hours=1))
    assert week_start(datetime(2025, 3, 10, 0, 30, tzinfo=paris)) == MONDAY
    assert next_week_start(datetime(2025, 3, 5, 12, tzinfo=UTC)) == MONDAY + timedelta(days=7)


def test_digest_lists_ai_relevant_alerts_first_with_platform_document_and_link() -> None:
    digest = Digest(
        "d1",
        MONDAY,
        (
            alert(1, ai=False, title="Community guidelines reworded", day=0),
            alert(
                2,
                title="YouTube changed its Terms of Service",
                platform="youtube",
                name="YouTube",
                document="Terms of Service",
                url="https://www.youtube.com/t/terms",
                day=2,
            ),
            alert(3, platform=None, name=None, document=None, title="Labels sue over AI", day=4),
        ),
    )
    reply = render_digest(digest)
    [card] = reply.cards
    assert card.title == "Weekly digest · 3 March 2025 – 9 March 2025"
    text = card.description
    assert text.startswith("3 alerts from Fine Print this week.")
    assert text.index("**AI-relevant (2)**") < text.index("**Other changes and news (1)**")
    assert lines(text) == [
        "• **YouTube** · Terms of Service — "
        "[YouTube changed its Terms of Service](https://www.youtube.com/t/terms) · 5 March 2025",
        "• **News** — [Labels sue over AI](https://soundcloud.com/terms-of-use) · 7 March 2025",
        "• **SoundCloud** · Terms of Use — "
        "[Community guidelines reworded](https://soundcloud.com/terms-of-use) · 3 March 2025",
    ]
    assert "more" not in text
    assert reply.content is None and reply.mention_role_id is None


def test_a_digest_with_only_other_changes_is_muted_and_a_role_is_the_only_mention() -> None:
    reply = render_digest(Digest("d2", MONDAY, (alert(1, ai=False),)), mention_role_id=77)
    [card] = reply.cards
    assert card.description.startswith("1 alert from Fine Print this week.")
    assert "AI-relevant" not in card.description
    assert reply.content == "<@&77>" and reply.mention_role_id == 77


def test_a_huge_week_fits_discords_limits_and_says_how_many_more() -> None:
    many = tuple(
        alert(n, ai=n % 3 != 0, title="A very long headline about terms " * 8, day=n % 7)
        for n in range(300)
    )
    reply = render_digest(Digest("d3", MONDAY, many))
    [card] = reply.cards
    assert len(card.description) <= limits.EMBED_DESCRIPTION
    assert card.total_length() <= limits.EMBED_TOTAL
    assert len(card.title) <= limits.EMBED_TITLE
    shown = lines(card.description)
    more = re.search(r"…and (\d+) more alerts this week\.$", card.description)
    assert more is not None and len(shown) + int(more.group(1)) == 300
    assert len(shown) >= 10
    # AI-relevant ones take the room first: every line shown is one of the 200 AI alerts.
    assert "**Other changes and news" not in card.description


def test_untrusted_titles_and_links_cannot_break_the_line_or_ping() -> None:
    hostile = alert(
        1,
        title="@everyone [click](https://evil.example) **now**",
        url="https://example.org/terms_(2025)?a=<b>",
    )
    no_link = alert(2, title="Plain", url="javascript:alert(1)")
    spaced = alert(3, title="Spaced", url="https://example.org/a b")
    [card] = render_digest(Digest("d4", MONDAY, (hostile, no_link, spaced))).cards
    first, second, third = lines(card.description)
    assert "@\u200beveryone" in first and "@everyone" not in first
    assert "\\[click\\]\\(https://evil.example\\) \\*\\*now\\*\\*" in first
    assert "(https://example.org/terms_%282025%29?a=%3Cb%3E)" in first
    assert second == "• **SoundCloud** · Terms of Use — Plain · 4 March 2025"
    assert third == "• **SoundCloud** · Terms of Use — Spaced · 4 March 2025"


def test_a_digest_built_late_spans_from_the_week_of_its_oldest_alert() -> None:
    older = MONDAY - timedelta(days=14)
    digest = Digest("d5", MONDAY, (alert(1),), since=older)
    [card] = render_digest(digest).cards
    assert card.title == "Weekly digest · 17 February 2025 – 9 March 2025"


def test_a_change_with_verdicts_is_listed_by_its_headline_linking_to_the_diff() -> None:
    diff = "https://github.com/OpenTermsArchive/pga-versions/commit/abc1234#diff-1"
    reddit = replace(
        alert(1, platform="reddit", name="Reddit", document="User Agreement"),
        title="Reddit changed its User Agreement: AI-relevant wording",
        passages=(
            PassageVerdict(
                "added",
                "This license includes the right to use Your Content to train AI models.",
                True,
                0.92,
                topic="ai-training",
                actor="platform",
                stance="permits",
                whose="content",
            ),
        ),
        edits=12,
        links=AlertLinks(diff=diff, page="https://www.redditinc.com/policies/user-agreement"),
    )
    [card] = render_digest(Digest("d6", MONDAY, (reddit, alert(2, title="Kept as it was")))).cards
    assert lines(card.description) == [
        f"• **Reddit** · User Agreement — [Reddit now allows AI training on your content]({diff})"
        " · 4 March 2025",
        "• **SoundCloud** · Terms of Use — "
        "[Kept as it was](https://soundcloud.com/terms-of-use) · 4 March 2025",
    ]
