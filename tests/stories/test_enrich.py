"""Enrichment: the embedding model the settings name; topics and entities for a batch of articles."""

from __future__ import annotations

import logging

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gazette.articles.models import Article
from gazette.stories.embeddings import embedder_available
from gazette.stories.enrich import articles_enrich, embedder_get, embedder_reset
from gazette.stories.models import ArticleEntity, ArticleTopic, Topic
from tests.web.factories import make_article


@pytest.mark.skipif(not embedder_available(), reason="torch and sentence-transformers not installed")
def test_the_model_loaded_is_the_one_in_the_settings(settings, tmp_path, caplog):
    settings.GAZETTE_EMBEDDINGS = True
    settings.GAZETTE_EMBEDDING_MODEL = str(tmp_path / "gone")  # past start-up's check: the load says so
    embedder_reset()
    with caplog.at_level(logging.ERROR):
        assert embedder_get() is None
    assert str(tmp_path / "gone") in caplog.text


@pytest.mark.django_db
def test_a_batch_labels_every_article_and_keeps_labels_already_there(settings):
    settings.GAZETTE_EMBEDDINGS = False
    embedder_reset()
    sport = make_article(
        title="Harbour City win the cup final",
        body="Harbour City beat Northgate 2-1 in the cup final at Riverside Stadium; the striker scored twice "
        "and the coach praised the team, the league and the fans after the match.",
    )
    markets = make_article(
        title="Shares fall as Eastbridge Bank warns on profits",
        body="Shares in Eastbridge Bank fell after the bank warned that profits would drop; investors sold "
        "stocks across the market and the central bank kept interest rates unchanged.",
    )
    kept = make_article(title="Council budget", body="The council voted on the harbour budget.")
    kept_topic = Topic.objects.get(slug="science")
    ArticleTopic.objects.create(article=kept, topic=kept_topic, score=0.9)
    with CaptureQueriesContext(connection) as two:
        assert articles_enrich([sport.pk, markets.pk, kept.pk]) == sorted([sport.pk, markets.pk, kept.pk])
    topics = {
        a: set(ArticleTopic.objects.filter(article=a).values_list("topic__slug", flat=True))
        for a in (sport, markets, kept)
    }
    assert "sport" in topics[sport] and "business" in topics[markets]
    assert topics[kept] == {"science"}  # an article labelled already keeps its topics
    names = set(ArticleEntity.objects.filter(article=markets).values_list("entity__name", flat=True))
    assert "Eastbridge Bank" in names
    assert Article.objects.filter(enriched_at__isnull=True).count() == 0
    # The topics are read once for the batch, not once per article.
    assert (
        sum(
            'FROM "stories_topic"' in q["sql"]  # the topics themselves (with what each was merged into)
            for q in two.captured_queries
        )
        == 1
    )
