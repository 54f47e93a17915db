"""How much tree an HTML document would build, measured before the parser is let near it.

HTML parsers are fast on ordinary pages but not on every page: lexbor's cost grows with the
number of elements times the nesting depth (closing a tag scans the stack of open elements), so
a 1 MB page of 10^5 nested ``<div>``s costs a minute of CPU where a flat page of the same size
costs a tenth of a second. Anyone can add a page with ``/feeds add``, so before parsing we scan
the text once, cheaply, and refuse a document that nests deeper than ``max_depth`` or holds more
than ``max_elements`` elements.

The scan is a linear pass over the tags (a simple regex that cannot backtrack across a ``<``)
with the tree builder's main rules approximated: void elements (and ``<x/>`` inside SVG or
MathML) do not nest, raw text (``<script>``, ``<style>``…) and comments hold no tags, an end
tag closes everything opened since its start tag, and elements whose end tag is optional
(``p``, ``li``, ``td``…) are not counted at all, since a run of them is closed implicitly
instead of nested. The
approximation errs on the side of a deeper count only for markup that is already broken; the
limit itself follows Chromium, whose HTML parser stops nesting at 512 levels. What the scan
misses, the parse worker's time budget (``bot.watch.workers``) still stops.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.watch.errors import WatchError

MAX_DEPTH = 512  # Chromium's HTML parser flattens the tree below this depth too
MAX_ELEMENTS = 200_000  # a long terms page has a few thousand; a flat 5 MB page ~400,000 <b>s

VOID = frozenset(
    "area base br col embed hr img input link meta source track wbr param keygen frame "
    "basefont bgsound image".split()
)
# End tag optional in HTML: a run of these is closed implicitly, never nested.
IMPLIED_END = frozenset(
    "p li dt dd option optgroup tr td th thead tbody tfoot colgroup caption rb rt rtc rp "
    "html head body".split()
)
SLICE = 64 * 1024  # characters of markup read per regex call
RAW_TEXT = frozenset("script style textarea title xmp iframe noembed noframes noscript".split())

# A tag: "<" name, anything but "<" or ">", ">". No part can match a "<", so the scan stays
# linear on garbage such as a million "<a" with no ">".
_TAG = re.compile(r"<(/?)([a-z][^\t\n\f\r /<>]*)([^<>]*)>")
_SKIP = re.compile(r"<!--|<(" + "|".join(sorted(RAW_TEXT)) + r")[\t\n\f\r />]")


class MarkupTooComplex(WatchError, ValueError):
    """The document would build a tree past the limits; the message says which."""


@dataclass(frozen=True, slots=True)
class MarkupLimits:
    max_depth: int = MAX_DEPTH
    max_elements: int = MAX_ELEMENTS


@dataclass(frozen=True, slots=True)
class MarkupStats:
    elements: int
    depth: int  # the deepest nesting seen (counted elements only)


def _without_opaque_text(lowered: str) -> tuple[str, int]:
    """The text minus comments and raw-text contents (no tags there), and how many raw-text
    elements were cut out (they still count as elements)."""
    parts: list[str] = []
    raw = pos = 0
    while True:
        match = _SKIP.search(lowered, pos)
        if match is None:
            parts.append(lowered[pos:])
            break
        parts.append(lowered[pos : match.start()])
        if match[1] is None:  # a comment
            end = lowered.find("-->", match.end())
            pos = end + 3
        else:
            raw += 1
            end = lowered.find(f"</{match[1]}", match.end())
            pos = end
        if end < 0:
            break
    return "".join(parts), raw


def check_markup(text: str, limits: MarkupLimits | None = None) -> MarkupStats:
    """Scan ``text`` and raise ``MarkupTooComplex`` as soon as it passes a limit.

    Tags are read in slices cut at a "<" (no tag contains one), so a hostile page is refused
    after its first slice, and the regex engine does the per-tag work of an ordinary page.
    """
    limits = limits or MarkupLimits()
    markup, elements = _without_opaque_text(text.lower())
    stack: list[str] = []
    open_count: dict[str, int] = {}
    deepest = 0
    max_depth, max_elements = limits.max_depth, limits.max_elements
    skip = VOID | IMPLIED_END
    pos, size = 0, len(markup)
    while pos < size:
        end = markup.find("<", pos + SLICE)
        if end < 0:
            end = size
        for closing, name, rest in _TAG.findall(markup, pos, end):
            if closing:  # an end tag closes everything opened since its start tag
                if open_count.get(name):
                    while stack:
                        top = stack.pop()
                        open_count[top] -= 1
                        if top == name:
                            break
                continue
            elements += 1
            if name in skip:
                continue
            if rest[-1:] == "/" and (open_count.get("svg") or open_count.get("math")):
                continue  # "<x/>" closes itself in SVG and MathML only; HTML ignores the slash
            stack.append(name)
            open_count[name] = open_count.get(name, 0) + 1
            if len(stack) > deepest:
                deepest = len(stack)
                if deepest > max_depth:
                    raise MarkupTooComplex(
                        f"the page nests elements more than {max_depth} deep (<{name}> inside "
                        f"{max_depth} open elements)"
                    )
        if elements > max_elements:
            raise MarkupTooComplex(f"the page has more than {max_elements:,} elements (the limit)")
        pos = end
    return MarkupStats(elements=elements, depth=deepest)
