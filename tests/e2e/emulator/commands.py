"""Application commands: what the bot synced, and turning a user's command into interaction data.

The sync routes (``PUT``/``POST``/``GET``/``DELETE /applications/{app}[/guilds/{guild}]/commands``)
check every command against Discord's contract (``contract.validate_commands``) and store it with
the ids Discord assigns. The test-side helpers (``acting.py``) then find commands here the way
the Discord client does: by name in the guild's and the global scope, hidden when
``default_member_permissions``/``contexts`` say so (:class:`CommandNotVisible`), with option
values typed and checked against the synced options before anything is sent.
"""

from __future__ import annotations

import copy
from typing import Any

from .. import contract
from .errors import CommandNotVisible, EmulatorError, missing_access, not_found
from .model import Channel, Guild, Member, RecordedRequest, Role, Upload, User, id_of
from .protocol import ALL_PERMISSIONS, Perm
from .rest import APP, Route
from .state import State


class Commands:
    """The synced commands per scope (None: global), and their use by a Discord user."""

    def __init__(self, state: State) -> None:
        self.state = state
        self.store: dict[int | None, list[dict[str, Any]]] = {}
        self.sync_history: list[tuple[int | None, list[dict[str, Any]]]] = []

    def routes(self) -> list[Route]:
        commands = rf"/applications/{APP}(?:/guilds/(?P<guild_id>\d+))?/commands"
        one = rf"{commands}/(?P<command_id>\d+)"
        return [
            Route("GET", commands, self._r_get_commands),
            Route("PUT", commands, self._r_put_commands),
            Route("POST", commands, self._r_post_command),
            Route("GET", one, self._r_get_command),
            Route("DELETE", one, self._r_delete_command),
        ]

    # ------------------------------------------------------------------ queries

    def synced_commands(
        self, guild: Guild | int | None = None, *, guild_id: int | None = None
    ) -> list[dict[str, Any]]:
        """The commands as last synced (global, or for one guild), with their assigned ids."""
        scope = guild if guild is not None else guild_id
        return copy.deepcopy(self.store.get(None if scope is None else id_of(scope), []))

    def command(self, name: str, guild: Guild | int | None = None) -> dict[str, Any]:
        for cmd in self.synced_commands(guild):
            if cmd["name"] == name:
                return cmd
        raise EmulatorError(f"/{name} is not synced ({'global' if guild is None else guild})")

    # ------------------------------------------------------------------ routes

    def _check_scope(self, app_id: str, guild_id: str | None) -> int | None:
        if int(app_id) != self.state.application_id:
            raise not_found(10002, "Application")
        if guild_id is None:
            return None
        if int(guild_id) not in self.state.guilds_by_id:
            raise missing_access()
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
        stored["id"] = existing["id"] if existing else str(self.state.snowflake())
        stored["application_id"] = str(self.state.application_id)
        stored["version"] = str(self.state.snowflake())
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
            raise self.state.contract_violation(f"PUT {req.path}", violations)
        old = {(c.get("type", 1), c["name"]): c for c in self.store.get(scope, [])}
        stored = [
            self._command_object(c, scope, old.get((c.get("type", 1), c["name"]))) for c in req.json
        ]
        self.store[scope] = stored
        self.sync_history.append((scope, copy.deepcopy(req.json)))
        return copy.deepcopy(stored)

    def _r_post_command(
        self, req: RecordedRequest, app_id: str, guild_id: str | None = None
    ) -> dict[str, Any]:
        scope = self._check_scope(app_id, guild_id)
        violations = contract.validate_commands([req.json])
        if violations:
            raise self.state.contract_violation(f"POST {req.path}", violations)
        commands = self.store.setdefault(scope, [])
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
        commands = self.store.get(self._check_scope(app_id, guild_id), [])
        for cmd in commands:
            if cmd["id"] == command_id:
                return commands, cmd
        raise not_found(10063, "application command")

    def _r_get_command(
        self, req: RecordedRequest, app_id: str, command_id: str, guild_id: str | None = None
    ) -> dict[str, Any]:
        return copy.deepcopy(self._find_stored_command(app_id, guild_id, command_id)[1])

    def _r_delete_command(
        self, req: RecordedRequest, app_id: str, command_id: str, guild_id: str | None = None
    ) -> None:
        commands, cmd = self._find_stored_command(app_id, guild_id, command_id)
        commands.remove(cmd)

    # ------------------------------------------------------------------ using a command

    def find(self, name: str, guild: Guild | None, ctype: int) -> dict[str, Any]:
        pools = ([self.store.get(guild.id, [])] if guild else []) + [self.store.get(None, [])]
        for pool in pools:
            for cmd in pool:
                if cmd["name"] == name and cmd.get("type", 1) == ctype:
                    return cmd
        synced = sorted({c["name"] for pool in pools for c in pool if c.get("type", 1) == ctype})
        raise EmulatorError(f"command {name!r} (type {ctype}) was not synced; synced: {synced}")

    def check_visible(
        self, cmd: dict[str, Any], user: User, channel: Channel, *, user_install: bool = False
    ) -> None:
        contexts = cmd.get("contexts")
        label = f"/{cmd['name']}"
        if user_install:
            if 1 not in (cmd.get("integration_types") or [0]):
                raise CommandNotVisible(f"{label} cannot be used from a user install")
            if cmd.get("guild_id"):
                raise CommandNotVisible(f"{label} is a guild command; user installs lack it")
        if channel.type == 1 and channel.private:
            if contexts is None or 2 not in contexts:
                raise CommandNotVisible(f"{label} is not available in private channels")
            return
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
        guild = self.state.guilds_by_id[channel.guild_id or 0]
        member = guild.members[user.id]
        if not self.state.permissions_for(member, channel) & Perm.USE_APPLICATION_COMMANDS:
            raise CommandNotVisible(f"{user.username} lacks Use Application Commands here")
        required = cmd.get("default_member_permissions")
        if required is not None:
            need = int(required)
            have = self.state.base_permissions(member)
            if (need == 0 and have != ALL_PERMISSIONS) or have & need != need:
                raise CommandNotVisible(
                    f"{label} requires permissions {need} (default_member_permissions); "
                    f"{user.username} has {have}"
                )

    def option_value(
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
                    "permissions": str(self.state.permissions_for(member, channel)),
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
            perms = self.state.permissions_for(invoker, value) if invoker else 0
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

    def build_command_data(
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
        guild = self.state.guild_of(channel) if channel.type != 1 else None
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
            value = self.option_value(opt, values[name], resolved, guild, invoker, channel)
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
