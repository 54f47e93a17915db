"""A loopback Discord: REST API + gateway on 127.0.0.1 that the real discord.py client talks to.

One :class:`DiscordEmulator` per test. It holds a small world (guilds, channels, roles, members),
serves the REST routes discord.py calls under ``/api/v10``, runs a JSON (uncompressed, text frame)
gateway with IDENTIFY/READY/GUILD_CREATE/RESUME, and lets a test act as a Discord user: run a
slash command, type into an autocomplete, click a button, submit a modal. Interactions are built
from the commands the bot actually synced, and everything the bot sends is validated against
Discord's limits (:mod:`tests.e2e.contract`). Every request is recorded; routes the emulator does
not implement answer a loud 404 and are listed in :attr:`DiscordEmulator.unimplemented`.

The package is split by concern (``core.py`` lists the parts); this module re-exports the names
tests import, so ``from tests.e2e.emulator import DiscordEmulator, MANAGE_GUILD, ...`` works.
See ``tests/README.md`` for a tour.
"""

from .core import DiscordEmulator
from .errors import ApiError, CommandNotVisible, EmulatorError, EmulatorTimeout
from .faults import Fault, Hold
from .gateway import GatewayConnection
from .interactions import InteractionResult
from .model import (
    Channel,
    ContractError,
    FilePart,
    Guild,
    Member,
    Message,
    Overwrite,
    Pings,
    RecordedRequest,
    Role,
    Upload,
    User,
)
from .protocol import (
    ADMINISTRATOR,
    ALL_PERMISSIONS,
    ALLOWED_CALLBACKS,
    API_VERSION,
    APPLICATION_COMMAND,
    ATTACH_FILES,
    ATTACHMENT_SIZE_LIMIT,
    AUTOCOMPLETE,
    AUTOCOMPLETE_RESULT,
    CHANNEL_MESSAGE,
    DEFAULT_BOT_PERMISSIONS,
    DEFAULT_EVERYONE_PERMISSIONS,
    DEFERRED_MESSAGE,
    DEFERRED_UPDATE,
    DISCORD_EPOCH_MS,
    EMBED_LINKS,
    JSON,
    MANAGE_GUILD,
    MANAGE_MESSAGES,
    MANAGE_ROLES,
    MENTION_EVERYONE,
    MESSAGE_COMPONENT,
    MESSAGE_FLAGS_ALLOWED,
    MODAL,
    MODAL_SUBMIT,
    SEND_MESSAGES,
    UPDATE_MESSAGE,
    VIEW_CHANNEL,
    Intent,
    Perm,
)
from .rest import Handler

__all__ = [
    "ADMINISTRATOR",
    "ALLOWED_CALLBACKS",
    "ALL_PERMISSIONS",
    "API_VERSION",
    "APPLICATION_COMMAND",
    "ATTACHMENT_SIZE_LIMIT",
    "ATTACH_FILES",
    "AUTOCOMPLETE",
    "AUTOCOMPLETE_RESULT",
    "CHANNEL_MESSAGE",
    "DEFAULT_BOT_PERMISSIONS",
    "DEFAULT_EVERYONE_PERMISSIONS",
    "DEFERRED_MESSAGE",
    "DEFERRED_UPDATE",
    "DISCORD_EPOCH_MS",
    "EMBED_LINKS",
    "JSON",
    "MANAGE_GUILD",
    "MANAGE_MESSAGES",
    "MANAGE_ROLES",
    "MENTION_EVERYONE",
    "MESSAGE_COMPONENT",
    "MESSAGE_FLAGS_ALLOWED",
    "MODAL",
    "MODAL_SUBMIT",
    "SEND_MESSAGES",
    "UPDATE_MESSAGE",
    "VIEW_CHANNEL",
    "ApiError",
    "Channel",
    "CommandNotVisible",
    "ContractError",
    "DiscordEmulator",
    "EmulatorError",
    "EmulatorTimeout",
    "Fault",
    "FilePart",
    "GatewayConnection",
    "Guild",
    "Handler",
    "Hold",
    "Intent",
    "InteractionResult",
    "Member",
    "Message",
    "Overwrite",
    "Perm",
    "Pings",
    "RecordedRequest",
    "Role",
    "Upload",
    "User",
]
