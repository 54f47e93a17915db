"""Platform detection: aliases, split names and typos — without misreading ordinary words."""

import pytest

from bot.knowledge.model import Platform
from bot.knowledge.platforms import PlatformDetector
from bot.knowledge.text import fold

PLATFORMS = {
    p.id: p
    for p in (
        Platform("soundcloud", "SoundCloud", ("sc", "sound cloud")),
        Platform("x", "X", ("twitter",)),
        Platform("meta", "Meta", ("facebook", "fb", "instagram", "ig", "threads")),
        Platform("youtube", "YouTube", ("yt",)),
        Platform("vimeo", "Vimeo"),
        Platform("udio", "Udio"),
        Platform("tumblr", "Tumblr"),
        Platform("wordpress", "WordPress", ("wordpress.com", "wp")),
        Platform("apple", "Apple", ("apple music",)),
        Platform("quora", "Quora"),
        Platform("grammarly", "Grammarly"),
        Platform("pixiv", "pixiv"),
    )
}


@pytest.fixture(scope="module")
def detector() -> PlatformDetector:
    return PlatformDetector(PLATFORMS)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("soudncloud ai", "soundcloud"),
        ("does twiter train grok", "x"),
        ("ig opt out", "meta"),
        ("sc ai", "soundcloud"),
        ("Sound-Cloud terms", "soundcloud"),
        ("instagarm training", "meta"),
        ("youtbe studio setting", "youtube"),
        ("wordpress.com sharing", "wordpress"),
        ("what about X?", "x"),
        ("SoundCloud's new terms", "soundcloud"),
        ("tumbler third party", "tumblr"),
        ("does appel train ai", "apple"),
        ("grammerly training", "grammarly"),
    ],
)
def test_detects(detector: PlatformDetector, text: str, expected: str) -> None:
    assert detector.primary(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "can I upload a video",  # one letter from vimeo
        "my audio files",  # one letter from udio
        "best daw for metal",
        "does this apply to me",  # one letter from apple
        "what is my upload quota",  # one letter from quora
        "grammar check of my lyrics",  # two letters from grammarly
        "pixie dust sample pack",  # one letter from pixiv
        "how do I mix vocals",
        "",
    ],
)
def test_ordinary_words_are_not_platforms(detector: PlatformDetector, text: str) -> None:
    assert detector.primary(text) is None


def test_reading_order_and_uniqueness(detector: PlatformDetector) -> None:
    hits = detector.detect("twitter or soundcloud, or X again")
    assert [h.platform for h in hits] == ["x", "soundcloud"]


def test_strict_mode_for_news(detector: PlatformDetector) -> None:
    assert detector.primary("soudncloud changes", strict=True) is None
    assert detector.primary("the sc ruling", strict=True) is None
    assert detector.primary("x marks the spot", strict=True) is None
    assert detector.primary("X updates its terms", strict=True) == "x"


def test_fold() -> None:
    assert fold("L'IA, c'est—quoi ? Überprüfung") == "l ia c est quoi uberprufung"
