"""The HTTP fetcher: one session, polite limits, hard caps, and short human error reasons.

Everything a hostile or broken server can do becomes a ``FetchError`` with a reason a moderator
can read in ``/feeds status`` ("connecting to news.example:443 timed out after 5s", "body over
5 MB", "refused private address 10.0.0.5", "too many redirects", "HTTP 503"):

- DNS (its own threads and limit, ``bot.watch.dns``), connect and total timeouts; the total
  covers the whole fetch, redirects included, and a timeout says which phase ran out of time
  and after how long (``bot.watch.phases``);
- the body cap is enforced while streaming, on the bytes received AND on the decompressed
  bytes (we decompress ourselves, with a length limit, so a gzip bomb stops at the cap);
- redirects are followed by hand (at most 5), each hop re-checked by the SSRF guard;
- conditional GET: the stored ETag / Last-Modified are sent when present, never empty;
- a global and a per-host semaphore keep us a polite, bounded client.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

import aiohttp
from yarl import URL

from bot import PROJECT_URL, __version__
from bot.config import Settings
from bot.watch import guard, phases
from bot.watch.dns import DnsTimeout, PooledResolver
from bot.watch.errors import WatchError

log = logging.getLogger(__name__)

USER_AGENT = f"FinePrint/{__version__} (+{PROJECT_URL})"
ACCEPT = (
    "application/atom+xml, application/rss+xml, application/xml;q=0.9, text/html;q=0.9, "
    "text/markdown;q=0.9, text/plain;q=0.8, */*;q=0.5"
)
REDIRECTS = (301, 302, 303, 307, 308)
MB = 1024 * 1024
CHUNK = 64 * 1024


@dataclass(frozen=True, slots=True)
class FetchResult:
    status: int
    url: str  # after redirects
    headers: Mapping[str, str]  # lower-case names
    body: bytes
    not_modified: bool = False

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag") or None

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("last-modified") or None

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";", 1)[0].strip().lower()

    @property
    def charset(self) -> str | None:
        for part in self.headers.get("content-type", "").split(";")[1:]:
            name, _, value = part.partition("=")
            if name.strip().lower() == "charset" and value.strip():
                return value.strip().strip('"')
        return None


class FetchError(WatchError):
    """A fetch that did not produce a usable response; ``reason`` is short and human."""

    def __init__(
        self, reason: str, *, status: int | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class FetchLimits:
    total_timeout: float = 15.0
    connect_timeout: float = 5.0
    dns_timeout: float = 5.0
    max_bytes: int = 5 * MB
    max_redirects: int = 5
    global_concurrency: int = 32
    per_host_concurrency: int = 4


def _size(n: int) -> str:
    if n % MB == 0:
        return f"{n // MB} MB"
    return f"{n // 1024} KB" if n % 1024 == 0 else f"{n} bytes"


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        from datetime import UTC, datetime

        return max(0.0, (when - datetime.now(UTC)).total_seconds())


class _Decoder:
    """Content-Encoding undone incrementally, never producing more than ``limit`` bytes."""

    def __init__(self, encoding: str, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self.parts: list[bytes] = []
        encoding = encoding.strip().lower()
        if encoding in ("", "identity"):
            self._obj = None
        elif encoding in ("gzip", "x-gzip"):
            self._obj = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._obj = zlib.decompressobj()
        else:
            raise FetchError(f"unsupported content encoding {encoding!r}")
        self.encoding = encoding

    def feed(self, chunk: bytes) -> None:
        if self._obj is None:
            self._add(chunk)
            return
        data = chunk
        while data:
            try:
                out = self._obj.decompress(data, self.limit - self.size + 1)
            except zlib.error as exc:
                if self.encoding == "deflate" and self.size == 0 and not self.parts:
                    # Some servers send raw deflate without the zlib header.
                    self._obj = zlib.decompressobj(-zlib.MAX_WBITS)
                    self.encoding = "raw-deflate"
                    continue
                raise FetchError(f"corrupt {self.encoding} body") from exc
            self._add(out)
            data = self._obj.unconsumed_tail
            if self._obj.eof and self._obj.unused_data and self.encoding in ("gzip", "x-gzip"):
                # Concatenated gzip members.
                data = self._obj.unused_data
                self._obj = zlib.decompressobj(16 + zlib.MAX_WBITS)

    def _add(self, out: bytes) -> None:
        self.size += len(out)
        if self.size > self.limit:
            raise FetchError(f"body over {_size(self.limit)} (decompressed)")
        self.parts.append(out)

    def finish(self) -> bytes:
        if self._obj is not None:
            self._add(self._obj.flush())
        return b"".join(self.parts)


class Fetcher:
    """One aiohttp session for the whole watcher (created lazily, on the running loop)."""

    def __init__(
        self,
        *,
        allow_private: bool = False,
        limits: FetchLimits | None = None,
        user_agent: str = USER_AGENT,
        exempt_addresses: frozenset[str] = frozenset(),
    ) -> None:
        self.allow_private = allow_private
        self.exempt = exempt_addresses
        self.limits = limits or FetchLimits()
        self.user_agent = user_agent
        self.requests = 0  # HTTP requests made (redirect hops included)
        self._session: aiohttp.ClientSession | None = None
        self._resolver: guard.GuardedResolver | None = None
        self._global: asyncio.Semaphore | None = None
        self._hosts: dict[str, asyncio.Semaphore] = {}

    @classmethod
    def from_settings(cls, settings: Settings, *, limits: FetchLimits | None = None) -> Fetcher:
        return cls(allow_private=settings.allow_private_networks, limits=limits)

    def _ensure(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            # DNS on threads of its own (bot.watch.dns); aiohttp leaves closing it to us.
            self._resolver = guard.GuardedResolver(
                allow_private=self.allow_private,
                exempt=self.exempt,
                inner=PooledResolver(timeout=self.limits.dns_timeout),
            )
            connector = aiohttp.TCPConnector(
                resolver=self._resolver,
                limit=self.limits.global_concurrency,
                limit_per_host=self.limits.per_host_concurrency,
                ttl_dns_cache=300,
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                # DNS has its own limit (the resolver's): "connect" is the socket's alone.
                timeout=aiohttp.ClientTimeout(
                    total=None, connect=None, sock_connect=self.limits.connect_timeout
                ),
                trace_configs=[phases.trace_config()],
                headers={"User-Agent": self.user_agent},
                auto_decompress=False,
                trust_env=False,
                cookie_jar=aiohttp.DummyCookieJar(),
            )
            self._global = asyncio.Semaphore(self.limits.global_concurrency)
        return self._session

    def _host_gate(self, url: str) -> asyncio.Semaphore:
        host = (urlsplit(url).hostname or "").lower()
        gate = self._hosts.get(host)
        if gate is None:
            gate = self._hosts[host] = asyncio.Semaphore(self.limits.per_host_concurrency)
        return gate

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
        if self._resolver is not None:
            await self._resolver.close()
            self._resolver = None

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str = ACCEPT,
    ) -> FetchResult:
        """GET ``url`` (conditionally when validators are given); raises ``FetchError``."""
        session = self._ensure()
        assert self._global is not None
        async with self._global, self._host_gate(url):
            progress = phases.Progress()
            try:
                async with asyncio.timeout(self.limits.total_timeout):
                    return await self._follow(session, url, etag, last_modified, accept, progress)
            except FetchError:
                raise
            except aiohttp.ConnectionTimeoutError as exc:  # the socket connect's limit
                raise FetchError(
                    progress.timeout_reason(self.limits.connect_timeout, connect_limit=True)
                ) from exc
            except TimeoutError as exc:  # the whole fetch's limit
                raise FetchError(progress.timeout_reason(self.limits.total_timeout)) from exc
            except aiohttp.ClientConnectorError as exc:
                refused = _dns_timeout(exc) or guard.describe(exc)
                if refused:
                    raise FetchError(refused) from exc
                raise FetchError(f"cannot connect to {exc.host} ({_os_reason(exc)})") from exc
            except guard.AddressRefused as exc:
                raise FetchError(exc.reason) from exc
            except aiohttp.ClientPayloadError as exc:
                raise FetchError("connection closed mid-body") from exc
            except aiohttp.ClientResponseError as exc:
                raise FetchError(f"bad HTTP response ({exc.message})") from exc
            except aiohttp.InvalidURL as exc:
                raise FetchError(f"invalid URL {str(exc.url)[:200]!r}") from exc
            except (aiohttp.ClientError, OSError) as exc:
                described = guard.describe(exc)
                raise FetchError(described or f"network error ({type(exc).__name__})") from exc

    async def _follow(
        self,
        session: aiohttp.ClientSession,
        url: str,
        etag: str | None,
        last_modified: str | None,
        accept: str,
        progress: phases.Progress,
    ) -> FetchResult:
        headers = {"Accept": accept, "Accept-Encoding": "gzip, deflate"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        current = url
        for _hop in range(self.limits.max_redirects + 1):
            guard.check_url(current, allow_private=self.allow_private, exempt=self.exempt)
            self.requests += 1
            target = URL(current)
            progress.host, progress.port = target.host or "", target.port
            progress.enter(phases.CONNECT)
            async with session.get(
                current, headers=headers, allow_redirects=False, trace_request_ctx=progress
            ) as resp:
                progress.enter(phases.READ)
                if resp.status in REDIRECTS:
                    location = resp.headers.get("Location")
                    if not location:
                        raise FetchError(
                            f"HTTP {resp.status} without a Location", status=resp.status
                        )
                    current = str(resp.url.join(URL(location)))
                    continue
                response_headers = {k.lower(): v for k, v in resp.headers.items()}
                if resp.status == 304:
                    return FetchResult(304, str(resp.url), response_headers, b"", True)
                if resp.status >= 400:
                    raise FetchError(
                        f"HTTP {resp.status}",
                        status=resp.status,
                        retry_after=_retry_after(resp.headers.get("Retry-After")),
                    )
                if resp.status != 200:
                    raise FetchError(f"unexpected HTTP {resp.status}", status=resp.status)
                body = await self._read(resp, progress)
                return FetchResult(resp.status, str(resp.url), response_headers, body)
        raise FetchError("too many redirects")

    async def _read(self, resp: aiohttp.ClientResponse, progress: phases.Progress) -> bytes:
        cap = self.limits.max_bytes
        declared = resp.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > cap:
            raise FetchError(f"body over {_size(cap)}")
        decoder = _Decoder(resp.headers.get("Content-Encoding", ""), cap)
        received = 0
        async for chunk in resp.content.iter_chunked(CHUNK):
            received += len(chunk)
            progress.received = received
            if received > cap:
                raise FetchError(f"body over {_size(cap)}")
            decoder.feed(chunk)
        return decoder.finish()


def _dns_timeout(exc: BaseException) -> str | None:
    """The reason of a ``DnsTimeout`` that aiohttp wrapped (in ``ClientConnectorDNSError``)."""
    current: BaseException | None = exc
    for _ in range(8):
        if current is None:
            return None
        if isinstance(current, DnsTimeout):
            return current.reason
        inner = getattr(current, "os_error", None)
        if isinstance(inner, DnsTimeout):
            return inner.reason
        current = current.__cause__ or current.__context__
    return None


def _os_reason(exc: aiohttp.ClientConnectorError) -> str:
    err = exc.os_error
    if isinstance(err, ConnectionRefusedError):
        return "connection refused"
    if isinstance(err, socket.gaierror):
        return "name not found"
    return (err.strerror or type(err).__name__).lower() if err else "connection failed"
