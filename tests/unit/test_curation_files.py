"""Reading an uploaded FAQ file: nesting past what an FAQ file needs is refused by name."""

from __future__ import annotations

import pytest

from bot.curation.files import MAX_NESTING, nesting, read_file


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("deep.json", "[" * 100_000 + "]" * 100_000),  # RecursionError in json
        ("deep.toml", "a = " + "[" * 100_000 + "]" * 100_000 + "\n"),  # RecursionError in tomllib
        ("nameless", "[" * 100_000 + "]" * 100_000),  # JSON by its first character
        ("mid.json", '[{"question": ' + "[" * 500 + "]" * 500 + "}]"),  # parses, but too deep
        ("mid.toml", "[[faq]]\nquestion = " + "[" * 40 + "]" * 40 + "\n"),
    ],
)
def test_deep_nesting_is_refused_naming_the_file(name, text):
    out = read_file(name, text.encode())
    assert isinstance(out, str)
    assert out.startswith(f"{name} is nested too deeply")


def test_an_ordinary_file_is_well_within_the_limit():
    text = '[[faq]]\nquestion = "Q?"\nanswer = "A."\ntopics = ["opt-out"]\nlinks = ["https://x"]\n'
    rows, _src, is_toml = read_file("faq.toml", text.encode())
    assert is_toml and rows[0]["question"] == "Q?"
    assert nesting({"faq": rows}) == 4 < MAX_NESTING  # table, list, entry, list of links
