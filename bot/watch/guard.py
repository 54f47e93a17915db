"""SSRF guard: the fetcher only talks to public internet addresses.

Guild moderators can add URLs, so a URL must never reach the bot's own machine, its cloud
metadata service or the operator's LAN. The check runs where the address is actually chosen —
inside the connector's DNS resolver — so a name that resolves differently on a second lookup
(DNS rebinding) or a redirect to another host is checked too. Literal IP hosts never reach the
resolver, so ``check_url`` checks them up front. ``exempt`` names single addresses let through
anyway (e.g. one internal mirror; the tests' loopback server while the guard is on).
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any
from urllib.parse import urlsplit

from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

from bot.watch.errors import WatchError

ALLOWED_SCHEMES = ("http", "https")
NAT64 = ipaddress.ip_network("64:ff9b::/96")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class AddressRefused(WatchError, OSError):
    """The destination is not a public address; ``str()`` is the short human reason."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    def __str__(self) -> str:
        return self.reason


def _embedded_v4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def forbidden(ip: IPAddress) -> str | None:
    """Why this address may not be fetched (``None``: it is a public address)."""
    if isinstance(ip, ipaddress.IPv6Address):
        inner = _embedded_v4(ip)
        if inner is not None:
            return forbidden(inner)
    checks = (  # most specific first: link-local, "this network" etc. are also "private"
        ("loopback", ip.is_loopback),
        ("unspecified", ip.is_unspecified),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("reserved", ip.is_reserved),
        ("private", ip.is_private),
    )
    for label, hit in checks:
        if hit:
            return label
    if not ip.is_global:
        return "non-public"
    return None


def refuse_reason(address: str, exempt: frozenset[str] = frozenset()) -> str | None:
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return None
    if str(ip) in exempt:
        return None
    label = forbidden(ip)
    return f"refused {label} address {ip}" if label else None


def check_url(url: str, *, allow_private: bool, exempt: frozenset[str] = frozenset()) -> None:
    """Scheme and literal-IP checks; raises ``AddressRefused`` (an OSError)."""
    parts = urlsplit(url)
    if parts.scheme not in ALLOWED_SCHEMES:
        raise AddressRefused(f"refused non-http(s) URL scheme {parts.scheme or '(none)'!r}")
    host = parts.hostname
    if not host:
        raise AddressRefused("refused URL without a host")
    if not allow_private:
        reason = refuse_reason(host, exempt)
        if reason:
            raise AddressRefused(reason)


class GuardedResolver(AbstractResolver):
    """Resolves names like aiohttp's default resolver, then refuses non-public answers."""

    def __init__(
        self,
        *,
        allow_private: bool,
        exempt: frozenset[str] = frozenset(),
        inner: AbstractResolver | None = None,
    ) -> None:
        self.allow_private = allow_private
        self.exempt = exempt
        self._inner = inner or DefaultResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        if not self.allow_private:
            for result in results:
                reason = refuse_reason(result["host"], self.exempt)
                if reason:
                    raise AddressRefused(f"{reason} (for {host})")
        return results

    async def close(self) -> None:
        await self._inner.close()


def describe(exc: BaseException) -> str | None:
    """Find an ``AddressRefused`` in an exception chain (aiohttp wraps resolver errors)."""
    seen: set[int] = set()
    current: Any = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, AddressRefused):
            return current.reason
        os_error = getattr(current, "os_error", None)
        if isinstance(os_error, AddressRefused):
            return os_error.reason
        current = current.__cause__ or current.__context__
    return None
