from pathlib import Path

import pytest

from gazette.ingest.opml import OpmlOutline, parse_opml, render_opml

TESTDATA = Path(__file__).parent / "testdata" / "feeds"


def test_parse_opml_nested_folders_become_categories():
    outlines = parse_opml((TESTDATA / "subscriptions.opml").read_bytes())
    assert outlines == [
        OpmlOutline(
            url="https://unfiled.example.com/rss", title="Unfiled feed", site_url=None, categories=[]
        ),
        OpmlOutline(
            url="https://kernel.example.org/feed",
            title="Kernel News",
            site_url="https://kernel.example.org/",
            categories=["Tech", "News & Politics"],  # listed twice: categories merged, first title kept
        ),
        OpmlOutline(
            url="https://distro.example.net/atom.xml",  # lower-case xmlurl attribute
            title="Distro Watch",
            site_url=None,
            categories=["Tech", "Linux", "Open Source", "Weekly"],  # folders, then the category attribute
        ),
        OpmlOutline(
            url="http://world.example.com/rss.xml",  # feed:// scheme
            title="World Desk",
            site_url="https://world.example.com",
            categories=["News & Politics"],
        ),
    ]


def test_round_trip():
    outlines = parse_opml((TESTDATA / "subscriptions.opml").read_bytes())
    rendered = render_opml(outlines, title="Mine")
    assert rendered.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">')
    assert "<title>Mine</title>" in rendered
    assert parse_opml(rendered.encode()) == outlines


def test_render_groups_by_first_category():
    rendered = render_opml(
        [
            OpmlOutline("https://a.example/feed", "A <&>", None, ["News"]),
            OpmlOutline("https://b.example/feed", None, "https://b.example/", ["News", "Daily"]),
            OpmlOutline("https://c.example/feed", "C", None, []),
        ]
    )
    assert rendered.count('text="News"') == 1
    assert 'text="A &lt;&amp;&gt;"' in rendered
    assert 'text="https://b.example/feed"' in rendered and 'category="Daily"' in rendered
    parsed = parse_opml(rendered.encode())
    assert [o.categories for o in parsed] == [[], ["News"], ["News", "Daily"]] or [
        o.categories for o in parsed
    ] == [["News"], ["News", "Daily"], []]


def test_unescaped_ampersand_is_recovered():
    data = (
        b'<opml version="1.0"><body><outline text="R&D" xmlUrl="https://x.example/?a=1&b=2"/></body></opml>'
    )
    [outline] = parse_opml(data)
    assert outline.url.startswith("https://x.example/?a=1")


def test_url_attribute_with_type_rss():
    data = b'<opml><body><outline type="rss" text="T" url="https://x.example/rss"/></body></opml>'
    assert parse_opml(data)[0].url == "https://x.example/rss"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"<html><body></body></html>", "not OPML: the root element is <html>"),
        (b"<opml><head/></opml>", "no <body>"),
        (b"\x00\x01garbage", "ill-formed XML"),
    ],
)
def test_parse_opml_errors(data, reason):
    with pytest.raises(ValueError, match=reason):
        parse_opml(data)


def test_parse_opml_does_not_expand_entities():
    data = b"""<?xml version="1.0"?>
<!DOCTYPE opml [<!ENTITY xxe SYSTEM "file:///etc/passwd">
<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
<opml><body><outline text="&xxe;&b;" xmlUrl="https://x.example/feed"/></body></opml>"""
    with pytest.raises(ValueError, match="unsafe XML"):
        parse_opml(data)
    with pytest.raises(ValueError, match="unsafe XML"):
        parse_opml(data.decode().encode("utf-16-le"))


def test_empty_opml_has_no_outlines():
    assert parse_opml(b"<opml><body/></opml>") == []


def test_news_sitemap_has_its_own_type_and_reads_back():
    outlines = [
        OpmlOutline(url="https://news.example.com/news-sitemap.xml", title="News", kind="sitemap"),
        OpmlOutline(url="https://blog.example.com/feed", title="Blog"),
    ]
    rendered = render_opml(outlines)
    assert 'type="sitemap"' in rendered and rendered.count('type="rss"') == 1
    assert [(o.url, o.kind) for o in parse_opml(rendered.encode())] == [
        ("https://news.example.com/news-sitemap.xml", "sitemap"),
        ("https://blog.example.com/feed", ""),
    ]
