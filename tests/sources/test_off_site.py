"""A feed whose items link to other outlets' articles: they are kept, but never keep those outlets out."""

from __future__ import annotations

import pytest
from django.utils import timezone

from gazette.articles.models import Article
from gazette.jobs.engine import jobs_drain
from gazette.sources.models import Source
from gazette.sources.polling import sources_poll as poll_only
from tests.httpserver import LocalHTTPServer
from tests.sources.feedkit import BODY, article_page, rss

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def servers():
    """Three publishers, each on its own port of 127.0.0.1: three sites, as no domain covers them."""
    with LocalHTTPServer() as one, LocalHTTPServer() as two, LocalHTTPServer() as three:
        yield one, two, three


def serve_outlet(server, name: str) -> str:
    """An outlet's feed with one article whose page is served too; returns the article's URL."""
    url = server.url(f"/news/{name}.html")
    title = f"{name} reports the ferry terminal opens in spring"
    server.route(f"/news/{name}.html", article_page(title, [f"{name}: {BODY[0]}", *BODY[1:]], canonical=url))
    items = [{"guid": f"{name}-1", "link": url, "title": title, "summary": "The terminal opens later."}]
    server.route("/feed.xml", rss(items, title=name, link=server.url("/")), etag='"o1"')
    return url


def serve_digest(server, links: list[str], etag: str) -> None:
    """A link site's feed: every item points at another outlet's article."""
    items = [
        {"guid": f"digest-{i}", "link": link, "title": f"Read this ({i})", "summary": "Via the digest."}
        for i, link in enumerate(links)
    ]
    server.route("/feed.xml", rss(items, title="Link Digest", link=server.url("/")), etag=etag)


def sources_poll(sources: list[Source]) -> None:
    """A poll, then its articles' page fetches."""
    poll_only(sources)
    jobs_drain(queues=["fetch"])


def source(server) -> Source:
    return Source.objects.create(feed_url=server.url("/feed.xml"), next_poll_at=timezone.now())


def stored(url: str) -> dict[int, Article]:
    return {a.source_id: a for a in Article.objects.filter(canonical_url=url)}


def test_a_feed_linking_another_outlets_article_never_keeps_that_outlet_out(servers, ingest_settings):
    early_server, late_server, digest_server = servers
    early_url, late_url = serve_outlet(early_server, "Early"), serve_outlet(late_server, "Late")
    early, late, digest = source(early_server), source(late_server), source(digest_server)
    # The digest links both outlets' articles, once with a tracker; "Early" is polled before it,
    # "Late" after it.
    serve_digest(digest_server, [early_url, late_url + "?utm_source=digest"], etag='"d1"')
    sources_poll([early])
    sources_poll([digest])
    sources_poll([late])
    serve_digest(digest_server, [early_url, late_url], etag='"d2"')
    sources_poll([Source.objects.get(pk=digest.pk)])  # the same links again: nothing new

    # Linked first by the digest, Late's article is still stored when Late is polled, as its own.
    by_source = stored(late_url)
    assert set(by_source) == {late.pk, digest.pk}
    assert by_source[late.pk].guid == "Late-1" and not by_source[late.pk].off_site
    assert by_source[late.pk].duplicate_of is None  # the outlet's article is never the aggregator's copy
    assert by_source[digest.pk].off_site and "pier foundations" in by_source[digest.pk].content_text
    # Polled first, Early's article is the one stored under its URL; the digest added no copy.
    assert list(stored(early_url)) == [early.pk]
    assert stored(early_url)[early.pk].guid == "Early-1" and not stored(early_url)[early.pk].off_site
    assert Article.objects.filter(source=digest).count() == 1
    for each in (early, late, digest):
        each.refresh_from_db()
        assert each.health == "ok" and each.last_error == ""
