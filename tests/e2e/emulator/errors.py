"""The emulator's exceptions: the test's mistakes, its timeouts, and Discord's error answers.

:class:`EmulatorError`, :class:`EmulatorTimeout` and :class:`CommandNotVisible` reach the test;
:class:`ApiError` never does: a route handler raises it and the REST pipeline (``rest.py``) turns
it into the Discord-shaped JSON error the bot receives.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class EmulatorError(Exception):
    """The test used the emulator wrongly (unknown command, option, component...)."""


class EmulatorTimeout(AssertionError):
    """Something the test waited for did not happen in time."""


class CommandNotVisible(AssertionError):
    """Discord would not show this command to this user here (permissions, contexts)."""


class ApiError(Exception):
    """Raised inside a route handler; becomes a Discord-shaped JSON error response."""

    def __init__(
        self,
        status: int,
        code: int,
        message: str,
        *,
        body: dict[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status = status
        self.body = body if body is not None else {"code": code, "message": message}
        self.headers = dict(headers or {})


def not_found(code: int, what: str) -> ApiError:
    return ApiError(404, code, f"Unknown {what}")


def missing_permissions() -> ApiError:
    return ApiError(403, 50013, "Missing Permissions")


def missing_access() -> ApiError:
    return ApiError(403, 50001, "Missing Access")
