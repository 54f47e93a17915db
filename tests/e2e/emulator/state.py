"""The one object every part of the emulator shares: Discord's data for one test, and the record.

:class:`State` holds the world (users, guilds, channels, roles, messages, uploaded files), the
bot's identity, where the emulator listens, and what the test should see at teardown (every
request, unimplemented routes, contract violations). It also owns the ids (snowflakes), the
"something changed" signal every waiting helper sleeps on, and Discord's permission algorithm.

It does no I/O and announces nothing: the parts that talk to the bot (``rest.py``,
``gateway.py``) and to the test (``world.py``, ``acting.py``) read and change it.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import secrets
import time
from collections.abc import Callable

from .. import contract
from ..contract import Violation
from .errors import ApiError, EmulatorError, EmulatorTimeout
from .model import (
    Channel,
    ContractError,
    Guild,
    Member,
    Message,
    RecordedRequest,
    Role,
    User,
    id_of,
)
from .protocol import (
    ADMINISTRATOR,
    ALL_PERMISSIONS,
    API_VERSION,
    ATTACH_FILES,
    DISCORD_EPOCH_MS,
    EMBED_LINKS,
    MENTION_EVERYONE,
    SEND_MESSAGES,
    VIEW_CHANNEL,
    Perm,
)


class State:
    """Discord's side of one test: the world, the bot's identity, the record, ids and waiting."""

    def __init__(self, *, bot_name: str, token: str | None) -> None:
        self.token = token or "emulator." + secrets.token_urlsafe(24)
        self._last_snowflake = 0
        self.application_id = self.snowflake()
        self.bot_user = User(self.application_id, bot_name.lower().replace(" ", ""), bot=True)
        self.bot_user.global_name = bot_name
        self.app_owner = User(self.snowflake(), "app-owner")
        self.bot_name = bot_name

        self.users: dict[int, User] = {u.id: u for u in (self.bot_user, self.app_owner)}
        self.guilds_by_id: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        self.roles: dict[int, Role] = {}
        self.dm_channels: dict[int, Channel] = {}
        self.messages_by_id: dict[int, Message] = {}
        self.cdn: dict[int, tuple[str, str, bytes]] = {}  # id -> (filename, type, data)

        self.requests: list[RecordedRequest] = []
        self.unimplemented: list[str] = []
        self.contract_errors: list[ContractError] = []

        self._changed = asyncio.Event()
        self.host = "127.0.0.1"
        self.port = 0

    # ------------------------------------------------------------------ where it listens

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

    def cdn_url(self, channel_id: int, attachment_id: int, filename: str) -> str:
        return f"{self.http_base}/cdn/attachments/{channel_id}/{attachment_id}/{filename}"

    # ------------------------------------------------------------------ ids, waiting

    def snowflake(self, *, shard: tuple[int, int] | None = None) -> int:
        """A new, increasing id; with ``shard=(id, count)`` one whose guild would be on that
        shard (``(snowflake >> 22) % count == id``: the next such millisecond)."""
        value = (int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22
        value = max(value, self._last_snowflake + 1)
        if shard is not None:
            shard_id, count = shard
            ms = value >> 22
            if value & ((1 << 22) - 1):  # part of this millisecond is taken: the next one
                ms += 1
            ms += (shard_id - ms) % count
            value = ms << 22
        self._last_snowflake = value
        return value

    def notify(self) -> None:
        """Wake everything waiting in :meth:`wait_until`: something changed."""
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait_until(
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

    # ------------------------------------------------------------------ the record

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

    def contract_violation(self, where: str, violations: list[Violation]) -> ApiError:
        """Record a contract violation and build the 400 Discord would answer."""
        self.contract_errors.append(ContractError(where, violations))
        body = contract.discord_error_body(violations)
        body["emulator"] = "; ".join(str(v) for v in violations)
        return ApiError(400, body["code"], body["message"], body=body)

    def requests_to(self, method: str, path_regex: str) -> list[RecordedRequest]:
        pattern = re.compile(path_regex)
        return [
            r
            for r in self.requests
            if method in ("*", r.method) and pattern.fullmatch(r.path) is not None
        ]

    # ------------------------------------------------------------------ lookups

    def guild(self, name_or_id: str | int) -> Guild:
        for g in self.guilds_by_id.values():
            if name_or_id in (g.id, g.name):
                return g
        raise EmulatorError(f"no guild {name_or_id!r}")

    @property
    def guilds(self) -> list[Guild]:
        return list(self.guilds_by_id.values())

    def guild_of(self, channel: Channel) -> Guild | None:
        """The guild a channel is in, if the bot is (still) in it."""
        return self.guilds_by_id.get(channel.guild_id or 0)

    def dm_channel(self, user: User | Member) -> Channel:
        user = user.user if isinstance(user, Member) else user
        channel = self.dm_channels.get(user.id)
        if channel is None:
            channel = Channel(self.snowflake(), "", 1, recipient=user)
            self.dm_channels[user.id] = channel
            self.channels[channel.id] = channel
        return channel

    def private_channel(self, user: User | Member, friend: User | Member) -> Channel:
        """A DM between two users, which the bot is not part of: a member's own install of
        the app (user install) can still be used there (interaction context 2)."""
        friend = friend.user if isinstance(friend, Member) else friend
        channel = Channel(self.snowflake(), "", 1, recipient=friend, private=True)
        self.channels[channel.id] = channel
        return channel

    @property
    def messages(self) -> list[Message]:
        return sorted(self.messages_by_id.values(), key=lambda m: m.id)

    def message(self, message_id: int) -> Message:
        try:
            return self.messages_by_id[int(message_id)]
        except KeyError:
            raise EmulatorError(f"no message {message_id}") from None

    def channel_messages(
        self, channel: Channel | int, *, include_ephemeral: bool = False, include_deleted=False
    ) -> list[Message]:
        """Messages in a channel (bot posts, interaction responses, user posts), oldest first."""
        cid = id_of(channel)
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

        await self.wait_until(
            lambda: len(have()) >= count,
            timeout,
            lambda: f"{count} message(s) in channel {id_of(channel)} (have {len(have())})",
        )
        return have()

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
        guild = self.guild_of(channel)
        if guild is None or guild.bot_member is None:
            return 0
        return self.permissions_for(guild.bot_member, channel)

    def author_permissions(self, channel: Channel, author: User) -> int:
        """What the author of a message may do there (decides which mentions ping)."""
        if channel.type == 1:
            return 0
        guild = self.guild_of(channel)
        member = guild.members.get(author.id) if guild else None
        return self.permissions_for(member, channel) if member else 0
