"""Parsing untrusted documents in worker processes, under a time budget that is enforced.

A parse that runs away cannot be stopped in a thread: Python cannot interrupt C code (lexbor)
and the thread keeps its executor slot — and, before this module, the DNS lookups and feed
parses queued behind it. So page parsing runs in child processes of our own: a parse that
overruns its budget has its process killed (SIGKILL) and replaced, the source records
"took longer than 10s to parse", and the other sources never notice.

The protocol is deliberately not pickle: the parent sends a job name, JSON parameters and the
body bytes; the child answers with JSON. Even a child whose parser was subverted by a hostile
page can then only send back wrong text, never code for the parent to run.

Frames, both directions: 4-byte big-endian header length, 4-byte blob length, header (JSON),
blob. A job is named ``module:function`` (imported in the child) and called as
``function(params: dict, blob: bytes)``; it returns something JSON can carry.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import json
import logging
import signal
import struct
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.watch.errors import WatchError

log = logging.getLogger(__name__)

PRELOAD = ("bot.watch.page",)
ROOT = Path(__file__).resolve().parents[2]  # the folder that holds the ``bot`` package
_FRAME = struct.Struct("!II")
READY = b"ready"
DEATH_GRACE = 1.0  # seconds a worker whose output ended gets to exit by itself


@dataclass(frozen=True, slots=True)
class ParseBudget:
    seconds: float = 10.0  # one document's parse, from request sent to answer read
    workers: int = 2  # parses at a time (the machine has few cores; most pages take ms)
    start_timeout: float = 60.0  # a new worker's interpreter start (not part of a budget)


class ParseFailed(WatchError):
    """A parse produced no result; ``reason`` is short and human (it becomes a source error)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ParseTimeout(ParseFailed):
    """The parse overran its budget; its worker was killed."""


class JobError(WatchError):
    """The job itself raised (e.g. ``PageError``): ``kind`` is the exception's class name."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


def _frame(header: Any, blob: bytes = b"") -> bytes:
    raw = json.dumps(header, ensure_ascii=False).encode()
    return _FRAME.pack(len(raw), len(blob)) + raw + blob


class _Worker:
    """One child process and its pipes."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc

    @classmethod
    async def start(cls, start_timeout: float) -> _Worker:
        command = (
            f"import sys; sys.path.insert(0, {str(ROOT)!r}); "
            "from bot.watch.workers import serve; serve()"
        )
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            command,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        worker = cls(proc)
        try:
            async with asyncio.timeout(start_timeout):
                header, _ = await worker._read()
        except BaseException:
            await worker.kill()
            raise
        if header != READY.decode():
            await worker.kill()
            raise ParseFailed(f"the parser process did not start ({header!r})")
        return worker

    async def _read(self) -> tuple[Any, bytes]:
        assert self.proc.stdout is not None
        sizes = await self.proc.stdout.readexactly(_FRAME.size)
        header_len, blob_len = _FRAME.unpack(sizes)
        header = json.loads(await self.proc.stdout.readexactly(header_len))
        blob = await self.proc.stdout.readexactly(blob_len) if blob_len else b""
        return header, blob

    async def call(self, job: str, params: dict[str, Any], blob: bytes) -> Any:
        assert self.proc.stdin is not None
        self.proc.stdin.write(_frame({"job": job, "params": params}, blob))
        await self.proc.stdin.drain()
        answer, _ = await self._read()
        if answer.get("ok"):
            return answer.get("result")
        raise JobError(str(answer.get("kind", "Exception")), str(answer.get("message", "")))

    async def kill(self) -> None:
        if self.proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.proc.kill()
        await self.proc.wait()

    async def stop(self, grace: float = 2.0) -> None:
        """Close its input (it exits at end of input); kill it if it does not."""
        if self.proc.stdin is not None and not self.proc.stdin.is_closing():
            self.proc.stdin.close()
        try:
            async with asyncio.timeout(grace):
                await self.proc.wait()
        except TimeoutError:
            await self.kill()


class ParsePool:
    """Up to ``budget.workers`` child processes, started on first use and reused.

    ``run`` waits for a free worker (the wait is not part of the budget), sends the job and
    waits at most ``budget.seconds`` for the answer. A worker that overruns, dies or is
    interrupted mid-job is killed and forgotten; the next job starts a fresh one.
    """

    def __init__(self, budget: ParseBudget | None = None) -> None:
        self.budget = budget or ParseBudget()
        self._idle: list[_Worker] = []
        self._busy: set[_Worker] = set()
        self._slots: asyncio.Semaphore | None = None
        self.started = 0  # worker processes started (a restart after a kill counts)
        self.killed = 0  # workers killed for overrunning their budget
        self._closed = False

    async def run(self, job: str, params: dict[str, Any], blob: bytes = b"") -> Any:
        """The job's result; raises ``JobError`` (the job raised), ``ParseTimeout``,
        ``ParseFailed`` (the worker died or could not start)."""
        if self._closed:
            raise ParseFailed("the parser is shut down")
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.budget.workers)
        async with self._slots:
            worker = self._idle.pop() if self._idle else await self._start()
            self._busy.add(worker)
            seconds = self.budget.seconds
            began = time.monotonic()
            try:
                async with asyncio.timeout(seconds):
                    result = await worker.call(job, params, blob)
            except TimeoutError:
                self.killed += 1
                await self._discard(worker)
                log.warning("parse job %s overran its %gs budget; worker killed", job, seconds)
                raise ParseTimeout(f"took longer than {seconds:g}s to parse (stopped)") from None
            except JobError:
                await self._release(worker)
                raise
            except (asyncio.IncompleteReadError, ConnectionError, BrokenPipeError) as exc:
                # Its output ended: it is exiting. Wait for that rather than kill it at once —
                # Popen.kill polls first and would reap the process behind asyncio's child
                # watcher, which then reports exit code 255 instead of the real one.
                self._busy.discard(worker)
                await worker.stop(grace=DEATH_GRACE)
                code = worker.proc.returncode
                elapsed = time.monotonic() - began
                raise ParseFailed(
                    f"the parser process died after {elapsed:.1f}s (exit code {code})"
                ) from exc
            except BaseException:  # cancelled mid-job: the worker's state is unknown
                await asyncio.shield(self._discard(worker))
                raise
            await self._release(worker)
            return result

    async def _start(self) -> _Worker:
        try:
            worker = await _Worker.start(self.budget.start_timeout)
        except (OSError, asyncio.IncompleteReadError, TimeoutError) as exc:
            raise ParseFailed(f"cannot start a parser process ({type(exc).__name__})") from exc
        self.started += 1
        return worker

    async def _release(self, worker: _Worker) -> None:
        self._busy.discard(worker)
        if self._closed:  # closed while this job ran
            await worker.stop()
        else:
            self._idle.append(worker)

    async def _discard(self, worker: _Worker) -> None:
        self._busy.discard(worker)
        await worker.kill()

    async def close(self) -> None:
        self._closed = True
        idle, self._idle = self._idle, []
        busy, self._busy = list(self._busy), set()
        await asyncio.gather(*(w.stop() for w in idle), *(w.kill() for w in busy))


# -- the child side ----------------------------------------------------------------------------


def _load(job: str) -> Any:
    module, _, name = job.partition(":")
    return getattr(importlib.import_module(module), name)


def serve() -> None:
    """The worker's loop: read a job, run it, answer; exit at end of input."""
    inp, out = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must not corrupt the protocol
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    for name in PRELOAD:
        importlib.import_module(name)
    out.write(_frame(READY.decode()))
    out.flush()
    while True:
        sizes = inp.read(_FRAME.size)
        if len(sizes) < _FRAME.size:
            return
        header_len, blob_len = _FRAME.unpack(sizes)
        request = json.loads(inp.read(header_len))
        blob = inp.read(blob_len) if blob_len else b""
        try:
            result = _load(request["job"])(request["params"], blob)
            answer = _frame({"ok": True, "result": result})
        except Exception as exc:
            answer = _frame({"ok": False, "kind": type(exc).__name__, "message": str(exc)})
        out.write(answer)
        out.flush()
