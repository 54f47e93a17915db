"""Messages: how Discord stores, checks and announces them, and the channel-message routes.

Every message the bot or a user creates goes through :meth:`Messages.new_message` (contract
check, flags, attachments served by the CDN, who actually gets pinged after
``allowed_mentions``, MESSAGE_CREATE), and every edit and delete through
:meth:`Messages.edit_message` / :meth:`Messages.delete_message`; interaction responses and
follow-ups (``interactions.py``) and user posts (``acting.py``) use the same three.

``POST /channels/{id}/messages`` also implements ``enforce_nonce``: a nonce the same author used
within :attr:`Messages.nonce_window` seconds returns the message created then. The window is
``emu.nonce_window`` (or ``DiscordEmulator(nonce_window=...)``); 0 makes Discord forget nonces
at once, so a resend creates a duplicate.
"""

from __future__ import annotations

import copy
import mimetypes
import re
import time
from typing import TYPE_CHECKING, Any

from .. import contract
from ..contract import EPHEMERAL, IS_COMPONENTS_V2, LOADING, Violation
from .errors import ApiError, missing_permissions, not_found
from .gateway import Gateway
from .model import Channel, FilePart, Message, Pings, RecordedRequest, User, now_iso
from .protocol import (
    ATTACH_FILES,
    ATTACHMENT_SIZE_LIMIT,
    MANAGE_MESSAGES,
    MENTION_EVERYONE,
    MESSAGE_FLAGS_ALLOWED,
    SEND_MESSAGES,
    Intent,
    Perm,
)
from .rest import CHANNEL, Route, channel_for_bot
from .state import State

if TYPE_CHECKING:
    from .interactions import InteractionResult


class Messages:
    """The message store's rules, and ``/channels/{id}/messages...``."""

    def __init__(self, state: State, gateway: Gateway, *, nonce_window: float = 300.0) -> None:
        self.state = state
        self.gateway = gateway
        # Discord: nonces are "checked for uniqueness in the past few minutes".
        self.nonce_window = nonce_window
        # enforce_nonce: (author, nonce) -> the message it created and when (monotonic)
        self._nonces: dict[tuple[int, str], tuple[Message, float]] = {}
        self.nonce_replays: list[Message] = []  # messages returned again instead of created

    def routes(self) -> list[Route]:
        msg = rf"{CHANNEL}/messages/(?P<message_id>\d+)"
        return [
            Route("GET", rf"{CHANNEL}/messages", self._r_history),
            Route("POST", rf"{CHANNEL}/messages", self._r_create_message),
            Route("GET", msg, self._r_get_message),
            Route("PATCH", msg, self._r_edit_message),
            Route("DELETE", msg, self._r_delete_message),
        ]

    # ------------------------------------------------------------------ routes

    def _r_history(self, req: RecordedRequest, channel_id: str) -> list[dict[str, Any]]:
        channel = channel_for_bot(self.state, channel_id, int(Perm.READ_MESSAGE_HISTORY))
        msgs = self.state.channel_messages(channel)
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
        message = self.state.messages_by_id.get(int(message_id))
        if message is None or message.deleted or message.channel_id != channel.id:
            raise not_found(10008, "Message")
        return message

    def _r_get_message(
        self, req: RecordedRequest, channel_id: str, message_id: str
    ) -> dict[str, Any]:
        channel = channel_for_bot(self.state, channel_id, int(Perm.READ_MESSAGE_HISTORY))
        message = self._stored_message(channel, message_id)
        if message.ephemeral:
            raise not_found(10008, "Message")
        return message.payload()

    def _r_create_message(self, req: RecordedRequest, channel_id: str) -> dict[str, Any]:
        channel = self.state.channels.get(int(channel_id))
        if channel is None:
            raise not_found(10003, "Channel")
        if channel.type == 1:
            assert channel.recipient is not None
            if not channel.recipient.dms_open:
                raise ApiError(403, 50007, "Cannot send messages to this user")
        else:
            need = SEND_MESSAGES | (ATTACH_FILES if req.files else 0)
            channel_for_bot(self.state, channel_id, need)
        body = dict(req.json or {})
        nonce = body.get("nonce")
        if nonce is not None:
            if not isinstance(nonce, str | int) or len(str(nonce)) > 25:
                raise self.state.contract_violation(
                    f"POST {req.path}",
                    [Violation("nonce", "Must be an integer or a string of 25 or fewer")],
                )
            if body.get("enforce_nonce"):
                # Discord: a nonce seen from the same author in the past few minutes returns
                # the message it created then, and creates nothing.
                seen = self._nonces.get((self.state.bot_user.id, str(nonce)))
                if seen is not None and time.monotonic() - seen[1] <= self.nonce_window:
                    self.nonce_replays.append(seen[0])
                    return seen[0].payload()
        reference = None
        ref = body.get("message_reference")
        if ref:
            reference = self.state.messages_by_id.get(int(ref.get("message_id", 0)))
            if reference is None and ref.get("fail_if_not_exists", True):
                raise self.state.contract_violation(
                    f"POST {req.path}",
                    [Violation("message_reference", "Unknown message to reply to")],
                )
        message = self.new_message(
            channel,
            body,
            req.files,
            where=f"POST {req.path}",
            kind="channel",
            author=self.state.bot_user,
            reference=reference,
        )
        if nonce is not None:
            self._nonces[(self.state.bot_user.id, str(nonce))] = (message, time.monotonic())
        return message.payload()

    def _r_edit_message(
        self, req: RecordedRequest, channel_id: str, message_id: str
    ) -> dict[str, Any]:
        channel = channel_for_bot(self.state, channel_id)
        message = self._stored_message(channel, message_id)
        if message.author_id != self.state.bot_user.id:
            raise ApiError(403, 50005, "Cannot edit a message authored by another user")
        self.edit_message(message, dict(req.json or {}), req.files, f"PATCH {req.path}")
        return message.payload()

    def _r_delete_message(self, req: RecordedRequest, channel_id: str, message_id: str) -> None:
        channel = channel_for_bot(self.state, channel_id)
        message = self._stored_message(channel, message_id)
        if message.author_id != self.state.bot_user.id and not (
            self.state.bot_permissions(channel) & MANAGE_MESSAGES
        ):
            raise missing_permissions()
        self.delete_message(message)

    # ------------------------------------------------------------------ storage

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
                raise self.state.contract_violation(where, bad)
        can_everyone = bool(author_perms & MENTION_EVERYONE)
        ping_users = [u for u in users if "users" in parse or u in allowed_users]
        if reply_to is not None and replied and reply_to.author_id not in ping_users:
            ping_users.append(reply_to.author_id)
        ping_roles = [
            r
            for r in roles
            if ("roles" in parse or r in allowed_roles)
            and r in self.state.roles
            and (self.state.roles[r].mentionable or can_everyone)
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
            aid = self.state.snowflake()
            ctype = (
                part.content_type
                if part.content_type and part.content_type != "application/octet-stream"
                else mimetypes.guess_type(filename)[0] or "application/octet-stream"
            )
            self.state.cdn[aid] = (filename, ctype, part.data)
            url = self.state.cdn_url(channel.id, aid, filename)
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

    def new_message(
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
            raise self.state.contract_violation(where, violations)
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
        author_perms = self.state.author_permissions(channel, author)
        allowed = body.get("allowed_mentions")
        pings = self._pings(
            body.get("content") or "",
            allowed,
            author_perms=author_perms,
            reply_to=reference,
            where=where,
        )
        mid = self.state.snowflake()
        data: dict[str, Any] = {
            "id": str(mid),
            "channel_id": str(channel.id),
            "author": author.payload(),
            "content": body.get("content") or "",
            "timestamp": now_iso(),
            "edited_timestamp": None,
            "tts": bool(body.get("tts", False)),
            "mention_everyone": pings.everyone,
            "mentions": [
                self.state.users[u].payload() for u in pings.users if u in self.state.users
            ],
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
            data["webhook_id"] = str(self.state.application_id)
            data["application_id"] = str(self.state.application_id)
            data["interaction_metadata"] = interaction.metadata(kind)
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
        self.state.messages_by_id[mid] = message
        if dispatch and not ephemeral:
            self.gateway.dispatch_message("MESSAGE_CREATE", message, channel)
        self.state.notify()
        return message

    def edit_message(
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
            raise self.state.contract_violation(where, violations)
        channel = self.state.channels.get(message.channel_id) or Channel(message.channel_id, "?")
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
            data["edited_timestamp"] = now_iso()
        message.history.append(before)
        if not message.ephemeral:
            self.gateway.dispatch_message("MESSAGE_UPDATE", message, channel)
        self.state.notify()

    def delete_message(self, message: Message) -> None:
        message.deleted = True
        channel = self.state.channels.get(message.channel_id)
        if not message.ephemeral and channel is not None:
            payload = {"id": str(message.id), "channel_id": str(channel.id)}
            if channel.guild_id:
                payload["guild_id"] = str(channel.guild_id)
            intent = Intent.DIRECT_MESSAGES if channel.type == 1 else Intent.GUILD_MESSAGES
            self.gateway.dispatch_gated("MESSAGE_DELETE", payload, intent)
        self.state.notify()
