"""articles_reextract: run the current extraction rules again over stored raw pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction

from gazette.articles.models import Article
from gazette.ingest.pipeline import content_hash, page_process
from gazette.sources.polling import pipeline_options


def articles_reextract(
    *, source_id: int | None = None, limit: int | None = None, progress: Callable[..., Any] | None = None
) -> int:
    """Re-extract articles that have a stored raw page; returns how many were updated."""
    qs = Article.objects.filter(raw__isnull=False).select_related("raw", "source").order_by("id")
    if source_id is not None:
        qs = qs.filter(source_id=source_id)
    if limit:
        qs = qs[:limit]
    articles = list(qs)
    updated = 0
    bar = progress(len(articles), "reextract") if progress else None
    for article in articles:
        doc = page_process(article.raw.html, article.raw.fetched_url, pipeline_options(article.source))
        text = doc.text.strip()
        if text:
            article.content_html = doc.html
            article.content_text = text
            article.word_count = len(text.split())
            article.content_hash = content_hash(text)
            article.extractor = doc.extractor
            with transaction.atomic():
                article.save(
                    update_fields=["content_html", "content_text", "word_count", "content_hash", "extractor"]
                )
            updated += 1
        if bar:
            bar.update()
    if bar:
        bar.close()
    return updated
