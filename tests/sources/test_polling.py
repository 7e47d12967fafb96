"""Polling against a real local HTTP server: conditional GET, pipeline, health, back-off, bad input."""

from __future__ import annotations

import pytest
from django.utils import timezone

from gazette.articles.models import Article
from gazette.jobs.engine import jobs_drain
from gazette.jobs.models import QueuedTask
from gazette.sources.models import FilterRule, PollEvent, Source
from gazette.sources.polling import poll_due, sources_poll
from tests.sources.feedkit import BODY, article_page, rss

# The poller writes from its own database thread, so tests cannot hide inside one transaction.
pytestmark = pytest.mark.django_db(transaction=True)


def serve_feed(
    server,
    n: int = 3,
    prefix: str = "story",
    feed_path: str = "/feed.xml",
    etag: str = '"v1"',
    page_delay: float = 0.0,
):
    items = []
    for i in range(n):
        path = f"/news/{prefix}-{i}.html"
        title = f"Ferry terminal delayed again, report {prefix} {i}"
        paragraphs = [f"Report {prefix} {i}. " + BODY[0], *BODY[1:]]
        server.route(
            path,
            article_page(title, paragraphs, canonical=server.url(path)),
            headers={"Content-Type": "text/html"},
            delay=page_delay,
        )
        items.append(
            {
                "guid": f"{prefix}-{i}",
                "link": server.url(path) + "?utm_source=rss&utm_medium=feed",
                "title": title,
                "summary": "The harbour authority said the terminal would open in spring.",
            }
        )
    server.route(feed_path, rss(items), etag=etag, headers={"Content-Type": "application/rss+xml"})
    return items


def make_source(server, path: str = "/feed.xml", **kwargs) -> Source:
    return Source.objects.create(feed_url=server.url(path), next_poll_at=timezone.now(), **kwargs)


def test_poll_fetches_pages_extracts_and_stores(http_server, ingest_settings):
    serve_feed(http_server)
    source = make_source(http_server)
    summary = poll_due()
    assert summary.polled == 1 and summary.failed == 0 and summary.new_articles == 3
    assert jobs_drain(queues=["fetch"]) == 3
    article = Article.objects.get(guid="story-1")
    assert article.canonical_url == http_server.url("/news/story-1.html")  # tracking parameters gone
    assert "pier foundations" in article.content_text
    assert "Sign in to access your portfolio" not in article.content_text
    assert "Share on Facebook" not in article.content_text
    assert article.raw.html.startswith(b"<!doctype html>")
    assert article.extractor and article.extractor != "feed" and not article.page_pending
    source.refresh_from_db()
    assert source.name == "Test Post" and source.health == "ok" and source.etag == '"v1"'
    assert source.next_poll_at > timezone.now()


def test_a_poll_of_slow_pages_stores_every_item_at_once_then_the_pages_fill_in(http_server, ingest_settings):
    items = serve_feed(http_server, n=3, page_delay=1.0)
    make_source(http_server)
    summary = poll_due()
    assert summary.failed == 0 and summary.new_articles == 3
    assert not [r for r in http_server.requests if r.path.startswith("/news/")]  # no page asked for yet
    stored = Article.objects.order_by("guid")
    assert [a.guid for a in stored] == [i["guid"] for i in items]
    for article in stored:  # on the site with the feed's excerpt, waiting for its page
        assert article.page_pending and "terminal would open in spring" in article.summary
        assert article.enriched_at is None
    # Enrichment and summaries wait for the page; only the page fetches are queued.
    queued = sorted(QueuedTask.objects.values_list("queue", flat=True))
    assert queued == ["fetch"] * 3
    assert jobs_drain(queues=["fetch"]) == 3
    assert not Article.objects.filter(page_pending=True).exists()
    assert all("pier foundations" in a.content_text for a in Article.objects.all())


def test_the_pages_fill_in_and_queue_what_follows(http_server, ingest_settings):
    serve_feed(http_server, n=2)
    make_source(http_server)
    poll_due()
    assert jobs_drain(queues=["fetch"]) == 2
    for article in Article.objects.all():
        assert not article.page_pending and article.page_error == ""
        assert "bedrock beneath the old quay" in article.content_text and article.raw.status == 200
    queued = sorted(QueuedTask.objects.values_list("queue", flat=True))
    assert queued == ["ai", "ai", "enrich", "enrich"]  # one of each per page stored


def test_second_poll_is_conditional_and_stores_nothing_twice(http_server, ingest_settings):
    serve_feed(http_server)
    source = make_source(http_server)
    sources_poll([source])
    first = Article.objects.count()
    sources_poll([Source.objects.get(pk=source.pk)])
    feed_requests = http_server.requests_for("/feed.xml")
    assert feed_requests[-1].headers.get("if-none-match") == '"v1"'
    assert Article.objects.count() == first
    source.refresh_from_db()
    assert source.last_status == 304 and source.consecutive_errors == 0


def test_changed_feed_adds_only_new_entries(http_server, ingest_settings):
    serve_feed(http_server, n=2)
    source = make_source(http_server)
    sources_poll([source])
    serve_feed(http_server, n=4, etag='"v2"')
    summary = sources_poll([Source.objects.get(pk=source.pk)])
    assert summary.new_articles == 2
    assert Article.objects.count() == 4


def test_full_content_feed_needs_no_page_fetch(http_server, ingest_settings):
    content = "".join(f"<p>{p}</p>" for p in BODY * 2)
    http_server.route(
        "/full.xml",
        rss(
            [
                {
                    "guid": "f1",
                    "link": http_server.url("/never-fetched.html"),
                    "title": "Full text item",
                    "summary": "teaser",
                    "content": content,
                }
            ]
        ),
    )
    make_source(http_server, "/full.xml")
    poll_due()
    article = Article.objects.get(guid="f1")
    assert article.extractor == "feed" and "bedrock" in article.content_text
    assert http_server.requests_for("/never-fetched.html") == []


def test_filter_rules_drop_and_keep(http_server, ingest_settings):
    serve_feed(http_server, n=3)
    source = make_source(http_server)
    FilterRule.objects.create(source=source, action="drop", field="title", pattern="story 1")
    FilterRule.objects.create(
        source=None, action="drop", field="url", pattern=r"story-2\.html", is_regex=True
    )
    poll_due()
    assert set(Article.objects.values_list("guid", flat=True)) == {"story-0"}


def test_exact_copy_in_another_feed_is_marked_duplicate(http_server, ingest_settings):
    content = "".join(f"<p>{p}</p>" for p in BODY * 2)
    for name in ("a", "b"):
        http_server.route(
            f"/{name}.xml",
            rss(
                [
                    {
                        "guid": f"{name}1",
                        "link": http_server.url(f"/{name}/copy.html"),
                        "title": f"Wire copy {name}",
                        "summary": "teaser",
                        "content": content,
                    }
                ]
            ),
        )
    first = make_source(http_server, "/a.xml")
    sources_poll([first])
    sources_poll([make_source(http_server, "/b.xml")])
    a, b = Article.objects.get(guid="a1"), Article.objects.get(guid="b1")
    assert b.duplicate_of == a and a.duplicate_of is None


def test_article_page_failure_keeps_feed_text_and_notes_it(http_server, ingest_settings):
    http_server.route(
        "/teaser.xml",
        rss(
            [
                {
                    "guid": "t1",
                    "link": http_server.url("/missing.html"),
                    "title": "Teaser only",
                    "summary": "Only a teaser survives when the page is gone.",
                }
            ]
        ),
    )
    source = make_source(http_server, "/teaser.xml")
    poll_due()
    jobs_drain(queues=["fetch"])
    article = Article.objects.get(guid="t1")
    assert "teaser" in article.summary and not article.page_pending
    assert "missing.html" in article.page_error and "404" in article.page_error
    event = PollEvent.objects.get(source=source, error__contains="article page")
    assert "missing.html" in event.error and "404" in event.error


BAD_INPUTS = {
    "ill-formed xml": dict(body=b'<?xml version="1.0"?><rss><<<>>>'),
    "html as feed": dict(
        body=b"<!doctype html><html><head><title>Home</title></head><body><p>hi</p></body></html>",
        headers={"Content-Type": "text/html"},
    ),
    "empty body": dict(body=b""),
    "not found": dict(body=b"gone", status=404),
    "gone": dict(body=b"gone", status=410),
    "server error": dict(body=b"oops", status=503),
    "binary junk": dict(body=bytes(range(256)) * 40),
    "xml bomb": dict(
        body=(
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            + b"".join(
                b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                for i in range(1, 10)
            )
            + b']><rss version="2.0"><channel><title>&lol9;</title></channel></rss>'
        )
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_feed_records_error_backs_off_and_loses_nothing(http_server, ingest_settings, case):
    serve_feed(http_server, n=2)
    source = make_source(http_server)
    sources_poll([source])
    stored = set(Article.objects.values_list("pk", flat=True))
    http_server.route("/feed.xml", **BAD_INPUTS[case])
    healthy = serve_feed(http_server, n=1, prefix="other", feed_path="/other.xml")
    other = make_source(http_server, "/other.xml")
    source.refresh_from_db()
    before = timezone.now()
    summary = sources_poll([source, other])
    source.refresh_from_db()
    assert summary.failed == 1, summary.errors
    assert source.consecutive_errors == 1 and source.health == "failing"
    assert source.last_error and "\n" not in source.last_error and "Traceback" not in source.last_error
    assert source.next_poll_at > before
    assert stored <= set(Article.objects.values_list("pk", flat=True))
    assert Article.objects.filter(source=other).count() == len(healthy)


def test_backoff_grows_with_consecutive_errors(http_server, ingest_settings):
    http_server.route("/feed.xml", b"nope", status=500)
    source = make_source(http_server)
    delays = []
    for _ in range(4):
        before = timezone.now()
        sources_poll([source])
        source.refresh_from_db()
        delays.append((source.next_poll_at - before).total_seconds())
    assert source.consecutive_errors == 4
    assert delays[0] < delays[1] < delays[2] < delays[3]
    assert max(delays) <= ingest_settings.max_backoff + 5


@pytest.mark.parametrize(
    "case, expect",
    [("timeout", "timeout"), ("redirect loop", "redirect"), ("huge body", "larger"), ("gzip bomb", "larger")],
)
def test_network_trouble_is_reported_plainly(http_server, ingest_settings, settings, case, expect):
    settings.GAZETTE_INGEST = type(ingest_settings)(
        **{**ingest_settings.__dict__, "fetch_timeout": 0.5, "max_response_bytes": 64 * 1024}
    )
    if case == "timeout":
        http_server.route("/feed.xml", b"<rss/>", delay=3)
    elif case == "redirect loop":
        http_server.redirect("/feed.xml", http_server.url("/loop.xml"))
        http_server.redirect("/loop.xml", http_server.url("/feed.xml"))
    elif case == "huge body":
        http_server.route("/feed.xml", stream_size=10 * 1024 * 1024)
    else:
        http_server.gzip_bomb("/feed.xml", size=50 * 1024 * 1024)
    source = make_source(http_server)
    sources_poll([source])
    source.refresh_from_db()
    assert expect in source.last_error.lower()
    assert source.consecutive_errors == 1


def test_private_addresses_refused_by_default(http_server, settings):
    serve_feed(http_server)
    source = make_source(http_server)
    sources_poll([source])
    source.refresh_from_db()
    assert "refused" in source.last_error and Article.objects.count() == 0
    assert http_server.requests_for("/feed.xml") == []


def test_recoverable_feed_is_stored_with_its_problem_noted(http_server, ingest_settings):
    body = rss([{"guid": "r1", "link": http_server.url("/r1.html"), "title": "Recovered", "summary": "s"}])
    http_server.route("/r1.html", article_page("Recovered", BODY))
    http_server.route("/feed.xml", body.replace("</channel></rss>", "</chanel>"))
    source = make_source(http_server)
    sources_poll([source])
    source.refresh_from_db()
    assert source.health == "ok" and Article.objects.filter(guid="r1").exists()
    assert "ill-formed" in PollEvent.objects.get(source=source).error


def test_a_backlog_is_stored_in_batches_from_one_fetch_of_the_feed(http_server, ingest_settings, monkeypatch):
    monkeypatch.setattr("gazette.sources.polling.MAX_NEW_ENTRIES_PER_POLL", 2)
    serve_feed(http_server, n=5)
    source = make_source(http_server)
    assert poll_due().new_articles == 5
    assert len(http_server.requests_for("/feed.xml")) == 1
    assert PollEvent.objects.filter(source=source, new_articles__gt=0).count() == 3  # one per batch
    source.refresh_from_db()
    assert source.etag == '"v1"' and source.claimed_at is None and source.next_poll_at > timezone.now()


def test_a_backlog_over_the_time_budget_is_taken_over_several_polls(
    http_server, ingest_settings, monkeypatch
):
    monkeypatch.setattr("gazette.sources.polling.MAX_NEW_ENTRIES_PER_POLL", 2)
    monkeypatch.setattr("gazette.sources.polling.BACKLOG_BUDGET", 0.0)
    serve_feed(http_server, n=5)
    make_source(http_server)
    counts = [poll_due().new_articles for _ in range(4)]
    assert counts == [2, 2, 1, 0]
    assert Article.objects.count() == 5
