"""Building the world a test runs in, and announcing each change the way Discord does.

``emu.add_guild``, ``add_text_channel``, ``add_role``, ``add_member``, ``set_overwrite``,
``set_system_channel``, ``upload``... change :class:`~.state.State`; once the bot is connected,
each change is also sent as the gateway event Discord would send (GUILD_CREATE, CHANNEL_CREATE,
GUILD_ROLE_CREATE, GUILD_MEMBER_ADD...). A new world-changing helper goes here, next to the event
that announces it.
"""

from __future__ import annotations

import copy
import mimetypes
from collections.abc import Iterable
from typing import Any

from .gateway import Gateway
from .model import Channel, Guild, Member, Overwrite, Role, Upload, User, perm_value
from .protocol import (
    DEFAULT_BOT_PERMISSIONS,
    DEFAULT_EVERYONE_PERMISSIONS,
    SEND_MESSAGES,
    VIEW_CHANNEL,
    Intent,
)
from .state import State


class World:
    """The test's hand on the world: create and change guilds, channels, roles and members."""

    def __init__(self, state: State, gateway: Gateway) -> None:
        self.state = state
        self.gateway = gateway

    def user(self, username: str, *, locale: str = "en-US", global_name: str | None = None) -> User:
        user = User(self.state.snowflake(), username, locale=locale, global_name=global_name)
        self.state.users[user.id] = user
        return user

    def add_guild(
        self,
        name: str,
        *,
        bot_permissions: Any = DEFAULT_BOT_PERMISSIONS,
        everyone_permissions: Any = DEFAULT_EVERYONE_PERMISSIONS,
        locale: str = "en-US",
        shard: int | None = None,
    ) -> Guild:
        """A guild with @everyone, an owner, the bot (with a managed role) and no channels;
        with ``shard``, one whose events go to that shard (of the emulator's ``shard_count``)."""
        where = None if shard is None else (shard, self.gateway.shard_count)
        gid = self.state.snowflake(shard=where)
        guild = Guild(gid, name, preferred_locale=locale)
        everyone = Role(gid, gid, "@everyone", perm_value(everyone_permissions), position=0)
        guild.roles.append(everyone)
        self.state.roles[gid] = everyone
        owner = self.add_member(guild, f"{name.lower().replace(' ', '-')}-owner")
        guild.owner_id = owner.id
        bot_role = Role(
            self.state.snowflake(),
            gid,
            self.state.bot_name,
            perm_value(bot_permissions),
            position=1,
            managed=True,
            bot_id=self.state.bot_user.id,
        )
        guild.roles.append(bot_role)
        self.state.roles[bot_role.id] = bot_role
        guild.bot_role = bot_role
        guild.bot_member = Member(self.state.bot_user, guild, [bot_role])
        guild.members[self.state.bot_user.id] = guild.bot_member
        self.state.guilds_by_id[gid] = guild
        if self.gateway.has_session:  # the bot joins: no "unavailable" key, so on_guild_join fires
            payload = self.gateway.guild_create_payload(guild)
            del payload["unavailable"]
            self.gateway.dispatch("GUILD_CREATE", payload)
        return guild

    def remove_guild(self, guild: Guild) -> None:
        """The bot is removed from (or leaves) the guild: GUILD_DELETE."""
        self.state.guilds_by_id.pop(guild.id, None)
        if self.gateway.has_session:
            self.gateway.dispatch("GUILD_DELETE", {"id": str(guild.id), "unavailable": False})

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
            self.state.snowflake(),
            guild.id,
            name,
            perm_value(permissions),
            position=position,
            color=color,
            hoist=hoist,
            mentionable=mentionable,
        )
        guild.roles.append(role)
        self.state.roles[role.id] = role
        if self.gateway.has_session and guild.id in self.state.guilds_by_id:
            self.gateway.dispatch(
                "GUILD_ROLE_CREATE", {"guild_id": str(guild.id), "role": role.payload()}
            )
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
        if self.gateway.has_session and guild.id in self.state.guilds_by_id:
            self.gateway.dispatch_gated(
                "GUILD_MEMBER_ADD",
                {**member.payload(), "guild_id": str(guild.id)},
                Intent.GUILD_MEMBERS,
            )
        return member

    def remove_member(self, member: Member) -> None:
        member.guild.members.pop(member.id, None)
        if self.gateway.has_session:
            self.gateway.dispatch_gated(
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
            channel.overwrites[self.state.bot_user.id] = Overwrite(
                self.state.bot_user.id, 1, deny=deny
            )
        if self.gateway.has_session and guild.id in self.state.guilds_by_id:
            self.gateway.dispatch("CHANNEL_CREATE", channel.payload())
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
            self.state.snowflake(),
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
        self.state.channels[channel.id] = channel
        if announce and self.gateway.has_session and guild.id in self.state.guilds_by_id:
            self.gateway.dispatch("CHANNEL_CREATE", channel.payload())
        return channel

    def remove_channel(self, channel: Channel) -> None:
        """Delete a channel; REST calls for it then answer 404 Unknown Channel."""
        guild = self.state.guild_of(channel)
        if guild is not None and channel in guild.channels:
            guild.channels.remove(channel)
        self.state.channels.pop(channel.id, None)
        if self.gateway.has_session and guild is not None:
            self.gateway.dispatch("CHANNEL_DELETE", channel.payload())

    def set_overwrite(
        self, channel: Channel, target: Role | Member | User, *, allow: Any = 0, deny: Any = 0
    ) -> None:
        """Set a channel permission overwrite for a role or member (CHANNEL_UPDATE)."""
        otype = 0 if isinstance(target, Role) else 1
        channel.overwrites[target.id] = Overwrite(
            target.id, otype, perm_value(allow), perm_value(deny)
        )
        if self.gateway.has_session and channel.guild_id in self.state.guilds_by_id:
            self.gateway.dispatch("CHANNEL_UPDATE", channel.payload())

    def set_bot_can_send(self, channel: Channel, allowed: bool) -> None:
        current = channel.overwrites.get(self.state.bot_user.id)
        deny = (current.deny if current else 0) & ~SEND_MESSAGES
        if not allowed:
            deny |= SEND_MESSAGES
        self.set_overwrite(
            channel, self.state.bot_user, allow=current.allow if current else 0, deny=deny
        )

    def set_system_channel(self, guild: Guild, channel: Channel | None) -> None:
        """Where Discord posts join messages (and bots tell a server things): GUILD_UPDATE."""
        guild.system_channel_id = channel.id if channel is not None else None
        if self.gateway.has_session and guild.id in self.state.guilds_by_id:
            self.gateway.dispatch("GUILD_UPDATE", guild.payload())

    def upload(self, filename: str, data: bytes, content_type: str | None = None) -> Upload:
        """A user-side file, e.g. for an attachment option: ``emu.slash(..., file=up)``."""
        ctype = content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
        uid = self.state.snowflake()
        self.state.cdn[uid] = (filename, ctype, data)
        return Upload(uid, filename, data, ctype, self.state.cdn_url(0, uid, filename))
