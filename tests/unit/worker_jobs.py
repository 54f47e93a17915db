"""Jobs for the parse-pool tests, in a module with no heavy imports: a fresh worker imports it
on its first job, and that import must not eat into the job's time budget on a loaded machine."""

from __future__ import annotations

import os
import time
from typing import Any


def echo(params: dict[str, Any], blob: bytes) -> dict[str, Any]:
    return {"params": params, "size": len(blob), "text": blob.decode()}


def spin(params: dict[str, Any], blob: bytes) -> None:
    end = time.monotonic() + params["seconds"]
    while time.monotonic() < end:  # CPU-bound, like a runaway parse: no await, no sleep
        pass


def fail(params: dict[str, Any], blob: bytes) -> None:
    raise ValueError("bad document")


def die(params: dict[str, Any], blob: bytes) -> None:
    os._exit(3)
