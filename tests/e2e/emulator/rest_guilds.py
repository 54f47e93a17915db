"""REST routes for looking around: the bot's user and application, users, DMs, guilds, channels.

Read-only views of :class:`~.state.State` (plus opening a DM channel), answered with the shapes
and error codes Discord uses. Routes that create or change messages live in ``messages.py``;
command sync in ``commands.py``; interaction callbacks and webhooks in ``interactions.py``.
"""

from __future__ import annotations

from typing import Any

from .errors import not_found
from .model import RecordedRequest
from .protocol import SEND_MESSAGES
from .rest import CHANNEL, GUILD, Route, channel_for_bot, guild_for_bot
from .state import State


class GuildRoutes:
    """``/users``, ``/applications/@me``, ``/guilds/{id}...`` and ``GET /channels/{id}``."""

    def __init__(self, state: State) -> None:
        self.state = state

    def routes(self) -> list[Route]:
        return [
            Route("GET", r"/users/@me", self._r_me),
            Route("GET", r"/users/(?P<user_id>\d+)", self._r_user),
            Route("POST", r"/users/@me/channels", self._r_create_dm),
            Route("GET", r"/oauth2/applications/@me", self._r_application),
            Route("GET", r"/applications/@me", self._r_application),
            Route("GET", CHANNEL, self._r_get_channel),
            Route("POST", rf"{CHANNEL}/typing", self._r_typing),
            Route("GET", GUILD, self._r_get_guild),
            Route("GET", rf"{GUILD}/channels", self._r_guild_channels),
            Route("GET", rf"{GUILD}/roles", self._r_guild_roles),
            Route("GET", rf"{GUILD}/members", self._r_guild_members),
            Route("GET", rf"{GUILD}/members/(?P<user_id>\d+)", self._r_guild_member),
        ]

    # ------------------------------------------------------------------ identity, users

    def _r_me(self, req: RecordedRequest) -> dict[str, Any]:
        return {
            **self.state.bot_user.payload(),
            "verified": True,
            "mfa_enabled": False,
            "email": None,
            "locale": "en-US",
        }

    def _r_user(self, req: RecordedRequest, user_id: str) -> dict[str, Any]:
        user = self.state.users.get(int(user_id))
        if user is None:
            raise not_found(10013, "User")
        return user.payload()

    def _r_application(self, req: RecordedRequest) -> dict[str, Any]:
        state = self.state
        return {
            "id": str(state.application_id),
            "name": state.bot_name,
            "icon": None,
            "description": "",
            "summary": "",
            "rpc_origins": [],
            "bot_public": True,
            "bot_require_code_grant": False,
            "bot": state.bot_user.payload(),
            "owner": state.app_owner.payload(),
            "team": None,
            "verify_key": "0" * 64,
            "flags": 0,
            "tags": [],
            "redirect_uris": [],
            "interactions_endpoint_url": None,
            "approximate_guild_count": len(state.guilds_by_id),
        }

    def _r_create_dm(self, req: RecordedRequest) -> dict[str, Any]:
        recipient = int((req.json or {}).get("recipient_id", 0))
        user = self.state.users.get(recipient)
        if user is None:
            raise not_found(10013, "User")
        return self.state.dm_channel(user).payload()

    # ------------------------------------------------------------------ channels

    def _r_get_channel(self, req: RecordedRequest, channel_id: str) -> dict[str, Any]:
        return channel_for_bot(self.state, channel_id).payload()

    def _r_typing(self, req: RecordedRequest, channel_id: str) -> None:
        channel_for_bot(self.state, channel_id, SEND_MESSAGES)

    # ------------------------------------------------------------------ guilds

    def _r_get_guild(self, req: RecordedRequest, guild_id: str) -> dict[str, Any]:
        guild = guild_for_bot(self.state, guild_id)
        data = guild.payload()
        if req.query.get("with_counts") in ("true", "1", "True"):
            data["approximate_member_count"] = len(guild.members)
            data["approximate_presence_count"] = 0
        return data

    def _r_guild_channels(self, req: RecordedRequest, guild_id: str) -> list[dict[str, Any]]:
        return [c.payload() for c in guild_for_bot(self.state, guild_id).channels]

    def _r_guild_roles(self, req: RecordedRequest, guild_id: str) -> list[dict[str, Any]]:
        return [r.payload() for r in guild_for_bot(self.state, guild_id).roles]

    def _r_guild_member(self, req: RecordedRequest, guild_id: str, user_id: str) -> dict[str, Any]:
        member = guild_for_bot(self.state, guild_id).members.get(int(user_id))
        if member is None:
            raise not_found(10007, "Member")
        return member.payload()

    def _r_guild_members(self, req: RecordedRequest, guild_id: str) -> list[dict[str, Any]]:
        guild = guild_for_bot(self.state, guild_id)
        after = int(req.query.get("after", 0))
        limit = max(1, min(1000, int(req.query.get("limit", 1))))
        members = sorted((m for m in guild.members.values() if m.id > after), key=lambda m: m.id)
        return [m.payload() for m in members[:limit]]
