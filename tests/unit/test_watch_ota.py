"""OTA feed entries to version text, and curated quotes found in a document."""

from __future__ import annotations

import hashlib

from bot.alerts.model import AlertLinks
from bot.knowledge.model import Platform
from bot.watch.clauses import quote_present
from bot.watch.normalize import comparable
from bot.watch.ota import links, live_page, recorded_version, version_url

FEED = (
    "https://github.com/OpenTermsArchive/contrib-versions/commits/main/"
    "SoundCloud/Terms%20of%20Service.md.atom"
)


def test_github_commit_entries_map_to_the_raw_markdown():
    link = "https://github.com/OpenTermsArchive/contrib-versions/commit/139bd415eae127aa725b7f2768d5309159eb7195"
    assert version_url(FEED, link) == (
        "https://raw.githubusercontent.com/OpenTermsArchive/contrib-versions/"
        "139bd415eae127aa725b7f2768d5309159eb7195/SoundCloud/Terms%20of%20Service.md"
    )
    # Another repository's commit, or any other feed: the entry link is the version itself.
    other = "https://github.com/someone/else/commit/139bd415ea"
    assert version_url(FEED, other) == other
    assert version_url("http://127.0.0.1:8080/ota.atom", "http://127.0.0.1:8080/v/2.md") == (
        "http://127.0.0.1:8080/v/2.md"
    )


def test_quotes_with_omissions_are_found_in_order():
    doc = comparable(
        "We will **not** use your content to train generative AI models that aim to replicate "
        "your voice, without your explicit consent."
    )
    assert quote_present("We will not use your content to train generative AI models", doc)
    assert quote_present("We will not use your content … without your explicit consent.", doc)
    assert quote_present("We will not use your content ... without your explicit consent.", doc)
    assert not quote_present("without your explicit consent … We will not use", doc)
    assert not quote_present("We may use your content to train generative AI models", doc)


SHA = "139bd415eae127aa725b7f2768d5309159eb7195"
RAW = (
    "https://raw.githubusercontent.com/OpenTermsArchive/contrib-versions/"
    f"{SHA}/SoundCloud/Terms%20of%20Service.md"
)
SOUNDCLOUD = Platform(
    "soundcloud",
    "SoundCloud",
    terms_url="https://soundcloud.com/terms-of-use",
    privacy_url="https://soundcloud.com/pages/privacy",
)


def test_the_full_diff_is_the_commit_that_recorded_the_version_at_its_file():
    recorded = recorded_version(RAW)
    assert recorded is not None and recorded.path == "SoundCloud/Terms of Service.md"
    # GitHub anchors a file's diff on a commit page with the SHA-256 of its path.
    anchor = hashlib.sha256(b"SoundCloud/Terms of Service.md").hexdigest()
    assert recorded.diff_url == (
        f"https://github.com/OpenTermsArchive/contrib-versions/commit/{SHA}#diff-{anchor}"
    )
    assert recorded.text_url == (
        f"https://github.com/OpenTermsArchive/contrib-versions/blob/{SHA}/"
        "SoundCloud/Terms%20of%20Service.md"
    )
    # The version URL the watcher records for a feed entry leads to the same commit.
    entry = f"https://github.com/OpenTermsArchive/contrib-versions/commit/{SHA}"
    assert recorded_version(version_url(FEED, entry)) == recorded


def test_links_of_an_ota_alert():
    assert links(RAW, SOUNDCLOUD, "Terms of Use") == AlertLinks(
        diff=recorded_version(RAW).diff_url,  # type: ignore[union-attr]
        page="https://soundcloud.com/terms-of-use",
        archived=recorded_version(RAW).text_url,  # type: ignore[union-attr]
    )
    # Another archive (or the test server): no diff to link to; the version is the full text.
    other = "http://127.0.0.1:8080/v/2.md"
    assert links(other, SOUNDCLOUD, "Privacy Policy") == AlertLinks(
        page="https://soundcloud.com/pages/privacy", archived=other
    )
    assert links(None, None, None) == AlertLinks()


def test_the_live_page_is_only_named_where_the_document_is_unambiguous():
    assert live_page(SOUNDCLOUD, " terms  of SERVICE ") == "https://soundcloud.com/terms-of-use"
    assert live_page(SOUNDCLOUD, "User Agreement") == "https://soundcloud.com/terms-of-use"
    assert live_page(SOUNDCLOUD, "Privacy Policy") == "https://soundcloud.com/pages/privacy"
    # An app's own terms or another policy: no link rather than the wrong one.
    assert live_page(SOUNDCLOUD, "Instagram Terms of Use") is None
    assert live_page(SOUNDCLOUD, "Developer Terms") is None
    assert live_page(Platform("bluesky", "Bluesky"), "Terms of Service") is None
    assert live_page(None, "Terms of Service") is None
