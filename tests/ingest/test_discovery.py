from pathlib import Path

import pytest

from gazette.ingest.discovery import COMMON_FEED_PATHS, discover_feeds, find_icon, looks_like_feed

TESTDATA = Path(__file__).parent / "testdata" / "feeds"
PAGE = (TESTDATA / "page.html").read_bytes()


def test_discover_feeds_orders_advertised_before_guessed_and_comments_last():
    assert discover_feeds(PAGE, "https://daily.example.com/news/") == [
        "https://daily.example.com/rss.xml",
        "https://daily.example.com/feed.json",
        "https://daily.example.com/podcast.xml",
        "https://daily.example.com/category/sport/feed/",
        "https://feeds.feedburner.com/example/daily.rss",
        "https://daily.example.com/comments/feed.atom",
    ]


def test_discover_feeds_accepts_str_and_resolves_against_base_url():
    html = '<html><head><link rel="alternate" type="application/atom+xml" href="atom.xml"></head></html>'
    assert discover_feeds(html, "https://blog.example.org/posts/") == [
        "https://blog.example.org/posts/atom.xml"
    ]


def test_discover_feeds_str_with_xml_declaration():
    html = (
        '<?xml version="1.0" encoding="utf-8"?><html><head>'
        '<link rel="alternate" type="application/rss+xml" href="/r"></head></html>'
    )
    assert discover_feeds(html, "https://x.example/") == ["https://x.example/r"]


def test_discover_feeds_ignores_non_feed_alternates_and_bad_schemes():
    html = """<html><head>
      <link rel="alternate" hreflang="de" href="/de/">
      <link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
      <link rel="alternate" type="application/xml" href="/plain.xml">
      <link rel="stylesheet" type="application/rss+xml" href="/not-a-feed.xml">
    </head><body><a href="/about">About</a><a href="mailto:x@example.com">Mail</a></body></html>"""
    assert discover_feeds(html, "https://x.example/") == ["https://x.example/plain.xml"]


@pytest.mark.parametrize("html", ["", b"", "   ", b"\x00\x01\x02", "<<<>>>"])
def test_discover_feeds_on_junk(html):
    assert discover_feeds(html, "https://x.example/") == []


def test_common_feed_paths():
    assert COMMON_FEED_PATHS[:8] == (
        "/feed",
        "/rss",
        "/rss.xml",
        "/atom.xml",
        "/feed.xml",
        "/index.xml",
        "/feed/",
        "/rss/",
    )
    assert "/feeds/posts/default" in COMMON_FEED_PATHS and "/feed.json" in COMMON_FEED_PATHS
    assert all(p.startswith("/") for p in COMMON_FEED_PATHS)
    assert len(set(COMMON_FEED_PATHS)) == len(COMMON_FEED_PATHS)


@pytest.mark.parametrize(
    "name",
    [
        "rss20.xml",
        "rss10.rdf",
        "atom10.xml",
        "atom03.xml",
        "jsonfeed10.json",
        "jsonfeed11.json",
        "news-sitemap.xml",
        "windows-1251-declared.xml",
    ],
)
def test_looks_like_feed_by_content(name):
    assert looks_like_feed((TESTDATA / name).read_bytes(), "text/html")


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (PAGE, "application/rss+xml"),  # servers lie; the body wins
        (b'{"hello": 1}', "application/json"),
        (b"<Error><Code>NoSuchKey</Code></Error>", "application/xml"),
        (b"", None),
        (b"plain text", "text/plain"),
    ],
)
def test_looks_like_feed_rejects(body, content_type):
    assert not looks_like_feed(body, content_type)


def test_looks_like_feed_falls_back_to_content_type():
    assert looks_like_feed(b"garbage without markup", "application/atom+xml; charset=utf-8")
    assert not looks_like_feed(b"garbage without markup", "application/json")


def test_find_icon_prefers_the_largest():
    assert find_icon(PAGE, "https://daily.example.com/") == "https://daily.example.com/apple-touch-icon.png"


def test_find_icon_svg_and_sizes():
    html = """<link rel="icon" href="/16.png" sizes="16x16">
              <link rel="icon" href="/i.svg" type="image/svg+xml">
              <link rel="icon" href="/192.png" sizes="192x192">"""
    assert find_icon(html, "https://x.example/") == "https://x.example/i.svg"


def test_find_icon_shortcut_icon_and_og_logo():
    assert find_icon('<link rel="shortcut icon" href="/favicon.ico">', "https://x.example/a/") == (
        "https://x.example/favicon.ico"
    )
    assert find_icon('<meta property="og:logo" content="logo.png">', "https://x.example/a/") == (
        "https://x.example/a/logo.png"
    )


def test_find_icon_none():
    assert find_icon("<html><head><title>x</title></head></html>", "https://x.example/") is None
    assert find_icon(b"", "https://x.example/") is None
