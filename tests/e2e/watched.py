"""What the alert tests watch: loopback pages and feeds, the sources file that points the bot at
them, and read-outs of the bot's outbox (in-process through ``app.db``, or straight from the
SQLite file of a ``python -m bot`` child).

The pages are served by the ``web`` fixture (``tests.integration``'s ``FakeWeb``: rewrite a
route between polls with ``web.set(path, body, content_type=...)``).
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
from pathlib import Path
from typing import Any

from tests.integration.conftest import FakeWeb, rss

from .emulator import DiscordEmulator, Message
from .harness import eventually

__all__ = ["rss"]

TERMS = "/soundcloud/terms-of-use"
PRIVACY = "/soundcloud/privacy"
FEED = "/news/feed.xml"
LICENSE = (
    "By uploading your Content you grant us a worldwide, royalty-free licence to host and "
    "distribute it."
)
AI_PASSAGE = "We may use your content to train artificial intelligence models."
AI_PASSAGE_2 = "We may share your content with partners to train machine learning models."
MESSAGES = r"/channels/\d+/messages"


def page(*paragraphs: str) -> str:
    """A terms page: navigation and footer around ``<main>`` (what the sources select)."""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        "<html><body><nav>Home | Help</nav><main><h1>Terms of Use</h1>"
        f"{body}</main><footer>© SoundCloud</footer></body></html>"
    )


def serve_page(web: FakeWeb, path: str, *paragraphs: str) -> None:
    web.set(path, page(*paragraphs), content_type="text/html")


def terms_source(web: FakeWeb, path: str = TERMS, **extra: Any) -> dict[str, Any]:
    """A ``page`` source for SoundCloud's Terms of Use, served by ``web``."""
    return {
        "id": "soundcloud-terms",
        "kind": "page",
        "platform": "soundcloud",
        "document": "Terms of Use",
        "url": web.url(path),
        "select": "main",
        "interval": "6h",
        **extra,
    }


def _toml_value(value: Any) -> str:
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def watching(tmp_path: Path, *sources: dict[str, Any]) -> dict[str, str]:
    """Write ``sources`` (DESIGN.md's format) to a sources file under ``tmp_path``; return the
    settings that make Fine Print watch them on loopback (``start_fineprint(env=...)``, or a
    ``python -m bot`` child's environment)."""
    path = tmp_path / "watched-sources.toml"
    tables = [
        "[[source]]\n" + "".join(f"{k} = {_toml_value(v)}\n" for k, v in source.items())
        for source in sources
    ]
    path.write_text("\n".join(tables), encoding="utf-8")
    return {"FINEPRINT_SOURCES": str(path), "FINEPRINT_ALLOW_PRIVATE_NETWORKS": "1"}


# --------------------------------------------------------------------------- the outbox


class Outbox:
    """The bot's database as the tests read it: an in-process ``App`` database or a file."""

    def __init__(self, source: Any) -> None:
        self.source = source  # bot.store.db.Database, or the path of a child's database

    async def query(self, sql: str, params: tuple = ()) -> list[dict[str, Any]]:
        if isinstance(self.source, str | Path):
            return _read_file(Path(self.source), sql, params)
        return [dict(r) for r in await self.source.fetchall(sql, params)]

    async def rows(self) -> list[dict[str, Any]]:
        return await self.query("SELECT * FROM outbox ORDER BY id")

    async def wait_baseline(self, *source_ids: str, timeout: float = 5.0) -> None:
        """Until each source's first poll (which records a baseline and posts nothing) is in."""

        async def done() -> bool:
            rows = await self.query(
                "SELECT source_id FROM source_state WHERE baseline_at IS NOT NULL"
            )
            return set(source_ids) <= {r["source_id"] for r in rows}

        await eventually(done, f"the baseline poll of {source_ids}", timeout=timeout)

    async def wait_rows(self, predicate: Any, what: str, timeout: float = 8.0) -> list[dict]:
        async def probe() -> list[dict[str, Any]] | None:
            rows = await self.rows()
            return rows if rows and predicate(rows) else None

        return await eventually(probe, what, timeout=timeout)

    async def wait_delivered(self, timeout: float = 8.0) -> list[dict[str, Any]]:
        """Until no outbox row is pending (each one sent, or failed for good)."""
        return await self.wait_rows(
            lambda rows: all(r["status"] != "pending" for r in rows),
            "every outbox row to be delivered",
            timeout,
        )


def _read_file(path: Path, sql: str, params: tuple) -> list[dict[str, Any]]:
    """A quick read of a child's database (WAL: it may be writing meanwhile)."""
    if not path.exists():
        return []
    with contextlib.closing(sqlite3.connect(path, timeout=5)) as conn:
        conn.row_factory = sqlite3.Row
        try:
            return [dict(r) for r in conn.execute(sql, params).fetchall()]
        except sqlite3.OperationalError as exc:
            if "no such table" in str(exc):  # not migrated yet
                return []
            raise


def shown(text: str | Message) -> str:
    """Text as Discord renders it: a backslash before punctuation (Markdown escaping of untrusted
    text) is not displayed."""
    raw = text.text() if isinstance(text, Message) else text
    return re.sub(r"\\([^\w\s])", r"\1", raw)


def field(message: Message, name: str) -> str:
    [embed] = message.embeds
    return next(f["value"] for f in embed.get("fields") or [] if f["name"] == name)


def assert_terms_alert(message: Message, web: FakeWeb, passage: str = AI_PASSAGE) -> None:
    """``message`` is the alert for ``passage`` (an AI-training permission) added to the Terms
    of Use page: the headline says it in plain words, the sentence is the diff block's only
    line, and the links lead to the live page."""
    [embed] = message.embeds
    assert embed["title"] == "SoundCloud now allows AI training on your content"
    assert embed["description"] == f"**SoundCloud · Terms of Use**\n```diff\n+ {passage}\n```"
    assert field(message, "Links") == f"[Live page]({web.url(TERMS)})"
    assert embed["url"] == web.url(TERMS)
    assert "matched: train" in embed["footer"]["text"]


def sends_to(emulator: DiscordEmulator, channel: Any) -> list[int]:
    """Status of every message create the bot attempted in ``channel``."""
    return [q.status for q in emulator.requests_to("POST", rf"/channels/{channel.id}/messages")]
