"""Acting as a Discord user: what a test does to the bot, as the Discord client would do it.

``slash``, ``autocomplete``, ``user_command``/``message_command``, ``click``, ``select``,
``submit_modal`` and ``user_says``. Each validates what the Discord client validates before
sending anything (who can see the command, option types and limits, disabled components,
ephemeral messages only their recipient can use...) and raises :class:`EmulatorError` or
:class:`CommandNotVisible` instead of sending what Discord never would; then it builds the
interaction from the commands the bot actually synced (``commands.py``), sends it
(``interactions.py``) and waits for the answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import contract
from .commands import Commands
from .errors import EmulatorError
from .interactions import InteractionResult, Interactions
from .messages import Messages
from .model import Channel, Member, Message, User
from .protocol import (
    ALL_PERMISSIONS,
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    MESSAGE_COMPONENT,
    MODAL_SUBMIT,
    SEND_MESSAGES,
)
from .state import State


class Acting:
    """The user-side helpers; each returns the :class:`InteractionResult` (or message) made."""

    def __init__(
        self, state: State, commands: Commands, interactions: Interactions, messages: Messages
    ) -> None:
        self.state = state
        self.commands = commands
        self.interactions = interactions
        self.messages = messages

    def _context(self, who: Member | User, channel: Channel | None) -> tuple[User, Channel]:
        """Validate who acts where; returns (user, channel) — a DM when no channel is given."""
        if channel is None:
            user = who.user if isinstance(who, Member) else who
            return user, self.state.dm_channel(user)
        if channel.type == 1:
            user = who.user if isinstance(who, Member) else who
            return user, channel
        guild = self.state.guild_of(channel)
        if guild is None:
            raise EmulatorError(f"channel {channel.name!r} is not in a guild the bot is in")
        uid = who.id
        if uid not in guild.members:
            raise EmulatorError(f"{who!r} is not a member of {guild.name!r}")
        return guild.members[uid].user, channel

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
        user_install: bool = False,
        **values: Any,
    ) -> InteractionResult:
        """Run ``/command`` (``"faq ask"`` for subcommands) as ``who`` in ``channel`` (None: DM).

        ``user_install``: through the member's own install of the app (a ``private_channel``
        between users always is); the command must then allow user installs.

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
            user_install=user_install,
            **values,
        )
        return await self.interactions.send(r, timeout)

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
        user_install: bool = False,
        **values: Any,
    ) -> InteractionResult:
        """Build the ``/command`` interaction :meth:`slash` would send, and make it known to the
        REST side, but do not send it: ``result.payload`` is the raw INTERACTION_CREATE data for
        tests that hand it to discord.py themselves (``discord.Interaction(data=..., state=...)``)
        with no gateway. The callback and follow-ups then land in ``result`` as usual; the 3 s
        deadline counts from here."""
        user, ch = self._context(who, channel)
        names = command.lstrip("/").split()
        guild = self.state.guild_of(ch) if ch.type != 1 else None
        cmd = self.commands.find(names[0], guild, 1)
        user_install = user_install or ch.private
        if visibility_check:
            self.commands.check_visible(cmd, user, ch, user_install=user_install)
        data = self.commands.build_command_data(
            cmd, names[1:], {**values, **(options or {})}, user, ch
        )
        payload = self.interactions.payload(
            APPLICATION_COMMAND, user, ch, data, locale=locale, user_install=user_install
        )
        return self.interactions.register(
            payload, label=f"/{' '.join(names)}", user=user, channel=ch, source_message=None
        )

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
        return await self.interactions.send(r, timeout)

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
        guild = self.state.guild_of(ch) if ch.type != 1 else None
        cmd = self.commands.find(names[0], guild, 1)
        if visibility_check:
            self.commands.check_visible(cmd, user, ch)
        merged = {**values, **(options or {})}
        data = self.commands.build_command_data(cmd, names[1:], merged, user, ch, focused=focused)
        payload = self.interactions.payload(AUTOCOMPLETE, user, ch, data, locale=locale)
        return self.interactions.register(
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
        guild = self.state.guild_of(ch) if ch.type != 1 else None
        cmd = self.commands.find(name, guild, ctype)
        self.commands.check_visible(cmd, user, ch)
        data: dict[str, Any] = {"id": cmd["id"], "name": name, "type": ctype}
        if cmd.get("guild_id"):
            data["guild_id"] = cmd["guild_id"]
        resolved: dict[str, dict[str, Any]] = {}
        if ctype == 2:
            invoker = guild.members.get(user.id) if guild else None
            opt = {"type": contract.USER, "name": "target"}
            data["target_id"] = self.commands.option_value(
                opt, target, resolved, guild, invoker, ch
            )
        else:
            data["target_id"] = str(target.id)
            resolved["messages"] = {str(target.id): target.payload()}
        data["resolved"] = resolved
        payload = self.interactions.payload(APPLICATION_COMMAND, user, ch, data)
        return await self.interactions.run(
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
        msg = message if isinstance(message, Message) else self.state.message(message)
        msg = self.state.messages_by_id.get(msg.id, msg)
        if msg.deleted:
            raise EmulatorError(f"message {msg.id} was deleted")
        if msg.author_id != self.state.bot_user.id:
            raise EmulatorError(f"message {msg.id} was not sent by the bot")
        channel = self.state.channels.get(msg.channel_id)
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
        payload = self.interactions.payload(MESSAGE_COMPONENT, user, ch, data, message=msg)
        return await self.interactions.run(
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
            guild = self.state.guild_of(ch)
            invoker = guild.members.get(user.id) if guild else None
            resolved: dict[str, dict[str, Any]] = {}
            otype = {5: contract.USER, 6: contract.ROLE, 7: contract.MENTIONABLE, 8: 7}[ctype]
            opt = {"type": otype, "name": custom_id}
            data["values"] = [
                self.commands.option_value(opt, v, resolved, guild, invoker, ch) for v in values
            ]
            data["resolved"] = resolved
        payload = self.interactions.payload(MESSAGE_COMPONENT, user, ch, data, message=msg)
        return await self.interactions.run(
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
        origin = next((r for m, r in reversed(self.interactions.modals) if m is modal), None)
        if origin is None:
            origin = next(
                (
                    r
                    for m, r in reversed(self.interactions.modals)
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
        payload = self.interactions.payload(
            MODAL_SUBMIT, user, ch, data, message=origin.source_message
        )
        return await self.interactions.run(
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
        guild = self.state.guild_of(ch)
        perms = self.state.permissions_for(guild.members[user.id], ch) if guild else ALL_PERMISSIONS
        if not perms & SEND_MESSAGES:
            raise EmulatorError(f"{user.username} cannot send messages in this channel")
        return self.messages.new_message(
            ch, {"content": content}, [], where="user", kind="user", author=user
        )
