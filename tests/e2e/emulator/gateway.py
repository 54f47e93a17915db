"""The gateway: the JSON websocket discord.py connects to, and every event Discord sends on it.

HELLO, IDENTIFY (token and privileged-intent checks) → READY and one GUILD_CREATE per guild;
heartbeats; RESUME with replay of what the bot missed; op 8 member requests; op 7 RECONNECT and
dropped connections on demand. Events carry sequence numbers and are kept in the session's
history for replay.

Every other part announces changes through :class:`Gateway` (``dispatch``, ``dispatch_gated``,
``dispatch_message``), and only this module looks at the session and its intents: what a client
with these intents receives (message content, GUILD_CREATE members) is decided here. Running
several shards would therefore change this module only: one session per shard, READY and
GUILD_CREATE for the shard's own guilds (``(guild_id >> 22) % shard_count``), each dispatch
routed by the guild in its payload, and ``/gateway/bot`` (served here) reporting the count.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from .errors import EmulatorError
from .model import Channel, Guild, Message, RecordedRequest
from .protocol import API_VERSION, Intent
from .rest import Route, unimplemented
from .state import State


@dataclass
class GatewayConnection:
    path: str
    query: dict[str, str]
    kind: str | None = None  # identify | resume | invalid-session
    close_code: int | None = None


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


class Gateway:
    """The bot's gateway session(s) and connections, and the bookkeeping tests assert on."""

    def __init__(
        self, state: State, *, heartbeat_interval_ms: int, privileged_intents: int
    ) -> None:
        self.state = state
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.privileged_intents = privileged_intents
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

    def routes(self) -> list[Route]:
        return [
            Route("GET", r"/gateway", self._r_gateway, False),
            Route("GET", r"/gateway/bot", self._r_gateway_bot),
        ]

    def _r_gateway(self, req: RecordedRequest) -> dict[str, Any]:
        return {"url": self.state.gateway_url.rstrip("/")}

    def _r_gateway_bot(self, req: RecordedRequest) -> dict[str, Any]:
        return {
            "url": self.state.gateway_url.rstrip("/"),
            "shards": 1,
            "session_start_limit": {
                "total": 1000,
                "remaining": 999,
                "reset_after": 14400000,
                "max_concurrency": 1,
            },
        }

    # ------------------------------------------------------------------ sending events

    @property
    def has_session(self) -> bool:
        """Whether the bot has identified, so world changes must be announced."""
        return self._session is not None

    def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send any gateway event (raw) to the bot."""
        session = self._session
        if session is None:
            raise EmulatorError(f"cannot dispatch {event}: the bot has no gateway session")
        session.seq += 1
        frame = {"op": 0, "t": event, "s": session.seq, "d": data}
        session.history.append(frame)
        if session.conn is not None:
            session.conn.send(frame)

    def dispatch_gated(self, event: str, data: dict[str, Any], intent: int) -> None:
        """Dispatch only if the session asked for ``intent``."""
        if self._session is not None and self._session.intents & intent:
            self.dispatch(event, data)

    def dispatch_message(self, event: str, message: Message, channel: Channel) -> None:
        """MESSAGE_CREATE/UPDATE as the bot's intents allow (content needs MESSAGE_CONTENT)."""
        if self._session is None:
            return
        payload = message.payload()
        intent = Intent.DIRECT_MESSAGES if channel.type == 1 else Intent.GUILD_MESSAGES
        if channel.guild_id:
            payload["guild_id"] = str(channel.guild_id)
            guild = self.state.guilds_by_id.get(channel.guild_id)
            member = guild.members.get(message.author_id) if guild else None
            if member is not None:
                payload["member"] = member.payload(with_user=False)
        mentioned = str(self.state.bot_user.id) in {u["id"] for u in payload.get("mentions", [])}
        if (
            message.author_id != self.state.bot_user.id
            and channel.type != 1
            and not mentioned
            and not self._session.intents & Intent.MESSAGE_CONTENT
        ):
            payload.update(content="", embeds=[], attachments=[], components=[])
        self.dispatch_gated(event, payload, intent)

    def guild_create_payload(self, guild: Guild) -> dict[str, Any]:
        intents = self._session.intents if self._session else 0
        if intents & Intent.GUILD_PRESENCES:
            members = list(guild.members.values())
        else:  # Discord sends only the bot itself (and voice users) without GUILD_PRESENCES
            members = [guild.bot_member] if guild.bot_member else []
        return {
            **guild.payload(),
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

    # ------------------------------------------------------------------ test controls

    async def wait_ready(self, timeout: float = 10.0) -> None:
        """Wait until the bot has identified (READY + GUILD_CREATEs sent) or resumed."""
        await self.state.wait_until(
            lambda: self._live, timeout, "the bot to connect to the gateway"
        )

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

    async def close_all(self) -> None:
        """At shutdown: close every websocket and stop its writer."""
        for conn in list(self._conns):
            await conn.close(1001, "emulator shutting down")
        for conn in list(self._conns):
            conn.writer.cancel()
            with contextlib.suppress(BaseException):
                await conn.writer

    # ------------------------------------------------------------------ the websocket

    async def handle(self, request: web.Request) -> web.StreamResponse:
        if request.headers.get("Upgrade", "").lower() != "websocket":
            return unimplemented(self.state, "GET", request.path, "the gateway needs a websocket")
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
                    self._on_frame(conn, json.loads(msg.data))
                elif msg.type == WSMsgType.BINARY:
                    self.state.unimplemented.append("gateway: binary frame from client")
        finally:
            conn.closed = True
            conn.queue.put_nowait(None)
            if record.close_code is None:
                record.close_code = ws.close_code
            if self._session is not None and self._session.conn is conn:
                self._session.conn = None
                self._live = False
            self.state.notify()
        return ws

    def _close_later(self, conn: _Conn, code: int, reason: str) -> None:
        record = conn.record
        record.close_code = code
        asyncio.get_running_loop().create_task(conn.close(code, reason))

    def _on_frame(self, conn: _Conn, frame: dict[str, Any]) -> None:
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
            self.state.unimplemented.append(f"gateway op {op}")
        self.state.notify()

    def _identify(self, conn: _Conn, data: dict[str, Any]) -> None:
        state = self.state
        if data.get("token") != state.token:
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
            "user": {**state.bot_user.payload(), "verified": True, "mfa_enabled": False},
            "guilds": [{"id": str(g), "unavailable": True} for g in state.guilds_by_id],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": state.resume_gateway_url,
            "application": {"id": str(state.application_id), "flags": 0},
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
        self.dispatch("READY", ready)
        for guild in state.guilds_by_id.values():
            self.dispatch("GUILD_CREATE", self.guild_create_payload(guild))
        self._live = True

    def _resume(self, conn: _Conn, data: dict[str, Any]) -> None:
        if data.get("token") != self.state.token:
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
        self.dispatch("RESUMED", {"_trace": ["discord-emulator"]})
        self._live = True

    def _request_members(self, conn: _Conn, data: dict[str, Any]) -> None:
        guild = self.state.guilds_by_id.get(int(data.get("guild_id", 0)))
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
        self.dispatch("GUILD_MEMBERS_CHUNK", chunk)
