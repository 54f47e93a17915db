"""Open Terms Archive change feeds: where an entry's version text can be fetched.

OTA publishes, per document, an Atom feed of the commits that recorded new versions
(``https://github.com/OpenTermsArchive/<collection>-versions/commits/main/<Service>/<Terms
Type>.md.atom``, from the versions repositories' README). An entry links to the commit page;
the version itself is the Markdown file at that commit on raw.githubusercontent.com. Any other
feed is taken to link straight to the version text (which is what the test server does).
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote

_GITHUB_FEED = re.compile(
    r"^https://github\.com/(?P<owner>[^/]+)/(?P<repo>[^/]+)/commits/(?P<branch>[^/]+)/"
    r"(?P<path>.+\.md)\.atom$"
)
_GITHUB_COMMIT = re.compile(
    r"^https://github\.com/(?P<owner>[^/]+)/(?P<repo>[^/]+)/commit/(?P<sha>[0-9a-f]{7,40})"
)


def version_url(feed_url: str, entry_link: str) -> str:
    """The URL of the document text that an entry of ``feed_url`` announces."""
    feed = _GITHUB_FEED.match(feed_url)
    commit = _GITHUB_COMMIT.match(entry_link)
    if feed and commit and (feed["owner"], feed["repo"]) == (commit["owner"], commit["repo"]):
        path = quote(unquote(feed["path"]))
        return (
            f"https://raw.githubusercontent.com/{feed['owner']}/{feed['repo']}/"
            f"{commit['sha']}/{path}"
        )
    return entry_link
