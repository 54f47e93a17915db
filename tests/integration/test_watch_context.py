"""The watcher reads a changed sentence with its section (issue 11, item 1: AI relevance that
generalises). An opt-out added for "the uses described in Section 4" says no AI word; Section 4
does. Served by a loopback web server and polled as a moderator's source would be."""

from __future__ import annotations

from bot.watch.sources import SourceSpec

RESEARCH = (
    "## 4. Product research\n\nWe use the songs you upload to train models that compose new music."
)
PAYMENTS = "## 5. Payments\n\nPayouts are sent on the fifteenth of each month."
CHOICE = (
    "## 6. Your choices\n\n"
    "You can exclude your uploads from the uses described in Section 4 in your settings."
)


def serve(web, *sections: str) -> None:
    body = "# Terms of Service\n\n" + "\n\n".join(sections) + "\n"
    web.set("/terms.md", body, content_type="text/markdown; charset=utf-8")


async def test_an_opt_out_for_the_ai_section_alerts_as_ai_relevant(web_server, db, make_watcher):
    spec = SourceSpec(
        id="terms",
        kind="page",
        url=web_server.url("/terms.md"),
        platform="bluesky",
        document="Terms of Service",
        interval=60,
    )
    serve(web_server, RESEARCH, PAYMENTS)
    watcher = make_watcher(db, [spec])
    assert await watcher.poll_once() == []  # baseline

    serve(web_server, RESEARCH, PAYMENTS, CHOICE)
    [added] = await watcher.poll_once()
    assert added.ai_relevant and added.passages[0].direction == "added"
    assert "Section 4" in added.passages[0].text

    serve(
        web_server,
        RESEARCH,
        "## 5. Payments\n\nPayouts are sent by bank transfer or PayPal once a month.",
        CHOICE,
    )
    [payments] = await watcher.poll_once()  # an edit elsewhere: the section context adds nothing
    assert not payments.ai_relevant
