"""DiscordEmulator: the one object a test talks to, wired from parts that each own one concern.

The parts share one :class:`~.state.State` (the world and the record) and are built here:

===================  =====================================================================
``protocol.py``      Discord's numbers: permission bits, intents, interaction types
``errors.py``        ``EmulatorError``, ``EmulatorTimeout``, ``CommandNotVisible``, ``ApiError``
``model.py``         the data model (``Guild``, ``Channel``, ``Message``...) and its JSON
``state.py``         guilds, channels, roles, users, messages; ids, waiting, permissions
``world.py``         building and changing the world, announced like Discord does
``rest.py``          the HTTP pipeline (record, faults, auth, route, 404 for the unknown)
``rest_guilds.py``   routes: users, the application, guilds, channels
``messages.py``      message storage and checks, channel-message routes, ``enforce_nonce``
``commands.py``      command sync routes; finding commands and typing options like Discord
``interactions.py``  interaction payloads, callbacks, follow-ups, webhook messages
``acting.py``        acting as a user: ``slash``, ``click``, ``submit_modal``...
``gateway.py``       the websocket: IDENTIFY/RESUME/replay, dispatch, intents
``faults.py``        429/5xx injection and held requests
===================  =====================================================================

The class body below is the public API, one line per name, each naming the part that
implements it: ``emu.slash(...)`` is ``Acting.slash``, ``emu.identify_count`` is
``Gateway.identify_count`` (reads and writes go to the part). A new public helper is a method on
its part plus one line here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Concatenate, Generic, ParamSpec, TypeVar, overload

from aiohttp import web

from .acting import Acting
from .commands import Commands
from .faults import Fault, Faults, GlobalLimit, Hold
from .gateway import Gateway, GatewayConnection
from .interactions import Interactions
from .messages import Messages
from .model import ContractError, Guild, Message, RecordedRequest, User
from .protocol import Intent
from .rest import Rest
from .rest_guilds import GuildRoutes
from .state import State
from .world import World

T = TypeVar("T")
P = ParamSpec("P")
R = TypeVar("R")


class _Via(Generic[T]):
    """A name on :class:`DiscordEmulator` that lives on one of its parts (``part``)."""

    def __init__(self, part: str, name: str | None = None) -> None:
        self.part = part
        self.name = name

    def __set_name__(self, owner: type, name: str) -> None:
        assert self.name in (None, name), f"{name} forwards to {self.part}.{self.name}"
        self.name = name

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> _Via[T]: ...
    @overload
    def __get__(self, obj: object, owner: type | None = None) -> T: ...
    def __get__(self, obj: object | None, owner: type | None = None) -> Any:
        if obj is None:
            return self
        return getattr(getattr(obj, self.part), str(self.name))

    def __set__(self, obj: object, value: T) -> None:
        setattr(getattr(obj, self.part), str(self.name), value)


def _calls(part: str, method: Callable[Concatenate[Any, P], R]) -> _Via[Callable[P, R]]:
    """A method of a part, with its signature and docstring, as a method of the emulator."""
    via: _Via[Callable[P, R]] = _Via(part, method.__name__)
    via.__doc__ = method.__doc__
    return via


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
        nonce_window: float = 300.0,
        shard_count: int = 1,
    ) -> None:
        state = self._state = State(bot_name=bot_name, token=token)
        self._gateway = Gateway(
            state,
            heartbeat_interval_ms=heartbeat_interval_ms,
            privileged_intents=privileged_intents,
            shard_count=shard_count,
        )
        self._world = World(state, self._gateway)
        self._faults = Faults(state)
        self._messages = Messages(state, self._gateway, nonce_window=nonce_window)
        self._commands = Commands(state)
        self._interactions = Interactions(
            state, self._gateway, self._messages, callback_deadline=callback_deadline
        )
        self._acting = Acting(state, self._commands, self._interactions, self._messages)
        self._rest = Rest(
            state,
            self._faults,
            [
                *GuildRoutes(state).routes(),
                *self._gateway.routes(),
                *self._commands.routes(),
                *self._interactions.routes(),
                *self._messages.routes(),
            ],
        )
        self._runner: web.AppRunner | None = None

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> DiscordEmulator:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("GET", "/", self._gateway.handle)
        app.router.add_route("GET", "/resume", self._gateway.handle)
        app.router.add_route("*", "/{tail:.*}", self._rest.handle)
        self._runner = web.AppRunner(app, shutdown_timeout=1.0, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._state.host, 0)
        await site.start()
        self._state.port = self._runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        self._faults.release_all()
        await self._gateway.close_all()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> DiscordEmulator:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def env(self) -> dict[str, str]:
        """Settings that point a bot at this emulator (phase 2: Fine Print's own settings)."""
        return {
            "DISCORD_TOKEN": self.token,
            "DISCORD_API_BASE": self.api_base,
            "DISCORD_GATEWAY_URL": self.gateway_url,
        }

    # ------------------------------------------------------------------ state.py

    token = _Via[str]("_state")
    application_id = _Via[int]("_state")
    bot_user = _Via[User]("_state")
    app_owner = _Via[User]("_state")
    bot_name = _Via[str]("_state")
    host = _Via[str]("_state")
    port = _Via[int]("_state")
    http_base = _Via[str]("_state")
    api_base = _Via[str]("_state")
    gateway_url = _Via[str]("_state")
    resume_gateway_url = _Via[str]("_state")
    requests = _Via[list[RecordedRequest]]("_state")
    unimplemented = _Via[list[str]]("_state")
    contract_errors = _Via[list[ContractError]]("_state")
    problems = _calls("_state", State.problems)
    take_unimplemented = _calls("_state", State.take_unimplemented)
    take_contract_errors = _calls("_state", State.take_contract_errors)
    requests_to = _calls("_state", State.requests_to)
    guild = _calls("_state", State.guild)
    guilds = _Via[list[Guild]]("_state")
    dm_channel = _calls("_state", State.dm_channel)
    private_channel = _calls("_state", State.private_channel)
    messages = _Via[list[Message]]("_state")
    message = _calls("_state", State.message)
    channel_messages = _calls("_state", State.channel_messages)
    dm_messages = _calls("_state", State.dm_messages)
    wait_for_messages = _calls("_state", State.wait_for_messages)
    base_permissions = _calls("_state", State.base_permissions)
    permissions_for = _calls("_state", State.permissions_for)
    bot_permissions = _calls("_state", State.bot_permissions)

    # ------------------------------------------------------------------ world.py

    user = _calls("_world", World.user)
    add_guild = _calls("_world", World.add_guild)
    remove_guild = _calls("_world", World.remove_guild)
    add_role = _calls("_world", World.add_role)
    add_member = _calls("_world", World.add_member)
    remove_member = _calls("_world", World.remove_member)
    add_category = _calls("_world", World.add_category)
    add_text_channel = _calls("_world", World.add_text_channel)
    remove_channel = _calls("_world", World.remove_channel)
    set_overwrite = _calls("_world", World.set_overwrite)
    set_bot_can_send = _calls("_world", World.set_bot_can_send)
    set_system_channel = _calls("_world", World.set_system_channel)
    upload = _calls("_world", World.upload)

    # ------------------------------------------------------------------ acting.py

    slash = _calls("_acting", Acting.slash)
    prepare_slash = _calls("_acting", Acting.prepare_slash)
    autocomplete = _calls("_acting", Acting.autocomplete)
    prepare_autocomplete = _calls("_acting", Acting.prepare_autocomplete)
    user_command = _calls("_acting", Acting.user_command)
    message_command = _calls("_acting", Acting.message_command)
    click = _calls("_acting", Acting.click)
    select = _calls("_acting", Acting.select)
    submit_modal = _calls("_acting", Acting.submit_modal)
    user_says = _calls("_acting", Acting.user_says)

    # ------------------------------------------------------------------ interactions.py

    wait_answer = _calls("_interactions", Interactions.wait_answer)
    callback_deadline = _Via[float | None]("_interactions")
    rejection_grace = _Via[float]("_interactions")

    # ------------------------------------------------------------------ commands.py

    synced_commands = _calls("_commands", Commands.synced_commands)
    command = _calls("_commands", Commands.command)
    sync_history = _Via[list[tuple[int | None, list[dict[str, Any]]]]]("_commands")

    # ------------------------------------------------------------------ messages.py

    nonce_window = _Via[float]("_messages")
    nonce_replays = _Via[list[Message]]("_messages")

    # ------------------------------------------------------------------ faults.py

    fail = _calls("_faults", Faults.fail)
    global_rate_limit = _calls("_faults", Faults.global_rate_limit)
    global_limit = _Via[GlobalLimit | None]("_faults")
    clear_faults = _calls("_faults", Faults.clear_faults)
    hold = _calls("_faults", Faults.hold)
    faults = _Via[list[Fault]]("_faults")
    holds = _Via[list[Hold]]("_faults")

    # ------------------------------------------------------------------ gateway.py

    dispatch = _calls("_gateway", Gateway.dispatch)
    wait_ready = _calls("_gateway", Gateway.wait_ready)
    drop_gateway = _calls("_gateway", Gateway.drop_gateway)
    send_reconnect = _calls("_gateway", Gateway.send_reconnect)
    heartbeat_interval_ms = _Via[int]("_gateway")
    privileged_intents = _Via[int]("_gateway")
    gateway_connections = _Via[list[GatewayConnection]]("_gateway")
    identify_payloads = _Via[list[dict[str, Any]]]("_gateway")
    identify_count = _Via[int]("_gateway")
    resume_count = _Via[int]("_gateway")
    invalid_session_count = _Via[int]("_gateway")
    replayed_events = _Via[int]("_gateway")
    heartbeats = _Via[int]("_gateway")
    presence = _Via[dict[str, Any] | None]("_gateway")
    shard_count = _Via[int]("_gateway")
    shard_of = _calls("_gateway", Gateway.shard_of)
    live_shards = _Via[list[int]]("_gateway")
