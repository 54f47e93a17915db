"""The one URL check for everything that reaches an alert: a clean absolute http(s) URL, or none.

A feed item's ``<link>`` is whatever the feed's author wrote. Checked by prefix only,
``https://x/a [SoundCloud official terms](https://evil.example)`` became a masked link in the
alert's Source field (and an embed URL Discord refuses with a 400). Here every URL is parsed
and re-serialised with yarl, and refused unless it is one absolute http(s) URL with a host:

- whitespace or control characters anywhere: refused (a real link has none; a smuggled
  Markdown link needs them);
- user info (``https://soundcloud.com@evil.example/``) is dropped, so what is shown is where
  the link goes; a non-ASCII host is shown in its ASCII (punycode) form, likewise;
- the characters that build Markdown links or break out of one — ``[ ] ( ) < > " ' ` *`` and
  the like — are percent-encoded, so the URL can sit in any Markdown text as one inert link;
- longer than ``MAX_URL`` characters: refused (Discord refuses longer embed URLs).
"""

from __future__ import annotations

import re

from yarl import URL

MAX_URL = 2048
SCHEMES = ("http", "https")
_UNSAFE = re.compile(r"[\x00-\x20\x7f-\x9f\u2028\u2029]")
# yarl leaves these sub-delimiters as they are; they are Markdown's, so they are encoded too.
_MARKDOWN = str.maketrans({"(": "%28", ")": "%29", "'": "%27", "*": "%2A", "!": "%21"})


def clean_url(raw: str | None) -> str | None:
    """``raw`` as one clean absolute http(s) URL, or None when it is not one."""
    if not raw:
        return None
    text = raw.strip()
    if not text or len(text) > MAX_URL or _UNSAFE.search(text):
        return None
    try:
        url = URL(text)
        if url.scheme not in SCHEMES or not url.absolute or not url.raw_host:
            return None
        if url.raw_user is not None or url.raw_password is not None:
            url = url.with_user(None)
        origin = str(url.origin())  # scheme, ASCII host, port when not the default
        full = str(url)
    except (ValueError, TypeError, UnicodeError):
        return None
    if not full.startswith(origin):
        return None
    cleaned = origin + full[len(origin) :].translate(_MARKDOWN)
    return cleaned if len(cleaned) <= MAX_URL else None
