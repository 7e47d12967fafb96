"""articles_enrich: topics, named entities and the sentence embedding of stored articles.

Each article is enriched on its own, so this stage runs on any number of workers at once (the
embedding model is the costliest step of the pipeline). It is idempotent: labels and embeddings an
article already has are kept, and `Article.enriched_at` says it is done.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from gazette.articles.models import Article
from gazette.stories.embeddings import EMBED_WORDS
from gazette.stories.entities import entities_extract
from gazette.stories.entity_store import article_entities_save
from gazette.stories.models import ArticleEntity, ArticleTopic, Embedding, Topic
from gazette.stories.topics import topics_classify

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class EnrichOptions:
    topics_per_article: int = 2
    topic_min_score: float = 0.15
    entities_per_article: int = 12
    embed_words: int = EMBED_WORDS


def articles_enrich(
    article_ids: list[int],
    *,
    options: EnrichOptions = EnrichOptions(),
    queue_next: Callable[[list[int]], None] | None = None,
) -> list[int]:
    """Label and embed the articles not enriched yet; returns the ids this call enriched.
    `queue_next(ids)` is called inside the transaction that marks them enriched."""
    articles = list(Article.objects.filter(pk__in=article_ids, enriched_at__isnull=True).order_by("id"))
    if not articles:
        return []
    # The model runs outside any transaction: other workers' commits never wait for it.
    vectors = _vectors_compute(articles, options)
    named = set(ArticleEntity.objects.filter(article__in=articles).values_list("article_id", flat=True))
    mentions = {  # the entity model too
        a.pk: entities_extract(a.title, a.body_text)[: options.entities_per_article]
        for a in articles
        if a.pk not in named
    }
    with transaction.atomic():
        # Read once per batch, not once per article: on PostgreSQL these lookups were a tenth of the
        # stage's time.
        # A topic an operator merged into another files its articles there.
        topics = {t.slug: t.merged_into or t for t in Topic.objects.select_related("merged_into")}
        labelled = set(ArticleTopic.objects.filter(article__in=articles).values_list("article_id", flat=True))
        for article in articles:
            if article.pk not in labelled:
                _topics_save(article, options, topics)
            if article.pk in mentions:
                article_entities_save(article, mentions[article.pk])
        embedder = embedder_get()
        if embedder is not None and vectors:
            Embedding.objects.bulk_create(
                [
                    Embedding(article_id=pk, model=embedder.name, vector=v.astype(np.float32).tobytes())
                    for pk, v in vectors.items()
                ],
                ignore_conflicts=True,
            )
        Article.objects.filter(pk__in=[a.pk for a in articles]).update(enriched_at=timezone.now())
        if queue_next is not None:
            queue_next([a.pk for a in articles])
    return [a.pk for a in articles]


def _vectors_compute(articles: list[Article], options: EnrichOptions) -> dict[int, np.ndarray]:
    embedder = embedder_get()
    if embedder is None:
        return {}
    from gazette.stories.embeddings import article_text_for_embedding

    have = set(
        Embedding.objects.filter(article__in=articles, model=embedder.name).values_list(
            "article_id", flat=True
        )
    )
    missing = [a for a in articles if a.pk not in have]
    if not missing:
        return {}
    texts = [article_text_for_embedding(a.title, a.body_text, max_words=options.embed_words) for a in missing]
    fresh = embedder.embed(texts)
    return {a.pk: fresh[i] for i, a in enumerate(missing)}


def _topics_save(article: Article, options: EnrichOptions, topics: dict[str, Topic]) -> None:
    """The article's best topics, as ArticleTopic rows."""
    scored = [
        (name, score)
        for name, score in topics_classify(article.title, article.body_text)
        if score >= options.topic_min_score
    ][: options.topics_per_article]
    ArticleTopic.objects.bulk_create(
        [
            ArticleTopic(article=article, topic=topics[slugify(name)], score=score)
            for name, score in scored
            if slugify(name) in topics
        ],
        ignore_conflicts=True,
    )


_EMBEDDER: Any = None
_EMBEDDER_LOADED = False
_EMBEDDER_LOCK = threading.Lock()


def embedder_get() -> Any:
    """The process's sentence-embedding model, loaded once; None when not installed or switched off."""
    global _EMBEDDER, _EMBEDDER_LOADED
    with _EMBEDDER_LOCK:
        if not _EMBEDDER_LOADED:
            _EMBEDDER, _EMBEDDER_LOADED = _embedder_load(), True
    return _EMBEDDER


def embedder_reset() -> None:
    """Forget the loaded model (tests that switch embeddings on or off)."""
    global _EMBEDDER, _EMBEDDER_LOADED
    with _EMBEDDER_LOCK:
        _EMBEDDER, _EMBEDDER_LOADED = None, False


def _embedder_load() -> Any:
    if not settings.GAZETTE_EMBEDDINGS:
        return None
    from gazette.stories.embeddings import Embedder, embedder_available

    if not embedder_available():
        log.info("enrich: no embedding model installed; related articles come from stories only")
        return None
    try:
        embedder = Embedder(settings.GAZETTE_EMBEDDING_MODEL, threads=settings.GAZETTE_EMBED_THREADS)
        embedder.load()
    except Exception as exc:  # noqa: BLE001 — a broken model must not stop ingestion
        log.error("enrich: embedding model unavailable: %s", exc)
        return None
    return embedder


def articles_enrichment_forget(article_ids: list[int]) -> None:
    """Drop what enrichment derived from the articles' text, so the next enrich job derives it again
    (their text changed: a re-extraction). Their stories stay: a re-extraction regroups nothing."""
    ArticleTopic.objects.filter(article_id__in=article_ids).delete()
    ArticleEntity.objects.filter(article_id__in=article_ids).delete()
    Embedding.objects.filter(article_id__in=article_ids).delete()
    Article.objects.filter(pk__in=article_ids).update(enriched_at=None)
