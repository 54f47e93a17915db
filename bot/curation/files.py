"""The FAQ file formats moderators download and upload: the shipped schema, as TOML or JSON.

An export must read back exactly (``tomllib`` and ``json`` are the readers), and an upload is
read forgivingly (one entry at the top level, a bare JSON list, a file without an extension)
but refused with one clear sentence when it cannot be read at all — including a file nested so
deeply (``[[[[…]]]]``) that the parsers run out of stack: that is refused by name, not a
traceback, and so is any file nested deeper than an FAQ file can be (``MAX_NESTING``), so that
nothing downstream walks a structure that deep either.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

from bot.curation.caps import IMPORT_MAX_BYTES
from bot.curation.errors import Unreadable
from bot.knowledge.loader import _Source
from bot.knowledge.model import FaqEntry

ENTRY_KEYS = (
    "id", "question", "answer", "answers", "platforms", "topics", "links", "phrasings", "verified"
)  # fmt: skip
MAX_NESTING = 16  # an FAQ file needs 4 levels: {"faq": [{"links": ["…"]}]}


def _too_deep(filename: str) -> str:
    return (
        f"{filename} is nested too deeply (more than {MAX_NESTING} levels of lists or tables): "
        "an FAQ file is a list of entries whose values are text or lists of text."
    )


def nesting(value: Any) -> int:
    """How deep lists and tables nest in ``value`` (iterative: safe at any depth)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth)
        if deepest > MAX_NESTING:
            return deepest
        stack.extend((child, depth + 1) for child in children)
    return deepest


def to_json(rows: list[dict[str, Any]]) -> str:
    return json.dumps({"faq": rows}, ensure_ascii=False, indent=2) + "\n"


def export_row(entry: FaqEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "question": entry.question,
        "answer": entry.answer,
        "platforms": list(entry.platforms),
        "topics": list(entry.topics),
        "links": list(entry.links),
        "phrasings": list(entry.phrasings),
        **({"answers": dict(entry.answers)} if entry.answers else {}),
    }


def toml_string(text: str) -> str:
    """A TOML basic string. JSON's escapes are TOML's; DEL and C1 controls need escaping too."""
    return re.sub(
        r"[\x7f-\x9f]", lambda m: f"\\u{ord(m.group()):04x}", json.dumps(text, ensure_ascii=False)
    )


def to_toml(rows: list[dict[str, Any]], guild_id: int, now: str) -> str:
    out = [
        f"# Fine Print: the FAQ entries of server {guild_id} ({len(rows)}), exported {now}.",
        "# Same schema as data/faq/*.toml. Import with /faq import (or python -m bot faq import).",
        "# A row whose id is guild-N of this server updates that entry; any other row updates the",
        "# entry with the same question, or is added. Delete an id line to add a copy instead.",
    ]
    for row in rows:
        out.append("")
        out.append("[[faq]]")
        for key, value in row.items():
            if isinstance(value, list):
                inner = ", ".join(toml_string(v) for v in value)
                out.append(f"{key} = [{inner}]")
            elif isinstance(value, dict):  # answers in other languages: {fr = "…"}
                inner = ", ".join(f"{k} = {toml_string(v)}" for k, v in value.items())
                out.append(f"{key} = {{ {inner} }}")
            else:
                out.append(f"{key} = {toml_string(value)}")
    return "\n".join(out) + "\n"


def read_path(path: Path) -> bytes:
    """A local file for ``faq add`` / ``faq import`` (CLI, console), checked against the import
    size limit before it is read, as the cog checks an attachment before downloading it."""
    try:
        size = path.stat().st_size
        if size > IMPORT_MAX_BYTES:
            raise Unreadable("curation.file.too_big", path=str(path), size=f"{size / 1e6:.1f}")
        return path.read_bytes()
    except OSError as exc:
        raise Unreadable(
            "curation.file.unreadable", path=str(path), reason=exc.strerror or str(exc)
        ) from exc


def read_file(filename: str, data: bytes) -> tuple[list[Any], _Source, bool] | str:
    """Rows of a TOML or JSON file, or one message saying why the file cannot be read.

    The ``bool`` says whether it was TOML (then rows have line numbers for the preview).
    """
    if len(data) > IMPORT_MAX_BYTES:
        return f"The file is {len(data) / 1e6:.1f} MB; the limit is 1 MB."
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return "The file is not UTF-8 text. Save it as UTF-8 and try again."
    suffix = Path(filename).suffix.lower()
    as_json = suffix == ".json" or (suffix != ".toml" and text.lstrip()[:1] in ("{", "["))
    src = _Source(Path(filename), text if not as_json else "")
    if as_json:
        try:
            raw = json.loads(text)
        except RecursionError:
            return _too_deep(filename)
        except json.JSONDecodeError as exc:
            if suffix == ".json":
                return f"The file is not valid JSON: {exc}"
            as_json = False  # "[[faq]]" also starts with "[": try TOML
        else:
            if nesting(raw) > MAX_NESTING:
                return _too_deep(filename)
            if isinstance(raw, list):
                return raw, src, False
            if isinstance(raw, dict) and "question" in raw:
                return [raw], src, False
            if isinstance(raw, dict) and set(raw) == {"faq"} and isinstance(raw["faq"], list):
                return raw["faq"], src, False
            return 'A JSON file must be a list of entries or {"faq": [entries]}.'
    src = _Source(Path(filename), text)
    try:
        raw = tomllib.loads(text)
    except RecursionError:
        return _too_deep(filename)
    except tomllib.TOMLDecodeError as exc:
        return f"The file is not valid TOML or JSON: {exc}"
    if nesting(raw) > MAX_NESTING:
        return _too_deep(filename)
    if "question" in raw and set(raw) <= set(ENTRY_KEYS):
        return [raw], src, True  # one entry written at the top level (handy for `faq add`)
    unknown = sorted(set(raw) - {"faq"})
    if unknown:
        return (
            f"Unknown table(s) {', '.join(unknown)}: the file should hold [[faq]] tables "
            "(the schema of data/faq/*.toml)."
        )
    rows = raw.get("faq", [])
    if not isinstance(rows, list):
        return "Use [[faq]] (double brackets) for each entry."
    return rows, src, True
