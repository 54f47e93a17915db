"""What every subcommand shares: the exit codes and how a coroutine is run from the shell."""

from __future__ import annotations

import asyncio
import signal
import threading
from collections.abc import Coroutine
from enum import IntEnum
from types import FrameType
from typing import Any


class ExitCode(IntEnum):
    """One meaning per code, whichever subcommand exits."""

    OK = 0
    FAILED = 1  # it ran and refused or failed: invalid data, rejected rows, a database error
    BAD_INPUT = (
        2  # it could not use what it was given: a bad setting, arguments, an unreadable file
    )


def run_async(main: Coroutine[Any, Any, int]) -> int:
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _stop_like_ctrl_c)
    try:
        return asyncio.run(main)
    except KeyboardInterrupt:
        return ExitCode.OK
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _stop_like_ctrl_c(signum: int, frame: FrameType | None) -> None:
    """SIGTERM (``docker stop``, systemd) stops the bot the way Ctrl-C does: asyncio.run's SIGINT
    handler cancels the main task, so the gateway and the database are closed on the way out.
    Without a handler the process just dies, and as a container's PID 1 it ignores SIGTERM."""
    handler = signal.getsignal(signal.SIGINT)
    if callable(handler):
        handler(signum, frame)
    else:  # SIGINT ignored (e.g. started in the background): stop anyway
        raise KeyboardInterrupt


def locale_arg(text: str) -> str:
    """``--lang``: one of the seven locales, as a Discord tag (``pt-BR``) or a plain code."""
    import argparse

    from bot.i18n.locales import LOCALES, parse

    found = parse(text)
    if found is None:
        raise argparse.ArgumentTypeError(f"Fine Print speaks {', '.join(LOCALES)}; not {text!r}")
    return found


def add_lang_option(parser: Any, what: str) -> None:
    parser.add_argument(
        "--lang",
        type=locale_arg,
        metavar="LOCALE",
        help=f"{what} in this language (en, fr, it, es, de, pt, id); default: the question's",
    )
