"""The article page."""

from __future__ import annotations

from datetime import datetime

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import condition

from gazette.articles.models import Article
from gazette.sources.models import Source
from gazette.web.lists import card_queryset, latest_article_id
from gazette.web.related import related_articles
from gazette.web.templatetags.gazette_web import ago
from gazette.web.views.caching import etag_of, once_per_request, page_cache, public_page

RELATED_CACHE_SECONDS = 300
# How long a re-extracted article may keep its old ETag.
TIMES_SECONDS = 2


def _times(pk: int) -> tuple[datetime, datetime] | None:
    """(last changed, published) for an article, or None when it doesn't exist; remembered briefly."""
    key = f"web:article-times:{pk}"
    times = cache.get(key)
    if times is None:
        row = Article.objects.filter(pk=pk).values_list("fetched_at", "updated_at", "published_at").first()
        if row is None:
            return None
        fetched, updated, published = row
        times = (max(fetched, updated or fetched), published)
        cache.set(key, times, TIMES_SECONDS)
    return times


@once_per_request
def _etag(request: HttpRequest, pk: int, slug: str = "") -> str | None:
    times = _times(pk)
    if times is None:
        return None
    changed, published = times
    # New articles may change the related list and "also published by", hence the newest id; the page
    # shows "29 minutes ago", hence that text.
    return etag_of(request, pk, changed.isoformat(), latest_article_id(), ago(published))


@once_per_request
def _last_modified(request: HttpRequest, pk: int, slug: str = "") -> datetime | None:
    times = _times(pk)
    return times[0] if times else None


def _related(article: Article, exclude_ids: tuple[int, ...]) -> list[Article]:
    key = f"web:related:{article.pk}:{latest_article_id()}"
    ids = cache.get(key)
    if ids is None:
        ids = [a.pk for a in related_articles(article, exclude_ids=exclude_ids)]
        cache.set(key, ids, RELATED_CACHE_SECONDS)
    found = card_queryset().in_bulk(ids)
    return [found[i] for i in ids if i in found]


@public_page(max_age=60)
@condition(etag_func=_etag, last_modified_func=_last_modified)
@page_cache(_etag, 300)
def article(request: HttpRequest, pk: int, slug: str = "") -> HttpResponse:
    item = get_object_or_404(Article.objects.select_related("source", "duplicate_of__source"), pk=pk)
    also = list(
        Article.objects.filter(duplicate_of=item)
        .select_related("source")
        .only("id", "title", "published_at", "source")
        .order_by("published_at")
    )
    if item.duplicate_of is not None:
        also.insert(0, item.duplicate_of)
    excerpt = item.source.display == Source.Display.EXCERPT or not item.content_html.strip()
    context = {
        "article": item,
        "source": item.source,
        "excerpt": excerpt,
        "also": also,
        "related": _related(item, tuple(a.pk for a in also)),
    }
    return render(request, "web/article.html", context)
