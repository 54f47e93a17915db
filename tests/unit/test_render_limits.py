"""Whatever the input, replies fit Discord's limits and cannot ping anyone."""

from datetime import date

from bot import limits, present
from bot.knowledge.model import FaqEntry
from bot.present.markdown import escape_markdown, neutralize_mentions
from bot.present.reply import Card, Field, Reply


def assert_within_limits(reply: Reply) -> None:
    if reply.content:
        assert len(reply.content) <= limits.MESSAGE_CONTENT
    assert len(reply.cards) <= limits.EMBEDS_PER_MESSAGE
    for card in reply.cards:
        assert len(card.title) <= limits.EMBED_TITLE
        assert len(card.description) <= limits.EMBED_DESCRIPTION
        assert len(card.fields) <= limits.EMBED_FIELDS
        for f in card.fields:
            assert 0 < len(f.name) <= limits.EMBED_FIELD_NAME
            assert 0 < len(f.value) <= limits.EMBED_FIELD_VALUE
        assert card.total_length() <= limits.EMBED_TOTAL
    for b in reply.buttons:
        assert len(b.label) <= limits.BUTTON_LABEL
        assert b.custom_id is None or len(b.custom_id) <= limits.CUSTOM_ID


def test_huge_card_is_clipped_with_a_link_to_the_rest() -> None:
    card = Card(
        title="t" * 500,
        description="word " * 3000,
        url="https://example.org/full",
        fields=[Field("n" * 300, "v" * 2000) for _ in range(40)],
        footer="f" * 3000,
    )
    reply = Reply([card] * 12, content="c" * 5000).fit()
    assert_within_limits(reply)
    assert reply.cards[0].description.endswith("(https://example.org/full)")
    assert reply.cards[0].title.endswith("…")


def test_mentions_are_neutralised() -> None:
    text = neutralize_mentions("hey @everyone and @here, <@123> <@&456> <#789>")
    assert "@everyone" not in text and "@here" not in text
    assert "<@123>" not in text and "<@&456>" not in text and "<#789>" not in text


def test_markdown_is_escaped_for_untrusted_text() -> None:
    assert escape_markdown("[click](http://evil)") == r"\[click\]\(http://evil\)"
    assert "@\u200beveryone" in escape_markdown("**@everyone**")


async def test_every_shipped_answer_fits(app) -> None:
    kb = app.kb
    replies = []
    for pid in kb.platforms:
        replies.append(present.render(await app.terms(pid)))
        replies.append(present.render(await app.optouts(pid)))
        replies.append(present.render(await app.history(pid)))
    for cid in kb.clauses:
        replies.append(present.render(await app.item("clause", cid)))
    for fid in kb.faq:
        replies.append(present.render(await app.item("faq", fid)))
    replies.append(present.help_card())
    replies.append(present.render(await app.about()))
    for reply in replies:
        assert_within_limits(reply.fit())


async def test_guild_text_cannot_ping(app) -> None:
    from bot.present.answers import faq_card
    from bot.results import FaqView

    entry = FaqEntry(
        id="guild-1",
        question="@everyone read this",
        answer="ping <@&123> and @here",
        topics=("ai-training",),
        guild_id=1,
        verified=date(2026, 1, 1),
    )
    card = faq_card(FaqView(entry, (), None))
    assert "@everyone" not in card.title and "<@&123>" not in card.description
