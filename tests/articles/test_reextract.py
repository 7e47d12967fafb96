"""Re-extraction runs the pipeline again over stored pages; an article whose text changed is enriched
and summarised again through the usual jobs, and stays in its story."""

from __future__ import annotations

import pytest
from django.utils import timezone

from gazette.ai.models import ArticleSummary
from gazette.articles.models import Article
from gazette.articles.reextract import articles_reextract
from gazette.jobs.engine import jobs_drain
from gazette.jobs.stages import sources_claim_due
from gazette.sources.models import Source
from gazette.stories.models import ArticleEntity, StoryMember
from tests.sources.feedkit import BODY, article_page, rss

pytestmark = pytest.mark.django_db(transaction=True)

NOTE = "Harbour spokesperson Ingrid Vasquez of Northwind Logistics declined to discuss the bedrock survey."


def _ingest(http_server) -> Article:
    page = article_page("Ferry terminal delayed again", BODY).replace(
        "</article>", f'<p class="aside-note">{NOTE}</p></article>'
    )
    http_server.route("/news/ferry.html", page, headers={"Content-Type": "text/html"})
    item = {"guid": "ferry", "link": http_server.url("/news/ferry.html"), "title": "Ferry terminal delayed again",
            "summary": "The harbour authority said the terminal would open in spring."}  # fmt: skip
    http_server.route("/feed.xml", rss([item]), headers={"Content-Type": "application/rss+xml"})
    Source.objects.create(feed_url=http_server.url("/feed.xml"), next_poll_at=timezone.now())
    assert sources_claim_due()
    jobs_drain()
    return Article.objects.get(guid="ferry")


def test_changed_text_is_enriched_and_summarised_again_in_the_same_story(http_server, ingest_settings):
    article = _ingest(http_server)
    assert NOTE in article.content_text
    assert article.enriched_at is not None and ArticleSummary.objects.filter(article=article).exists()
    story = StoryMember.objects.get(article=article).story_id
    assert ArticleEntity.objects.filter(article=article, entity__name__contains="Northwind").exists()

    Source.objects.filter(pk=article.source_id).update(drop_selectors=".aside-note")
    assert articles_reextract() == 1
    article.refresh_from_db()
    assert NOTE not in article.content_text
    # What came from the old text is gone until its jobs, queued with the new text, have run.
    assert article.enriched_at is None and not ArticleSummary.objects.filter(article=article).exists()
    assert not ArticleEntity.objects.filter(article=article, entity__name__contains="Northwind").exists()

    jobs_drain()
    article.refresh_from_db()
    assert article.enriched_at is not None
    summary = ArticleSummary.objects.get(article=article)
    assert not any("Northwind" in s for s in summary.sentences)
    assert StoryMember.objects.get(article=article).story_id == story  # regrouped nothing


def test_unchanged_text_queues_nothing(http_server, ingest_settings):
    article = _ingest(http_server)
    enriched = article.enriched_at
    assert articles_reextract() == 1
    article.refresh_from_db()
    assert article.enriched_at == enriched
    assert jobs_drain() == 0
