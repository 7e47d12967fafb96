"""Comment formatting: the Markdown subset, and what the sanitiser lets through."""

from __future__ import annotations

import lxml.html
import pytest

from gazette.accounts.markup import comment_html, comment_link_count


def tree(html: str):
    return lxml.html.fragment_fromstring(html, create_parent="div")


def test_emphasis_links_quotes_and_code():
    html = comment_html("*soft* **loud** `code`\n\n> quoted\n\n[site](https://example.org/x?a=1&b=2)")
    root = tree(html)
    assert root.find(".//em").text == "soft" and root.find(".//strong").text == "loud"
    assert root.find(".//code").text == "code"
    assert root.find(".//blockquote/p").text == "quoted"
    link = root.find(".//a")
    assert link.get("href") == "https://example.org/x?a=1&b=2" and link.text == "site"
    assert link.get("rel") == "nofollow ugc noopener"


def test_autolinks_and_bare_addresses_are_links_and_other_text_stays_text():
    assert comment_link_count(comment_html("<https://example.org>")) == 1
    root = tree(comment_html("Full report at https://example.org/report?id=7, and www.example.net too."))
    links = root.findall(".//a")
    assert [a.get("href") for a in links] == ["https://example.org/report?id=7", "http://www.example.net"]
    assert all(a.get("rel") == "nofollow ugc noopener" for a in links)
    assert root.text_content().startswith("Full report at https://example.org/report?id=7, and")
    for text in ("javascript:alert(1)", "example dot org", "file:///etc/passwd", "data:text/html,x"):
        assert comment_link_count(comment_html(text)) == 0, text


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        '<a href="javascript:alert(1)">x</a>',
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](vbscript:msgbox(1))",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "![x](https://example.org/tracker.png)",
        '<svg onload="alert(1)"></svg>',
        "<iframe src=https://example.org></iframe>",
        '[x](https://example.org "title" onmouseover="alert(1)")',
        "<style>body{display:none}</style>",
    ],
)
def test_hostile_payloads_are_inert(payload):
    root = tree(comment_html(payload))
    assert {e.tag for e in root.iter()} <= {"div", "p", "br", "em", "strong", "a", "blockquote", "code"}
    for element in root.iter():
        assert not [name for name in element.attrib if name.startswith("on") or name in ("src", "style")]
    for link in root.iter("a"):
        assert link.get("href", "").startswith(("https://", "http://", "mailto:"))


def test_images_are_never_images():
    html = comment_html("![alt](https://example.org/i.png)")
    assert "<img" not in html


def test_nested_quotes_and_line_breaks():
    root = tree(comment_html("> one\n> two\nthree"))
    assert root.find(".//blockquote") is not None and root.findall(".//br")
