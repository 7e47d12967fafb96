"""The feed URLs: both formats for every list, 404s and 400s, caching and conditional GET."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gazette.feeds.urls import FEEDS

pytestmark = pytest.mark.django_db


def test_every_feed_in_both_formats(client, corpus):
    args = {
        "topic": ["world"],
        "source": [corpus.wire.pk],
        "entity": ["puerto-salinas"],
        "story": [corpus.story.pk],
    }
    for name, _, _ in FEEDS:
        for fmt, content_type in (("rss", "application/rss+xml"), ("atom", "application/atom+xml")):
            url = reverse(f"feeds:{name}_{fmt}", args=args.get(name, []))
            assert url.startswith("/feeds/") and url.endswith(f".{fmt}")
            response = client.get(url + ("?q=quake" if name == "search" else ""))
            assert response.status_code == 200, url
            assert response["Content-Type"].startswith(content_type)


@pytest.mark.parametrize(
    "url",
    [
        "/feeds/topic/no-such-topic.rss",
        "/feeds/entity/nobody.atom",
        "/feeds/source/4242.rss",
        "/feeds/story/4242.atom",
        "/feeds/source/abc.rss",
        "/feeds/top.json",
        "/feeds/top",
    ],
)
def test_unknown_feeds_are_404(client, db, url):
    assert client.get(url).status_code == 404


def test_search_feed_needs_a_query(client, db):
    for query in ("", "?q=", "?q=%20%20"):
        response = client.get(f"/feeds/search.rss{query}")
        assert response.status_code == 400
        assert b"needs a query" in response.content


def test_caching_and_conditional_get(client, corpus):
    response = client.get("/feeds/latest.rss")
    assert "public" in response["Cache-Control"] and "max-age=60" in response["Cache-Control"]
    assert response["Last-Modified"]
    assert client.get("/feeds/latest.rss", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    assert client.get("/feeds/latest.atom", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 200


def test_feeds_are_read_only(client, db):
    assert client.post("/feeds/latest.rss").status_code == 405
    assert client.head("/feeds/latest.rss").status_code == 200
