"""Open Terms Archive change feeds: where an entry's version text can be fetched.

OTA publishes, per document, an Atom feed of the commits that recorded new versions
(``https://github.com/OpenTermsArchive/<collection>-versions/commits/main/<Service>/<Terms
Type>.md.atom``, from the versions repositories' README). An entry links to the commit page;
the version itself is the Markdown file at that commit on raw.githubusercontent.com. Any other
feed is taken to link straight to the version text (which is what the test server does).

An alert links a reader to three places, all derived here from the version URL the watcher
records (``links``):

- the full diff: the commit that recorded the version, scrolled to the document's file. OTA
  records each new version of a document in its own commit, so that commit's diff IS the change
  from the previous recorded version to this one. A ``compare/<old>...<new>`` URL would say the
  same for one file but list every other document the collection recorded in between (hundreds,
  in ``pga-versions``), and GitHub cuts such comparisons short, often before the file wanted;
- the recorded version's full text on GitHub (rendered Markdown at that commit);
- the live page: the platform's own address of the document, when Fine Print's data has it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from urllib.parse import quote, unquote

from bot.alerts.model import AlertLinks
from bot.knowledge.model import Platform

_GITHUB_FEED = re.compile(
    r"^https://github\.com/(?P<owner>[^/]+)/(?P<repo>[^/]+)/commits/(?P<branch>[^/]+)/"
    r"(?P<path>.+\.md)\.atom$"
)
_RAW_VERSION = re.compile(
    r"^https://raw\.githubusercontent\.com/(?P<owner>[^/]+)/(?P<repo>[^/]+)/"
    r"(?P<sha>[0-9a-f]{7,40})/(?P<path>.+\.md)$"
)
# Which curated address is the live page of a document, by the document's name as sources give
# it (folded). Documents with another name (an app's own terms, developer terms, a policy of
# their own) get no live link rather than a wrong one.
TERMS_DOCUMENTS = frozenset(
    {"terms", "terms of service", "terms of use", "terms and conditions", "user agreement"}
)
PRIVACY_DOCUMENTS = frozenset({"privacy policy", "privacy notice", "privacy"})
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


@dataclass(frozen=True, slots=True)
class RecordedVersion:
    """A version file at one commit of an OTA versions repository on GitHub."""

    owner: str
    repo: str
    sha: str
    path: str  # as in the repository ("SoundCloud/Terms of Service.md"), not URL-encoded

    @property
    def _base(self) -> str:
        return f"https://github.com/{self.owner}/{self.repo}"

    @property
    def diff_url(self) -> str:
        """The commit page, at the file's diff (GitHub anchors a file's diff with the SHA-256 of
        its path)."""
        anchor = hashlib.sha256(self.path.encode()).hexdigest()
        return f"{self._base}/commit/{self.sha}#diff-{anchor}"

    @property
    def text_url(self) -> str:
        return f"{self._base}/blob/{self.sha}/{quote(self.path)}"


def recorded_version(version: str | None) -> RecordedVersion | None:
    """The repository, commit and file of a version URL on raw.githubusercontent.com."""
    match = _RAW_VERSION.match(version or "")
    if match is None:
        return None
    return RecordedVersion(match["owner"], match["repo"], match["sha"], unquote(match["path"]))


def live_page(platform: Platform | None, document: str | None) -> str | None:
    """The platform's own address of ``document``, when the curated data names it."""
    if platform is None or not document:
        return None
    name = " ".join(document.casefold().split())
    if name in TERMS_DOCUMENTS:
        return platform.terms_url
    if name in PRIVACY_DOCUMENTS:
        return platform.privacy_url
    return None


def links(version: str | None, platform: Platform | None, document: str | None) -> AlertLinks:
    """An ``ota`` alert's links: the diff and full text at OTA when the version is a GitHub
    file; otherwise (another archive, the test server) the version URL as the full text."""
    recorded = recorded_version(version)
    page = live_page(platform, document)
    if recorded is None:
        return AlertLinks(page=page, archived=version)
    return AlertLinks(diff=recorded.diff_url, page=page, archived=recorded.text_url)
