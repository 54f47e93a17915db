"""The gateway: the JSON websocket discord.py connects to, and every event Discord sends on it.

HELLO, IDENTIFY (token and privileged-intent checks) → READY and one GUILD_CREATE per guild;
heartbeats; RESUME with replay of what the bot missed; op 8 member requests; op 7 RECONNECT and
dropped connections on demand. Events carry sequence numbers and are kept in the session's
history for replay.

Every other part announces changes through :class:`Gateway` (``dispatch``, ``dispatch_gated``,
``dispatch_message``), and only this module looks at the session and its intents: what a client
with these intents receives (message content, GUILD_CREATE members) is decided here.

**Shards.** A client may IDENTIFY with ``"shard": [id, count]``; every such connection is a
session of its own (a second IDENTIFY for the same shard replaces it), which may live in another
process. A session receives READY and GUILD_CREATE for its own guilds only — Discord's rule,
``(guild_id >> 22) % count == id`` — and each event is routed by the guild in its payload (an
event without a guild goes to shard 0, as DMs do). A client without ``shard`` gets every guild.
``/gateway/bot`` reports ``shard_count`` (``DiscordEmulator(shard_count=2)``), the count
``AutoShardedBot`` uses when it is not given one. ``wait_ready(shard=k)`` waits for one shard;
``wait_ready()`` for every guild to be on a live session.
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
    shard_id: int = 0
    shard_count: int = 1
    seq: int = 0
    history: list[dict[str, Any]] = field(default_factory=list)
    conn: _Conn | None = None
    resumable: bool = True
    live: bool = False  # READY (or RESUMED) sent on a connection that is still open

    def owns(self, guild_id: int | None) -> bool:
        """Whether events of this guild go to this session (no guild: shard 0's)."""
        if guild_id is None:
            return self.shard_id == 0
        return (guild_id >> 22) % self.shard_count == self.shard_id


def shard_of(guild_id: int, shard_count: int) -> int:
    """Discord's rule: which of ``shard_count`` shards a guild's events go to."""
    return (guild_id >> 22) % shard_count


def _event_guild(event: str, data: dict[str, Any]) -> int | None:
    """The guild an event is about, which decides its shard."""
    if event.startswith("GUILD_") and "guild_id" not in data and "id" in data:
        return int(data["id"])  # GUILD_CREATE / UPDATE / DELETE carry the guild itself
    raw = data.get("guild_id")
    return int(raw) if raw else None


class Gateway:
    """The bot's gateway session(s) and connections, and the bookkeeping tests assert on."""

    def __init__(
        self,
        state: State,
        *,
        heartbeat_interval_ms: int,
        privileged_intents: int,
        shard_count: int = 1,
    ) -> None:
        self.state = state
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.privileged_intents = privileged_intents
        self.shard_count = shard_count  # what /gateway/bot recommends
        self.gateway_connections: list[GatewayConnection] = []
        self.identify_payloads: list[dict[str, Any]] = []
        self.identify_count = 0
        self.resume_count = 0
        self.invalid_session_count = 0
        self.replayed_events = 0
        self.heartbeats = 0
        self.presence: dict[str, Any] | None = None
        self._sessions: dict[int, _Session] = {}  # by shard id
        self._conns: list[_Conn] = []

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
            "shards": self.shard_count,
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
        return bool(self._sessions)

    def shard_of(self, guild: Guild | int) -> int:
        """The shard (of ``shard_count``) whose session receives this guild's events."""
        return shard_of(guild if isinstance(guild, int) else guild.id, self.shard_count)

    @property
    def live_shards(self) -> list[int]:
        """Shard ids with a live session now."""
        return sorted(k for k, s in self._sessions.items() if s.live)

    def _emit(self, session: _Session, event: str, data: dict[str, Any]) -> None:
        session.seq += 1
        frame = {"op": 0, "t": event, "s": session.seq, "d": data}
        session.history.append(frame)
        if session.conn is not None:
            session.conn.send(frame)

    def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send any gateway event (raw) to the bot: to the session of the event's shard."""
        if not self._sessions:
            raise EmulatorError(f"cannot dispatch {event}: the bot has no gateway session")
        guild_id = _event_guild(event, data)
        targets = [s for s in self._sessions.values() if s.owns(guild_id)]
        if not targets and event == "INTERACTION_CREATE":
            # A world change reaches a shard that connects later in its READY; a user's
            # command to a shard nobody runs would just be lost: say so.
            raise EmulatorError(
                f"no gateway session runs the shard of guild {guild_id}; connected shards: "
                f"{sorted(self._sessions)}"
            )
        for session in targets:
            self._emit(session, event, data)

    def dispatch_gated(self, event: str, data: dict[str, Any], intent: int) -> None:
        """Dispatch only to sessions that asked for ``intent``."""
        guild_id = _event_guild(event, data)
        for session in self._sessions.values():
            if session.intents & intent and session.owns(guild_id):
                self._emit(session, event, data)

    def dispatch_message(self, event: str, message: Message, channel: Channel) -> None:
        """MESSAGE_CREATE/UPDATE as the bot's intents allow (content needs MESSAGE_CONTENT)."""
        intent = Intent.DIRECT_MESSAGES if channel.type == 1 else Intent.GUILD_MESSAGES
        session = next(
            (s for s in self._sessions.values() if s.owns(channel.guild_id or None)), None
        )
        if session is None or not session.intents & intent:
            return  # nobody gets it: no payload to build (a fan-out posts thousands)
        payload = message.payload()
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
            and not session.intents & Intent.MESSAGE_CONTENT
        ):
            payload.update(content="", embeds=[], attachments=[], components=[])
        self.dispatch_gated(event, payload, intent)

    def guild_create_payload(self, guild: Guild, session: _Session | None = None) -> dict[str, Any]:
        if session is None:
            session = next((s for s in self._sessions.values() if s.owns(guild.id)), None)
        intents = session.intents if session else 0
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

    async def wait_ready(self, timeout: float = 10.0, *, shard: int | None = None) -> None:
        """Wait until the bot has identified (READY + GUILD_CREATEs sent) or resumed: on shard
        ``shard``, or (``None``) on sessions that together cover every guild."""

        def ready() -> bool:
            live = [s for s in self._sessions.values() if s.live]
            if shard is not None:
                return any(s.shard_id == shard for s in live)
            if not live:
                return False
            return all(any(s.owns(g) for s in live) for g in self.state.guilds_by_id)

        what = "the bot to connect to the gateway"
        if shard is not None:
            what += f" on shard {shard}"
        await self.state.wait_until(ready, timeout, what)

    def _session_for(self, shard: int | None) -> _Session:
        if shard is not None:
            session = self._sessions.get(shard)
        else:
            session = next(
                (s for _, s in sorted(self._sessions.items()) if s.conn is not None), None
            )
        if session is None or session.conn is None:
            raise EmulatorError(
                "no live gateway connection" + (f" on shard {shard}" if shard is not None else "")
            )
        return session

    async def drop_gateway(
        self, code: int = 4000, *, invalidate: bool = False, shard: int | None = None
    ) -> None:
        """Close the bot's websocket (``shard``'s, or the first live one). It reconnects and
        RESUMEs; with ``invalidate=True`` the session is forgotten, so the RESUME gets op 9
        INVALID_SESSION and the bot re-IDENTIFYs."""
        session = self._session_for(shard)
        conn = session.conn
        assert conn is not None
        session.conn = None
        session.live = False
        if invalidate:
            session.resumable = False
        conn.record.close_code = code
        await conn.close(code, "emulator: connection dropped")

    def send_reconnect(self, *, shard: int | None = None) -> None:
        """Op 7 RECONNECT: Discord asks the client to reconnect and resume."""
        session = self._session_for(shard)
        assert session.conn is not None
        session.conn.send({"op": 7, "d": None})

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
            session = conn.session
            if session is not None and session.conn is conn:
                session.conn = None
                session.live = False
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
        shard = data.get("shard") or [0, 1]
        try:
            shard_id, shard_count = int(shard[0]), int(shard[1])
        except (TypeError, ValueError, IndexError):
            shard_id, shard_count = -1, 0
        if not 0 <= shard_id < shard_count:
            self._close_later(conn, 4010, "Invalid shard.")
            return
        old = self._sessions.get(shard_id)
        if old is not None and old.conn is not None and old.conn is not conn:
            self._close_later(old.conn, 4009, "Session replaced")
        session = _Session(secrets.token_hex(16), intents, shard_id, shard_count)
        self._sessions[shard_id] = session
        session.conn = conn
        conn.session = session
        conn.record.kind = "identify"
        self.identify_count += 1
        self.identify_payloads.append(data)
        guilds = [g for g in state.guilds_by_id.values() if session.owns(g.id)]
        ready: dict[str, Any] = {
            "v": API_VERSION,
            "user": {**state.bot_user.payload(), "verified": True, "mfa_enabled": False},
            "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
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
        self._emit(session, "READY", ready)
        for guild in guilds:
            self._emit(session, "GUILD_CREATE", self.guild_create_payload(guild, session))
        session.live = True

    def _resume(self, conn: _Conn, data: dict[str, Any]) -> None:
        if data.get("token") != self.state.token:
            self._close_later(conn, 4004, "Authentication failed.")
            return
        session = next((s for s in self._sessions.values() if s.id == data.get("session_id")), None)
        if session is None or not session.resumable:
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
        self._emit(session, "RESUMED", {"_trace": ["discord-emulator"]})
        session.live = True

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
