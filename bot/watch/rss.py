"""Feeds: stable item keys, a fast key scan, and feedparser for the items that are new.

Identity never uses dates (MonitoRSS's duplicate complaints): an item's key is its guid / Atom
id, else its link, else sha256(title + link). Each item also records its link (tracking
parameters stripped) as a second key, so a feed that churns guids does not re-post the same
article (MonitoRSS's "blocking comparison").

Parsing every body with feedparser costs milliseconds per feed. Most polls only need to know
whether any item is new, so ``scan_items`` reads just ids, links and titles with the C XML
parser; feedparser (the only full parser, run on bytes with the response headers, in a worker
thread, never fetching) is used when something is new or the XML is not well-formed. Both paths
derive keys with the same ``item_keys`` function. Bozo handling follows lemon24/reader:
CharacterEncodingOverride and NonXMLContentType are survivable; any other bozo exception with no
entries is an error.
"""

from __future__ import annotations

import calendar
import hashlib
import logging
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from html import unescape
from urllib.parse import urljoin

import feedparser
from selectolax.lexbor import LexborHTMLParser

from bot.watch.errors import WatchError
from bot.watch.markup import MarkupTooComplex, check_markup
from bot.watch.normalize import strip_tracking
from bot.watch.urls import clean_url

log = logging.getLogger(__name__)

ATOM = "{http://www.w3.org/2005/Atom}"
RSS1 = "{http://purl.org/rss/1.0/}"
RSS09 = "{http://my.netscape.com/rdf/simple/0.9/}"
RDF_ABOUT = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about"
SURVIVABLE = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)
SUMMARY_CHARS = 1000


class FeedError(WatchError, ValueError):
    """The body is not a feed we can read; the message is short and human."""


@dataclass(frozen=True, slots=True)
class ItemRef:
    """What identifies an item: enough to decide whether it is new."""

    keys: tuple[str, ...]  # primary first
    link: str = ""

    @property
    def key(self) -> str:
        return self.keys[0]


@dataclass(frozen=True, slots=True)
class FeedItem:
    keys: tuple[str, ...]
    title: str
    link: str  # a clean absolute http(s) URL (bot.watch.urls), or "" when the feed's was not
    summary: str
    published: datetime | None = None

    @property
    def key(self) -> str:
        return self.keys[0]


def _h(kind: str, value: str) -> str:
    return kind + ":" + hashlib.sha256(value.encode("utf-8", "replace")).hexdigest()[:32]


def item_keys(guid: str | None, link: str | None, title: str | None) -> tuple[str, ...]:
    """Dedupe keys of an item: guid/id → link → hash(title + link); plus the link itself."""
    guid = (guid or "").strip()
    link = strip_tracking((link or "").strip())
    title = " ".join((title or "").split())
    if guid:
        primary = _h("id", guid)
    elif link:
        primary = _h("link", link)
    else:
        primary = _h("hash", title + "\n" + link)
    keys = [primary]
    if link:
        link_key = _h("link", link)
        if link_key != primary:
            keys.append(link_key)
    return tuple(keys)


def _absolute(base_url: str, link: str) -> str:
    """``urljoin`` as feedparser applies it; absolute http(s) links come back unchanged."""
    if not link:
        return ""
    if link.startswith(("http://", "https://")) and not link.endswith(("?", "#")):
        return link
    return urljoin(base_url, link)


def _text(el: ET.Element | None) -> str:
    return "".join(el.itertext()).strip() if el is not None else ""


def _atom_link(entry: ET.Element) -> str:
    first = ""
    for link in entry.findall(f"{ATOM}link"):
        href = (link.get("href") or "").strip()
        rel = link.get("rel", "alternate")
        if rel == "alternate" and href:
            return href
        first = first or href
    return first


def scan_items(body: bytes, base_url: str = "") -> list[ItemRef] | None:
    """Item keys of a well-formed RSS/Atom/RDF feed, in document order; None to fall back.

    None means "ask feedparser": not well-formed XML (e.g. HTML entities in RSS), or not a feed
    format this scan knows.
    """
    try:
        root = ET.fromstring(body)
    except ET.ParseError:
        return None
    tag = root.tag
    refs: list[ItemRef] = []
    if tag == f"{ATOM}feed":
        for entry in root.iter(f"{ATOM}entry"):
            link = _atom_link(entry)
            link = _absolute(base_url, link)
            keys = item_keys(
                _text(entry.find(f"{ATOM}id")), link, _text(entry.find(f"{ATOM}title"))
            )
            refs.append(ItemRef(keys, link))
        return refs
    if tag == "rss":
        for item in root.iter("item"):
            link = _text(item.find("link"))
            guid_el = item.find("guid")
            guid = _text(guid_el)
            if guid and guid_el is not None and guid_el.get("isPermaLink", "true") != "false":
                # As feedparser does: a permalink guid is a URL, and the link when none is given.
                guid = _absolute(base_url, guid)
                link = link or guid
            link = _absolute(base_url, link)
            refs.append(ItemRef(item_keys(guid, link, _text(item.find("title"))), link))
        return refs
    for ns in (RSS1, RSS09):
        items = list(root.iter(f"{ns}item"))
        if items or root.find(f"{ns}channel") is not None:
            for item in items:
                link = _text(item.find(f"{ns}link"))
                link = _absolute(base_url, link)
                keys = item_keys(item.get(RDF_ABOUT), link, _text(item.find(f"{ns}title")))
                refs.append(ItemRef(keys, link))
            return refs
    return None


_TAG = re.compile(r"<[^<>]*>")


def _plain(html: str) -> str:
    """An item's HTML title or summary as plain text.

    The markup is measured first (``bot.watch.markup``): a summary built to stall the HTML
    parser has its tags stripped by a regex instead, which is linear whatever the nesting.
    """
    if "<" not in html and "&" not in html:
        return " ".join(html.split())
    try:
        check_markup(html)
    except MarkupTooComplex:
        return " ".join(unescape(_TAG.sub(" ", html)).split())
    tree = LexborHTMLParser(html)
    node = tree.body or tree.root
    return " ".join((node.text(separator=" ") if node else "").split())


def parse_feed(body: bytes, headers: Mapping[str, str], url: str) -> list[FeedItem]:
    """Parse with feedparser (blocking: call through ``asyncio.to_thread``)."""
    response_headers = {k.lower(): v for k, v in headers.items()}
    response_headers.setdefault("content-location", url)
    result = feedparser.parse(
        body,
        response_headers=response_headers,
        sanitize_html=False,
        resolve_relative_uris=False,
    )
    entries = result.get("entries") or []
    if result.get("bozo"):
        exc = result.get("bozo_exception")
        if not isinstance(exc, SURVIVABLE):
            if not entries:
                raise FeedError(f"not a readable feed ({_bozo_reason(exc)})")
            log.warning("feed %s is malformed but has entries: %s", url, exc)
    version = result.get("version")
    if not entries and not version:
        raise FeedError("not a feed (no RSS or Atom found)")
    items = []
    for entry in entries:
        link = entry.get("link") or ""
        if link:
            link = urljoin(url, link)
        # Keys come from the link as written (stable across versions of this code); what an
        # alert may show is the clean URL, or nothing (bot.watch.urls).
        title = _plain(entry.get("title") or "")
        summary = _plain(entry.get("summary") or entry.get("description") or "")
        parsed = entry.get("published_parsed") or entry.get("updated_parsed")
        published = (
            datetime.fromtimestamp(calendar.timegm(parsed), UTC) if parsed is not None else None
        )
        items.append(
            FeedItem(
                keys=item_keys(entry.get("id"), link, entry.get("title")),
                title=title,
                link=clean_url(link) or "",
                summary=summary[:SUMMARY_CHARS],
                published=published,
            )
        )
    return items


def _bozo_reason(exc: object) -> str:
    text = str(exc).strip().splitlines()[0] if exc else "unknown error"
    return text[:120]
