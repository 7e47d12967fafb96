"""articles_reextract: run the current extraction rules again over stored raw pages; an article whose
text changed is enriched and summarised again through the usual jobs (see jobs/stages.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction

from gazette.ai.models import ArticleSummary
from gazette.articles.models import Article
from gazette.ingest.pipeline import content_hash, page_process
from gazette.jobs.stages import articles_stored
from gazette.sources.polling import pipeline_options
from gazette.stories.enrich import articles_enrichment_forget


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
            changed = content_hash(text) != article.content_hash
            article.content_html = doc.html
            article.content_text = text
            article.word_count = len(text.split())
            article.content_hash = content_hash(text)
            article.extractor = doc.extractor
            with transaction.atomic():
                article.save(
                    update_fields=["content_html", "content_text", "word_count", "content_hash", "extractor"]
                )
                if changed:
                    # What was derived from the old text goes, and its jobs are queued with the new
                    # text's commit, exactly as for a newly stored article.
                    articles_enrichment_forget([article.pk])
                    ArticleSummary.objects.filter(article_id=article.pk).delete()
                    articles_stored([article.pk])
            updated += 1
        if bar:
            bar.update()
    if bar:
        bar.close()
    return updated
