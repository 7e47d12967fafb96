import random
from datetime import UTC, datetime
from pathlib import Path

import pytest

from gazette.ingest.feeds import FeedError, ParsedFeed, parse_feed

TESTDATA = Path(__file__).parent / "testdata" / "feeds"
REPO_ROOT = Path(__file__).resolve().parents[2]
FEEDS_DEV = REPO_ROOT.parent / "shared/data/feeds-dev"


def parse(name: str, url: str = "https://example.com/feed", content_type: str | None = None) -> ParsedFeed:
    return parse_feed((TESTDATA / name).read_bytes(), url, content_type)


def reject(name: str, url: str = "https://example.com/feed") -> FeedError:
    with pytest.raises(FeedError) as caught:
        parse(name, url)
    message = str(caught.value)
    assert message and "\n" not in message
    return caught.value


def test_rss20_channel():
    feed = parse("rss20.xml", "https://news.example.com/feed.xml")
    assert feed.kind == "rss"
    assert feed.title == "The Example Chronicle & Times"
    assert feed.link == "https://news.example.com/"
    assert feed.language == "en-gb"
    assert feed.icon == "https://news.example.com/logo.png"
    assert feed.websub_hub == "https://pubsubhubbub.appspot.com/"
    assert feed.self_url == "https://news.example.com/feed.xml"
    assert feed.bozo is None
    assert len(feed.entries) == 3


def test_rss20_item_with_content_encoded_and_media():
    first = parse("rss20.xml", "https://news.example.com/feed.xml").entries[0]
    assert first.id == "chronicle-4711"
    assert first.url == "https://news.example.com/2024/05/bridge?utm_source=rss"  # cleaning is another stage
    assert first.title == "Council approves new bridge & road plan"
    assert first.published == datetime(2024, 5, 7, 7, 30, tzinfo=UTC)
    assert first.updated is None  # not copied from pubDate
    assert first.author == "Jane Reporter"
    assert first.summary == "<p>The council voted <b>7 to 2</b>.</p>"
    assert first.content.startswith("<p>The council voted <b>7 to 2</b> on Monday night.</p>")
    assert first.image == "https://cdn.example.com/bridge.jpg"
    assert first.categories == ["Local", "Transport"]


def test_rss20_relative_link_enclosure_image_and_fallback_id():
    second, third = parse("rss20.xml", "https://news.example.com/feed.xml").entries[1:]
    assert second.url == "https://news.example.com/2024/05/weather"
    assert second.id == second.url
    assert second.image == "https://cdn.example.com/rain.png"
    assert second.summary == "Heavy rain <em>expected</em>."
    assert third.url is None and third.title is None
    assert third.id.startswith("sha1:")
    again = parse("rss20.xml", "https://news.example.com/feed.xml").entries[2]
    assert again.id == third.id  # stable across parses


def test_rss10_rdf():
    feed = parse("rss10.rdf")
    assert feed.kind == "rdf"
    assert feed.title == "RDF Example" and feed.language == "de"
    first = feed.entries[0]
    assert first.id == first.url == "https://rdf.example.org/one"
    assert first.updated == datetime(2024, 3, 1, 11, 0, tzinfo=UTC)  # dc:date
    assert first.author == "Max Muster" and first.categories == ["Politik"]


def test_atom10_xml_base_resolves_links():
    feed = parse("atom10.xml", "https://blog.example.net/journal/atom.xml")
    assert feed.kind == "atom"
    assert feed.title == "Le Journal"  # type="html" title made plain text
    assert feed.link == "https://blog.example.net/journal/"
    assert feed.self_url == "https://blog.example.net/journal/atom.xml"
    assert feed.websub_hub == "https://hub.example.net/"
    assert feed.icon == "https://blog.example.net/favicon.png"
    first, second = feed.entries
    assert first.url == "https://blog.example.net/journal/2024/premier"
    assert first.published == datetime(2024, 4, 1, 6, 0, tzinfo=UTC)
    assert first.author == "Claire"  # inherited from the feed
    assert first.categories == ["vie"]
    assert first.summary == "Un résumé avec &lt;tags&gt; littéraux"  # type="text" escaped into HTML
    assert 'href="https://blog.example.net/journal/images/photo.jpg"' in first.content
    assert second.url == "https://other.example.net/archive/deux"  # entry-level xml:base
    assert second.title == "Deuxième billet"
    assert second.content == "<p>Contenu XHTML</p>"
    assert second.summary is None  # feedparser's copy of the content is not a summary
    assert second.image == "https://other.example.net/archive/cover.jpg"


def test_atom_ids_are_not_resolved_against_the_feed_url():
    body = b"""<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>
      <entry><id>right</id><title>a</title></entry>
      <entry><id>HTTP://www.example.org/thing</id><title>b</title></entry></feed>"""
    entries = parse_feed(body, "https://example.com/feed").entries
    assert [e.id for e in entries] == ["right", "HTTP://www.example.org/thing"]


def test_relative_urls_in_content_resolve_against_the_feed_url_without_xml_base():
    body = b"""<rss version="2.0"><channel><title>t</title><item><title>a</title>
      <description>&lt;img src="/img/a.png"&gt;</description></item></channel></rss>"""
    entry = parse_feed(body, "https://example.com/blog/feed").entries[0]
    assert 'src="https://example.com/img/a.png"' in entry.summary


def test_atom03():
    feed = parse("atom03.xml")
    assert feed.kind == "atom" and feed.title == "Old Atom"
    entry = feed.entries[0]
    assert entry.published == datetime(2004, 1, 1, 15, 0, tzinfo=UTC)
    assert entry.content == "<p>Hello from 2004</p>"
    assert entry.author == "Old Timer"


def test_json_feed_10():
    feed = parse("jsonfeed10.json", "https://json.example.org/feed.json", "application/feed+json")
    assert feed.kind == "json"
    assert feed.title == "JSON Example 1.0"
    assert feed.link == "https://json.example.org/"
    assert feed.icon == "https://json.example.org/icon-512.png"
    assert feed.websub_hub == "https://websub.example.org/"
    assert feed.self_url == "https://json.example.org/feed.json"
    assert len(feed.entries) == 2  # the string item and the empty item are skipped
    first, second = feed.entries
    assert first.id == "2" and first.url == "https://json.example.org/posts/2"
    assert first.title == "Second & last"
    assert first.content == "<p>Hello <b>world</b></p>"
    assert first.summary == "A summary with &lt;angle&gt; brackets"
    assert first.published == datetime(2024, 2, 2, 9, 0, tzinfo=UTC)
    assert first.updated == datetime(2024, 2, 3, tzinfo=UTC)
    assert first.author == "Item Author"
    assert first.categories == ["news", "json"]
    assert second.url == "https://elsewhere.example.com/story"
    assert second.content == "Plain text with &lt;b&gt;no&lt;/b&gt; markup &amp; an ampersand."


def test_json_feed_11():
    feed = parse("jsonfeed11.json")
    assert feed.language == "pt-BR"
    entry = feed.entries[0]
    assert entry.author == "Second Author"  # first author has no name
    assert entry.image == "https://json11.example.org/a.webp"  # image attachment
    assert entry.published == datetime(2024, 6, 1, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b'{"version": "https://jsonfeed.org/version/1", "items": [', "ill-formed JSON at line 1"),
        (b"[1, 2, 3]", "not a feed"),
        (b'{"hello": "world"}', "not a feed"),
        (b"[" * 100_000, "ill-formed JSON"),
    ],
)
def test_json_rejections(body, reason):
    with pytest.raises(FeedError, match=reason):
        parse_feed(body, "https://example.com/feed.json")


def test_google_news_sitemap():
    feed = parse("news-sitemap.xml", "https://daily.example.com/sitemap-news.xml")
    assert feed.kind == "sitemap"
    assert feed.title == "The Example Daily" and feed.language == "en"
    assert len(feed.entries) == 3  # the javascript: URL is dropped
    first, second, plain = feed.entries
    assert first.url == first.id == "https://daily.example.com/business/article55.html"
    assert first.title == "Companies A & B in merger talks"
    assert first.published == datetime(2024, 5, 8, 7, 0, tzinfo=UTC)
    assert first.updated == datetime(2024, 5, 8, 10, 15, tzinfo=UTC)
    assert first.categories == ["business", "merger", "acquisition"]
    assert first.image == "https://daily.example.com/img/55.jpg"
    assert second.published == datetime(2024, 5, 7, tzinfo=UTC)
    assert plain.title is None and plain.updated == datetime(2023, 1, 1, tzinfo=UTC)


def test_sitemap_index_points_to_child_sitemaps():
    feed = parse("sitemap-index.xml", "https://daily.example.com/sitemap.xml")
    assert feed.kind == "sitemapindex"
    assert [e.url for e in feed.entries] == [
        "https://daily.example.com/sitemap-news.xml",
        "https://daily.example.com/sitemap-2024-04.xml",
    ]


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("windows-1251-declared.xml", None),
        ("windows-1251-undeclared.xml", None),
        ("windows-1251-undeclared.xml", "application/rss+xml; charset=windows-1251"),
        ("windows-1251-declared.xml", "text/xml"),
    ],
)
def test_windows_1251(name, content_type):
    feed = parse(name, content_type=content_type)
    assert feed.title == "Новости дня"
    assert feed.entries[0].title == "Правительство утвердило новый бюджет на следующий год"


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("iso-8859-1-declared.xml", None),
        ("iso-8859-1-undeclared.xml", None),
        ("iso-8859-1-undeclared.xml", "text/xml; charset=iso-8859-1"),
    ],
)
def test_iso_8859_1(name, content_type):
    feed = parse(name, content_type=content_type)
    assert feed.title == "Café de la Presse"
    assert feed.entries[0].title == "Élections: les résultats de la soirée à Genève"
    assert feed.entries[0].summary == "Déjà vu à Zürich, señor."


def test_undeclared_encoding_is_noted_as_bozo():
    assert "encoding not declared" in parse("windows-1251-undeclared.xml").bozo
    assert parse("windows-1251-declared.xml").bozo is None


def test_utf16_feed():
    body = '<?xml version="1.0" encoding="utf-16"?><rss version="2.0"><channel><title>Ünïcode</title>'
    body += "<item><title>x</title></item></channel></rss>"
    assert parse_feed(body.encode("utf-16")).title == "Ünïcode"


def test_html_page_is_rejected_with_its_feeds():
    error = reject("page.html", "https://daily.example.com/")
    assert str(error).startswith("not a feed: looks like an HTML page")
    assert "https://daily.example.com/rss.xml" in str(error)
    assert error.alternates[0] == "https://daily.example.com/rss.xml"


def test_html_page_without_feeds():
    with pytest.raises(FeedError, match=r"^not a feed: looks like an HTML page$"):
        parse_feed(b"<html><head><title>Hi</title></head><body><p>x</p></body></html>", "https://e.com/")


def test_empty_body():
    assert str(reject("empty.xml")) == "empty body"
    with pytest.raises(FeedError, match="empty body"):
        parse_feed(b"  \r\n\t ")


def test_not_xml_and_foreign_xml():
    assert str(reject("not-xml.txt")) == "not a feed: no XML or JSON markup"
    assert str(reject("other-xml.xml")) == "not a feed: <error> is not RSS, Atom, RDF or CDF"


def test_truncated_feed_keeps_what_was_recovered():
    feed = parse("truncated.xml")
    assert feed.title == "Cut short"
    assert feed.entries[0].url == "https://cut.example.com/1"
    assert feed.bozo.startswith("ill-formed XML at line")


def test_truncated_before_anything_is_rejected():
    assert str(reject("truncated-early.xml")).startswith("ill-formed XML at line 3:")


@pytest.mark.parametrize("name", ["billion-laughs.xml", "billion-laughs-oneline.xml", "quadratic-blowup.xml"])
def test_entity_expansion_attacks_are_refused(name):
    assert str(reject(name)).startswith("unsafe XML:")


def test_too_many_entity_declarations_are_refused():
    declarations = "".join(f'<!ENTITY e{i} "x">\n' for i in range(40))
    body = f"<!DOCTYPE rss [\n{declarations}]>\n<rss><channel><title>t</title></channel></rss>"
    with pytest.raises(FeedError, match="declares 40 entities"):
        parse_feed(body.encode())


@pytest.mark.parametrize("name", ["external-entity.xml", "external-entity-oneline.xml"])
def test_external_entities_are_never_loaded(name):
    secret = Path("/etc/passwd").read_text() if Path("/etc/passwd").exists() else "root:"
    try:
        feed = parse(name)
    except FeedError:
        return
    dump = repr(feed)
    assert "root:" not in dump
    assert secret[:20] not in dump
    assert feed.entries[0].title.startswith("Item")


def test_small_internal_entities_still_work():
    feed = parse("internal-entity.xml")
    assert feed.title == "Example Site news"
    assert feed.entries[0].title == "Hello from Example Site"


def test_body_that_names_a_local_file_is_not_opened():
    # feedparser.parse() treats bytes as a file name first; parse_feed must never do that.
    with pytest.raises(FeedError):
        parse_feed(str(TESTDATA / "rss20.xml").encode())


def test_non_ascii_encoding_name_in_declaration():
    with pytest.raises(FeedError, match="declaration"):
        parse_feed(b'<?xml version="1.0" encoding="\x82\xa0"?><rss><channel><title>t</title></channel></rss>')


def test_empty_cdf_channel_is_a_feed():
    feed = parse_feed(b'<CHANNEL HREF="http://www.example.org/"><TITLE>Example</TITLE></CHANNEL>')
    assert feed.kind == "cdf" and feed.title == "Example"


@pytest.mark.skipif(not FEEDS_DEV.is_dir(), reason="feedparser's test documents are not available")
def test_feedparser_corpus_sample_never_raises_anything_but_feed_error():
    paths = sorted(p for p in FEEDS_DEV.rglob("*") if p.suffix in (".xml", ".json"))
    sample = random.Random(20240601).sample(paths, min(300, len(paths)))
    parsed = 0
    for path in sample:
        try:
            parse_feed(path.read_bytes(), "http://127.0.0.1:8097/" + path.name)
            parsed += 1
        except FeedError as exc:
            assert not str(exc).startswith("internal parser error"), f"{path}: {exc}"
    assert parsed > len(sample) * 0.9


def test_rss_author_addresses_give_the_name_or_nothing():
    feed = parse("rss20-author-addresses.xml", "https://riverside.example/feed")
    authors = [entry.author for entry in feed.entries]
    # "address (Name)", an address alone (no name: the entry has no author), "Name <address>", "By Name"
    assert authors == ["Hannah Bell", None, "Hannah Bell", "Tom Ashworth"]
