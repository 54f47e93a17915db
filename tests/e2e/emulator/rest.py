"""The REST pipeline: every HTTP request the bot makes, from the socket to a route handler.

:class:`Rest` records each request (``emu.requests``), lets fault injection (``faults.py``) hold
or fail it, checks the bot token, finds the route and turns the handler's result into the JSON
answer Discord would give (exact content type, ``X-RateLimit-*`` and ``Via`` headers). A request
no route matches answers a loud 404 and is listed in ``emu.unimplemented``; ``/cdn/...`` serves
uploaded files.

The routes themselves live with the part that owns their data, each part listing them in a
``routes()`` method: ``rest_guilds.py`` (users, the application, guilds, channels),
``messages.py`` (channel messages), ``commands.py`` (command sync), ``interactions.py``
(callbacks, follow-ups, webhook messages) and ``gateway.py`` (``/gateway``, ``/gateway/bot``).
This module also holds the small helpers those routes share.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import time
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from aiohttp import web

from .errors import ApiError, missing_access, missing_permissions, not_found
from .model import Channel, FilePart, Guild, RecordedRequest
from .protocol import API_VERSION, JSON, VIEW_CHANNEL

if TYPE_CHECKING:
    from .faults import Faults
    from .state import State

Handler = Callable[..., Any]

# Path fragments several route tables use (named groups become the handler's arguments).
APP = r"(?P<app_id>\d+)"
CHANNEL = r"/channels/(?P<channel_id>\d+)"
GUILD = r"/guilds/(?P<guild_id>\d+)"


class Route(NamedTuple):
    """One REST route: ``path`` is a regex matched against the whole path below the API base.

    The handler gets the :class:`RecordedRequest` and the path's named groups as keyword
    arguments, and returns JSON-able data (200), ``None`` (204) or a ``web.Response``, or raises
    :class:`ApiError`. ``auth`` routes need ``Authorization: Bot <token>``.
    """

    method: str
    path: str
    handler: Handler
    auth: bool = True


# --------------------------------------------------------------------------- helpers for routes


def json_response(
    data: Any, status: int = 200, headers: Mapping[str, str] | None = None
) -> web.Response:
    hdrs = {"Content-Type": JSON, "Via": "1.1 google"}
    hdrs.update(headers or {})
    return web.Response(body=json.dumps(data).encode(), status=status, headers=hdrs)


def bucket(route_key: str) -> str:
    return hashlib.sha1(route_key.encode()).hexdigest()[:16]


def unimplemented(state: State, method: str, path: str, why: str) -> web.Response:
    """The loud 404 for something the emulator does not implement (listed for teardown)."""
    entry = f"{method} {path}"
    state.unimplemented.append(entry)
    return json_response(
        {"code": 0, "message": f"404: Not Found (emulator: {entry} is not implemented; {why})"},
        404,
    )


def channel_for_bot(state: State, channel_id: str, need: int = 0) -> Channel:
    """The channel, if the bot can see it and has ``need``; else Discord's 404/403."""
    channel = state.channels.get(int(channel_id))
    if channel is None:
        raise not_found(10003, "Channel")
    perms = state.bot_permissions(channel)
    if not perms & VIEW_CHANNEL:
        raise missing_access()
    if need and perms & need != need:
        raise missing_permissions()
    return channel


def guild_for_bot(state: State, guild_id: str) -> Guild:
    guild = state.guilds_by_id.get(int(guild_id))
    if guild is None:
        raise not_found(10004, "Guild")
    return guild


# --------------------------------------------------------------------------- the pipeline


class Rest:
    """Serves ``/api/v10/...`` and ``/cdn/...`` from the routes the parts contribute."""

    def __init__(self, state: State, faults: Faults, routes: Iterable[Route]) -> None:
        self.state = state
        self.faults = faults
        # (method, compiled path, handler, needs auth)
        self.routes = [(r.method, re.compile(r.path), r.handler, r.auth) for r in routes]

    def _ratelimit_headers(self, route_key: str) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": "50",
            "X-RateLimit-Remaining": "49",
            "X-RateLimit-Reset": f"{time.time() + 1:.3f}",
            "X-RateLimit-Reset-After": "1.000",
            "X-RateLimit-Bucket": bucket(route_key),
        }

    async def _read_body(self, request: web.Request) -> tuple[Any, list[FilePart]]:
        if request.content_type.startswith("multipart/"):
            payload: Any = None
            files: list[FilePart] = []
            reader = await request.multipart()
            async for part in reader:
                data = bytes(await part.read(decode=False))  # type: ignore[union-attr]
                name = part.name or ""
                if name == "payload_json":
                    payload = json.loads(data)
                else:
                    files.append(
                        FilePart(name, part.filename, part.headers.get("Content-Type"), data)
                    )
            return payload, files
        raw = await request.read()
        if not raw:
            return None, []
        if request.content_type == JSON:
            return json.loads(raw), []
        return raw.decode("utf-8", "replace"), []

    async def handle(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        prefix = f"/api/v{API_VERSION}"
        if path.startswith("/cdn/"):
            return self._cdn(path)
        body, files = await self._read_body(request)
        rel = path[len(prefix) :] if path.startswith(prefix + "/") else path
        record = RecordedRequest(
            request.method,
            rel,
            dict(request.query),
            body,
            files,
            {
                k: v
                for k, v in request.headers.items()
                if k.lower()
                in ("authorization", "content-type", "user-agent", "x-audit-log-reason")
            },
        )
        self.state.requests.append(record)
        try:
            response = await self._route(request, record, rel, prefix)
        except ApiError as exc:
            response = json_response(exc.body, exc.status, exc.headers)
        record.status = response.status
        self.state.notify()
        return response

    async def _route(
        self, request: web.Request, record: RecordedRequest, rel: str, prefix: str
    ) -> web.Response:
        method = request.method
        if not request.path.startswith(prefix + "/"):
            return unimplemented(self.state, method, request.path, "outside the API base " + prefix)
        injected = await self.faults.intercept(method, rel, record)
        if injected is not None:
            return injected
        for route_method, pattern, handler, needs_auth in self.routes:
            if route_method != method:
                continue
            match = pattern.fullmatch(rel)
            if match is None:
                continue
            record.route = handler.__name__
            if needs_auth and request.headers.get("Authorization") != f"Bot {self.state.token}":
                raise ApiError(401, 0, "401: Unauthorized")
            result = handler(record, **match.groupdict())
            if asyncio.iscoroutine(result):
                result = await result
            headers = self._ratelimit_headers(f"{method} {pattern.pattern}")
            if result is None:
                return web.Response(status=204, headers={"Via": "1.1 google", **headers})
            if isinstance(result, web.Response):
                return result
            return json_response(result, 200, headers)
        return unimplemented(self.state, method, rel, "no such route in the emulator")

    def _cdn(self, path: str) -> web.Response:
        match = re.fullmatch(r"/cdn/attachments/\d+/(\d+)/[^/]+", path)
        if match is None or int(match.group(1)) not in self.state.cdn:
            self.state.unimplemented.append(f"GET {path} (unknown CDN object)")
            return web.Response(status=404, text="not found")
        _filename, ctype, data = self.state.cdn[int(match.group(1))]
        return web.Response(body=data, headers={"Content-Type": ctype})
