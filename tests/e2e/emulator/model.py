"""The data model: what Discord stores (users, guilds, roles, channels, members, messages) and
what the emulator records (requests, contract errors).

Plain objects with ``payload()`` methods that render the JSON Discord would send. They hold no
references to the emulator, so the REST routes, the gateway and the test-side helpers can all
share them through :class:`~.state.State`; tests receive them from ``emu.add_guild(...)``,
``emu.channel_messages(...)`` and friends.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ..contract import EPHEMERAL, LOADING, Violation
from .errors import EmulatorError

if TYPE_CHECKING:
    from .interactions import InteractionResult


# --------------------------------------------------------------------------- helpers


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


def perm_value(value: Any) -> int:
    """Accept an int, a :class:`Perm` or a ``discord.Permissions`` (anything with ``.value``)."""
    return int(getattr(value, "value", value))


def id_of(obj: Any) -> int:
    if isinstance(obj, int):
        return obj
    if isinstance(obj, str) and obj.isdigit():
        return int(obj)
    return int(obj.id)


def walk_components(components: Iterable[dict[str, Any]]) -> Iterable[dict[str, Any]]:
    for comp in components or []:
        yield comp
        yield from walk_components(comp.get("components") or [])
        for key in ("component", "accessory"):
            if isinstance(comp.get(key), dict):
                yield from walk_components([comp[key]])


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
    private: bool = False  # a DM between two users (not with the bot): only user installs reach it

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
    joined_at: str = field(default_factory=now_iso)

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
    joined_at: str = field(default_factory=now_iso)
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

    def payload(self) -> dict[str, Any]:
        """The guild object (GET /guilds/{id}, GUILD_UPDATE; GUILD_CREATE adds to it)."""
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(self.owner_id),
            "region": None,
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "roles": [r.payload() for r in self.roles],
            "emojis": [],
            "stickers": [],
            "features": [],
            "mfa_level": 0,
            "application_id": None,
            "system_channel_id": str(self.system_channel_id) if self.system_channel_id else None,
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
            "preferred_locale": self.preferred_locale,
            "nsfw_level": 0,
            "nsfw": False,
            "incidents_data": None,
        }


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
        # A copy; ``data`` is JSON, and a JSON round trip copies it several times faster than
        # deepcopy (which a fan-out of thousands of messages notices).
        copied: dict[str, Any] = json.loads(json.dumps(self.data))
        return copied

    def interactive_components(self) -> list[dict[str, Any]]:
        return [c for c in walk_components(self.components) if c.get("custom_id")]

    def custom_ids(self) -> list[str]:
        return [c["custom_id"] for c in self.interactive_components()]

    def buttons(self) -> list[dict[str, Any]]:
        return [c for c in walk_components(self.components) if c.get("type") == 2]

    def find_component(
        self, custom_id: str | None = None, *, label: str | None = None
    ) -> dict[str, Any]:
        for comp in walk_components(self.components):
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
    at: float = field(default_factory=time.monotonic)  # when it arrived (time.monotonic())

    def __str__(self) -> str:
        return f"{self.method} {self.path} -> {self.status}"


@dataclass
class ContractError:
    where: str
    violations: list[Violation]

    def __str__(self) -> str:
        return f"{self.where}: " + "; ".join(str(v) for v in self.violations)
