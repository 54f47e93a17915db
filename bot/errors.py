"""The one root of Fine Print's own errors, and the shared "list of problems" error.

Every package raises subclasses of ``FinePrintError`` (Red's pattern), so a front-end can tell
an expected refusal — bad data, a bad setting, a moderator's invalid entry — from a bug with one
``except``. Loading data and sources reports every problem at once, each as
``file:line: entry: problem``, through ``ProblemsError``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

SHOWN_PROBLEMS = 50


class FinePrintError(Exception):
    """Something Fine Print refuses or cannot do, with a message written for a person."""


@dataclass(frozen=True, slots=True)
class Problem:
    file: Path
    line: int
    entry: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.entry}: {self.message}"


class ProblemsError(FinePrintError):
    """A file (or set of files) is invalid; ``problems`` lists every problem with its place."""

    what = "the data"

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        shown = "\n".join(f"  {p}" for p in problems[:SHOWN_PROBLEMS])
        more = len(problems) - SHOWN_PROBLEMS
        tail = f"\n  … and {more} more" if more > 0 else ""
        super().__init__(f"{len(problems)} problem(s) in {self.what}:\n{shown}{tail}")
