"""The markup pre-scan: deep or huge trees are refused before the HTML parser sees them."""

from __future__ import annotations

import pytest

from bot.watch.markup import MarkupLimits, MarkupTooComplex, check_markup
from bot.watch.page import PageError, extract


def test_nested_divs_are_refused_early():
    hostile = "<html><body>" + "<div>" * 100_000 + "x" + "</div>" * 100_000
    with pytest.raises(MarkupTooComplex, match="more than 512 deep"):
        check_markup(hostile)


def test_self_closing_syntax_does_not_hide_html_nesting():
    # HTML ignores the slash of "<div/>": this still nests 1,000 deep.
    with pytest.raises(MarkupTooComplex):
        check_markup("<body>" + "<div/>" * 1000)


def test_ordinary_structures_are_not_counted_as_nesting():
    runs = (
        "<ul>" + "<li>item" * 5000 + "</ul>"  # implied </li>
        + "<p>para" * 5000  # implied </p>
        + "<table>" + "<tr><td>a<td>b" * 2000 + "</table>"
        + "<svg>" + "<path d='M0 0'/>" * 5000 + "</svg>"  # self-closing in SVG
        + "<br><img src=x><hr>" * 1000
        + "<script>" + "<div>" * 5000 + "</script>"  # raw text holds no tags
        + "<!--" + "<div>" * 5000 + "-->"
        + "<div>" * 500 + "deep but allowed" + "</div>" * 500
    )  # fmt: skip
    stats = check_markup(runs)
    assert stats.depth <= 512


def test_element_count_is_capped():
    with pytest.raises(MarkupTooComplex, match="more than 1,000 elements"):
        check_markup("<b>x</b>" * 1001, MarkupLimits(max_elements=1000))


def test_garbage_without_closing_brackets_is_read_once():
    assert check_markup("<a" * 200_000).elements == 0


def test_extract_reports_the_refusal_as_a_page_error():
    body = ("<html><body>" + "<section>" * 600 + "text" + "</section>" * 600).encode()
    with pytest.raises(PageError, match="nests elements more than 512 deep"):
        extract(body, content_type="text/html")
    lines = extract(body, content_type="text/html", limits=MarkupLimits(max_depth=1000))
    assert lines == ["text"]
