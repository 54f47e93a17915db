"""Shared fixtures for the watcher and delivery tests: a real database, real HTTP on 127.0.0.1.

Every test here that uses ``settings`` or ``db`` runs twice: on a SQLite file and on a fresh
PostgreSQL database (``db_target`` in tests/conftest.py; those runs are marked ``postgres``).

``web`` is a real aiohttp server whose routes the test changes between polls; it honours
conditional GET (ETag / Last-Modified → 304) and counts requests. ``FakeDiscord`` is a real
in-process ``Sender``: it keeps the messages it "posted" and, like Discord's ``enforce_nonce``,
answers a repeated nonce with the message it already created.
"""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiohttp import web

from bot.alerts.delivery import DeliveryPermanent, DeliveryRetry
from bot.config import DEFAULT_DATA_DIR, Settings
from bot.knowledge.loader import load_knowledge
from bot.knowledge.model import KnowledgeBase
from bot.knowledge.platforms import PlatformDetector
from bot.present.alerts import carries_marker
from bot.present.reply import Reply
from bot.store.db import Database
from bot.watch.fetch import Fetcher, FetchLimits
from bot.watch.scheduler import WatchPolicy
from bot.watch.service import Watcher
from bot.watch.sources import SourceSpec

REPO = Path(__file__).resolve().parents[2]


@dataclass
class Route:
    body: bytes = b""
    content_type: str = "text/plain"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    delay: float = 0.0
    handler: Callable[[web.Request], Awaitable[web.StreamResponse]] | None = None


class FakeWeb:
    """A loopback web server whose pages and feeds the test rewrites between polls."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: Counter[str] = Counter()
        self.not_modified: Counter[str] = Counter()
        self.requests: dict[str, list[dict[str, str]]] = defaultdict(list)
        self.port = 0
        self._runner: web.AppRunner | None = None

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def set(self, path: str, body: bytes | str = b"", **kwargs: object) -> Route:
        raw = body.encode() if isinstance(body, str) else body
        route = Route(body=raw, **kwargs)  # type: ignore[arg-type]
        self.routes[path] = route
        return route

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        path = request.path_qs if request.path_qs in self.routes else request.path
        self.hits[path] += 1
        self.requests[path].append(dict(request.headers))
        route = self.routes.get(path)
        if route is None:
            return web.Response(status=404, text="not found")
        if route.delay:
            await asyncio.sleep(route.delay)
        if route.handler is not None:
            return await route.handler(request)
        headers = dict(route.headers)
        if route.etag:
            headers["ETag"] = route.etag
        if route.last_modified:
            headers["Last-Modified"] = route.last_modified
        if route.status == 200 and (
            (route.etag and request.headers.get("If-None-Match") == route.etag)
            or (
                route.last_modified
                and request.headers.get("If-Modified-Since") == route.last_modified
            )
        ):
            self.not_modified[path] += 1
            return web.Response(status=304, headers=headers)
        headers["Content-Type"] = route.content_type
        return web.Response(status=route.status, body=route.body, headers=headers)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.2)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


@pytest.fixture
async def web_server():
    server = FakeWeb()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_knowledge(DEFAULT_DATA_DIR)


@pytest.fixture
def settings(tmp_path: Path, db_target: str | Path) -> Settings:
    if isinstance(db_target, Path):
        return Settings(db_path=db_target, allow_private_networks=True)
    return Settings(db_url=db_target, allow_private_networks=True)


@pytest.fixture
async def db(settings: Settings):
    database = await Database(settings.database).connect()
    try:
        yield database
    finally:
        await database.close()


TEST_LIMITS = FetchLimits(total_timeout=1.5, connect_timeout=1.0, max_bytes=256 * 1024)
TEST_POLICY = WatchPolicy(pause_after=3, backoff_base=0.01, backoff_cap=0.05, jitter=0.0, tick=0.05)


@pytest.fixture
async def fetcher():
    f = Fetcher(allow_private=True, limits=TEST_LIMITS)
    try:
        yield f
    finally:
        await f.close()


@pytest.fixture
async def make_watcher(kb: KnowledgeBase, settings: Settings, fetcher: Fetcher):
    """Build a Watcher over the given sources (and database; a "restart" passes a new one).

    Watchers are closed at the end of the test (their page-parser processes stop).
    """
    built: list[Watcher] = []

    def build(
        db: Database, sources: list[SourceSpec], *, policy: WatchPolicy = TEST_POLICY, **kw
    ) -> Watcher:
        watcher = Watcher(
            db,
            kb,
            PlatformDetector(kb.platforms),
            settings,
            sources,
            fetcher=fetcher,
            policy=policy,
            **kw,
        )
        built.append(watcher)
        return watcher

    yield build
    for watcher in built:
        await watcher.close()


@dataclass
class Posted:
    channel_id: int
    reply: Reply
    nonce: str
    message_id: int


class FakeDiscord:
    """A real Sender that records messages; a repeated nonce returns the existing message."""

    def __init__(self) -> None:
        self.posted: list[Posted] = []
        self.by_nonce: dict[str, int] = {}
        self.calls = 0
        self.nonces: list[str] = []  # every nonce sent, in order (retries included)
        self.guild_notices: list[tuple[int, Reply]] = []
        self.failures: dict[int, list[Exception]] = defaultdict(list)  # channel -> to raise
        self.refused: dict[int, str] = {}  # channel -> permanent reason
        self.history_reads = 0
        self._ids = itertools.count(1000)

    def fail_next(self, channel_id: int, *errors: Exception) -> None:
        self.failures[channel_id].extend(errors)

    async def send(self, channel_id: int, reply: Reply, *, nonce: str) -> int:
        self.calls += 1
        self.nonces.append(nonce)
        assert len(nonce) <= 25
        if channel_id in self.refused:
            raise DeliveryPermanent(self.refused[channel_id])
        if self.failures[channel_id]:
            raise self.failures[channel_id].pop(0)
        if nonce in self.by_nonce:
            return self.by_nonce[nonce]
        message_id = next(self._ids)
        self.by_nonce[nonce] = message_id
        self.posted.append(Posted(channel_id, reply, nonce, message_id))
        return message_id

    async def notify_guild(self, guild_id: int, reply: Reply) -> None:
        self.guild_notices.append((guild_id, reply))

    async def find_posted(self, channel_id: int, marker: str) -> int | None:
        self.history_reads += 1
        for p in reversed(self.in_channel(channel_id)):
            if p.reply.cards and carries_marker(p.reply.cards[-1].footer, marker):
                return p.message_id
        return None

    def forget_nonces(self) -> None:
        """Discord's nonce window has passed: a repeated nonce now makes a new message."""
        self.by_nonce.clear()

    def in_channel(self, channel_id: int) -> list[Posted]:
        return [p for p in self.posted if p.channel_id == channel_id]


@pytest.fixture
def discord() -> FakeDiscord:
    return FakeDiscord()


__all__ = ["REPO", "TEST_LIMITS", "TEST_POLICY", "DeliveryRetry", "FakeDiscord", "FakeWeb"]


def rss(*items: tuple[str, str, str], title: str = "Test feed") -> str:
    """An RSS 2.0 document; items are (guid, title, description)."""
    body = "".join(
        f"<item><guid>{guid}</guid><title>{t}</title><link>https://news.example/{guid}</link>"
        f"<description>{d}</description></item>"
        for guid, t, d in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>https://news.example/</link>{body}</channel></rss>"
    )
