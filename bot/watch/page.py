"""From a fetched document to text lines: HTML through OTA-style ``remove`` / ``select``, or text.

HTML: the ``remove`` selectors are applied first, then ``select`` (Open Terms Archive order);
both accept CSS selectors and ``{startBefore|startAfter, endBefore|endAfter}`` ranges. The kept
part becomes Markdown-ish block lines: headings (``#``), paragraphs, list items (``- ``) and
table rows each on a line, links as ``[text](url)`` like OTA's Markdown, so an HTML page and an
OTA version of the same document compare line by line. ``text/plain`` and ``text/markdown``
responses are taken as lines as they are.

A ``select`` that matches nothing, or a document that yields no text, is an error — never an
empty "version", which would look like the whole document was deleted.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from bot.watch.errors import WatchError
from bot.watch.markup import MarkupLimits, MarkupTooComplex, check_markup
from bot.watch.normalize import normalize_lines
from bot.watch.sources import Range, Selector, parse_selectors

TEXT_TYPES = ("text/plain", "text/markdown", "text/x-markdown", "text/md")
HTML_TYPES = ("text/html", "application/xhtml+xml")
SKIP_TAGS = frozenset(
    "script style noscript template svg iframe object embed canvas head title meta link "
    "button select input textarea img picture video audio source map".split()
)
BLOCK_TAGS = frozenset(
    "p div section article main header footer nav aside ul ol li dl dt dd table thead tbody "
    "tfoot tr caption blockquote pre figure figcaption form fieldset details summary address "
    "hr br h1 h2 h3 h4 h5 h6 body html".split()
)
HEADINGS = {f"h{n}": "#" * n for n in range(1, 7)}
CELL_TAGS = ("td", "th")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9._-]+)""", re.IGNORECASE)


class PageError(WatchError, ValueError):
    """The document could not be turned into text; the message says why."""


def decode(body: bytes, charset: str | None, *, html: bool) -> str:
    """Header charset, then BOM, then ``<meta charset>``, then UTF-8 (invalid bytes replaced)."""
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16")):
        if body.startswith(bom):
            return body.decode(name, errors="replace")
    candidates = [charset] if charset else []
    if html:
        match = _META_CHARSET.search(body[:4096])
        if match:
            candidates.append(match[1].decode("ascii"))
    for name in candidates:
        try:
            return body.decode(name, errors="replace")
        except LookupError:
            continue
    return body.decode("utf-8", errors="replace")


def is_text_type(content_type: str, body: bytes) -> bool:
    if content_type in TEXT_TYPES:
        return True
    if content_type in HTML_TYPES:
        return False
    # Unknown or missing type: markup starts with "<".
    return body.lstrip()[:1] != b"<"


def extract(
    body: bytes,
    *,
    content_type: str = "",
    charset: str | None = None,
    select: tuple[Selector, ...] = (),
    remove: tuple[Selector, ...] = (),
    base_url: str = "",
    limits: MarkupLimits | None = None,
) -> list[str]:
    """The document's text lines (not yet normalised).

    HTML is measured first (``bot.watch.markup``): a page that would build a tree too deep or
    too large to parse in reasonable time is refused before the parser sees it.
    """
    if is_text_type(content_type, body):
        lines = decode(body, charset, html=False).splitlines()
        if not any(line.strip() for line in lines):
            raise PageError("the document is empty")
        return lines
    html = decode(body, charset, html=True)
    try:
        check_markup(html, limits)
    except MarkupTooComplex as exc:
        raise PageError(f"{exc}; not parsed") from exc
    tree = LexborHTMLParser(html)
    root = tree.body or tree.root
    if root is None:
        raise PageError("the page has no body")
    remove_ranges: list[_Marks | None] = []
    for sel in remove:
        if isinstance(sel, Range):
            remove_ranges.append(_resolve_range(tree, sel, required=False))
        else:
            for node in tree.css(sel):
                node.decompose()
    select_nodes: set[int] = set()
    select_ranges: list[_Marks] = []
    for sel in select:
        if isinstance(sel, Range):
            marks = _resolve_range(tree, sel, required=True)
            assert marks is not None  # required=True raises instead
            select_ranges.append(marks)
        else:
            found = tree.css(sel)
            if not found:
                raise PageError(f"select {sel!r} matched nothing")
            select_nodes.update(n.mem_id for n in found)
    removals = [r for r in remove_ranges if r is not None]
    walker = _Walker(base_url, select_nodes, select_ranges, removals)
    walker.walk(root, everything=not select)
    lines = walker.lines
    if not lines:
        raise PageError("no text left after select/remove")
    return lines


_Marks = tuple[int, bool, int, bool]  # start mem_id, start_after, end mem_id, end_after


@dataclass(slots=True)
class _Toggle:
    """A range selector while walking: its marks, and whether the walk is inside it now."""

    marks: _Marks
    active: bool = False


def _resolve_range(tree: LexborHTMLParser, sel: Range, *, required: bool) -> _Marks | None:
    start = tree.css_first(sel.start)
    end = tree.css_first(sel.end)
    if start is None or end is None:
        if required:
            missing = sel.start if start is None else sel.end
            raise PageError(f"range selector {missing!r} matched nothing")
        return None
    return (start.mem_id, sel.start_after, end.mem_id, sel.end_after)


class _Walker:
    """Depth-first walk that emits block lines from the selected, non-removed parts.

    Written for speed (it runs for every page version): one pass, open elements kept on an
    explicit stack, and the "are we emitting" answer cached and recomputed only when a
    selection or range boundary is crossed.
    """

    def __init__(
        self,
        base_url: str,
        select_nodes: set[int],
        select_ranges: list[_Marks],
        remove_ranges: list[_Marks],
    ) -> None:
        self.base_url = base_url
        parts = urlsplit(base_url)
        self._origin = (
            f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") else ""
        )
        self.select_nodes = select_nodes
        self.lines: list[str] = []
        self._buffer: list[str] = []
        self._prefix = ""
        self._selected_depth = 0
        self._ranges: list[_Toggle] = [_Toggle(m) for m in select_ranges]
        self._removals: list[_Toggle] = [_Toggle(m) for m in remove_ranges]
        self._marks = {i for m in (*select_ranges, *remove_ranges) for i in (m[0], m[2])}
        self._links: list[str | None] = []
        self._everything = False
        self._on = False

    def walk(self, root: LexborNode, *, everything: bool) -> None:
        self._everything = everything
        self._recompute()
        root_id = root.mem_id
        stack: list[tuple[str, int]] = []
        node: LexborNode | None = root
        while node is not None:
            tag = node.tag or "-"
            opened = descend = False
            node_id = 0
            if tag == "-text":
                if self._on:
                    self._buffer.append(node.text_content or "")
            elif tag[0] != "-":  # comments, doctype
                node_id = node.mem_id
                descend = self._enter(node, tag, node_id)
                opened = True
            child = node.first_child if descend else None
            if child is not None:
                stack.append((tag, node_id))
                node = child
                continue
            if opened:
                self._exit(tag, node_id, descended=descend)
            while True:
                if node.mem_id == root_id:
                    node = None
                    break
                sibling = node.next
                if sibling is not None:
                    node = sibling
                    break
                node = node.parent
                if node is None:
                    break
                parent_tag, parent_id = stack.pop()
                self._exit(parent_tag, parent_id, descended=True)
        self._flush()

    # -- state -------------------------------------------------------------------------------
    def _recompute(self) -> None:
        if any(r.active for r in self._removals):
            self._on = False
        else:
            self._on = (
                self._everything or self._selected_depth > 0 or any(r.active for r in self._ranges)
            )

    def _toggle(self, node_id: int, *, entering: bool) -> None:
        # "before" edges act on the way down, "after" edges on the way up.
        for item in (*self._ranges, *self._removals):
            start, start_after, end, end_after = item.marks
            if node_id == start and start_after != entering:
                item.active = True
            if node_id == end and end_after != entering:
                item.active = False
        self._recompute()

    # -- events ------------------------------------------------------------------------------
    def _enter(self, node: LexborNode, tag: str, node_id: int) -> bool:
        """Handle an element on the way down; False: do not descend into it."""
        if node_id in self._marks:
            self._toggle(node_id, entering=True)
        if node_id in self.select_nodes:
            self._selected_depth += 1
            self._recompute()
        if tag in SKIP_TAGS:
            if tag == "br":
                self._flush()
            return False
        if tag in BLOCK_TAGS:
            self._flush()
            if tag == "li":
                self._prefix = "- "
            elif tag in HEADINGS:
                self._prefix = HEADINGS[tag] + " "
        elif tag in CELL_TAGS:
            if self._buffer and self._on:
                self._buffer.append(" | ")
        elif tag == "a":
            href = (node.attributes.get("href") or "").strip()
            if href.startswith(("http://", "https://")):
                url = href
            elif href.startswith("/") and not href.startswith("//") and self._origin:
                url = self._origin + href
            elif href and href[0] != "#":
                url = urljoin(self.base_url, href)
            else:
                url = ""
            is_web = url.startswith(("http://", "https://"))
            self._links.append(url if is_web else None)
            if is_web and self._on:
                self._buffer.append("[")
        return True

    def _exit(self, tag: str, node_id: int, *, descended: bool) -> None:
        if tag == "a" and descended:
            url = self._links.pop() if self._links else None
            if url and self._on:
                if self._buffer and self._buffer[-1] == "[":
                    self._buffer.pop()  # an empty link: nothing to show
                else:
                    self._buffer.append(f"]({url})")
        if tag in BLOCK_TAGS:
            self._flush()
        if node_id in self.select_nodes:
            self._selected_depth -= 1
            self._recompute()
        if node_id in self._marks:
            self._toggle(node_id, entering=False)

    def _flush(self) -> None:
        if not self._buffer:
            self._prefix = ""
            return
        text = " ".join("".join(self._buffer).split())
        text = text.replace("[ ", "[").replace(" ](", "](")
        self._buffer = []
        if text and text not in ("[", "|"):
            self.lines.append(self._prefix + text)
        self._prefix = ""


def page_lines(
    body: bytes,
    *,
    content_type: str = "",
    charset: str | None = None,
    select: tuple[Selector, ...] = (),
    remove: tuple[Selector, ...] = (),
    base_url: str = "",
    limits: MarkupLimits | None = None,
) -> list[str]:
    """Extracted and normalised lines: what a document version is compared by."""
    lines = extract(
        body,
        content_type=content_type,
        charset=charset,
        select=select,
        remove=remove,
        base_url=base_url,
        limits=limits,
    )
    return normalize_lines(lines)


def page_job(params: dict[str, Any], body: bytes) -> list[str]:
    """``page_lines`` as a parse-worker job (``bot.watch.workers``): JSON parameters in."""
    select, _ = parse_selectors(params["select"]) if params.get("select") else ((), [])
    remove, _ = parse_selectors(params["remove"]) if params.get("remove") else ((), [])
    return page_lines(
        body,
        content_type=params.get("content_type", ""),
        charset=params.get("charset"),
        select=select,
        remove=remove,
        base_url=params.get("base_url", ""),
        limits=MarkupLimits(**params["limits"]) if params.get("limits") else None,
    )
