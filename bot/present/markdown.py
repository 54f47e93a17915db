"""Discord Markdown in and out: escaping untrusted text, neutralising mentions, quote blocks, and
turning Markdown into terminal text for the console.

Untrusted text (feeds, pages, members) is escaped where it enters a reply, so nothing a
stranger wrote can ping, inject a masked link, a header or a spoiler.
"""

from __future__ import annotations

import re

_MARKDOWN = re.compile(r"([\\*_`~|>\[\]()#-])")
_MENTION = re.compile(r"@(everyone|here)|<(@[!&]?|#)(\d+)>")


def neutralize_mentions(text: str) -> str:
    """Break @everyone/@here and <@id> forms with a zero-width space (belt to allowed_mentions)."""
    return _MENTION.sub(
        lambda m: m.group(0).replace("@", "@\u200b").replace("<#", "<#\u200b"), text
    )


def escape_markdown(text: str) -> str:
    """Untrusted text shown literally: no injected links, headers, spoilers or code blocks."""
    return _MARKDOWN.sub(r"\\\1", neutralize_mentions(text))


_LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^)\s]+)\)")
_BARE_LINK = re.compile(r"<(https?://[^>\s]+)>")
_ESCAPED = re.compile(r"\\([\\*_`~|>\[\]()#-])")


def plain(text: str) -> str:
    """Discord Markdown as terminal text: links spelled out, bold markers and escapes dropped."""

    def link(match: re.Match[str]) -> str:
        label, url = match.group(1), match.group(2)
        return url if label.lower() in url.lower() else f"{label} ({url})"

    text = _BARE_LINK.sub(r"\1", _LINK.sub(link, text))
    return _ESCAPED.sub(r"\1", text.replace("**", ""))


def quote_block(text: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in text.splitlines() or [""])
