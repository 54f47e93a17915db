"""A loopback Discord: REST API + gateway on 127.0.0.1 that the real discord.py client talks to.

One :class:`DiscordEmulator` per test. It holds a small world (guilds, channels, roles, members),
serves the REST routes discord.py calls under ``/api/v10``, runs a JSON (uncompressed, text frame)
gateway with IDENTIFY/READY/GUILD_CREATE/RESUME, and lets a test act as a Discord user: run a
slash command, type into an autocomplete, click a button, submit a modal. Interactions are built
from the commands the bot actually synced, and everything the bot sends is validated against
Discord's limits (:mod:`tests.e2e.contract`). Every request is recorded; routes the emulator does
not implement answer a loud 404 and are listed in :attr:`DiscordEmulator.unimplemented`.

See ``tests/README.md`` for a tour.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import hashlib
import json
import math
import mimetypes
import re
import secrets
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import IntFlag
from typing import Any

from aiohttp import WSMsgType, web

from . import contract
from .contract import EPHEMERAL, IS_COMPONENTS_V2, LOADING, Violation

API_VERSION = 10
DISCORD_EPOCH_MS = 1420070400000
ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024  # what Discord reports for an unboosted guild
JSON = "application/json"  # discord.py compares the content type for exact equality


class Perm(IntFlag):
    """Discord permission bits (the subset tests are likely to need)."""

    CREATE_INSTANT_INVITE = 1 << 0
    KICK_MEMBERS = 1 << 1
    BAN_MEMBERS = 1 << 2
    ADMINISTRATOR = 1 << 3
    MANAGE_CHANNELS = 1 << 4
    MANAGE_GUILD = 1 << 5
    ADD_REACTIONS = 1 << 6
    VIEW_AUDIT_LOG = 1 << 7
    VIEW_CHANNEL = 1 << 10
    SEND_MESSAGES = 1 << 11
    SEND_TTS_MESSAGES = 1 << 12
    MANAGE_MESSAGES = 1 << 13
    EMBED_LINKS = 1 << 14
    ATTACH_FILES = 1 << 15
    READ_MESSAGE_HISTORY = 1 << 16
    MENTION_EVERYONE = 1 << 17
    USE_EXTERNAL_EMOJIS = 1 << 18
    CONNECT = 1 << 20
    SPEAK = 1 << 21
    CHANGE_NICKNAME = 1 << 26
    MANAGE_NICKNAMES = 1 << 27
    MANAGE_ROLES = 1 << 28
    MANAGE_WEBHOOKS = 1 << 29
    USE_APPLICATION_COMMANDS = 1 << 31
    MANAGE_THREADS = 1 << 34
    CREATE_PUBLIC_THREADS = 1 << 35
    SEND_MESSAGES_IN_THREADS = 1 << 38
    MODERATE_MEMBERS = 1 << 40


ALL_PERMISSIONS = (1 << 53) - 1
ADMINISTRATOR = int(Perm.ADMINISTRATOR)
MANAGE_GUILD = int(Perm.MANAGE_GUILD)
MANAGE_MESSAGES = int(Perm.MANAGE_MESSAGES)
MANAGE_ROLES = int(Perm.MANAGE_ROLES)
VIEW_CHANNEL = int(Perm.VIEW_CHANNEL)
SEND_MESSAGES = int(Perm.SEND_MESSAGES)
EMBED_LINKS = int(Perm.EMBED_LINKS)
ATTACH_FILES = int(Perm.ATTACH_FILES)
MENTION_EVERYONE = int(Perm.MENTION_EVERYONE)

DEFAULT_EVERYONE_PERMISSIONS = int(
    Perm.VIEW_CHANNEL
    | Perm.SEND_MESSAGES
    | Perm.READ_MESSAGE_HISTORY
    | Perm.ADD_REACTIONS
    | Perm.EMBED_LINKS
    | Perm.ATTACH_FILES
    | Perm.USE_EXTERNAL_EMOJIS
    | Perm.USE_APPLICATION_COMMANDS
    | Perm.CREATE_INSTANT_INVITE
    | Perm.CHANGE_NICKNAME
    | Perm.CONNECT
    | Perm.SPEAK
    | Perm.CREATE_PUBLIC_THREADS
    | Perm.SEND_MESSAGES_IN_THREADS
)
DEFAULT_BOT_PERMISSIONS = int(
    Perm.VIEW_CHANNEL
    | Perm.SEND_MESSAGES
    | Perm.EMBED_LINKS
    | Perm.ATTACH_FILES
    | Perm.READ_MESSAGE_HISTORY
    | Perm.USE_EXTERNAL_EMOJIS
    | Perm.ADD_REACTIONS
    | Perm.SEND_MESSAGES_IN_THREADS
)


class Intent:
    GUILDS = 1 << 0
    GUILD_MEMBERS = 1 << 1
    GUILD_PRESENCES = 1 << 8
    GUILD_MESSAGES = 1 << 9
    DIRECT_MESSAGES = 1 << 12
    MESSAGE_CONTENT = 1 << 15
    PRIVILEGED = GUILD_MEMBERS | GUILD_PRESENCES | MESSAGE_CONTENT


# Interaction types and interaction callback (response) types.
APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 2, 3, 4, 5
CHANNEL_MESSAGE, DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE = 4, 5, 6, 7
AUTOCOMPLETE_RESULT, MODAL = 8, 9
ALLOWED_CALLBACKS = {
    APPLICATION_COMMAND: {CHANNEL_MESSAGE, DEFERRED_MESSAGE, MODAL},
    MESSAGE_COMPONENT: {CHANNEL_MESSAGE, DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE, MODAL},
    AUTOCOMPLETE: {AUTOCOMPLETE_RESULT},
    MODAL_SUBMIT: {CHANNEL_MESSAGE, DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE},
}
MESSAGE_FLAGS_ALLOWED = (
    contract.SUPPRESS_EMBEDS | EPHEMERAL | contract.SUPPRESS_NOTIFICATIONS | IS_COMPONENTS_V2
)


# --------------------------------------------------------------------------- errors


class EmulatorError(Exception):
    """The test used the emulator wrongly (unknown command, option, component...)."""


class EmulatorTimeout(AssertionError):
    """Something the test waited for did not happen in time."""


class CommandNotVisible(AssertionError):
    """Discord would not show this command to this user here (permissions, contexts)."""


class ApiError(Exception):
    """Raised inside a route handler; becomes a Discord-shaped JSON error response."""

    def __init__(
        self,
        status: int,
        code: int,
        message: str,
        *,
        body: dict[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status = status
        self.body = body if body is not None else {"code": code, "message": message}
        self.headers = dict(headers or {})


def _not_found(code: int, what: str) -> ApiError:
    return ApiError(404, code, f"Unknown {what}")


def _missing_permissions() -> ApiError:
    return ApiError(403, 50013, "Missing Permissions")


def _missing_access() -> ApiError:
    return ApiError(403, 50001, "Missing Access")


# --------------------------------------------------------------------------- helpers


def _now_iso() -> str:
    return datetime.now(UTC).isoformat()


def _perm_value(value: Any) -> int:
    """Accept an int, a :class:`Perm` or a ``discord.Permissions`` (anything with ``.value``)."""
    return int(getattr(value, "value", value))


def _id(obj: Any) -> int:
    if isinstance(obj, int):
        return obj
    if isinstance(obj, str) and obj.isdigit():
        return int(obj)
    return int(obj.id)


def _walk_components(components: Iterable[dict[str, Any]]) -> Iterable[dict[str, Any]]:
    for comp in components or []:
        yield comp
        yield from _walk_components(comp.get("components") or [])
        for key in ("component", "accessory"):
            if isinstance(comp.get(key), dict):
                yield from _walk_components([comp[key]])


# --------------------------------------------------------------------------- the world


@dataclass(eq=False)
class User:
    id: int
    username: str
    bot: bool = False
    global_name: str | None = None
    locale: str = "en-US"
    dms_open: bool = True

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"

    def payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "username": self.username,
            "discriminator": "0",
            "global_name": self.global_name,
            "avatar": None,
            "bot": self.bot,
            "system": False,
            "public_flags": 0,
            "flags": 0,
            "banner": None,
            "accent_color": None,
            "avatar_decoration_data": None,
        }


@dataclass(eq=False)
class Role:
    id: int
    guild_id: int
    name: str
    permissions: int = 0
    position: int = 0
    color: int = 0
    hoist: bool = False
    mentionable: bool = False
    managed: bool = False
    bot_id: int | None = None

    @property
    def mention(self) -> str:
        return "@everyone" if self.id == self.guild_id else f"<@&{self.id}>"

    def payload(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": str(self.id),
            "name": self.name,
            "permissions": str(self.permissions),
            "position": self.position,
            "color": self.color,
            "colors": {
                "primary_color": self.color,
                "secondary_color": None,
                "tertiary_color": None,
            },
            "hoist": self.hoist,
            "managed": self.managed,
            "mentionable": self.mentionable,
            "icon": None,
            "unicode_emoji": None,
            "flags": 0,
        }
        if self.bot_id is not None:
            data["tags"] = {"bot_id": str(self.bot_id)}
        return data


@dataclass
class Overwrite:
    id: int
    type: int  # 0 role, 1 member
    allow: int = 0
    deny: int = 0

    def payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "type": self.type,
            "allow": str(self.allow),
            "deny": str(self.deny),
        }


@dataclass(eq=False)
class Channel:
    id: int
    name: str
    type: int = 0  # 0 text, 1 DM, 2 voice, 4 category, 5 announcement
    guild_id: int | None = None
    position: int = 0
    topic: str | None = None
    parent_id: int | None = None
    nsfw: bool = False
    overwrites: dict[int, Overwrite] = field(default_factory=dict)
    recipient: User | None = None

    @property
    def mention(self) -> str:
        return f"<#{self.id}>"

    def payload(self, *, with_guild_id: bool = True) -> dict[str, Any]:
        if self.type == 1:
            assert self.recipient is not None
            return {
                "id": str(self.id),
                "type": 1,
                "recipients": [self.recipient.payload()],
                "last_message_id": None,
                "flags": 0,
            }
        data: dict[str, Any] = {
            "id": str(self.id),
            "type": self.type,
            "name": self.name,
            "position": self.position,
            "permission_overwrites": [o.payload() for o in self.overwrites.values()],
            "parent_id": str(self.parent_id) if self.parent_id else None,
            "nsfw": self.nsfw,
            "flags": 0,
        }
        if self.type in (0, 5):
            data.update(topic=self.topic, last_message_id=None, rate_limit_per_user=0)
        if with_guild_id and self.guild_id is not None:
            data["guild_id"] = str(self.guild_id)
        return data


@dataclass(eq=False)
class Member:
    user: User
    guild: Guild
    roles: list[Role] = field(default_factory=list)
    nick: str | None = None
    joined_at: str = field(default_factory=_now_iso)

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def mention(self) -> str:
        return self.user.mention

    @property
    def display_name(self) -> str:
        return self.nick or self.user.global_name or self.user.username

    def payload(self, *, with_user: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {
            "roles": [str(r.id) for r in self.roles],
            "nick": self.nick,
            "avatar": None,
            "banner": None,
            "joined_at": self.joined_at,
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "communication_disabled_until": None,
        }
        if with_user:
            data["user"] = self.user.payload()
        return data


@dataclass(eq=False)
class Guild:
    id: int
    name: str
    owner_id: int = 0
    preferred_locale: str = "en-US"
    roles: list[Role] = field(default_factory=list)
    channels: list[Channel] = field(default_factory=list)
    members: dict[int, Member] = field(default_factory=dict)
    bot_member: Member | None = None
    bot_role: Role | None = None
    joined_at: str = field(default_factory=_now_iso)
    system_channel_id: int | None = None

    @property
    def everyone(self) -> Role:
        return self.roles[0]

    @property
    def owner(self) -> Member:
        return self.members[self.owner_id]

    def channel(self, name: str) -> Channel:
        for ch in self.channels:
            if ch.name == name:
                return ch
        raise EmulatorError(f"no channel #{name} in {self.name!r}")

    def role(self, name: str) -> Role:
        for role in self.roles:
            if role.name == name:
                return role
        raise EmulatorError(f"no role {name!r} in {self.name!r}")

    def member(self, name_or_id: str | int) -> Member:
        for m in self.members.values():
            if name_or_id in (m.id, m.user.username):
                return m
        raise EmulatorError(f"no member {name_or_id!r} in {self.name!r}")


@dataclass(eq=False)
class Upload:
    """A file a user attached (attachment options, modal file uploads); served by the CDN."""

    id: int
    filename: str
    data: bytes
    content_type: str
    url: str

    def payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "filename": self.filename,
            "size": len(self.data),
            "url": self.url,
            "proxy_url": self.url,
            "content_type": self.content_type,
            "ephemeral": True,
        }


@dataclass(frozen=True)
class Pings:
    """Who a message actually notified, after ``allowed_mentions`` and permissions."""

    users: tuple[int, ...] = ()
    roles: tuple[int, ...] = ()
    everyone: bool = False

    def __bool__(self) -> bool:
        return bool(self.users or self.roles or self.everyone)


class Message:
    """A message as Discord stores it (``data`` is the JSON payload), plus test conveniences."""

    def __init__(
        self,
        data: dict[str, Any],
        *,
        kind: str,
        files: dict[str, bytes] | None = None,
        allowed_mentions: Any = None,
        pings: Pings = Pings(),
        interaction: InteractionResult | None = None,
    ) -> None:
        self.data = data
        self.kind = kind  # channel | interaction | followup | user
        self.files: dict[str, bytes] = dict(files or {})
        self.allowed_mentions = allowed_mentions
        self.pings = pings
        self.interaction = interaction
        self.history: list[dict[str, Any]] = []
        self.deleted = False

    def __repr__(self) -> str:
        text = (self.content or "").replace("\n", " ")[:40]
        return f"<Message {self.id} in {self.channel_id} kind={self.kind} {text!r}>"

    @property
    def id(self) -> int:
        return int(self.data["id"])

    @property
    def channel_id(self) -> int:
        return int(self.data["channel_id"])

    @property
    def author_id(self) -> int:
        return int(self.data["author"]["id"])

    @property
    def content(self) -> str:
        return self.data.get("content") or ""

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return self.data.get("embeds") or []

    @property
    def components(self) -> list[dict[str, Any]]:
        return self.data.get("components") or []

    @property
    def attachments(self) -> list[dict[str, Any]]:
        return self.data.get("attachments") or []

    @property
    def flags(self) -> int:
        return self.data.get("flags") or 0

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    @property
    def loading(self) -> bool:
        return bool(self.flags & LOADING)

    @property
    def edited(self) -> bool:
        return bool(self.history)

    def payload(self) -> dict[str, Any]:
        return copy.deepcopy(self.data)

    def interactive_components(self) -> list[dict[str, Any]]:
        return [c for c in _walk_components(self.components) if c.get("custom_id")]

    def custom_ids(self) -> list[str]:
        return [c["custom_id"] for c in self.interactive_components()]

    def buttons(self) -> list[dict[str, Any]]:
        return [c for c in _walk_components(self.components) if c.get("type") == 2]

    def find_component(
        self, custom_id: str | None = None, *, label: str | None = None
    ) -> dict[str, Any]:
        for comp in _walk_components(self.components):
            if custom_id is not None and comp.get("custom_id") == custom_id:
                return comp
            if label is not None and comp.get("label") == label:
                return comp
        known = [(c.get("custom_id"), c.get("label")) for c in self.interactive_components()]
        raise EmulatorError(
            f"no component custom_id={custom_id!r} label={label!r} on message {self.id}; "
            f"it has (custom_id, label): {known}"
        )

    def text(self) -> str:
        """Content plus every embed's visible text, for loose assertions."""
        parts = [self.content]
        for e in self.embeds:
            parts += [e.get("title") or "", e.get("description") or ""]
            for f in e.get("fields") or []:
                parts += [f.get("name") or "", f.get("value") or ""]
            parts.append((e.get("footer") or {}).get("text") or "")
        return "\n".join(p for p in parts if p)


@dataclass
class FilePart:
    field: str
    filename: str | None
    content_type: str | None
    data: bytes


@dataclass
class RecordedRequest:
    method: str
    path: str  # relative to the API base, e.g. /channels/1/messages
    query: dict[str, str]
    json: Any
    files: list[FilePart]
    headers: dict[str, str]
    status: int = 0
    route: str | None = None
    fault: bool = False

    def __str__(self) -> str:
        return f"{self.method} {self.path} -> {self.status}"


@dataclass
class Fault:
    method: str
    pattern: re.Pattern[str]
    status: int
    retry_after: float
    times: int | None
    code: int | None
    message: str | None
    is_global: bool
    hits: int = 0

    def matches(self, method: str, path: str) -> bool:
        if self.times is not None and self.hits >= self.times:
            return False
        return self.method in ("*", method) and bool(self.pattern.fullmatch(path))


class Hold:
    """Requests the emulator keeps waiting (see :meth:`DiscordEmulator.hold`).

    The first ``times`` matching requests stop before Discord handles them, until the test
    calls :meth:`release`: ``process=True`` then handles them as Discord would (a message is
    created even if the client has gone away meanwhile — "Discord accepted it but the bot never
    heard back"), ``process=False`` answers 503 and changes nothing ("it never reached
    Discord").
    """

    def __init__(
        self, emu: DiscordEmulator, method: str, pattern: re.Pattern[str], times: int | None
    ) -> None:
        self._emu = emu
        self.method = method
        self.pattern = pattern
        self.times = times
        self.held: list[RecordedRequest] = []  # every request this hold stopped
        self._waiting: list[tuple[RecordedRequest, asyncio.Future[bool]]] = []

    def matches(self, method: str, path: str) -> bool:
        if self.times is not None and len(self.held) >= self.times:
            return False
        return self.method in ("*", method) and bool(self.pattern.fullmatch(path))

    async def _wait(self, record: RecordedRequest) -> bool:
        gate: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self.held.append(record)
        self._waiting.append((record, gate))
        self._emu._notify()
        return await gate

    @property
    def waiting(self) -> list[RecordedRequest]:
        """Requests held now (not released yet)."""
        return [r for r, gate in self._waiting if not gate.done()]

    async def wait_held(self, count: int = 1, timeout: float = 5.0) -> list[RecordedRequest]:
        """Until ``count`` requests have been held (in total)."""
        await self._emu._wait_until(
            lambda: len(self.held) >= count,
            timeout,
            lambda: f"{count} held {self.method} {self.pattern.pattern} (have {len(self.held)})",
        )
        return list(self.held)

    def release(self, *, process: bool = True) -> None:
        """Let every waiting request go: handled by Discord, or (``process=False``) a 503."""
        for _record, gate in self._waiting:
            if not gate.done():
                gate.set_result(process)
        self._waiting = [(r, g) for r, g in self._waiting if not g.done()]


@dataclass
class ContractError:
    where: str
    violations: list[Violation]

    def __str__(self) -> str:
        return f"{self.where}: " + "; ".join(str(v) for v in self.violations)


@dataclass
class GatewayConnection:
    path: str
    query: dict[str, str]
    kind: str | None = None  # identify | resume | invalid-session
    close_code: int | None = None


class InteractionResult:
    """One interaction the test triggered, and everything the bot did in answer to it."""

    def __init__(
        self,
        emu: DiscordEmulator,
        payload: dict[str, Any],
        *,
        label: str,
        channel: Channel,
        user: User,
        source_message: Message | None = None,
    ) -> None:
        self._emu = emu
        self.payload = payload
        self.id = int(payload["id"])
        self.token: str = payload["token"]
        self.type: int = payload["type"]
        self.label = label
        self.channel = channel
        self.user = user
        self.source_message = source_message
        self.created = asyncio.get_running_loop().time()
        self.response: dict[str, Any] | None = None  # the callback body: {"type": .., "data": ..}
        self.response_type: int | None = None
        self.message: Message | None = None  # original response (or the updated message)
        self.followups: list[Message] = []
        self.modal: dict[str, Any] | None = None
        self.choices: list[dict[str, Any]] | None = None
        self.late = False
        self.rejected: list[str] = []
        self._source_edits = len(source_message.history) if source_message is not None else 0

    def __repr__(self) -> str:
        return f"<InteractionResult {self.label} response_type={self.response_type}>"

    @property
    def acknowledged(self) -> bool:
        return self.response is not None

    @property
    def data(self) -> dict[str, Any]:
        return (self.response or {}).get("data") or {}

    @property
    def deferred(self) -> bool:
        return self.response_type in (DEFERRED_MESSAGE, DEFERRED_UPDATE)

    @property
    def ephemeral(self) -> bool:
        return bool(self.message is not None and self.message.ephemeral)

    @property
    def content(self) -> str:
        return self.message.content if self.message else ""

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return self.message.embeds if self.message else []

    async def wait_followups(self, count: int = 1, timeout: float = 5.0) -> list[Message]:
        await self._emu._wait_until(
            lambda: len(self.followups) >= count,
            timeout,
            lambda: f"{count} follow-up(s) to {self.label} (have {len(self.followups)})",
        )
        return list(self.followups)

    async def wait_update(self, timeout: float = 5.0) -> Message:
        """For a component or modal interaction: the message it came from, once this interaction
        edited it — at once with UPDATE_MESSAGE (7), or later after a deferred update (6), when
        the bot edits ``@original`` once its work is done."""
        msg = self.source_message
        if msg is None:
            raise EmulatorError(f"{self.label} did not come from a message")
        await self._emu._wait_until(
            lambda: len(msg.history) > self._source_edits,
            timeout,
            lambda: f"{self.label} to update message {msg.id}",
        )
        return msg

    async def wait_message(self, timeout: float = 5.0) -> Message:
        """The original response once it is no longer a 'thinking…' placeholder."""
        await self._emu._wait_until(
            lambda: self.message is not None and not self.message.loading,
            timeout,
            lambda: f"the final response to {self.label} (now: {self.message!r})",
        )
        assert self.message is not None
        return self.message


# --------------------------------------------------------------------------- gateway plumbing


class _Conn:
    """One websocket; frames go out through a queue so dispatch() can stay synchronous."""

    def __init__(self, ws: web.WebSocketResponse, record: GatewayConnection) -> None:
        self.ws = ws
        self.record = record
        self.queue: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue()
        self.closed = False
        self.session: _Session | None = None
        self.writer = asyncio.create_task(self._write(), name="emulator-gateway-writer")

    def send(self, frame: dict[str, Any]) -> None:
        if not self.closed:
            self.queue.put_nowait(frame)

    async def _write(self) -> None:
        while True:
            frame = await self.queue.get()
            if frame is None:
                return
            try:
                await self.ws.send_str(json.dumps(frame))
            except Exception:  # the peer went away; the session history keeps the frame
                self.closed = True
                return

    async def close(self, code: int, reason: str) -> None:
        self.closed = True
        self.queue.put_nowait(None)
        with contextlib.suppress(Exception):
            await self.ws.close(code=code, message=reason.encode())


@dataclass(eq=False)
class _Session:
    id: str
    intents: int
    seq: int = 0
    history: list[dict[str, Any]] = field(default_factory=list)
    conn: _Conn | None = None
    resumable: bool = True


Handler = Callable[..., Any]


class DiscordEmulator:
    """Loopback Discord for one test. ``await start()``, build the world, run the bot, act."""

    def __init__(
        self,
        *,
        bot_name: str = "Fine Print",
        token: str | None = None,
        heartbeat_interval_ms: int = 2000,
        callback_deadline: float | None = 3.0,
        privileged_intents: int = Intent.PRIVILEGED,
    ) -> None:
        self.token = token or "emulator." + secrets.token_urlsafe(24)
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.callback_deadline = callback_deadline
        self.rejection_grace = 0.5
        self.privileged_intents = privileged_intents
        self._last_snowflake = 0
        self.application_id = self._snowflake()
        self.bot_user = User(self.application_id, bot_name.lower().replace(" ", ""), bot=True)
        self.bot_user.global_name = bot_name
        self.app_owner = User(self._snowflake(), "app-owner")
        self.bot_name = bot_name

        self._users: dict[int, User] = {u.id: u for u in (self.bot_user, self.app_owner)}
        self._guilds: dict[int, Guild] = {}
        self._channels: dict[int, Channel] = {}
        self._roles: dict[int, Role] = {}
        self._dm_channels: dict[int, Channel] = {}
        self._messages: dict[int, Message] = {}
        self._cdn: dict[int, tuple[str, str, bytes]] = {}
        self._commands: dict[int | None, list[dict[str, Any]]] = {}
        self._interactions: dict[int, InteractionResult] = {}
        self._by_token: dict[str, InteractionResult] = {}
        self._modals: list[tuple[dict[str, Any], InteractionResult]] = []

        self.requests: list[RecordedRequest] = []
        self.unimplemented: list[str] = []
        self.contract_errors: list[ContractError] = []
        self.faults: list[Fault] = []
        self.holds: list[Hold] = []
        # enforce_nonce: (author, nonce) -> the message it created and when (monotonic)
        self.nonce_window = 300.0  # Discord: "checked for uniqueness in the past few minutes"
        self._nonces: dict[tuple[int, str], tuple[Message, float]] = {}
        self.nonce_replays: list[Message] = []  # messages returned again instead of created
        self.sync_history: list[tuple[int | None, list[dict[str, Any]]]] = []

        self.gateway_connections: list[GatewayConnection] = []
        self.identify_payloads: list[dict[str, Any]] = []
        self.identify_count = 0
        self.resume_count = 0
        self.invalid_session_count = 0
        self.replayed_events = 0
        self.heartbeats = 0
        self.presence: dict[str, Any] | None = None
        self._session: _Session | None = None
        self._conns: list[_Conn] = []
        self._live = False

        self._changed = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.host = "127.0.0.1"
        self.port = 0
        self._routes = self._build_routes()

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> DiscordEmulator:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("GET", "/", self._gateway_handler)
        app.router.add_route("GET", "/resume", self._gateway_handler)
        app.router.add_route("*", "/{tail:.*}", self._http_handler)
        self._runner = web.AppRunner(app, shutdown_timeout=1.0, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        for hold in self.holds:
            hold.release(process=False)
        for conn in list(self._conns):
            await conn.close(1001, "emulator shutting down")
        for conn in list(self._conns):
            conn.writer.cancel()
            with contextlib.suppress(BaseException):
                await conn.writer
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> DiscordEmulator:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def http_base(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def api_base(self) -> str:
        return f"{self.http_base}/api/v{API_VERSION}"

    @property
    def gateway_url(self) -> str:
        return f"ws://{self.host}:{self.port}/"

    @property
    def resume_gateway_url(self) -> str:
        return f"ws://{self.host}:{self.port}/resume"

    def env(self) -> dict[str, str]:
        """Settings that point a bot at this emulator (phase 2: Fine Print's own settings)."""
        return {
            "DISCORD_TOKEN": self.token,
            "DISCORD_API_BASE": self.api_base,
            "DISCORD_GATEWAY_URL": self.gateway_url,
        }

    def problems(self) -> list[str]:
        """What should fail the test: unimplemented routes and contract violations."""
        out = [f"unimplemented route hit: {u}" for u in self.unimplemented]
        out += [f"Discord contract violated: {c}" for c in self.contract_errors]
        return out

    def take_unimplemented(self) -> list[str]:
        taken, self.unimplemented = self.unimplemented, []
        return taken

    def take_contract_errors(self) -> list[ContractError]:
        taken, self.contract_errors = self.contract_errors, []
        return taken

    # ------------------------------------------------------------------ ids, waiting

    def _snowflake(self) -> int:
        value = (int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22
        value = max(value, self._last_snowflake + 1)
        self._last_snowflake = value
        return value

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def _wait_until(
        self, predicate: Callable[[], bool], timeout: float, what: str | Callable[[], str]
    ) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not predicate():
            remaining = deadline - loop.time()
            if remaining <= 0:
                text = what() if callable(what) else what
                raise EmulatorTimeout(f"timed out after {timeout}s waiting for {text}")
            event = self._changed
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)

    # ------------------------------------------------------------------ building the world

    def user(self, username: str, *, locale: str = "en-US", global_name: str | None = None) -> User:
        user = User(self._snowflake(), username, locale=locale, global_name=global_name)
        self._users[user.id] = user
        return user

    def add_guild(
        self,
        name: str,
        *,
        bot_permissions: Any = DEFAULT_BOT_PERMISSIONS,
        everyone_permissions: Any = DEFAULT_EVERYONE_PERMISSIONS,
        locale: str = "en-US",
    ) -> Guild:
        """A guild with @everyone, an owner, the bot (with a managed role) and no channels."""
        gid = self._snowflake()
        guild = Guild(gid, name, preferred_locale=locale)
        everyone = Role(gid, gid, "@everyone", _perm_value(everyone_permissions), position=0)
        guild.roles.append(everyone)
        self._roles[gid] = everyone
        owner = self.add_member(guild, f"{name.lower().replace(' ', '-')}-owner")
        guild.owner_id = owner.id
        bot_role = Role(
            self._snowflake(),
            gid,
            self.bot_name,
            _perm_value(bot_permissions),
            position=1,
            managed=True,
            bot_id=self.bot_user.id,
        )
        guild.roles.append(bot_role)
        self._roles[bot_role.id] = bot_role
        guild.bot_role = bot_role
        guild.bot_member = Member(self.bot_user, guild, [bot_role])
        guild.members[self.bot_user.id] = guild.bot_member
        self._guilds[gid] = guild
        if self._live_session():  # the bot joins: no "unavailable" key, so on_guild_join fires
            payload = self._guild_create_payload(guild)
            del payload["unavailable"]
            self._dispatch("GUILD_CREATE", payload)
        return guild

    def remove_guild(self, guild: Guild) -> None:
        """The bot is removed from (or leaves) the guild: GUILD_DELETE."""
        self._guilds.pop(guild.id, None)
        if self._live_session():
            self._dispatch("GUILD_DELETE", {"id": str(guild.id), "unavailable": False})

    def add_role(
        self,
        guild: Guild,
        name: str,
        *,
        permissions: Any = 0,
        mentionable: bool = False,
        color: int = 0,
        hoist: bool = False,
    ) -> Role:
        position = max(r.position for r in guild.roles) + 1
        role = Role(
            self._snowflake(),
            guild.id,
            name,
            _perm_value(permissions),
            position=position,
            color=color,
            hoist=hoist,
            mentionable=mentionable,
        )
        guild.roles.append(role)
        self._roles[role.id] = role
        if self._live_session() and guild.id in self._guilds:
            self._dispatch("GUILD_ROLE_CREATE", {"guild_id": str(guild.id), "role": role.payload()})
        return role

    def add_member(
        self,
        guild: Guild,
        user: str | User,
        *,
        roles: Iterable[Role] = (),
        nick: str | None = None,
        locale: str = "en-US",
    ) -> Member:
        """Add a user (created from a name, or an existing :class:`User`) to ``guild``."""
        if isinstance(user, str):
            user = self.user(user, locale=locale)
        member = Member(user, guild, list(roles), nick=nick)
        guild.members[user.id] = member
        if self._live_session() and guild.id in self._guilds:
            self._dispatch_gated(
                "GUILD_MEMBER_ADD",
                {**member.payload(), "guild_id": str(guild.id)},
                Intent.GUILD_MEMBERS,
            )
        return member

    def remove_member(self, member: Member) -> None:
        member.guild.members.pop(member.id, None)
        if self._live_session():
            self._dispatch_gated(
                "GUILD_MEMBER_REMOVE",
                {"guild_id": str(member.guild.id), "user": member.user.payload()},
                Intent.GUILD_MEMBERS,
            )

    def add_category(self, guild: Guild, name: str) -> Channel:
        return self._add_channel(guild, name, 4)

    def add_text_channel(
        self,
        guild: Guild,
        name: str,
        *,
        bot_can_send: bool = True,
        bot_can_view: bool = True,
        topic: str | None = None,
        category: Channel | None = None,
    ) -> Channel:
        """A text channel; ``bot_can_send=False`` denies Send Messages to the bot (overwrite)."""
        channel = self._add_channel(guild, name, 0, topic=topic, category=category, announce=False)
        deny = 0 if bot_can_send else SEND_MESSAGES
        deny |= 0 if bot_can_view else VIEW_CHANNEL
        if deny:
            assert guild.bot_member is not None
            channel.overwrites[self.bot_user.id] = Overwrite(self.bot_user.id, 1, deny=deny)
        if self._live_session() and guild.id in self._guilds:
            self._dispatch("CHANNEL_CREATE", channel.payload())
        return channel

    def _add_channel(
        self,
        guild: Guild,
        name: str,
        ctype: int,
        *,
        topic: str | None = None,
        category: Channel | None = None,
        announce: bool = True,
    ) -> Channel:
        channel = Channel(
            self._snowflake(),
            name,
            ctype,
            guild_id=guild.id,
            position=len(guild.channels),
            topic=topic,
            parent_id=category.id if category else None,
        )
        if category is not None:  # new channels start synced with their category
            channel.overwrites = copy.deepcopy(category.overwrites)
        guild.channels.append(channel)
        self._channels[channel.id] = channel
        if announce and self._live_session() and guild.id in self._guilds:
            self._dispatch("CHANNEL_CREATE", channel.payload())
        return channel

    def remove_channel(self, channel: Channel) -> None:
        """Delete a channel; REST calls for it then answer 404 Unknown Channel."""
        guild = self._guilds.get(channel.guild_id or 0)
        if guild is not None and channel in guild.channels:
            guild.channels.remove(channel)
        self._channels.pop(channel.id, None)
        if self._live_session() and guild is not None:
            self._dispatch("CHANNEL_DELETE", channel.payload())

    def set_overwrite(
        self, channel: Channel, target: Role | Member | User, *, allow: Any = 0, deny: Any = 0
    ) -> None:
        """Set a channel permission overwrite for a role or member (CHANNEL_UPDATE)."""
        otype = 0 if isinstance(target, Role) else 1
        channel.overwrites[target.id] = Overwrite(
            target.id, otype, _perm_value(allow), _perm_value(deny)
        )
        if self._live_session() and channel.guild_id in self._guilds:
            self._dispatch("CHANNEL_UPDATE", channel.payload())

    def set_bot_can_send(self, channel: Channel, allowed: bool) -> None:
        current = channel.overwrites.get(self.bot_user.id)
        deny = (current.deny if current else 0) & ~SEND_MESSAGES
        if not allowed:
            deny |= SEND_MESSAGES
        self.set_overwrite(channel, self.bot_user, allow=current.allow if current else 0, deny=deny)

    def set_system_channel(self, guild: Guild, channel: Channel | None) -> None:
        """Where Discord posts join messages (and bots tell a server things): GUILD_UPDATE."""
        guild.system_channel_id = channel.id if channel is not None else None
        if self._live_session() and guild.id in self._guilds:
            self._dispatch("GUILD_UPDATE", self._guild_payload(guild))

    def dm_channel(self, user: User | Member) -> Channel:
        user = user.user if isinstance(user, Member) else user
        channel = self._dm_channels.get(user.id)
        if channel is None:
            channel = Channel(self._snowflake(), "", 1, recipient=user)
            self._dm_channels[user.id] = channel
            self._channels[channel.id] = channel
        return channel

    def upload(self, filename: str, data: bytes, content_type: str | None = None) -> Upload:
        """A user-side file, e.g. for an attachment option: ``emu.slash(..., file=up)``."""
        ctype = content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
        uid = self._snowflake()
        self._cdn[uid] = (filename, ctype, data)
        return Upload(uid, filename, data, ctype, self._cdn_url(0, uid, filename))

    def _cdn_url(self, channel_id: int, attachment_id: int, filename: str) -> str:
        return f"{self.http_base}/cdn/attachments/{channel_id}/{attachment_id}/{filename}"

    def guild(self, name_or_id: str | int) -> Guild:
        for g in self._guilds.values():
            if name_or_id in (g.id, g.name):
                return g
        raise EmulatorError(f"no guild {name_or_id!r}")

    @property
    def guilds(self) -> list[Guild]:
        return list(self._guilds.values())

    # ------------------------------------------------------------------ permissions

    def base_permissions(self, member: Member) -> int:
        guild = member.guild
        if member.id == guild.owner_id:
            return ALL_PERMISSIONS
        perms = guild.everyone.permissions
        for role in member.roles:
            perms |= role.permissions
        return ALL_PERMISSIONS if perms & ADMINISTRATOR else perms

    def permissions_for(self, member: Member, channel: Channel | None = None) -> int:
        """Discord's algorithm: base (roles) then @everyone, role and member overwrites."""
        perms = self.base_permissions(member)
        if channel is None or perms == ALL_PERMISSIONS:
            return perms
        ow = channel.overwrites
        everyone = ow.get(member.guild.id)
        if everyone:
            perms = (perms & ~everyone.deny) | everyone.allow
        allow = deny = 0
        for role in member.roles:
            o = ow.get(role.id)
            if o and o.type == 0:
                allow |= o.allow
                deny |= o.deny
        perms = (perms & ~deny) | allow
        mine = ow.get(member.id)
        if mine and mine.type == 1:
            perms = (perms & ~mine.deny) | mine.allow
        if not perms & VIEW_CHANNEL:
            return 0
        if not perms & SEND_MESSAGES:
            perms &= ~(MENTION_EVERYONE | ATTACH_FILES | EMBED_LINKS | Perm.SEND_TTS_MESSAGES)
        return perms

    def bot_permissions(self, channel: Channel) -> int:
        if channel.type == 1:
            return int(
                Perm.VIEW_CHANNEL
                | Perm.SEND_MESSAGES
                | Perm.EMBED_LINKS
                | Perm.ATTACH_FILES
                | Perm.READ_MESSAGE_HISTORY
                | Perm.ADD_REACTIONS
            )
        guild = self._guilds.get(channel.guild_id or 0)
        if guild is None or guild.bot_member is None:
            return 0
        return self.permissions_for(guild.bot_member, channel)

    # ------------------------------------------------------------------ messages (queries)

    @property
    def messages(self) -> list[Message]:
        return sorted(self._messages.values(), key=lambda m: m.id)

    def message(self, message_id: int) -> Message:
        try:
            return self._messages[int(message_id)]
        except KeyError:
            raise EmulatorError(f"no message {message_id}") from None

    def channel_messages(
        self, channel: Channel | int, *, include_ephemeral: bool = False, include_deleted=False
    ) -> list[Message]:
        """Messages in a channel (bot posts, interaction responses, user posts), oldest first."""
        cid = _id(channel)
        return [
            m
            for m in self.messages
            if m.channel_id == cid
            and (include_ephemeral or not m.ephemeral)
            and (include_deleted or not m.deleted)
        ]

    def dm_messages(self, user: User | Member) -> list[Message]:
        return self.channel_messages(self.dm_channel(user))

    async def wait_for_messages(
        self,
        channel: Channel | int,
        count: int = 1,
        timeout: float = 5.0,
        *,
        include_ephemeral: bool = False,
    ) -> list[Message]:
        def have() -> list[Message]:
            return self.channel_messages(channel, include_ephemeral=include_ephemeral)

        await self._wait_until(
            lambda: len(have()) >= count,
            timeout,
            lambda: f"{count} message(s) in channel {_id(channel)} (have {len(have())})",
        )
        return have()

    def requests_to(self, method: str, path_regex: str) -> list[RecordedRequest]:
        pattern = re.compile(path_regex)
        return [
            r
            for r in self.requests
            if method in ("*", r.method) and pattern.fullmatch(r.path) is not None
        ]

    # ------------------------------------------------------------------ commands (queries)

    def synced_commands(
        self, guild: Guild | int | None = None, *, guild_id: int | None = None
    ) -> list[dict[str, Any]]:
        """The commands as last synced (global, or for one guild), with their assigned ids."""
        scope = guild if guild is not None else guild_id
        return copy.deepcopy(self._commands.get(None if scope is None else _id(scope), []))

    def command(self, name: str, guild: Guild | int | None = None) -> dict[str, Any]:
        for cmd in self.synced_commands(guild):
            if cmd["name"] == name:
                return cmd
        raise EmulatorError(f"/{name} is not synced ({'global' if guild is None else guild})")

    # ------------------------------------------------------------------ fault injection

    def fail(
        self,
        method: str,
        path_regex: str,
        status: int = 429,
        *,
        retry_after: float = 0.3,
        times: int | None = 1,
        code: int | None = None,
        message: str | None = None,
        is_global: bool = False,
    ) -> Fault:
        """Answer the next ``times`` matching requests (None = forever) with ``status``.

        ``path_regex`` must match the whole path below the API base (``re.fullmatch``), e.g.
        ``r"/channels/\\d+/messages"``; ``method`` may be ``"*"``.
        """
        fault = Fault(
            method.upper(),
            re.compile(path_regex),
            status,
            retry_after,
            times,
            code,
            message,
            is_global,
        )
        self.faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        self.faults.clear()

    def hold(self, method: str, path_regex: str, *, times: int | None = 1) -> Hold:
        """Keep the next ``times`` matching requests waiting until ``hold.release(...)``.

        For crashes at the worst moment: stop or kill the bot while its request is held, then
        release it with ``process=True`` (Discord got it and created the message; the bot never
        saw the answer) or ``process=False`` (it never reached Discord). ``path_regex`` is
        matched like :meth:`fail`'s.
        """
        hold = Hold(self, method.upper(), re.compile(path_regex), times)
        self.holds.append(hold)
        return hold

    def _fault_response(self, fault: Fault, route_key: str) -> web.Response:
        fault.hits += 1
        if fault.status == 429:
            body: dict[str, Any] = {
                "message": fault.message or "You are being rate limited.",
                "retry_after": fault.retry_after,
                "global": fault.is_global,
            }
            if fault.code is not None:
                body["code"] = fault.code
            headers = {
                "Retry-After": str(max(1, math.ceil(fault.retry_after))),
                "X-RateLimit-Limit": "5",
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset": f"{time.time() + fault.retry_after:.3f}",
                "X-RateLimit-Reset-After": f"{fault.retry_after:.3f}",
                "X-RateLimit-Bucket": self._bucket(route_key),
                "X-RateLimit-Scope": "global" if fault.is_global else "user",
            }
            if fault.is_global:
                headers["X-RateLimit-Global"] = "true"
            return self._json(body, 429, headers)
        reasons = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}
        text = fault.message or reasons.get(fault.status, "Error")
        body = {"code": fault.code if fault.code is not None else 0, "message": text}
        return self._json(body, fault.status)

    # ------------------------------------------------------------------ HTTP plumbing

    def _bucket(self, route_key: str) -> str:
        return hashlib.sha1(route_key.encode()).hexdigest()[:16]

    def _json(
        self, data: Any, status: int = 200, headers: Mapping[str, str] | None = None
    ) -> web.Response:
        hdrs = {"Content-Type": JSON, "Via": "1.1 google"}
        hdrs.update(headers or {})
        return web.Response(body=json.dumps(data).encode(), status=status, headers=hdrs)

    def _ratelimit_headers(self, route_key: str) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": "50",
            "X-RateLimit-Remaining": "49",
            "X-RateLimit-Reset": f"{time.time() + 1:.3f}",
            "X-RateLimit-Reset-After": "1.000",
            "X-RateLimit-Bucket": self._bucket(route_key),
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

    async def _http_handler(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        prefix = f"/api/v{API_VERSION}"
        if path.startswith("/cdn/"):
            return self._cdn_handler(path)
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
        self.requests.append(record)
        try:
            response = await self._route(request, record, rel, prefix, body, files)
        except ApiError as exc:
            response = self._json(exc.body, exc.status, exc.headers)
        record.status = response.status
        self._notify()
        return response

    async def _route(
        self,
        request: web.Request,
        record: RecordedRequest,
        rel: str,
        prefix: str,
        body: Any,
        files: list[FilePart],
    ) -> web.Response:
        method = request.method
        if not request.path.startswith(prefix + "/"):
            return self._unimplemented(method, request.path, "outside the API base " + prefix)
        for hold in self.holds:
            if hold.matches(method, rel):
                if not await hold._wait(record):
                    record.fault = True
                    return self._json({"code": 0, "message": "Service Unavailable"}, 503)
                break
        for fault in self.faults:
            if fault.matches(method, rel):
                record.fault = True
                return self._fault_response(fault, f"{method} {rel}")
        for route_method, pattern, handler, needs_auth in self._routes:
            if route_method != method:
                continue
            match = pattern.fullmatch(rel)
            if match is None:
                continue
            record.route = handler.__name__
            if needs_auth and request.headers.get("Authorization") != f"Bot {self.token}":
                raise ApiError(401, 0, "401: Unauthorized")
            result = handler(record, **match.groupdict())
            if asyncio.iscoroutine(result):
                result = await result
            headers = self._ratelimit_headers(f"{method} {pattern.pattern}")
            if result is None:
                return web.Response(status=204, headers={"Via": "1.1 google", **headers})
            if isinstance(result, web.Response):
                return result
            return self._json(result, 200, headers)
        return self._unimplemented(method, rel, "no such route in the emulator")

    def _unimplemented(self, method: str, path: str, why: str) -> web.Response:
        entry = f"{method} {path}"
        self.unimplemented.append(entry)
        return self._json(
            {"code": 0, "message": f"404: Not Found (emulator: {entry} is not implemented; {why})"},
            404,
        )

    def _cdn_handler(self, path: str) -> web.Response:
        match = re.fullmatch(r"/cdn/attachments/\d+/(\d+)/[^/]+", path)
        if match is None or int(match.group(1)) not in self._cdn:
            self.unimplemented.append(f"GET {path} (unknown CDN object)")
            return web.Response(status=404, text="not found")
        _filename, ctype, data = self._cdn[int(match.group(1))]
        return web.Response(body=data, headers={"Content-Type": ctype})

    def _build_routes(self) -> list[tuple[str, re.Pattern[str], Handler, bool]]:
        app = r"(?P<app_id>\d+)"
        scope = r"(?:/guilds/(?P<guild_id>\d+))?"
        wh = r"/webhooks/(?P<app_id>\d+)/(?P<token>[^/]+)"
        msg = r"(?P<message_id>@original|\d+)"
        ch = r"/channels/(?P<channel_id>\d+)"
        table: list[tuple[str, str, Handler, bool]] = [
            ("GET", r"/users/@me", self._r_me, True),
            ("GET", r"/users/(?P<user_id>\d+)", self._r_user, True),
            ("POST", r"/users/@me/channels", self._r_create_dm, True),
            ("GET", r"/oauth2/applications/@me", self._r_application, True),
            ("GET", r"/applications/@me", self._r_application, True),
            ("GET", r"/gateway", self._r_gateway, False),
            ("GET", r"/gateway/bot", self._r_gateway_bot, True),
            ("GET", rf"/applications/{app}{scope}/commands", self._r_get_commands, True),
            ("PUT", rf"/applications/{app}{scope}/commands", self._r_put_commands, True),
            ("POST", rf"/applications/{app}{scope}/commands", self._r_post_command, True),
            (
                "GET",
                rf"/applications/{app}{scope}/commands/(?P<command_id>\d+)",
                self._r_get_command,
                True,
            ),
            (
                "DELETE",
                rf"/applications/{app}{scope}/commands/(?P<command_id>\d+)",
                self._r_delete_command,
                True,
            ),
            (
                "POST",
                r"/interactions/(?P<interaction_id>\d+)/(?P<token>[^/]+)/callback",
                self._r_callback,
                False,
            ),
            ("POST", wh, self._r_followup, False),
            ("GET", rf"{wh}/messages/{msg}", self._r_webhook_get, False),
            ("PATCH", rf"{wh}/messages/{msg}", self._r_webhook_edit, False),
            ("DELETE", rf"{wh}/messages/{msg}", self._r_webhook_delete, False),
            ("GET", ch, self._r_get_channel, True),
            ("GET", rf"{ch}/messages", self._r_history, True),
            ("POST", rf"{ch}/messages", self._r_create_message, True),
            ("GET", rf"{ch}/messages/(?P<message_id>\d+)", self._r_get_message, True),
            ("PATCH", rf"{ch}/messages/(?P<message_id>\d+)", self._r_edit_message, True),
            ("DELETE", rf"{ch}/messages/(?P<message_id>\d+)", self._r_delete_message, True),
            ("POST", rf"{ch}/typing", self._r_typing, True),
            ("GET", r"/guilds/(?P<guild_id>\d+)", self._r_get_guild, True),
            ("GET", r"/guilds/(?P<guild_id>\d+)/channels", self._r_guild_channels, True),
            ("GET", r"/guilds/(?P<guild_id>\d+)/roles", self._r_guild_roles, True),
            ("GET", r"/guilds/(?P<guild_id>\d+)/members", self._r_guild_members, True),
            (
                "GET",
                r"/guilds/(?P<guild_id>\d+)/members/(?P<user_id>\d+)",
                self._r_guild_member,
                True,
            ),
        ]
        return [(m, re.compile(p), h, auth) for m, p, h, auth in table]

    def _contract(self, where: str, violations: list[Violation]) -> ApiError:
        """Record a contract violation and build the 400 Discord would answer."""
        self.contract_errors.append(ContractError(where, violations))
        body = contract.discord_error_body(violations)
        body["emulator"] = "; ".join(str(v) for v in violations)
        return ApiError(400, body["code"], body["message"], body=body)

    # ------------------------------------------------------------------ REST: identity, gateway

    def _r_me(self, req: RecordedRequest) -> dict[str, Any]:
        return {
            **self.bot_user.payload(),
            "verified": True,
            "mfa_enabled": False,
            "email": None,
            "locale": "en-US",
        }

    def _r_user(self, req: RecordedRequest, user_id: str) -> dict[str, Any]:
        user = self._users.get(int(user_id))
        if user is None:
            raise _not_found(10013, "User")
        return user.payload()

    def _r_application(self, req: RecordedRequest) -> dict[str, Any]:
        return {
            "id": str(self.application_id),
            "name": self.bot_name,
            "icon": None,
            "description": "",
            "summary": "",
            "rpc_origins": [],
            "bot_public": True,
            "bot_require_code_grant": False,
            "bot": self.bot_user.payload(),
            "owner": self.app_owner.payload(),
            "team": None,
            "verify_key": "0" * 64,
            "flags": 0,
            "tags": [],
            "redirect_uris": [],
            "interactions_endpoint_url": None,
            "approximate_guild_count": len(self._guilds),
        }

    def _r_gateway(self, req: RecordedRequest) -> dict[str, Any]:
        return {"url": self.gateway_url.rstrip("/")}

    def _r_gateway_bot(self, req: RecordedRequest) -> dict[str, Any]:
        return {
            "url": self.gateway_url.rstrip("/"),
            "shards": 1,
            "session_start_limit": {
                "total": 1000,
                "remaining": 999,
                "reset_after": 14400000,
                "max_concurrency": 1,
            },
        }

    def _r_create_dm(self, req: RecordedRequest) -> dict[str, Any]:
        recipient = int((req.json or {}).get("recipient_id", 0))
        user = self._users.get(recipient)
        if user is None:
            raise _not_found(10013, "User")
        return self.dm_channel(user).payload()

    # ------------------------------------------------------------------ REST: commands

    def _check_scope(self, app_id: str, guild_id: str | None) -> int | None:
        if int(app_id) != self.application_id:
            raise _not_found(10002, "Application")
        if guild_id is None:
            return None
        if int(guild_id) not in self._guilds:
            raise _missing_access()
        return int(guild_id)

    def _command_object(
        self, cmd: dict[str, Any], scope: int | None, existing: dict[str, Any] | None
    ) -> dict[str, Any]:
        stored = {
            "type": 1,
            "description": "",
            "options": [],
            "default_member_permissions": None,
            "dm_permission": True,
            "nsfw": False,
            "contexts": None,
            "integration_types": [0],
            "name_localizations": None,
            "description_localizations": None,
            **copy.deepcopy(cmd),
        }
        if stored["default_member_permissions"] is not None:  # Discord answers with a string
            stored["default_member_permissions"] = str(stored["default_member_permissions"])
        stored["id"] = existing["id"] if existing else str(self._snowflake())
        stored["application_id"] = str(self.application_id)
        stored["version"] = str(self._snowflake())
        if scope is not None:
            stored["guild_id"] = str(scope)
        return stored

    def _r_get_commands(
        self, req: RecordedRequest, app_id: str, guild_id: str | None = None
    ) -> list[dict[str, Any]]:
        return self.synced_commands(self._check_scope(app_id, guild_id))

    def _r_put_commands(
        self, req: RecordedRequest, app_id: str, guild_id: str | None = None
    ) -> list[dict[str, Any]]:
        scope = self._check_scope(app_id, guild_id)
        violations = contract.validate_commands(req.json)
        if violations:
            raise self._contract(f"PUT {req.path}", violations)
        old = {(c.get("type", 1), c["name"]): c for c in self._commands.get(scope, [])}
        stored = [
            self._command_object(c, scope, old.get((c.get("type", 1), c["name"]))) for c in req.json
        ]
        self._commands[scope] = stored
        self.sync_history.append((scope, copy.deepcopy(req.json)))
        return copy.deepcopy(stored)

    def _r_post_command(
        self, req: RecordedRequest, app_id: str, guild_id: str | None = None
    ) -> dict[str, Any]:
        scope = self._check_scope(app_id, guild_id)
        violations = contract.validate_commands([req.json])
        if violations:
            raise self._contract(f"POST {req.path}", violations)
        commands = self._commands.setdefault(scope, [])
        key = (req.json.get("type", 1), req.json["name"])
        existing = next((c for c in commands if (c.get("type", 1), c["name"]) == key), None)
        stored = self._command_object(req.json, scope, existing)
        if existing is not None:
            commands[commands.index(existing)] = stored
        else:
            commands.append(stored)
        return copy.deepcopy(stored)

    def _find_stored_command(
        self, app_id: str, guild_id: str | None, command_id: str
    ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        commands = self._commands.get(self._check_scope(app_id, guild_id), [])
        for cmd in commands:
            if cmd["id"] == command_id:
                return commands, cmd
        raise _not_found(10063, "application command")

    def _r_get_command(
        self, req: RecordedRequest, app_id: str, command_id: str, guild_id: str | None = None
    ) -> dict[str, Any]:
        return copy.deepcopy(self._find_stored_command(app_id, guild_id, command_id)[1])

    def _r_delete_command(
        self, req: RecordedRequest, app_id: str, command_id: str, guild_id: str | None = None
    ) -> None:
        commands, cmd = self._find_stored_command(app_id, guild_id, command_id)
        commands.remove(cmd)

    # ------------------------------------------------------------------ REST: channels/guilds

    def _channel_for_bot(self, channel_id: str, need: int = 0) -> Channel:
        channel = self._channels.get(int(channel_id))
        if channel is None:
            raise _not_found(10003, "Channel")
        perms = self.bot_permissions(channel)
        if not perms & VIEW_CHANNEL:
            raise _missing_access()
        if need and perms & need != need:
            raise _missing_permissions()
        return channel

    def _r_get_channel(self, req: RecordedRequest, channel_id: str) -> dict[str, Any]:
        return self._channel_for_bot(channel_id).payload()

    def _r_typing(self, req: RecordedRequest, channel_id: str) -> None:
        self._channel_for_bot(channel_id, SEND_MESSAGES)

    def _r_history(self, req: RecordedRequest, channel_id: str) -> list[dict[str, Any]]:
        channel = self._channel_for_bot(channel_id, int(Perm.READ_MESSAGE_HISTORY))
        msgs = self.channel_messages(channel)
        q = req.query
        if "before" in q:
            msgs = [m for m in msgs if m.id < int(q["before"])]
        if "after" in q:
            msgs = [m for m in msgs if m.id > int(q["after"])]
        limit = max(1, min(100, int(q.get("limit", 50))))
        newest_first = list(reversed(msgs))
        if "after" in q:  # Discord returns the oldest `limit` after the anchor, newest first
            newest_first = list(reversed(msgs[:limit]))
        return [m.payload() for m in newest_first[:limit]]

    def _stored_message(self, channel: Channel, message_id: str) -> Message:
        message = self._messages.get(int(message_id))
        if message is None or message.deleted or message.channel_id != channel.id:
            raise _not_found(10008, "Message")
        return message

    def _r_get_message(
        self, req: RecordedRequest, channel_id: str, message_id: str
    ) -> dict[str, Any]:
        channel = self._channel_for_bot(channel_id, int(Perm.READ_MESSAGE_HISTORY))
        message = self._stored_message(channel, message_id)
        if message.ephemeral:
            raise _not_found(10008, "Message")
        return message.payload()

    def _r_create_message(self, req: RecordedRequest, channel_id: str) -> dict[str, Any]:
        channel = self._channels.get(int(channel_id))
        if channel is None:
            raise _not_found(10003, "Channel")
        if channel.type == 1:
            assert channel.recipient is not None
            if not channel.recipient.dms_open:
                raise ApiError(403, 50007, "Cannot send messages to this user")
        else:
            need = SEND_MESSAGES | (ATTACH_FILES if req.files else 0)
            self._channel_for_bot(channel_id, need)
        body = dict(req.json or {})
        nonce = body.get("nonce")
        if nonce is not None:
            if not isinstance(nonce, str | int) or len(str(nonce)) > 25:
                raise self._contract(
                    f"POST {req.path}",
                    [Violation("nonce", "Must be an integer or a string of 25 or fewer")],
                )
            if body.get("enforce_nonce"):
                # Discord: a nonce seen from the same author in the past few minutes returns
                # the message it created then, and creates nothing.
                seen = self._nonces.get((self.bot_user.id, str(nonce)))
                if seen is not None and time.monotonic() - seen[1] <= self.nonce_window:
                    self.nonce_replays.append(seen[0])
                    return seen[0].payload()
        reference = None
        ref = body.get("message_reference")
        if ref:
            reference = self._messages.get(int(ref.get("message_id", 0)))
            if reference is None and ref.get("fail_if_not_exists", True):
                raise self._contract(
                    f"POST {req.path}",
                    [Violation("message_reference", "Unknown message to reply to")],
                )
        message = self._new_message(
            channel,
            body,
            req.files,
            where=f"POST {req.path}",
            kind="channel",
            author=self.bot_user,
            reference=reference,
        )
        if nonce is not None:
            self._nonces[(self.bot_user.id, str(nonce))] = (message, time.monotonic())
        return message.payload()

    def _r_edit_message(
        self, req: RecordedRequest, channel_id: str, message_id: str
    ) -> dict[str, Any]:
        channel = self._channel_for_bot(channel_id)
        message = self._stored_message(channel, message_id)
        if message.author_id != self.bot_user.id:
            raise ApiError(403, 50005, "Cannot edit a message authored by another user")
        self._edit_message(message, dict(req.json or {}), req.files, f"PATCH {req.path}")
        return message.payload()

    def _r_delete_message(self, req: RecordedRequest, channel_id: str, message_id: str) -> None:
        channel = self._channel_for_bot(channel_id)
        message = self._stored_message(channel, message_id)
        if message.author_id != self.bot_user.id and not (
            self.bot_permissions(channel) & MANAGE_MESSAGES
        ):
            raise _missing_permissions()
        self._delete_message(message)

    def _guild_for_bot(self, guild_id: str) -> Guild:
        guild = self._guilds.get(int(guild_id))
        if guild is None:
            raise _not_found(10004, "Guild")
        return guild

    def _guild_payload(self, guild: Guild) -> dict[str, Any]:
        return {
            "id": str(guild.id),
            "name": guild.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(guild.owner_id),
            "region": None,
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "roles": [r.payload() for r in guild.roles],
            "emojis": [],
            "stickers": [],
            "features": [],
            "mfa_level": 0,
            "application_id": None,
            "system_channel_id": str(guild.system_channel_id) if guild.system_channel_id else None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "safety_alerts_channel_id": None,
            "max_members": 500000,
            "max_presences": None,
            "max_video_channel_users": 25,
            "max_stage_video_channel_users": 50,
            "vanity_url_code": None,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "premium_progress_bar_enabled": False,
            "preferred_locale": guild.preferred_locale,
            "nsfw_level": 0,
            "nsfw": False,
            "incidents_data": None,
        }

    def _r_get_guild(self, req: RecordedRequest, guild_id: str) -> dict[str, Any]:
        guild = self._guild_for_bot(guild_id)
        data = self._guild_payload(guild)
        if req.query.get("with_counts") in ("true", "1", "True"):
            data["approximate_member_count"] = len(guild.members)
            data["approximate_presence_count"] = 0
        return data

    def _r_guild_channels(self, req: RecordedRequest, guild_id: str) -> list[dict[str, Any]]:
        return [c.payload() for c in self._guild_for_bot(guild_id).channels]

    def _r_guild_roles(self, req: RecordedRequest, guild_id: str) -> list[dict[str, Any]]:
        return [r.payload() for r in self._guild_for_bot(guild_id).roles]

    def _r_guild_member(self, req: RecordedRequest, guild_id: str, user_id: str) -> dict[str, Any]:
        member = self._guild_for_bot(guild_id).members.get(int(user_id))
        if member is None:
            raise _not_found(10007, "Member")
        return member.payload()

    def _r_guild_members(self, req: RecordedRequest, guild_id: str) -> list[dict[str, Any]]:
        guild = self._guild_for_bot(guild_id)
        after = int(req.query.get("after", 0))
        limit = max(1, min(1000, int(req.query.get("limit", 1))))
        members = sorted((m for m in guild.members.values() if m.id > after), key=lambda m: m.id)
        return [m.payload() for m in members[:limit]]

    # ------------------------------------------------------------------ messages (storage)

    def _pings(
        self,
        content: str,
        allowed: Any,
        *,
        author_perms: int,
        reply_to: Message | None,
        where: str,
    ) -> Pings:
        """Who gets notified: Discord's allowed_mentions rules plus mention permissions."""
        users = [int(u) for u in re.findall(r"<@!?(\d+)>", content)]
        roles = [int(r) for r in re.findall(r"<@&(\d+)>", content)]
        everyone = "@everyone" in content or "@here" in content
        if allowed is None:
            parse = {"users", "roles", "everyone"}
            allowed_users: list[int] = []
            allowed_roles: list[int] = []
            replied = True
        else:
            parse = set(allowed.get("parse") or [])
            allowed_users = [int(u) for u in allowed.get("users") or []]
            allowed_roles = [int(r) for r in allowed.get("roles") or []]
            replied = bool(allowed.get("replied_user", False))
            bad = []
            if "users" in parse and allowed_users:
                bad.append(Violation("allowed_mentions", "parse:users conflicts with users list"))
            if "roles" in parse and allowed_roles:
                bad.append(Violation("allowed_mentions", "parse:roles conflicts with roles list"))
            if len(allowed_users) > 100 or len(allowed_roles) > 100:
                bad.append(Violation("allowed_mentions", "at most 100 users/roles"))
            if bad:
                raise self._contract(where, bad)
        can_everyone = bool(author_perms & MENTION_EVERYONE)
        ping_users = [u for u in users if "users" in parse or u in allowed_users]
        if reply_to is not None and replied and reply_to.author_id not in ping_users:
            ping_users.append(reply_to.author_id)
        ping_roles = [
            r
            for r in roles
            if ("roles" in parse or r in allowed_roles)
            and r in self._roles
            and (self._roles[r].mentionable or can_everyone)
        ]
        return Pings(
            tuple(dict.fromkeys(ping_users)),
            tuple(dict.fromkeys(ping_roles)),
            everyone and "everyone" in parse and can_everyone,
        )

    def _attachments(
        self,
        channel: Channel,
        described: Any,
        files: list[FilePart],
        *,
        keep: list[dict[str, Any]],
        ephemeral: bool,
    ) -> tuple[list[dict[str, Any]], dict[str, bytes]]:
        """Turn multipart ``files[n]`` parts into attachment objects served by the CDN."""
        meta = {str(a.get("id")): a for a in described or [] if isinstance(a, dict)}
        out = list(keep)
        blobs: dict[str, bytes] = {}
        for index, part in enumerate(files):
            match = re.fullmatch(r"files\[(\d+)\]", part.field)
            key = match.group(1) if match else str(index)
            info = meta.get(key, {})
            filename = info.get("filename") or part.filename or f"file{key}"
            if len(part.data) > ATTACHMENT_SIZE_LIMIT:
                raise ApiError(413, 40005, "Request entity too large")
            aid = self._snowflake()
            ctype = (
                part.content_type
                if part.content_type and part.content_type != "application/octet-stream"
                else mimetypes.guess_type(filename)[0] or "application/octet-stream"
            )
            self._cdn[aid] = (filename, ctype, part.data)
            url = self._cdn_url(channel.id, aid, filename)
            att = {
                "id": str(aid),
                "filename": filename,
                "size": len(part.data),
                "url": url,
                "proxy_url": url,
                "content_type": ctype,
            }
            if info.get("description"):
                att["description"] = info["description"]
            if ephemeral:
                att["ephemeral"] = True
            out.append(att)
            blobs[filename] = part.data
        return out, blobs

    def _new_message(
        self,
        channel: Channel,
        body: dict[str, Any],
        files: list[FilePart],
        *,
        where: str,
        kind: str,
        author: User,
        interaction: InteractionResult | None = None,
        reference: Message | None = None,
        message_type: int = 0,
        extra_flags: int = 0,
        dispatch: bool = True,
    ) -> Message:
        violations = contract.validate_message(body, files=len(files))
        if violations:
            raise self._contract(where, violations)
        flags = ((body.get("flags") or 0) & MESSAGE_FLAGS_ALLOWED) | extra_flags
        if kind == "channel":
            flags &= ~EPHEMERAL  # channel messages cannot be ephemeral
        ephemeral = bool(flags & EPHEMERAL)
        attachments, blobs = self._attachments(
            channel,
            body.get("attachments"),
            files,
            keep=[],
            ephemeral=ephemeral,
        )
        author_perms = self._author_permissions(channel, author)
        allowed = body.get("allowed_mentions")
        pings = self._pings(
            body.get("content") or "",
            allowed,
            author_perms=author_perms,
            reply_to=reference,
            where=where,
        )
        mid = self._snowflake()
        data: dict[str, Any] = {
            "id": str(mid),
            "channel_id": str(channel.id),
            "author": author.payload(),
            "content": body.get("content") or "",
            "timestamp": _now_iso(),
            "edited_timestamp": None,
            "tts": bool(body.get("tts", False)),
            "mention_everyone": pings.everyone,
            "mentions": [self._users[u].payload() for u in pings.users if u in self._users],
            "mention_roles": [str(r) for r in pings.roles],
            "attachments": attachments,
            "embeds": [{"type": "rich", **e} for e in body.get("embeds") or []],
            "components": copy.deepcopy(body.get("components") or []),
            "pinned": False,
            "type": message_type,
            "flags": flags,
        }
        if body.get("nonce") is not None:
            data["nonce"] = body["nonce"]
        if reference is not None:
            data["type"] = 19
            data["message_reference"] = {
                "type": 0,
                "message_id": str(reference.id),
                "channel_id": str(reference.channel_id),
            }
            data["referenced_message"] = reference.payload()
        if interaction is not None:
            data["webhook_id"] = str(self.application_id)
            data["application_id"] = str(self.application_id)
            data["interaction_metadata"] = self._interaction_metadata(interaction, kind)
            name = (interaction.payload.get("data") or {}).get("name")
            if name:
                data["interaction"] = {
                    "id": str(interaction.id),
                    "type": interaction.type,
                    "name": name,
                    "user": interaction.user.payload(),
                }
        message = Message(
            data,
            kind=kind,
            files=blobs,
            allowed_mentions=allowed,
            pings=pings,
            interaction=interaction,
        )
        self._messages[mid] = message
        if dispatch and not ephemeral:
            self._dispatch_message_event("MESSAGE_CREATE", message, channel)
        self._notify()
        return message

    def _interaction_metadata(self, r: InteractionResult, kind: str) -> dict[str, Any]:
        meta: dict[str, Any] = {
            "id": str(r.id),
            "type": r.type,
            "user": r.user.payload(),
            "authorizing_integration_owners": r.payload.get("authorizing_integration_owners", {}),
        }
        if kind == "followup" and r.message is not None:
            meta["original_response_message_id"] = str(r.message.id)
        if r.source_message is not None:
            meta["interacted_message_id"] = str(r.source_message.id)
        return meta

    def _author_permissions(self, channel: Channel, author: User) -> int:
        if channel.type == 1:
            return 0
        guild = self._guilds.get(channel.guild_id or 0)
        member = guild.members.get(author.id) if guild else None
        return self.permissions_for(member, channel) if member else 0

    def _edit_message(
        self,
        message: Message,
        body: dict[str, Any],
        files: list[FilePart],
        where: str,
        *,
        resolve_loading: bool = False,
    ) -> None:
        violations = contract.validate_message(body, files=len(files), existing=message.data)
        if violations:
            raise self._contract(where, violations)
        channel = self._channels.get(message.channel_id) or Channel(message.channel_id, "?")
        before = copy.deepcopy(message.data)
        data = message.data
        if "content" in body:
            data["content"] = body["content"] or ""
        if "embeds" in body:
            data["embeds"] = [{"type": "rich", **e} for e in body["embeds"] or []]
        if "components" in body:
            data["components"] = copy.deepcopy(body["components"] or [])
        if "flags" in body and body["flags"] is not None:
            keep = data.get("flags", 0) & (EPHEMERAL | IS_COMPONENTS_V2)
            data["flags"] = keep | (body["flags"] & contract.SUPPRESS_EMBEDS)
        keep_atts = data.get("attachments") or []
        if "attachments" in body and body["attachments"] is not None:
            wanted = {str(a.get("id")) for a in body["attachments"] if isinstance(a, dict)}
            keep_atts = [a for a in keep_atts if a["id"] in wanted]
            kept_names = {a["filename"] for a in keep_atts}
            message.files = {k: v for k, v in message.files.items() if k in kept_names}
        atts, blobs = self._attachments(
            channel,
            body.get("attachments"),
            files,
            keep=keep_atts,
            ephemeral=message.ephemeral,
        )
        data["attachments"] = atts
        message.files.update(blobs)
        if "allowed_mentions" in body:
            message.allowed_mentions = body["allowed_mentions"]
        if message.loading or resolve_loading:
            data["flags"] = data.get("flags", 0) & ~LOADING
        else:
            data["edited_timestamp"] = _now_iso()
        message.history.append(before)
        if not message.ephemeral:
            self._dispatch_message_event("MESSAGE_UPDATE", message, channel)
        self._notify()

    def _delete_message(self, message: Message) -> None:
        message.deleted = True
        channel = self._channels.get(message.channel_id)
        if not message.ephemeral and channel is not None:
            payload = {"id": str(message.id), "channel_id": str(channel.id)}
            if channel.guild_id:
                payload["guild_id"] = str(channel.guild_id)
            intent = Intent.DIRECT_MESSAGES if channel.type == 1 else Intent.GUILD_MESSAGES
            self._dispatch_gated("MESSAGE_DELETE", payload, intent)
        self._notify()

    def _dispatch_message_event(self, event: str, message: Message, channel: Channel) -> None:
        if self._session is None:
            return
        payload = message.payload()
        intent = Intent.DIRECT_MESSAGES if channel.type == 1 else Intent.GUILD_MESSAGES
        if channel.guild_id:
            payload["guild_id"] = str(channel.guild_id)
            guild = self._guilds.get(channel.guild_id)
            member = guild.members.get(message.author_id) if guild else None
            if member is not None:
                payload["member"] = member.payload(with_user=False)
        mentioned = str(self.bot_user.id) in {u["id"] for u in payload.get("mentions", [])}
        if (
            message.author_id != self.bot_user.id
            and channel.type != 1
            and not mentioned
            and not self._session.intents & Intent.MESSAGE_CONTENT
        ):
            payload.update(content="", embeds=[], attachments=[], components=[])
        self._dispatch_gated(event, payload, intent)

    # ------------------------------------------------------------------ REST: interactions

    def _interaction_by_token(self, app_id: str, token: str) -> InteractionResult:
        r = self._by_token.get(token)
        if int(app_id) != self.application_id or r is None:
            raise _not_found(10015, "Webhook")
        return r

    def _r_callback(
        self, req: RecordedRequest, interaction_id: str, token: str
    ) -> dict[str, Any] | None:
        r = self._interactions.get(int(interaction_id))
        if r is None or r.token != token:
            raise ApiError(404, 10062, "Unknown interaction")
        try:
            return self._callback(req, r)
        except ApiError as exc:
            if exc.status == 400 and exc.body.get("code") != 40060:
                r.rejected.append(str(exc.body.get("emulator") or exc.body.get("message")))
                self._notify()
            raise

    def _callback(self, req: RecordedRequest, r: InteractionResult) -> dict[str, Any] | None:
        where = f"POST /interactions/{r.id}/<token>/callback"
        if r.response is not None:
            raise ApiError(400, 40060, "Interaction has already been acknowledged.")
        elapsed = asyncio.get_running_loop().time() - r.created
        if self.callback_deadline is not None and elapsed > self.callback_deadline:
            r.late = True
            self._notify()
            raise ApiError(404, 10062, "Unknown interaction")
        body = req.json if isinstance(req.json, dict) else {}
        rtype = body.get("type")
        data = body.get("data") or {}
        if rtype not in ALLOWED_CALLBACKS.get(r.type, set()):
            raise self._contract(
                where,
                [Violation("type", f"callback type {rtype} is not valid for interaction {r.type}")],
            )
        if rtype in (DEFERRED_UPDATE, UPDATE_MESSAGE) and r.source_message is None:
            raise self._contract(
                where, [Violation("type", "no message to update (interaction has no message)")]
            )
        resource_message: Message | None = None
        if rtype == CHANNEL_MESSAGE:
            resource_message = self._new_message(
                r.channel,
                data,
                req.files,
                where=where,
                kind="interaction",
                author=self.bot_user,
                interaction=r,
                message_type=self._response_message_type(r),
            )
            r.message = resource_message
        elif rtype == DEFERRED_MESSAGE:
            resource_message = self._loading_message(r, data)
            r.message = resource_message
        elif rtype == DEFERRED_UPDATE:
            r.message = resource_message = r.source_message
        elif rtype == UPDATE_MESSAGE:
            assert r.source_message is not None
            self._edit_message(r.source_message, data, req.files, where)
            r.message = resource_message = r.source_message
        elif rtype == AUTOCOMPLETE_RESULT:
            violations = contract.validate_autocomplete_choices(data)
            if violations:
                raise self._contract(where, violations)
            r.choices = data["choices"]
        elif rtype == MODAL:
            violations = contract.validate_modal(data)
            if violations:
                raise self._contract(where, violations)
            r.modal = data
            self._modals.append((data, r))
        r.response = body
        r.response_type = rtype
        self._notify()
        if req.query.get("with_response", "").lower() not in ("1", "true"):
            return None
        interaction: dict[str, Any] = {"id": str(r.id), "type": r.type}
        resource: dict[str, Any] = {"type": rtype}
        if resource_message is not None:
            interaction.update(
                response_message_id=str(resource_message.id),
                response_message_loading=resource_message.loading,
                response_message_ephemeral=resource_message.ephemeral,
            )
            resource["message"] = resource_message.payload()
        return {"interaction": interaction, "resource": resource}

    def _response_message_type(self, r: InteractionResult) -> int:
        if r.type == APPLICATION_COMMAND:
            return 20 if (r.payload.get("data") or {}).get("type", 1) == 1 else 23
        return 0

    def _loading_message(self, r: InteractionResult, data: dict[str, Any]) -> Message:
        """The 'Bot is thinking…' placeholder a deferred response creates."""
        flags = LOADING | ((data.get("flags") or 0) & EPHEMERAL)
        mid = self._snowflake()
        payload: dict[str, Any] = {
            "id": str(mid),
            "channel_id": str(r.channel.id),
            "author": self.bot_user.payload(),
            "content": "",
            "timestamp": _now_iso(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": [],
            "components": [],
            "pinned": False,
            "type": self._response_message_type(r),
            "flags": flags,
            "webhook_id": str(self.application_id),
            "application_id": str(self.application_id),
            "interaction_metadata": self._interaction_metadata(r, "interaction"),
        }
        message = Message(payload, kind="interaction", interaction=r)
        self._messages[mid] = message
        if not message.ephemeral:
            self._dispatch_message_event("MESSAGE_CREATE", message, r.channel)
        return message

    def _r_followup(self, req: RecordedRequest, app_id: str, token: str) -> dict[str, Any] | None:
        r = self._interaction_by_token(app_id, token)
        where = f"POST /webhooks/{app_id}/<token>"
        if r.response is None:
            self.contract_errors.append(
                ContractError(where, [Violation("", "follow-up sent before the initial response")])
            )
            raise _not_found(10015, "Webhook")
        body = dict(req.json or {})
        if r.response_type == DEFERRED_MESSAGE and r.message is not None and r.message.loading:
            # Discord: the first follow-up after a deferred response *is* the response; it
            # replaces the "thinking…" message and keeps the deferral's ephemerality.
            body.pop("flags", None)
            self._edit_message(r.message, body, req.files, where, resolve_loading=True)
            message = r.message
        else:
            message = self._new_message(
                r.channel,
                body,
                req.files,
                where=where,
                kind="followup",
                author=self.bot_user,
                interaction=r,
                message_type=self._response_message_type(r),
            )
        r.followups.append(message)
        self._notify()
        if req.query.get("wait", "").lower() in ("1", "true"):
            return message.payload()
        return None

    def _webhook_message(self, r: InteractionResult, message_id: str) -> Message:
        if message_id == "@original":
            if r.message is None or r.message.deleted:
                raise _not_found(10008, "Message")
            return r.message
        for m in [r.message, *r.followups]:
            if m is not None and m.id == int(message_id) and not m.deleted:
                return m
        raise _not_found(10008, "Message")

    def _r_webhook_get(
        self, req: RecordedRequest, app_id: str, token: str, message_id: str
    ) -> dict[str, Any]:
        r = self._interaction_by_token(app_id, token)
        return self._webhook_message(r, message_id).payload()

    def _r_webhook_edit(
        self, req: RecordedRequest, app_id: str, token: str, message_id: str
    ) -> dict[str, Any]:
        r = self._interaction_by_token(app_id, token)
        message = self._webhook_message(r, message_id)
        self._edit_message(message, dict(req.json or {}), req.files, f"PATCH {req.path}")
        return message.payload()

    def _r_webhook_delete(
        self, req: RecordedRequest, app_id: str, token: str, message_id: str
    ) -> None:
        r = self._interaction_by_token(app_id, token)
        self._delete_message(self._webhook_message(r, message_id))

    # ------------------------------------------------------------------ gateway

    def _live_session(self) -> bool:
        return self._session is not None

    def _dispatch(self, event: str, data: dict[str, Any]) -> None:
        session = self._session
        if session is None:
            raise EmulatorError(f"cannot dispatch {event}: the bot has no gateway session")
        session.seq += 1
        frame = {"op": 0, "t": event, "s": session.seq, "d": data}
        session.history.append(frame)
        if session.conn is not None:
            session.conn.send(frame)

    def _dispatch_gated(self, event: str, data: dict[str, Any], intent: int) -> None:
        if self._session is not None and self._session.intents & intent:
            self._dispatch(event, data)

    def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send any gateway event (raw) to the bot."""
        self._dispatch(event, data)

    async def wait_ready(self, timeout: float = 10.0) -> None:
        """Wait until the bot has identified (READY + GUILD_CREATEs sent) or resumed."""
        await self._wait_until(lambda: self._live, timeout, "the bot to connect to the gateway")

    async def drop_gateway(self, code: int = 4000, *, invalidate: bool = False) -> None:
        """Close the bot's websocket. It reconnects and RESUMEs; with ``invalidate=True`` the
        session is forgotten, so the RESUME gets op 9 INVALID_SESSION and the bot re-IDENTIFYs."""
        session = self._session
        if session is None or session.conn is None:
            raise EmulatorError("no live gateway connection to drop")
        conn = session.conn
        session.conn = None
        if invalidate:
            session.resumable = False
        self._live = False
        conn.record.close_code = code
        await conn.close(code, "emulator: connection dropped")

    def send_reconnect(self) -> None:
        """Op 7 RECONNECT: Discord asks the client to reconnect and resume."""
        if self._session is None or self._session.conn is None:
            raise EmulatorError("no live gateway connection")
        self._session.conn.send({"op": 7, "d": None})

    async def _gateway_handler(self, request: web.Request) -> web.StreamResponse:
        if request.headers.get("Upgrade", "").lower() != "websocket":
            return self._unimplemented("GET", request.path, "the gateway needs a websocket")
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        record = GatewayConnection(request.path, dict(request.query))
        self.gateway_connections.append(record)
        conn = _Conn(ws, record)
        self._conns.append(conn)
        conn.send({"op": 10, "d": {"heartbeat_interval": self.heartbeat_interval_ms}})
        try:
            async for msg in ws:
                if msg.type == WSMsgType.TEXT:
                    self._on_gateway_frame(conn, json.loads(msg.data))
                elif msg.type == WSMsgType.BINARY:
                    self.unimplemented.append("gateway: binary frame from client")
        finally:
            conn.closed = True
            conn.queue.put_nowait(None)
            if record.close_code is None:
                record.close_code = ws.close_code
            if self._session is not None and self._session.conn is conn:
                self._session.conn = None
                self._live = False
            self._notify()
        return ws

    def _close_later(self, conn: _Conn, code: int, reason: str) -> None:
        record = conn.record
        record.close_code = code
        asyncio.get_running_loop().create_task(conn.close(code, reason))

    def _on_gateway_frame(self, conn: _Conn, frame: dict[str, Any]) -> None:
        op = frame.get("op")
        data = frame.get("d")
        if op == 1:
            self.heartbeats += 1
            conn.send({"op": 11, "d": None})
        elif op == 2:
            self._identify(conn, data or {})
        elif op == 6:
            self._resume(conn, data or {})
        elif op == 3:
            self.presence = data
        elif op == 8:
            self._request_members(conn, data or {})
        elif op == 4:
            pass  # voice state update: nothing to do without voice
        else:
            self.unimplemented.append(f"gateway op {op}")
        self._notify()

    def _identify(self, conn: _Conn, data: dict[str, Any]) -> None:
        if data.get("token") != self.token:
            self._close_later(conn, 4004, "Authentication failed.")
            return
        if conn.session is not None:
            self._close_later(conn, 4005, "Already authenticated.")
            return
        intents = int(data.get("intents", 0))
        if intents & Intent.PRIVILEGED & ~self.privileged_intents:
            self._close_later(conn, 4014, "Disallowed intent(s).")
            return
        old = self._session
        if old is not None and old.conn is not None and old.conn is not conn:
            self._close_later(old.conn, 4009, "Session replaced")
        session = _Session(secrets.token_hex(16), intents)
        self._session = session
        session.conn = conn
        conn.session = session
        conn.record.kind = "identify"
        self.identify_count += 1
        self.identify_payloads.append(data)
        ready: dict[str, Any] = {
            "v": API_VERSION,
            "user": {**self.bot_user.payload(), "verified": True, "mfa_enabled": False},
            "guilds": [{"id": str(g), "unavailable": True} for g in self._guilds],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": self.resume_gateway_url,
            "application": {"id": str(self.application_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": [],
            "user_settings": {},
            "_trace": ["discord-emulator"],
        }
        if "shard" in data:
            ready["shard"] = data["shard"]
        self._dispatch("READY", ready)
        for guild in self._guilds.values():
            self._dispatch("GUILD_CREATE", self._guild_create_payload(guild))
        self._live = True

    def _resume(self, conn: _Conn, data: dict[str, Any]) -> None:
        if data.get("token") != self.token:
            self._close_later(conn, 4004, "Authentication failed.")
            return
        session = self._session
        if session is None or session.id != data.get("session_id") or not session.resumable:
            conn.record.kind = "invalid-session"
            self.invalid_session_count += 1
            conn.send({"op": 9, "d": False})
            return
        if session.conn is not None and session.conn is not conn:
            self._close_later(session.conn, 4000, "Resumed elsewhere")
        last = data.get("seq") or 0
        for frame in session.history:
            if frame["s"] > last:
                conn.send(frame)
                self.replayed_events += 1
        session.conn = conn
        conn.session = session
        conn.record.kind = "resume"
        self.resume_count += 1
        self._dispatch("RESUMED", {"_trace": ["discord-emulator"]})
        self._live = True

    def _request_members(self, conn: _Conn, data: dict[str, Any]) -> None:
        guild = self._guilds.get(int(data.get("guild_id", 0)))
        if guild is None:
            return
        members = list(guild.members.values())
        if data.get("user_ids"):
            wanted = {int(u) for u in data["user_ids"]}
            members = [m for m in members if m.id in wanted]
        elif data.get("query"):
            members = [m for m in members if m.user.username.startswith(data["query"])]
        if data.get("limit"):
            members = members[: int(data["limit"])]
        chunk: dict[str, Any] = {
            "guild_id": str(guild.id),
            "members": [m.payload() for m in members],
            "chunk_index": 0,
            "chunk_count": 1,
        }
        if data.get("nonce") is not None:
            chunk["nonce"] = data["nonce"]
        self._dispatch("GUILD_MEMBERS_CHUNK", chunk)

    def _guild_create_payload(self, guild: Guild) -> dict[str, Any]:
        intents = self._session.intents if self._session else 0
        if intents & Intent.GUILD_PRESENCES:
            members = list(guild.members.values())
        else:  # Discord sends only the bot itself (and voice users) without GUILD_PRESENCES
            members = [guild.bot_member] if guild.bot_member else []
        return {
            **self._guild_payload(guild),
            "joined_at": guild.joined_at,
            "large": False,
            "unavailable": False,
            "member_count": len(guild.members),
            "members": [m.payload() for m in members],
            "channels": [c.payload(with_guild_id=False) for c in guild.channels],
            "threads": [],
            "presences": [],
            "voice_states": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "lazy": True,
        }

    # ------------------------------------------------------------------ acting as a user

    def _context(self, who: Member | User, channel: Channel | None) -> tuple[User, Channel]:
        """Validate who acts where; returns (user, channel) — a DM when no channel is given."""
        if channel is None:
            user = who.user if isinstance(who, Member) else who
            return user, self.dm_channel(user)
        if channel.type == 1:
            user = who.user if isinstance(who, Member) else who
            return user, channel
        guild = self._guilds.get(channel.guild_id or 0)
        if guild is None:
            raise EmulatorError(f"channel {channel.name!r} is not in a guild the bot is in")
        uid = who.id
        if uid not in guild.members:
            raise EmulatorError(f"{who!r} is not a member of {guild.name!r}")
        return guild.members[uid].user, channel

    def _interaction_payload(
        self,
        itype: int,
        user: User,
        channel: Channel,
        data: dict[str, Any],
        *,
        message: Message | None = None,
        locale: str | None = None,
    ) -> dict[str, Any]:
        iid = self._snowflake()
        payload: dict[str, Any] = {
            "id": str(iid),
            "application_id": str(self.application_id),
            "type": itype,
            "data": data,
            "token": f"emu-{iid}-{secrets.token_urlsafe(24)}",
            "version": 1,
            "locale": locale or user.locale,
            "entitlements": [],
            "entitlement_sku_ids": [],
            "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
            "channel_id": str(channel.id),
        }
        if channel.type == 1:
            payload.update(
                user=user.payload(),
                channel=channel.payload(),
                context=1,
                authorizing_integration_owners={"0": "0"},
                app_permissions=str(self.bot_permissions(channel)),
            )
        else:
            guild = self._guilds[channel.guild_id or 0]
            member = guild.members[user.id]
            perms = self.permissions_for(member, channel)
            payload.update(
                guild_id=str(guild.id),
                guild={"id": str(guild.id), "locale": guild.preferred_locale, "features": []},
                guild_locale=guild.preferred_locale,
                channel={**channel.payload(), "permissions": str(perms)},
                member={**member.payload(), "permissions": str(perms)},
                app_permissions=str(self.bot_permissions(channel)),
                context=0,
                authorizing_integration_owners={"0": str(guild.id)},
            )
        if message is not None:
            payload["message"] = message.payload()
        return payload

    async def _run_interaction(
        self,
        payload: dict[str, Any],
        *,
        label: str,
        user: User,
        channel: Channel,
        source_message: Message | None,
        timeout: float,
    ) -> InteractionResult:
        if self._session is None:
            raise EmulatorError("the bot has no gateway session yet; await emu.wait_ready() first")
        r = self._register(
            payload, label=label, user=user, channel=channel, source_message=source_message
        )
        self._dispatch("INTERACTION_CREATE", payload)
        return await self._await_answer(r, timeout)

    def _register(
        self,
        payload: dict[str, Any],
        *,
        label: str,
        user: User,
        channel: Channel,
        source_message: Message | None,
    ) -> InteractionResult:
        """Make the interaction known to the REST side (callback, follow-ups) without sending it."""
        r = InteractionResult(
            self, payload, label=label, channel=channel, user=user, source_message=source_message
        )
        self._interactions[r.id] = r
        self._by_token[r.token] = r
        return r

    async def _await_answer(self, r: InteractionResult, timeout: float) -> InteractionResult:
        label = r.label
        await self._wait_until(
            lambda: r.response is not None or r.late or bool(r.rejected),
            timeout,
            lambda: f"the bot to answer {label} (Discord shows 'This interaction failed')",
        )
        if r.response is None and r.rejected:
            # A refused callback does not acknowledge the interaction: the bot may still send a
            # valid answer (e.g. from its error handler). Give it a moment, then fail loudly.
            with contextlib.suppress(EmulatorTimeout):
                await self._wait_until(
                    lambda: r.response is not None, self.rejection_grace, "a valid answer"
                )
            if r.response is None:
                raise EmulatorTimeout(
                    f"{label}: Discord rejected the bot's answer: {'; '.join(r.rejected)}"
                )
        if r.late:
            raise EmulatorTimeout(
                f"{label}: the bot answered after Discord's {self.callback_deadline}s deadline"
            )
        return r

    # ---- application commands

    def _find_command(self, name: str, guild: Guild | None, ctype: int) -> dict[str, Any]:
        pools = ([self._commands.get(guild.id, [])] if guild else []) + [
            self._commands.get(None, [])
        ]
        for pool in pools:
            for cmd in pool:
                if cmd["name"] == name and cmd.get("type", 1) == ctype:
                    return cmd
        synced = sorted({c["name"] for pool in pools for c in pool if c.get("type", 1) == ctype})
        raise EmulatorError(f"command {name!r} (type {ctype}) was not synced; synced: {synced}")

    def _check_visible(self, cmd: dict[str, Any], user: User, channel: Channel) -> None:
        contexts = cmd.get("contexts")
        label = f"/{cmd['name']}"
        if channel.type == 1:
            if cmd.get("guild_id"):
                raise CommandNotVisible(f"{label} is a guild command; it does not exist in DMs")
            if contexts is not None and 1 not in contexts:
                raise CommandNotVisible(f"{label} is not available in DMs (contexts={contexts})")
            if contexts is None and cmd.get("dm_permission") is False:
                raise CommandNotVisible(f"{label} has dm_permission=false")
            return
        if contexts is not None and 0 not in contexts:
            raise CommandNotVisible(f"{label} is not available in guilds (contexts={contexts})")
        guild = self._guilds[channel.guild_id or 0]
        member = guild.members[user.id]
        if not self.permissions_for(member, channel) & Perm.USE_APPLICATION_COMMANDS:
            raise CommandNotVisible(f"{user.username} lacks Use Application Commands here")
        required = cmd.get("default_member_permissions")
        if required is not None:
            need = int(required)
            have = self.base_permissions(member)
            if (need == 0 and have != ALL_PERMISSIONS) or have & need != need:
                raise CommandNotVisible(
                    f"{label} requires permissions {need} (default_member_permissions); "
                    f"{user.username} has {have}"
                )

    def _option_value(
        self,
        opt: dict[str, Any],
        value: Any,
        resolved: dict[str, dict[str, Any]],
        guild: Guild | None,
        invoker: Member | None,
        channel: Channel,
    ) -> Any:
        otype, name = opt["type"], opt["name"]

        def bad(expected: str) -> EmulatorError:
            return EmulatorError(f"option {name!r} expects {expected}, got {value!r}")

        if otype == contract.STRING:
            if not isinstance(value, str):
                raise bad("a str")
            lo, hi = opt.get("min_length"), opt.get("max_length")
            if (lo is not None and len(value) < lo) or (hi is not None and len(value) > hi):
                raise bad(f"a string of length {lo}-{hi} (Discord's client enforces it)")
        elif otype == contract.INTEGER:
            if not isinstance(value, int) or isinstance(value, bool):
                raise bad("an int")
        elif otype == contract.NUMBER:
            if not isinstance(value, int | float) or isinstance(value, bool):
                raise bad("a number")
        elif otype == contract.BOOLEAN and not isinstance(value, bool):
            raise bad("a bool")
        if otype in (contract.INTEGER, contract.NUMBER):
            lo, hi = opt.get("min_value"), opt.get("max_value")
            if (lo is not None and value < lo) or (hi is not None and value > hi):
                raise bad(f"a value in [{lo}, {hi}] (Discord's client enforces it)")
        if opt.get("choices") and otype in (contract.STRING, contract.INTEGER, contract.NUMBER):
            allowed = [c["value"] for c in opt["choices"]]
            if value not in allowed:
                raise bad(f"one of the choices {allowed}")
        if otype in (contract.STRING, contract.INTEGER, contract.NUMBER, contract.BOOLEAN):
            return value
        if otype == contract.USER or (
            otype == contract.MENTIONABLE and isinstance(value, Member | User)
        ):
            if not isinstance(value, Member | User):
                raise bad("a Member or User")
            user = value.user if isinstance(value, Member) else value
            resolved.setdefault("users", {})[str(user.id)] = user.payload()
            member = guild.members.get(user.id) if guild else None
            if member is not None:
                resolved.setdefault("members", {})[str(user.id)] = {
                    **member.payload(with_user=False),
                    "permissions": str(self.permissions_for(member, channel)),
                }
            return str(user.id)
        if otype in (contract.ROLE, contract.MENTIONABLE):
            if not isinstance(value, Role):
                raise bad("a Role")
            resolved.setdefault("roles", {})[str(value.id)] = value.payload()
            return str(value.id)
        if otype == contract.CHANNEL:
            if not isinstance(value, Channel):
                raise bad("a Channel")
            types = opt.get("channel_types")
            if types and value.type not in types:
                raise bad(f"a channel of type {types}")
            perms = self.permissions_for(invoker, value) if invoker else 0
            resolved.setdefault("channels", {})[str(value.id)] = {
                **value.payload(),
                "permissions": str(perms),
            }
            return str(value.id)
        if otype == contract.ATTACHMENT:
            if not isinstance(value, Upload):
                raise bad("an Upload (emu.upload(...))")
            resolved.setdefault("attachments", {})[str(value.id)] = value.payload()
            return str(value.id)
        raise bad(f"a value for option type {otype}")

    def _build_command_data(
        self,
        cmd: dict[str, Any],
        path: list[str],
        values: dict[str, Any],
        user: User,
        channel: Channel,
        *,
        focused: str | None = None,
    ) -> dict[str, Any]:
        data: dict[str, Any] = {"id": cmd["id"], "name": cmd["name"], "type": 1}
        if cmd.get("guild_id"):
            data["guild_id"] = cmd["guild_id"]
        container = data
        level = cmd.get("options") or []
        walked = [cmd["name"]]
        for sub in path:
            option = next(
                (o for o in level if o["name"] == sub and o["type"] in (1, 2)),
                None,
            )
            if option is None:
                subs = [o["name"] for o in level if o["type"] in (1, 2)]
                raise EmulatorError(f"/{' '.join(walked)} has no subcommand {sub!r}; has {subs}")
            entry: dict[str, Any] = {"type": option["type"], "name": sub, "options": []}
            container.setdefault("options", []).append(entry)
            container = entry
            level = option.get("options") or []
            walked.append(sub)
        if any(o["type"] in (1, 2) for o in level):
            subs = [o["name"] for o in level if o["type"] in (1, 2)]
            raise EmulatorError(f"/{' '.join(walked)} needs a subcommand: one of {subs}")
        known = {o["name"]: o for o in level}
        unknown = set(values) - set(known)
        if unknown:
            raise EmulatorError(
                f"/{' '.join(walked)} has no option(s) {sorted(unknown)}; has {list(known)}"
            )
        guild = self._guilds.get(channel.guild_id or 0) if channel.type != 1 else None
        invoker = guild.members.get(user.id) if guild else None
        resolved: dict[str, dict[str, Any]] = {}
        built = []
        for opt in level:
            name = opt["name"]
            if name == focused:
                if not opt.get("autocomplete"):
                    raise EmulatorError(
                        f"option {name!r} of /{' '.join(walked)} has no autocomplete"
                    )
                built.append(
                    {
                        "name": name,
                        "type": opt["type"],
                        "value": str(values.get(name, "")),
                        "focused": True,
                    }
                )
                continue
            if name not in values:
                if opt.get("required") and focused is None:
                    raise EmulatorError(
                        f"/{' '.join(walked)}: required option {name!r} missing "
                        "(Discord's client would not send the command)"
                    )
                continue
            value = self._option_value(opt, values[name], resolved, guild, invoker, channel)
            built.append({"name": name, "type": opt["type"], "value": value})
        if focused is not None and focused not in known:
            raise EmulatorError(f"/{' '.join(walked)} has no option {focused!r} to focus")
        if built or path:
            container["options"] = built
        elif "options" in container and not container["options"]:
            del container["options"]
        if resolved:
            data["resolved"] = resolved
        return data

    async def slash(
        self,
        who: Member | User,
        channel: Channel | None,
        command: str,
        /,
        *,
        timeout: float = 5.0,
        options: Mapping[str, Any] | None = None,
        locale: str | None = None,
        visibility_check: bool = True,
        **values: Any,
    ) -> InteractionResult:
        """Run ``/command`` (``"faq ask"`` for subcommands) as ``who`` in ``channel`` (None: DM).

        Option values are keyword arguments (or ``options={...}`` for names that clash with
        these parameters); they are typed from the synced command: str/int/float/bool, a
        Member/User, Role, Channel, or an :func:`upload` for attachments.
        """
        r = self.prepare_slash(
            who,
            channel,
            command,
            options=options,
            locale=locale,
            visibility_check=visibility_check,
            **values,
        )
        return await self._send_interaction(r, timeout)

    def prepare_slash(
        self,
        who: Member | User,
        channel: Channel | None,
        command: str,
        /,
        *,
        options: Mapping[str, Any] | None = None,
        locale: str | None = None,
        visibility_check: bool = True,
        **values: Any,
    ) -> InteractionResult:
        """Build the ``/command`` interaction :meth:`slash` would send, and make it known to the
        REST side, but do not send it: ``result.payload`` is the raw INTERACTION_CREATE data for
        tests that hand it to discord.py themselves (``discord.Interaction(data=..., state=...)``)
        with no gateway. The callback and follow-ups then land in ``result`` as usual; the 3 s
        deadline counts from here."""
        user, ch = self._context(who, channel)
        names = command.lstrip("/").split()
        guild = self._guilds.get(ch.guild_id or 0) if ch.type != 1 else None
        cmd = self._find_command(names[0], guild, 1)
        if visibility_check:
            self._check_visible(cmd, user, ch)
        data = self._build_command_data(cmd, names[1:], {**values, **(options or {})}, user, ch)
        payload = self._interaction_payload(APPLICATION_COMMAND, user, ch, data, locale=locale)
        return self._register(
            payload, label=f"/{' '.join(names)}", user=user, channel=ch, source_message=None
        )

    async def _send_interaction(self, r: InteractionResult, timeout: float) -> InteractionResult:
        """Dispatch a prepared interaction over the gateway and wait for the bot's answer."""
        if self._session is None:
            raise EmulatorError("the bot has no gateway session yet; await emu.wait_ready() first")
        self._dispatch("INTERACTION_CREATE", r.payload)
        return await self._await_answer(r, timeout)

    async def wait_answer(self, r: InteractionResult, timeout: float = 5.0) -> InteractionResult:
        """Wait until the bot answered ``r`` (one from :meth:`prepare_slash`), like :meth:`slash`
        does, and fail the same way if Discord refused the answer or it came too late."""
        return await self._await_answer(r, timeout)

    async def autocomplete(
        self,
        who: Member | User,
        channel: Channel | None,
        command: str,
        /,
        *,
        focused: str,
        timeout: float = 5.0,
        options: Mapping[str, Any] | None = None,
        locale: str | None = None,
        visibility_check: bool = True,
        **values: Any,
    ) -> InteractionResult:
        """Type into option ``focused`` of ``/command``; ``result.choices`` is the answer."""
        r = self.prepare_autocomplete(
            who,
            channel,
            command,
            focused=focused,
            options=options,
            locale=locale,
            visibility_check=visibility_check,
            **values,
        )
        return await self._send_interaction(r, timeout)

    def prepare_autocomplete(
        self,
        who: Member | User,
        channel: Channel | None,
        command: str,
        /,
        *,
        focused: str,
        options: Mapping[str, Any] | None = None,
        locale: str | None = None,
        visibility_check: bool = True,
        **values: Any,
    ) -> InteractionResult:
        """:meth:`autocomplete`'s interaction, built and made known but not sent (see
        :meth:`prepare_slash`)."""
        user, ch = self._context(who, channel)
        names = command.lstrip("/").split()
        guild = self._guilds.get(ch.guild_id or 0) if ch.type != 1 else None
        cmd = self._find_command(names[0], guild, 1)
        if visibility_check:
            self._check_visible(cmd, user, ch)
        merged = {**values, **(options or {})}
        data = self._build_command_data(cmd, names[1:], merged, user, ch, focused=focused)
        payload = self._interaction_payload(AUTOCOMPLETE, user, ch, data, locale=locale)
        return self._register(
            payload,
            label=f"autocomplete /{' '.join(names)} {focused}={merged.get(focused, '')!r}",
            user=user,
            channel=ch,
            source_message=None,
        )

    async def _context_menu(
        self,
        ctype: int,
        who: Member | User,
        channel: Channel | None,
        name: str,
        target: Any,
        timeout: float,
    ) -> InteractionResult:
        user, ch = self._context(who, channel)
        guild = self._guilds.get(ch.guild_id or 0) if ch.type != 1 else None
        cmd = self._find_command(name, guild, ctype)
        self._check_visible(cmd, user, ch)
        data: dict[str, Any] = {"id": cmd["id"], "name": name, "type": ctype}
        if cmd.get("guild_id"):
            data["guild_id"] = cmd["guild_id"]
        resolved: dict[str, dict[str, Any]] = {}
        if ctype == 2:
            invoker = guild.members.get(user.id) if guild else None
            opt = {"type": contract.USER, "name": "target"}
            data["target_id"] = self._option_value(opt, target, resolved, guild, invoker, ch)
        else:
            data["target_id"] = str(target.id)
            resolved["messages"] = {str(target.id): target.payload()}
        data["resolved"] = resolved
        payload = self._interaction_payload(APPLICATION_COMMAND, user, ch, data)
        return await self._run_interaction(
            payload,
            label=f"{name!r} context menu",
            user=user,
            channel=ch,
            source_message=None,
            timeout=timeout,
        )

    async def user_command(
        self,
        who: Member | User,
        channel: Channel | None,
        name: str,
        target: Member | User,
        *,
        timeout: float = 5.0,
    ) -> InteractionResult:
        return await self._context_menu(2, who, channel, name, target, timeout)

    async def message_command(
        self,
        who: Member | User,
        channel: Channel | None,
        name: str,
        target: Message,
        *,
        timeout: float = 5.0,
    ) -> InteractionResult:
        return await self._context_menu(3, who, channel, name, target, timeout)

    # ---- components and modals

    def _component_target(
        self, who: Member | User, message: Message | int
    ) -> tuple[User, Channel, Message]:
        msg = message if isinstance(message, Message) else self.message(message)
        msg = self._messages.get(msg.id, msg)
        if msg.deleted:
            raise EmulatorError(f"message {msg.id} was deleted")
        if msg.author_id != self.bot_user.id:
            raise EmulatorError(f"message {msg.id} was not sent by the bot")
        channel = self._channels.get(msg.channel_id)
        if channel is None:
            raise EmulatorError(f"message {msg.id} is in a channel that no longer exists")
        user, ch = self._context(who, channel)
        if msg.ephemeral and msg.interaction is not None and msg.interaction.user.id != user.id:
            raise EmulatorError(f"message {msg.id} is ephemeral; only its recipient sees it")
        return user, ch, msg

    async def click(
        self,
        who: Member | User,
        message: Message | int,
        custom_id: str | None = None,
        /,
        *,
        label: str | None = None,
        timeout: float = 5.0,
    ) -> InteractionResult:
        """Click a button (by ``custom_id`` or ``label``) on a message the bot sent."""
        user, ch, msg = self._component_target(who, message)
        comp = msg.find_component(custom_id, label=label)
        if comp.get("type") != 2:
            raise EmulatorError(f"component {comp.get('custom_id')!r} is not a button")
        if comp.get("disabled"):
            raise EmulatorError(f"button {comp.get('custom_id')!r} is disabled")
        if not comp.get("custom_id"):
            raise EmulatorError("link buttons open a URL; they do not create interactions")
        data = {"custom_id": comp["custom_id"], "component_type": 2}
        payload = self._interaction_payload(MESSAGE_COMPONENT, user, ch, data, message=msg)
        return await self._run_interaction(
            payload,
            label=f"click {comp['custom_id']!r}",
            user=user,
            channel=ch,
            source_message=msg,
            timeout=timeout,
        )

    async def select(
        self,
        who: Member | User,
        message: Message | int,
        custom_id: str,
        values: list[Any],
        /,
        *,
        timeout: float = 5.0,
    ) -> InteractionResult:
        """Pick ``values`` in a select menu (strings, or Members/Roles/Channels for entity
        selects) on a message the bot sent."""
        user, ch, msg = self._component_target(who, message)
        comp = msg.find_component(custom_id)
        ctype = comp.get("type")
        if ctype not in contract.SELECT_TYPES:
            raise EmulatorError(f"component {custom_id!r} is not a select menu")
        if comp.get("disabled"):
            raise EmulatorError(f"select {custom_id!r} is disabled")
        lo, hi = comp.get("min_values", 1), comp.get("max_values", 1)
        if not lo <= len(values) <= hi:
            raise EmulatorError(f"select {custom_id!r} takes {lo}-{hi} values")
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": ctype}
        if ctype == contract.STRING_SELECT:
            allowed = [o["value"] for o in comp.get("options") or []]
            if any(v not in allowed for v in values):
                raise EmulatorError(f"select {custom_id!r} only offers {allowed}")
            data["values"] = list(values)
        else:
            guild = self._guilds.get(ch.guild_id or 0)
            invoker = guild.members.get(user.id) if guild else None
            resolved: dict[str, dict[str, Any]] = {}
            otype = {5: contract.USER, 6: contract.ROLE, 7: contract.MENTIONABLE, 8: 7}[ctype]
            opt = {"type": otype, "name": custom_id}
            data["values"] = [
                self._option_value(opt, v, resolved, guild, invoker, ch) for v in values
            ]
            data["resolved"] = resolved
        payload = self._interaction_payload(MESSAGE_COMPONENT, user, ch, data, message=msg)
        return await self._run_interaction(
            payload,
            label=f"select {custom_id!r}={values!r}",
            user=user,
            channel=ch,
            source_message=msg,
            timeout=timeout,
        )

    async def submit_modal(
        self,
        who: Member | User,
        channel: Channel | None,
        modal: dict[str, Any] | InteractionResult,
        values: Mapping[str, Any],
        *,
        timeout: float = 5.0,
    ) -> InteractionResult:
        """Fill in and submit a modal the bot showed. ``values`` are keyed by each input's
        custom_id or its label; ``channel=None`` uses the channel the modal was opened in."""
        if isinstance(modal, InteractionResult):
            if modal.modal is None:
                raise EmulatorError(f"{modal.label} did not answer with a modal")
            modal = modal.modal
        origin = next((r for m, r in reversed(self._modals) if m is modal), None)
        if origin is None:
            origin = next(
                (
                    r
                    for m, r in reversed(self._modals)
                    if m.get("custom_id") == modal.get("custom_id")
                ),
                None,
            )
        if origin is None:
            raise EmulatorError("that modal was never shown by the bot")
        user, ch = self._context(who, channel or origin.channel)
        if user.id != origin.user.id:
            raise EmulatorError("only the user the modal was shown to can submit it")
        remaining = dict(values)
        components = [self._modal_component(c, remaining) for c in modal.get("components") or []]
        if remaining:
            raise EmulatorError(f"modal has no input(s) {sorted(remaining)}")
        data = {"custom_id": modal["custom_id"], "components": components}
        payload = self._interaction_payload(
            MODAL_SUBMIT, user, ch, data, message=origin.source_message
        )
        return await self._run_interaction(
            payload,
            label=f"modal {modal.get('title')!r}",
            user=user,
            channel=ch,
            source_message=origin.source_message,
            timeout=timeout,
        )

    def _modal_component(self, comp: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
        ctype = comp.get("type")
        if ctype == 1:
            return {
                "type": 1,
                "components": [
                    self._modal_input(c, values, c.get("label"))
                    for c in comp.get("components") or []
                ],
            }
        if ctype == 18:
            inner = comp.get("component") or {}
            return {"type": 18, "component": self._modal_input(inner, values, comp.get("label"))}
        return {"type": ctype}

    def _modal_input(
        self, comp: dict[str, Any], values: dict[str, Any], label: str | None
    ) -> dict[str, Any]:
        cid = comp.get("custom_id")
        key = cid if cid in values else label if label in values else None
        value = values.pop(key) if key is not None else None
        ctype = comp.get("type")
        out: dict[str, Any] = {"type": ctype, "custom_id": cid}
        if ctype == contract.TEXT_INPUT:
            # An input the user leaves alone is submitted with what the bot prefilled ("value").
            text = (comp.get("value") or "") if value is None else value
            if not isinstance(text, str):
                raise EmulatorError(f"text input {label or cid!r} takes a str")
            if comp.get("required", True) and not text:
                raise EmulatorError(f"text input {label or cid!r} is required")
            lo, hi = comp.get("min_length"), comp.get("max_length")
            if text and ((lo and len(text) < lo) or (hi and len(text) > hi)):
                raise EmulatorError(f"text input {label or cid!r} takes {lo}-{hi} characters")
            out["value"] = text
        elif ctype in (23,):  # checkbox
            out["value"] = bool(value)
        elif ctype in (21,):  # radio group
            out["value"] = value
        else:  # selects, checkbox groups, file uploads: lists of values
            out["values"] = list(value or [])
        return out

    def user_says(self, who: Member | User, channel: Channel | None, content: str) -> Message:
        """A user posts a message (MESSAGE_CREATE; content only with the message-content intent
        or when the bot is mentioned, as on Discord)."""
        user, ch = self._context(who, channel)
        guild = self._guilds.get(ch.guild_id or 0)
        perms = self.permissions_for(guild.members[user.id], ch) if guild else ALL_PERMISSIONS
        if not perms & SEND_MESSAGES:
            raise EmulatorError(f"{user.username} cannot send messages in this channel")
        return self._new_message(
            ch, {"content": content}, [], where="user", kind="user", author=user
        )
