"""Interactions: Discord's side of a slash command, click, select or modal, from the
INTERACTION_CREATE it sends to every answer the bot gives.

:class:`InteractionResult` is what a test gets back: the callback, the original response and
the follow-ups. :class:`Interactions` builds the payload Discord would send (``payload``), makes
it known to the REST side (``register``), dispatches it and waits for the answer, and serves the
answering routes with Discord's rules: the 3 s callback deadline, one callback per interaction,
callback types that fit the interaction, "thinking…" placeholders replaced by the first
follow-up, ``@original`` and follow-up messages through the interaction webhook, modals shown.

What a user does to *cause* an interaction (typing a command, clicking) is ``acting.py``.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from typing import Any

from .. import contract
from ..contract import EPHEMERAL, LOADING, Violation
from .errors import ApiError, EmulatorError, EmulatorTimeout, not_found
from .gateway import Gateway
from .messages import Messages
from .model import Channel, ContractError, Message, RecordedRequest, User, now_iso
from .protocol import (
    ALLOWED_CALLBACKS,
    APPLICATION_COMMAND,
    ATTACHMENT_SIZE_LIMIT,
    AUTOCOMPLETE_RESULT,
    CHANNEL_MESSAGE,
    DEFERRED_MESSAGE,
    DEFERRED_UPDATE,
    MODAL,
    UPDATE_MESSAGE,
)
from .rest import APP, Route
from .state import State


class InteractionResult:
    """One interaction the test triggered, and everything the bot did in answer to it."""

    def __init__(
        self,
        state: State,
        payload: dict[str, Any],
        *,
        label: str,
        channel: Channel,
        user: User,
        source_message: Message | None = None,
    ) -> None:
        self._state = state
        self.payload = payload
        self.id = int(payload["id"])
        self.token: str = payload["token"]
        self.type: int = payload["type"]
        self.label = label
        self.channel = channel
        self.user = user
        self.source_message = source_message
        self.created = asyncio.get_running_loop().time()
        self.response: dict[str, Any] | None = None  # the callback body: {"type": .., "data": ..}
        self.response_type: int | None = None
        self.message: Message | None = None  # original response (or the updated message)
        self.followups: list[Message] = []
        self.modal: dict[str, Any] | None = None
        self.choices: list[dict[str, Any]] | None = None
        self.late = False
        self.rejected: list[str] = []
        self._source_edits = len(source_message.history) if source_message is not None else 0

    def __repr__(self) -> str:
        return f"<InteractionResult {self.label} response_type={self.response_type}>"

    @property
    def acknowledged(self) -> bool:
        return self.response is not None

    @property
    def data(self) -> dict[str, Any]:
        return (self.response or {}).get("data") or {}

    @property
    def deferred(self) -> bool:
        return self.response_type in (DEFERRED_MESSAGE, DEFERRED_UPDATE)

    @property
    def ephemeral(self) -> bool:
        return bool(self.message is not None and self.message.ephemeral)

    @property
    def content(self) -> str:
        return self.message.content if self.message else ""

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return self.message.embeds if self.message else []

    async def wait_followups(self, count: int = 1, timeout: float = 5.0) -> list[Message]:
        await self._state.wait_until(
            lambda: len(self.followups) >= count,
            timeout,
            lambda: f"{count} follow-up(s) to {self.label} (have {len(self.followups)})",
        )
        return list(self.followups)

    async def wait_update(self, timeout: float = 5.0) -> Message:
        """For a component or modal interaction: the message it came from, once this interaction
        edited it — at once with UPDATE_MESSAGE (7), or later after a deferred update (6), when
        the bot edits ``@original`` once its work is done."""
        msg = self.source_message
        if msg is None:
            raise EmulatorError(f"{self.label} did not come from a message")
        await self._state.wait_until(
            lambda: len(msg.history) > self._source_edits,
            timeout,
            lambda: f"{self.label} to update message {msg.id}",
        )
        return msg

    async def wait_message(self, timeout: float = 5.0) -> Message:
        """The original response once it is no longer a 'thinking…' placeholder."""
        await self._state.wait_until(
            lambda: self.message is not None and not self.message.loading,
            timeout,
            lambda: f"the final response to {self.label} (now: {self.message!r})",
        )
        assert self.message is not None
        return self.message

    def metadata(self, kind: str) -> dict[str, Any]:
        """``interaction_metadata`` for a message created in answer to this interaction."""
        meta: dict[str, Any] = {
            "id": str(self.id),
            "type": self.type,
            "user": self.user.payload(),
            "authorizing_integration_owners": self.payload.get(
                "authorizing_integration_owners", {}
            ),
        }
        if kind == "followup" and self.message is not None:
            meta["original_response_message_id"] = str(self.message.id)
        if self.source_message is not None:
            meta["interacted_message_id"] = str(self.source_message.id)
        return meta


class Interactions:
    """Every interaction the test triggered, by id and token, and the routes that answer them."""

    def __init__(
        self,
        state: State,
        gateway: Gateway,
        messages: Messages,
        *,
        callback_deadline: float | None = 3.0,
    ) -> None:
        self.state = state
        self.gateway = gateway
        self.messages = messages
        self.callback_deadline = callback_deadline
        self.rejection_grace = 0.5
        self._by_id: dict[int, InteractionResult] = {}
        self._by_token: dict[str, InteractionResult] = {}
        self.modals: list[tuple[dict[str, Any], InteractionResult]] = []  # shown, and by whom

    def routes(self) -> list[Route]:
        webhook = rf"/webhooks/{APP}/(?P<token>[^/]+)"
        message = rf"{webhook}/messages/(?P<message_id>@original|\d+)"
        return [
            Route(
                "POST",
                r"/interactions/(?P<interaction_id>\d+)/(?P<token>[^/]+)/callback",
                self._r_callback,
                False,
            ),
            Route("POST", webhook, self._r_followup, False),
            Route("GET", message, self._r_webhook_get, False),
            Route("PATCH", message, self._r_webhook_edit, False),
            Route("DELETE", message, self._r_webhook_delete, False),
        ]

    # ------------------------------------------------------------------ sending one

    def payload(
        self,
        itype: int,
        user: User,
        channel: Channel,
        data: dict[str, Any],
        *,
        message: Message | None = None,
        locale: str | None = None,
        user_install: bool = False,
    ) -> dict[str, Any]:
        """``user_install``: the member's own install of the app authorised this interaction
        (``authorizing_integration_owners`` {"1": user}), as in a DM between users."""
        iid = self.state.snowflake()
        payload: dict[str, Any] = {
            "id": str(iid),
            "application_id": str(self.state.application_id),
            "type": itype,
            "data": data,
            "token": f"emu-{iid}-{secrets.token_urlsafe(24)}",
            "version": 1,
            "locale": locale or user.locale,
            "entitlements": [],
            "entitlement_sku_ids": [],
            "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
            "channel_id": str(channel.id),
        }
        if channel.type == 1:
            payload.update(
                user=user.payload(),
                channel=channel.payload(),
                context=2 if channel.private else 1,
                authorizing_integration_owners=(
                    {"1": str(user.id)} if user_install or channel.private else {"0": "0"}
                ),
                app_permissions=str(self.state.bot_permissions(channel)),
            )
        else:
            guild = self.state.guilds_by_id[channel.guild_id or 0]
            member = guild.members[user.id]
            perms = self.state.permissions_for(member, channel)
            payload.update(
                guild_id=str(guild.id),
                guild={"id": str(guild.id), "locale": guild.preferred_locale, "features": []},
                guild_locale=guild.preferred_locale,
                channel={**channel.payload(), "permissions": str(perms)},
                member={**member.payload(), "permissions": str(perms)},
                app_permissions=str(self.state.bot_permissions(channel)),
                context=0,
                authorizing_integration_owners=(
                    {"0": str(guild.id), "1": str(user.id)}
                    if user_install
                    else {"0": str(guild.id)}
                ),
            )
        if message is not None:
            payload["message"] = message.payload()
        return payload

    async def run(
        self,
        payload: dict[str, Any],
        *,
        label: str,
        user: User,
        channel: Channel,
        source_message: Message | None,
        timeout: float,
    ) -> InteractionResult:
        if not self.gateway.has_session:
            raise EmulatorError("the bot has no gateway session yet; await emu.wait_ready() first")
        r = self.register(
            payload, label=label, user=user, channel=channel, source_message=source_message
        )
        self.gateway.dispatch("INTERACTION_CREATE", payload)
        return await self._await_answer(r, timeout)

    def register(
        self,
        payload: dict[str, Any],
        *,
        label: str,
        user: User,
        channel: Channel,
        source_message: Message | None,
    ) -> InteractionResult:
        """Make the interaction known to the REST side (callback, follow-ups) without sending it."""
        r = InteractionResult(
            self.state,
            payload,
            label=label,
            channel=channel,
            user=user,
            source_message=source_message,
        )
        self._by_id[r.id] = r
        self._by_token[r.token] = r
        return r

    async def _await_answer(self, r: InteractionResult, timeout: float) -> InteractionResult:
        label = r.label
        await self.state.wait_until(
            lambda: r.response is not None or r.late or bool(r.rejected),
            timeout,
            lambda: f"the bot to answer {label} (Discord shows 'This interaction failed')",
        )
        if r.response is None and r.rejected:
            # A refused callback does not acknowledge the interaction: the bot may still send a
            # valid answer (e.g. from its error handler). Give it a moment, then fail loudly.
            with contextlib.suppress(EmulatorTimeout):
                await self.state.wait_until(
                    lambda: r.response is not None, self.rejection_grace, "a valid answer"
                )
            if r.response is None:
                raise EmulatorTimeout(
                    f"{label}: Discord rejected the bot's answer: {'; '.join(r.rejected)}"
                )
        if r.late:
            raise EmulatorTimeout(
                f"{label}: the bot answered after Discord's {self.callback_deadline}s deadline"
            )
        return r

    async def send(self, r: InteractionResult, timeout: float) -> InteractionResult:
        """Dispatch a prepared interaction over the gateway and wait for the bot's answer."""
        if not self.gateway.has_session:
            raise EmulatorError("the bot has no gateway session yet; await emu.wait_ready() first")
        self.gateway.dispatch("INTERACTION_CREATE", r.payload)
        return await self._await_answer(r, timeout)

    async def wait_answer(self, r: InteractionResult, timeout: float = 5.0) -> InteractionResult:
        """Wait until the bot answered ``r`` (one from :meth:`prepare_slash`), like :meth:`slash`
        does, and fail the same way if Discord refused the answer or it came too late."""
        return await self._await_answer(r, timeout)

    # ------------------------------------------------------------------ routes

    def _interaction_by_token(self, app_id: str, token: str) -> InteractionResult:
        r = self._by_token.get(token)
        if int(app_id) != self.state.application_id or r is None:
            raise not_found(10015, "Webhook")
        return r

    def _r_callback(
        self, req: RecordedRequest, interaction_id: str, token: str
    ) -> dict[str, Any] | None:
        r = self._by_id.get(int(interaction_id))
        if r is None or r.token != token:
            raise ApiError(404, 10062, "Unknown interaction")
        try:
            return self._callback(req, r)
        except ApiError as exc:
            if exc.status == 400 and exc.body.get("code") != 40060:
                r.rejected.append(str(exc.body.get("emulator") or exc.body.get("message")))
                self.state.notify()
            raise

    def _callback(self, req: RecordedRequest, r: InteractionResult) -> dict[str, Any] | None:
        where = f"POST /interactions/{r.id}/<token>/callback"
        if r.response is not None:
            raise ApiError(400, 40060, "Interaction has already been acknowledged.")
        elapsed = asyncio.get_running_loop().time() - r.created
        if self.callback_deadline is not None and elapsed > self.callback_deadline:
            r.late = True
            self.state.notify()
            raise ApiError(404, 10062, "Unknown interaction")
        body = req.json if isinstance(req.json, dict) else {}
        rtype = body.get("type")
        data = body.get("data") or {}
        if rtype not in ALLOWED_CALLBACKS.get(r.type, set()):
            raise self.state.contract_violation(
                where,
                [Violation("type", f"callback type {rtype} is not valid for interaction {r.type}")],
            )
        if rtype in (DEFERRED_UPDATE, UPDATE_MESSAGE) and r.source_message is None:
            raise self.state.contract_violation(
                where, [Violation("type", "no message to update (interaction has no message)")]
            )
        resource_message: Message | None = None
        if rtype == CHANNEL_MESSAGE:
            resource_message = self.messages.new_message(
                r.channel,
                data,
                req.files,
                where=where,
                kind="interaction",
                author=self.state.bot_user,
                interaction=r,
                message_type=self._response_message_type(r),
            )
            r.message = resource_message
        elif rtype == DEFERRED_MESSAGE:
            resource_message = self._loading_message(r, data)
            r.message = resource_message
        elif rtype == DEFERRED_UPDATE:
            r.message = resource_message = r.source_message
        elif rtype == UPDATE_MESSAGE:
            assert r.source_message is not None
            self.messages.edit_message(r.source_message, data, req.files, where)
            r.message = resource_message = r.source_message
        elif rtype == AUTOCOMPLETE_RESULT:
            violations = contract.validate_autocomplete_choices(data)
            if violations:
                raise self.state.contract_violation(where, violations)
            r.choices = data["choices"]
        elif rtype == MODAL:
            violations = contract.validate_modal(data)
            if violations:
                raise self.state.contract_violation(where, violations)
            r.modal = data
            self.modals.append((data, r))
        r.response = body
        r.response_type = rtype
        self.state.notify()
        if req.query.get("with_response", "").lower() not in ("1", "true"):
            return None
        interaction: dict[str, Any] = {"id": str(r.id), "type": r.type}
        resource: dict[str, Any] = {"type": rtype}
        if resource_message is not None:
            interaction.update(
                response_message_id=str(resource_message.id),
                response_message_loading=resource_message.loading,
                response_message_ephemeral=resource_message.ephemeral,
            )
            resource["message"] = resource_message.payload()
        return {"interaction": interaction, "resource": resource}

    def _response_message_type(self, r: InteractionResult) -> int:
        if r.type == APPLICATION_COMMAND:
            return 20 if (r.payload.get("data") or {}).get("type", 1) == 1 else 23
        return 0

    def _loading_message(self, r: InteractionResult, data: dict[str, Any]) -> Message:
        """The 'Bot is thinking…' placeholder a deferred response creates."""
        flags = LOADING | ((data.get("flags") or 0) & EPHEMERAL)
        mid = self.state.snowflake()
        payload: dict[str, Any] = {
            "id": str(mid),
            "channel_id": str(r.channel.id),
            "author": self.state.bot_user.payload(),
            "content": "",
            "timestamp": now_iso(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": [],
            "components": [],
            "pinned": False,
            "type": self._response_message_type(r),
            "flags": flags,
            "webhook_id": str(self.state.application_id),
            "application_id": str(self.state.application_id),
            "interaction_metadata": r.metadata("interaction"),
        }
        message = Message(payload, kind="interaction", interaction=r)
        self.state.messages_by_id[mid] = message
        if not message.ephemeral:
            self.gateway.dispatch_message("MESSAGE_CREATE", message, r.channel)
        return message

    def _r_followup(self, req: RecordedRequest, app_id: str, token: str) -> dict[str, Any] | None:
        r = self._interaction_by_token(app_id, token)
        where = f"POST /webhooks/{app_id}/<token>"
        if r.response is None:
            self.state.contract_errors.append(
                ContractError(where, [Violation("", "follow-up sent before the initial response")])
            )
            raise not_found(10015, "Webhook")
        body = dict(req.json or {})
        if r.response_type == DEFERRED_MESSAGE and r.message is not None and r.message.loading:
            # Discord: the first follow-up after a deferred response *is* the response; it
            # replaces the "thinking…" message and keeps the deferral's ephemerality.
            body.pop("flags", None)
            self.messages.edit_message(r.message, body, req.files, where, resolve_loading=True)
            message = r.message
        else:
            message = self.messages.new_message(
                r.channel,
                body,
                req.files,
                where=where,
                kind="followup",
                author=self.state.bot_user,
                interaction=r,
                message_type=self._response_message_type(r),
            )
        r.followups.append(message)
        self.state.notify()
        if req.query.get("wait", "").lower() in ("1", "true"):
            return message.payload()
        return None

    def _webhook_message(self, r: InteractionResult, message_id: str) -> Message:
        if message_id == "@original":
            if r.message is None or r.message.deleted:
                raise not_found(10008, "Message")
            return r.message
        for m in [r.message, *r.followups]:
            if m is not None and m.id == int(message_id) and not m.deleted:
                return m
        raise not_found(10008, "Message")

    def _r_webhook_get(
        self, req: RecordedRequest, app_id: str, token: str, message_id: str
    ) -> dict[str, Any]:
        r = self._interaction_by_token(app_id, token)
        return self._webhook_message(r, message_id).payload()

    def _r_webhook_edit(
        self, req: RecordedRequest, app_id: str, token: str, message_id: str
    ) -> dict[str, Any]:
        r = self._interaction_by_token(app_id, token)
        message = self._webhook_message(r, message_id)
        self.messages.edit_message(message, dict(req.json or {}), req.files, f"PATCH {req.path}")
        return message.payload()

    def _r_webhook_delete(
        self, req: RecordedRequest, app_id: str, token: str, message_id: str
    ) -> None:
        r = self._interaction_by_token(app_id, token)
        self.messages.delete_message(self._webhook_message(r, message_id))
