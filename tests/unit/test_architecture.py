"""The house rules of DESIGN.md, checked on the import graph (type-only imports included).

- no import cycle among the modules of ``bot/`` and ``cogs/``;
- the core never imports ``discord`` or ``cogs`` — only the Discord shell (``bot/client.py``)
  and ``cogs/`` do;
- presentation (``bot/present``) never reaches the database, the App or the watcher;
- storage modules may depend on models but never on loaders.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "cogs")
SHELL = {"bot.client"}


def _modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """Every module ``name`` imports, wherever the import sits (functions, TYPE_CHECKING)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base]) if base else ".".join(anchor)
            for alias in node.names:
                full = f"{base}.{alias.name}"
                out.add(full if full in MODULES else base)
    return out


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _internal(name: str) -> set[str]:
    return {m for m in GRAPH[name] if m in MODULES and m != name}


def test_there_is_no_import_cycle() -> None:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(_internal(node)):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for name in sorted(GRAPH):
        if name not in index:
            visit(name)
    assert cycles == [], f"import cycles: {cycles}"


def test_the_core_never_imports_discord_or_cogs() -> None:
    offenders = {
        name: sorted(m for m in GRAPH[name] if m.split(".")[0] in ("discord", "cogs"))
        for name in GRAPH
        if name.startswith("bot") and name not in SHELL
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_presentation_reads_no_database_and_no_app() -> None:
    forbidden = ("bot.app", "bot.store.db", "bot.watch.service", "bot.services", "aiosqlite")
    offenders = {
        name: sorted(m for m in GRAPH[name] if m.startswith(forbidden))
        for name in GRAPH
        if name.startswith("bot.present")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_storage_depends_on_models_never_on_loaders() -> None:
    offenders = {
        name: sorted(m for m in GRAPH[name] if m == "bot.knowledge.loader")
        for name in GRAPH
        if name.startswith("bot.store")
    }
    assert {k: v for k, v in offenders.items() if v} == {}
