"""OTA feed entries to version text, and curated quotes found in a document."""

from __future__ import annotations

from bot.watch.clauses import quote_present
from bot.watch.normalize import comparable
from bot.watch.ota import version_url

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
