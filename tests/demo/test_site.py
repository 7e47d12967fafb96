import html
import json
import urllib.request
from datetime import UTC, datetime, timedelta
from urllib.error import HTTPError

import feedparser
import pytest
from lxml import etree

from gazette.demo.server import DemoServer
from gazette.demo.site import CORPUS_DIR, DemoSite
from gazette.stories.topics import TOPICS

NOW = datetime(2025, 3, 14, 12, 0, tzinfo=UTC)
BASE = "http://demo.test"
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture(scope="module")
def site():
    return DemoSite(BASE, now=NOW)


def _events():
    for path in sorted(CORPUS_DIR.glob("events_*.json")):
        yield from json.loads(path.read_text("utf-8"))


def _get(site, url):
    status, content_type, body = site.render(url.removeprefix(BASE))
    assert status == 200
    return content_type, body


def _feed_links(site, outlet):
    content_type, body = _get(site, site.feed_url(outlet["slug"]))
    if outlet["feed_format"] == "json":
        assert content_type == "application/feed+json"
        return [item["url"] for item in json.loads(body)["items"]]
    if outlet["feed_format"] == "sitemap":
        return etree.fromstring(body).xpath("//s:url/s:loc/text()", namespaces=SITEMAP_NS)
    parsed = feedparser.parse(body)
    assert not parsed.bozo, parsed.bozo_exception
    assert parsed.feed.title == outlet["name"]
    return [entry.link for entry in parsed.entries]


def test_corpus_has_all_eight_outlets(site):
    slugs = {o["slug"] for o in site.outlets()}
    assert slugs == {
        "harbor-ledger",
        "meridian-wire",
        "northgate-times",
        "civic-post",
        "pinewood-herald",
        "lumen-business",
        "techfront",
        "evening-courier",
    }
    assert {o["feed_format"] for o in site.outlets()} == {"rss2", "atom", "json", "rdf", "sitemap"}


def test_article_ids_unique_across_event_files():
    ids = [a["id"] for event in _events() for a in event["articles"]]
    assert len(ids) == len(set(ids))
    assert len(ids) >= 52


def test_articles_are_well_formed(site):
    outlets = {o["slug"] for o in site.outlets()}
    for event in _events():
        assert event["topic"] in TOPICS, event["event"]
        for article in event["articles"]:
            assert article["outlet"] in outlets, article["id"]
            assert article["headline"] and article["summary"], article["id"]
            assert 4 <= len(article["paragraphs"]) <= 8, article["id"]
            assert 0 <= article["age_minutes"] <= 4320, article["id"]


def test_copies_reference_existing_wire_originals():
    by_id = {a["id"]: a for event in _events() for a in event["articles"]}
    copies = [a for a in by_id.values() if a["copy_of"]]
    assert copies
    for copy in copies:
        original = by_id[copy["copy_of"]]
        assert original["outlet"] == "meridian-wire"
        assert copy["outlet"] != "meridian-wire"
        assert copy["headline"] != original["headline"]


def test_every_feed_parses_and_lists_its_outlets_articles(site):
    for outlet in site.outlets():
        links = _feed_links(site, outlet)
        expected = [a for a in site.articles() if a["outlet"] == outlet["slug"]]
        assert expected, outlet["slug"]
        if outlet["feed_format"] == "sitemap":
            assert sorted(links) == sorted(a["url"] for a in expected)
        else:
            assert sorted(links) == sorted(a["feed_link"] for a in expected)
            assert all("utm_source=rss" in link for link in links)


def test_full_feeds_carry_the_whole_text_and_teaser_feeds_do_not(site):
    for outlet in site.outlets():
        if outlet["feed_format"] == "sitemap":
            continue
        _, body = _get(site, site.feed_url(outlet["slug"]))
        article = next(a for a in site.articles() if a["outlet"] == outlet["slug"])
        last = html.escape(article["paragraphs"][-1], quote=False)
        text = body.decode()
        if outlet["feed_format"] == "json":
            text = json.dumps(json.loads(body)["items"], ensure_ascii=False)
            last = article["paragraphs"][-1]
        elif outlet["feed_format"] == "atom":
            last = html.escape(last, quote=False)
        assert (last in text) == (outlet["feed_content"] == "full"), outlet["slug"]


def test_article_pages_contain_every_paragraph_and_metadata(site):
    for article in site.articles():
        content_type, body = _get(site, article["feed_link"])
        assert content_type.startswith("text/html")
        page = body.decode()
        for paragraph in article["paragraphs"]:
            assert html.escape(paragraph, quote=False) in page, (article["id"], paragraph[:40])
        assert f'<link rel="canonical" href="{article["url"]}">' in page
        assert 'property="article:published_time"' in page
        assert '"@type": "NewsArticle"' in page
        assert "ADVERTISEMENT" in page


BODY_WRAPPERS = {
    "harbor-ledger": '<div class="story__content"',
    "meridian-wire": '<div class="article-text" itemprop="articleBody">',
    "northgate-times": '<section class="content">',
    "civic-post": '<div class="story-body">',
    "pinewood-herald": '<div class="storytext">',
    "lumen-business": '<div class="article-body__content caas-body">',
    "techfront": '<div class="entry-content">',
    "evening-courier": '<div class="article-body">',
}


def test_layouts_differ_between_outlets(site):
    pages = {slug: _get(site, site.outlet_articles(slug)[0]["url"])[1].decode() for slug in BODY_WRAPPERS}
    for slug, wrapper in BODY_WRAPPERS.items():
        assert [other for other, page in pages.items() if wrapper in page] == [slug]


def test_finance_pages_carry_market_junk(site):
    article = site.outlet_articles("lumen-business")[0]
    page = _get(site, article["url"])[1].decode()
    assert "Sign in to access your portfolio" in page
    assert "Error in retrieving data" in page


def test_timestamps_fall_within_three_days_of_now(site):
    for article in site.articles():
        assert NOW - timedelta(days=3) <= article["published"] <= NOW
        assert article["url"] == f"{BASE}/{article['outlet']}/{article['topic'].lower()}/{article['id']}.html"


def test_article_urls_stay_the_same_when_the_demo_starts_again_later():
    later = DemoSite(BASE, now=NOW + timedelta(days=1, hours=5))
    assert [a["url"] for a in later.articles()] == [a["url"] for a in DemoSite(BASE, now=NOW).articles()]
    # A link stored by an earlier version, with the date in its path, still opens the article.
    article = later.articles()[0]
    old_link = f"/{article['outlet']}/2026/12/07/{article['id']}.html"
    assert later.render(old_link) is not None


def test_homepage_links_feed_and_favicon(site):
    for outlet in site.outlets():
        page = _get(site, f"{BASE}/{outlet['slug']}/")[1].decode()
        assert site.feed_url(outlet["slug"]) in page
        assert f"/{outlet['slug']}/favicon.svg" in page
        assert _get(site, f"{BASE}/{outlet['slug']}/favicon.svg")[0] == "image/svg+xml"


def test_lead_images_are_served(site):
    article = next(a for a in site.articles() if a["image_url"])
    content_type, body = _get(site, article["image_url"])
    assert content_type == "image/svg+xml"
    etree.fromstring(body)


def test_opml_lists_every_feed(site):
    tree = etree.fromstring(site.opml().encode())
    assert sorted(tree.xpath("//outline/@xmlUrl")) == sorted(site.feed_urls())


def test_unknown_paths_are_not_found(site):
    assert site.render("/nowhere/") is None
    assert site.render("/harbor-ledger/2025/01/01/no-such-story.html") is None
    assert site.render("/harbor-ledger/world/no-such-story.html") is None
    assert site.render("/civic-post/sitemap-news.xml") is None


def test_rendering_is_deterministic():
    first, second = DemoSite(BASE, now=NOW), DemoSite(BASE, now=NOW)
    for article in first.articles()[:10]:
        assert first.render(article["url"]) == second.render(article["url"])


def test_server_serves_pages_and_answers_conditional_requests():
    with DemoServer(now=NOW) as server:
        feed_url = server.site.feed_url("harbor-ledger")
        with urllib.request.urlopen(feed_url) as response:
            assert response.status == 200
            etag, modified = response.headers["ETag"], response.headers["Last-Modified"]
            assert feedparser.parse(response.read()).entries
        for header, value in (("If-None-Match", etag), ("If-Modified-Since", modified)):
            request = urllib.request.Request(feed_url, headers={header: value})
            with pytest.raises(HTTPError) as caught:
                urllib.request.urlopen(request)
            assert caught.value.code == 304
        article = server.site.articles()[0]
        with urllib.request.urlopen(article["feed_link"]) as response:
            assert html.escape(article["paragraphs"][0], quote=False) in response.read().decode()
        with pytest.raises(HTTPError) as caught:
            urllib.request.urlopen(server.base_url + "/missing")
        assert caught.value.code == 404
