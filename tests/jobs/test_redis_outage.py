"""Redis (GAZETTE_CACHE_URL) stopped outright while the site serves and ingests: every page still
answers, ingestion goes on, and the operator is told once, in the log and in /metrics.

The site runs in this process (Django's test client) on a private redis-server the test kills; the
roles' own start-up would add minutes of collectstatic and prove nothing more about the cache.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
import redis
from django.test import Client, override_settings
from django.utils import timezone

from gazette.articles.models import Article
from gazette.demo.ingest import demo_sources_follow
from gazette.jobs.engine import jobs_drain
from gazette.jobs.stages import sources_claim_due
from gazette.sources.models import Source
from gazette.sources.polling import poll_runtime_close
from gazette.stories.models import Story, Topic
from tests.jobs.faultkit import Publishers
from tests.ops.scrape import scrape, value

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

BEFORE = ["harbor-ledger", "techfront"]  # ingested while Redis runs
AFTER = ["meridian-wire", "pinewood-herald"]  # and these once it is gone


def _pages() -> list[str]:
    """A page of every kind the site caches or renders from cached parts."""
    story = Story.objects.filter(merged_into__isnull=True).order_by("-pk").first()
    article = Article.objects.order_by("-pk").first()
    topic = Topic.objects.first()
    source = Source.objects.first()
    assert story and article and source
    pages = ["/", "/stories/", "/sources/", "/search?q=the", f"/story/{story.pk}/", f"/article/{article.pk}/"]
    pages.append(f"/source/{source.pk}/")
    if topic is not None:
        pages.append(f"/topic/{topic.slug}/")
    return pages


def _statuses(client: Client) -> dict[str, int]:
    return {page: client.get(page, HTTP_HOST="localhost").status_code for page in _pages()}


def _ingest(publishers: Publishers, slugs: list[str]) -> None:
    """Make these outlets due, then run their polls and every job that follows, here."""
    feeds = [publishers.site.feed_url(slug) for slug in slugs]  # type: ignore[union-attr]
    Source.objects.filter(feed_url__in=feeds).update(next_poll_at=timezone.now())
    assert sources_claim_due()
    try:
        jobs_drain()
    finally:
        poll_runtime_close()  # the poll jobs' HTTP client and extraction processes


def test_redis_gone_mid_ingestion_every_page_answers_and_ingestion_goes_on(
    redis_server, ingest_settings, settings, caplog
):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    caplog.set_level(logging.WARNING, logger="gazette.ops.cache")
    caches = {"default": {"BACKEND": "gazette.ops.cache.FallbackRedisCache", "LOCATION": redis_server.url}}
    client = Client()
    with override_settings(CACHES=caches), Publishers(BEFORE + AFTER) as publishers:
        assert publishers.site is not None
        demo_sources_follow(publishers.site)
        Source.objects.exclude(feed_url__in=publishers.feed_urls()).delete()
        Source.objects.update(next_poll_at=timezone.now() + timedelta(hours=1))
        _ingest(publishers, BEFORE)
        stored_before = Article.objects.count()
        assert stored_before > 0
        assert set(_statuses(client).values()) == {200}
        assert redis.Redis.from_url(redis_server.url).keys("*web:page*"), "pages were not cached in Redis"
        errors_before = value(scrape(client, HTTP_HOST="localhost"), "gazette_cache_errors_total")

        redis_server.kill()
        assert set(_statuses(client).values()) == {200}
        _ingest(publishers, AFTER)  # ingestion never touches the cache: it goes on as before
        assert Article.objects.count() > stored_before
        statuses = _statuses(client)  # now with pages of the new articles and stories
        assert set(statuses.values()) == {200}, statuses
        assert set(_statuses(client).values()) == {200}  # the second time from process memory

    expected = publishers.expected()
    articles = Article.objects.all()
    assert articles.count() == expected
    assert not articles.filter(enriched_at__isnull=True).exists()
    assert not articles.filter(membership__isnull=True).exists()
    assert not articles.filter(ai_summary__isnull=True).exclude(content_text="").exists()
    lines = [r.getMessage() for r in caplog.records if r.name == "gazette.ops.cache"]
    assert len(lines) == 1 and "unreachable" in lines[0], lines
    assert value(scrape(client, HTTP_HOST="localhost"), "gazette_cache_errors_total") > errors_before
