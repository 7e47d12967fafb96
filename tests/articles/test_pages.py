"""The fetch stage against a real local HTTP server: one article's page read after its poll, once,
retried when worth it, its failure kept where the operator sees it, a page naming a stored URL kept."""

from __future__ import annotations

from datetime import timedelta

import pytest
from aiohttp import web
from django.utils import timezone

from gazette.articles.models import Article
from gazette.jobs.engine import RETRIES, jobs_drain
from gazette.jobs.models import JobFailure, QueuedTask
from gazette.jobs.stages import article_fetch_job, work_sweep
from gazette.sources.models import PollEvent, Source
from gazette.sources.polling import poll_due
from tests.sources.feedkit import BODY, article_page, rss

pytestmark = pytest.mark.django_db(transaction=True)

TEASER = "The harbour authority said the terminal would open in spring."


def teaser_feed(server, links: dict[str, str], *, path: str = "/feed.xml") -> Source:
    """A teaser feed with one item per guid → page path; the source that follows it."""
    items = [
        {"guid": guid, "link": server.url(page), "title": f"Ferry terminal {guid}", "summary": TEASER}
        for guid, page in links.items()
    ]
    server.route(path, rss(items), headers={"Content-Type": "application/rss+xml"})
    return Source.objects.create(feed_url=server.url(path), next_poll_at=timezone.now())


def serve_page(server, path: str, *, canonical: str | None = None, **kwargs) -> None:
    page = article_page("Ferry terminal", [f"Page {path}. " + BODY[0], *BODY[1:]], canonical=canonical)
    server.route(path, page, headers={"Content-Type": "text/html"}, **kwargs)


def _row(article: Article) -> dict:
    fields = ["canonical_url", "content_text", "content_html", "extractor", "content_hash", "page_pending"]
    return {name: getattr(article, name) for name in fields}


def test_a_fetch_job_run_twice_changes_nothing_the_second_time(http_server, ingest_settings):
    serve_page(http_server, "/a.html")
    teaser_feed(http_server, {"a": "/a.html"})
    poll_due()
    article = Article.objects.get()
    QueuedTask.objects.all().delete()
    article_fetch_job.call_local(article.pk)
    first = _row(Article.objects.get())
    queued = QueuedTask.objects.count()
    assert "pier foundations" in first["content_text"] and queued == 2  # its enrich and summary
    article_fetch_job.call_local(article.pk)
    assert _row(Article.objects.get()) == first
    assert QueuedTask.objects.count() == queued
    assert len(http_server.requests_for("/a.html")) == 1


def test_a_page_that_is_gone_is_not_asked_for_again_and_the_feed_text_stays(http_server, ingest_settings):
    teaser_feed(http_server, {"gone": "/gone.html"})  # no route: a 404
    poll_due()
    jobs_drain(queues=["fetch"])
    article = Article.objects.get()
    assert not article.page_pending and "404" in article.page_error
    assert TEASER in article.summary and article.extractor == "feed"
    assert len(http_server.requests_for("/gone.html")) == 1
    assert PollEvent.objects.filter(error__contains="gone.html").count() == 1
    assert not JobFailure.objects.exists()
    # It goes on with its feed's text: enrichment and its summary are queued.
    assert sorted(QueuedTask.objects.values_list("queue", flat=True)) == ["ai", "enrich"]


def test_a_failing_page_is_retried_then_kept_with_its_error(http_server, ingest_settings):
    serve_page(http_server, "/busy.html", status=503)
    teaser_feed(http_server, {"busy": "/busy.html"})
    poll_due()
    jobs_drain(queues=["fetch"])  # runs each retry at once, without its back-off
    assert len(http_server.requests_for("/busy.html")) == RETRIES + 1
    article = Article.objects.get()
    assert not article.page_pending and "503" in article.page_error and TEASER in article.summary
    failure = JobFailure.objects.get()
    assert failure.queue == "fetch" and "503" in failure.error and str(article.pk) in failure.args
    assert PollEvent.objects.filter(error__contains="busy.html").count() == 1


def test_a_page_that_recovers_before_the_last_try_is_stored(http_server, ingest_settings):
    page = article_page("Ferry terminal", BODY).encode()
    answers = iter([503, 503])

    async def recovering(request: web.Request) -> web.Response:
        status = next(answers, 200)
        return web.Response(status=status, body=page if status == 200 else b"busy", content_type="text/html")

    http_server.route("/late.html", handler=recovering)
    teaser_feed(http_server, {"late": "/late.html"})
    poll_due()
    assert jobs_drain(queues=["fetch"]) == 3
    article = Article.objects.get()
    assert (
        not article.page_pending and article.page_error == "" and "pier foundations" in article.content_text
    )
    assert not JobFailure.objects.exists() and not PollEvent.objects.filter(error__contains="late").exists()


def test_a_page_naming_a_stored_articles_url_keeps_its_row_as_a_copy(http_server, ingest_settings):
    serve_page(http_server, "/a.html", canonical=http_server.url("/a.html"))
    serve_page(http_server, "/a-amp.html", canonical=http_server.url("/a.html"))
    teaser_feed(http_server, {"a": "/a.html", "a-amp": "/a-amp.html"})
    poll_due()
    assert Article.objects.count() == 2
    assert jobs_drain(queues=["fetch"]) == 2
    a, amp = Article.objects.get(guid="a"), Article.objects.get(guid="a-amp")
    assert a.canonical_url == http_server.url("/a.html") and a.duplicate_of is None
    assert amp.canonical_url == http_server.url("/a-amp.html")  # its own URL, the other's is taken
    assert amp.duplicate_of == a and not amp.page_pending and "pier foundations" in amp.content_text
    assert not JobFailure.objects.exists()


def test_a_full_text_feed_queues_no_page_fetch(http_server, ingest_settings):
    content = "".join(f"<p>{p}</p>" for p in BODY * 2)
    item = {
        "guid": "f",
        "link": http_server.url("/f.html"),
        "title": "Full",
        "summary": "s",
        "content": content,
    }
    http_server.route("/full.xml", rss([item]))
    Source.objects.create(feed_url=http_server.url("/full.xml"), next_poll_at=timezone.now())
    poll_due()
    article = Article.objects.get()
    assert not article.page_pending and article.extractor == "feed"
    assert sorted(QueuedTask.objects.values_list("queue", flat=True)) == ["ai", "enrich"]


def test_the_sweep_queues_again_a_lost_fetch_and_nothing_after_it(http_server, ingest_settings):
    serve_page(http_server, "/a.html")
    teaser_feed(http_server, {"a": "/a.html"})
    poll_due()
    QueuedTask.objects.all().delete()  # the fetch job lost with a killed worker
    Article.objects.update(fetched_at=timezone.now() - timedelta(hours=1))
    queued = work_sweep(older_than=timedelta(minutes=5))
    assert queued["fetch"] == 1 and queued["enrich"] == 0 and queued["summary"] == 0
    assert list(QueuedTask.objects.values_list("queue", flat=True)) == ["fetch"]
    jobs_drain(queues=["fetch"])
    assert "pier foundations" in Article.objects.get().content_text
