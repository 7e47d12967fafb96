"""Every feed in RSS 2.0 and Atom, read back with feedparser: the items, their fields, never the full text."""

from __future__ import annotations

from datetime import timedelta

import feedparser
import pytest

from tests.api.conftest import TAIL
from tests.web.factories import make_article, make_source, make_summary

pytestmark = pytest.mark.django_db

FORMATS = {"rss": ("rss20", "application/rss+xml"), "atom": ("atom10", "application/atom+xml")}


def read(client, url: str) -> feedparser.FeedParserDict:
    response = client.get(url)
    assert response.status_code == 200, (url, response.content[:300])
    fmt = url.split("?")[0].rsplit(".", 1)[1]
    version, content_type = FORMATS[fmt]
    assert response["Content-Type"].startswith(content_type)
    assert TAIL not in response.content.decode()
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == version
    return parsed


def entry_ids(parsed) -> list[int]:
    return [int(e.id.rstrip("/").rsplit("/", 1)[1]) for e in parsed.entries]


@pytest.fixture(params=["rss", "atom"])
def fmt(request) -> str:
    return request.param


def test_latest_items_carry_link_original_time_author_source_summary(client, corpus, fmt):
    parsed = read(client, f"/feeds/latest.{fmt}")
    assert parsed.feed.title == "Latest · Gazette"
    assert parsed.feed.link == "http://testserver/"
    if fmt == "atom":
        assert parsed.feed.id == "http://testserver/feeds/latest.atom"
        assert read(client, "/feeds/top.atom").feed.id == "http://testserver/feeds/top.atom"
    # Copies are left out, as in the site's lists.
    assert entry_ids(parsed) == [corpus.second.pk, corpus.original.pk, corpus.other.pk]
    entry = parsed.entries[1]
    assert entry.title == "Quake strikes Puerto Salinas"
    assert entry.link == f"http://testserver/article/{corpus.original.pk}/quake-strikes-puerto-salinas/"
    assert entry.id == f"http://testserver/article/{corpus.original.pk}/"
    via = [link.href for link in entry.links if link.rel == "via"]
    assert via == [corpus.original.url]
    assert entry.author == "Lucía Ferrer"
    assert entry.source.title == "Meridian Wire"
    assert entry.source.href if fmt == "rss" else entry.source.link
    source_feed = entry.source.get("href") or entry.source.get("link")
    assert source_feed == f"http://testserver/feeds/source/{corpus.wire.pk}.{fmt}"
    published = corpus.original.published_at.utctimetuple()
    assert tuple(entry.published_parsed)[:5] == tuple(published)[:5]
    assert entry.summary.startswith("A quake struck Puerto Salinas before dawn")
    assert len(entry.summary) <= 300
    assert "author" not in parsed.entries[0]


def test_summary_prefers_the_ai_summary(client, corpus, fmt):
    make_summary(corpus.original, sentences=["Dawn quake hits the port.", "The levee held."])
    parsed = read(client, f"/feeds/latest.{fmt}")
    entry = next(e for e in parsed.entries if e.title == "Quake strikes Puerto Salinas")
    assert entry.summary == "Dawn quake hits the port. The levee held."


def test_text_is_escaped_not_markup(client, db, fmt):
    make_article(
        make_source("Atlas & Sons"),
        title="Fish & chips <b>tax</b> rises",
        summary="<p>Cod &amp; <i>chips</i> cost more.</p>",
    )
    entry = read(client, f"/feeds/latest.{fmt}").entries[0]
    assert entry.title == "Fish & chips <b>tax</b> rises"
    assert entry.source.title == "Atlas & Sons"
    assert "<i>" not in entry.summary and "Cod &amp; chips cost more." in entry.summary


def test_top_stories(client, corpus, fmt):
    parsed = read(client, f"/feeds/top.{fmt}")
    assert parsed.feed.title == "Top stories · Gazette"
    # The one story, shown through the article whose headline it carries, as on the front page.
    assert entry_ids(parsed) == [corpus.original.pk]


def test_top_stories_before_any_story_exists(client, db, fmt):
    ledger, wire = make_source("The Harbor Ledger"), make_source("Meridian Wire")
    make_article(ledger, title="Earthquake strikes Puerto Salinas port")
    make_article(wire, title="Puerto Salinas earthquake: rescuers search rubble", ago=timedelta(minutes=40))
    make_article(wire, title="Markets close higher on tech rally", ago=timedelta(hours=5))
    titles = [e.title for e in read(client, f"/feeds/top.{fmt}").entries]
    assert titles[0] == "Earthquake strikes Puerto Salinas port"
    assert "Markets close higher on tech rally" in titles
    assert "Puerto Salinas earthquake: rescuers search rubble" not in titles


def test_topic_source_entity_story_feeds(client, corpus, fmt):
    topic = read(client, f"/feeds/topic/world.{fmt}")
    assert topic.feed.title == "World · Gazette" and topic.feed.link == "http://testserver/topic/world/"
    assert entry_ids(topic) == [corpus.second.pk, corpus.original.pk]
    source = read(client, f"/feeds/source/{corpus.ledger.pk}.{fmt}")
    assert source.feed.title == "The Harbor Ledger · Gazette"
    assert entry_ids(source) == [corpus.second.pk, corpus.other.pk]
    entity = read(client, f"/feeds/entity/puerto-salinas.{fmt}")
    assert entity.feed.link == "http://testserver/entity/puerto-salinas/"
    assert entry_ids(entity) == [corpus.second.pk, corpus.original.pk]
    story = read(client, f"/feeds/story/{corpus.story.pk}.{fmt}")
    assert story.feed.title == "Quake strikes Puerto Salinas · Gazette"
    assert story.feed.link == f"http://testserver/story/{corpus.story.pk}/"
    assert entry_ids(story) == [corpus.second.pk, corpus.original.pk]


def test_a_copy_never_brings_its_text(client, corpus, fmt):
    """The excerpt-only source's copy is in no list, and its own feed is empty."""
    herald = read(client, f"/feeds/source/{corpus.herald.pk}.{fmt}")
    assert herald.entries == []
    for url in ("latest", "top", f"story/{corpus.story.pk}", "search"):
        query = "?q=quake" if url == "search" else ""
        assert corpus.copy.pk not in entry_ids(read(client, f"/feeds/{url}.{fmt}{query}"))


def test_search_feed(client, corpus, fmt):
    parsed = read(client, f"/feeds/search.{fmt}?q=rubble")
    assert parsed.feed.title == "Search: rubble · Gazette"
    assert parsed.feed.link == "http://testserver/search?q=rubble"
    assert entry_ids(parsed) == [corpus.second.pk]
    both = read(client, f"/feeds/search.{fmt}?q=puerto")
    assert sorted(entry_ids(both)) == sorted([corpus.original.pk, corpus.second.pk])
    # The search page's filters apply.
    only_wire = read(client, f"/feeds/search.{fmt}?q=puerto&source={corpus.wire.pk}")
    assert entry_ids(only_wire) == [corpus.original.pk]
    assert read(client, f"/feeds/search.{fmt}?q=nothingmatchesthis").entries == []
