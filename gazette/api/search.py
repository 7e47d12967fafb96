"""Search: the reader site's full-text search (gazette.search.query), as JSON."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from gazette.api.pagination import PageMeta, PageParams, page_meta
from gazette.api.params import MAX_ID, WHEN_HELP, When, aware
from gazette.api.schemas import INVALID, NOT_MODIFIED, ArticleCard, article_card
from gazette.articles.selectors import card_queryset
from gazette.search.query import FEW_HITS, MAX_HITS, MAX_QUERY_CHARS, SearchFilters, search_articles
from gazette.search.suggest import search_suggestion
from gazette.sources.models import Category
from gazette.stories.models import Topic

router = Router(tags=["search"])


class SearchParams(Schema):
    q: str = Field(..., min_length=1, max_length=MAX_QUERY_CHARS, description='words, "a phrase", a prefix*')
    source: int | None = Field(None, ge=1, le=MAX_ID, description="only this source (its id)")
    topic: str | None = Field(None, max_length=100, description="only this topic (its slug)")
    category: str | None = Field(None, max_length=100, description="only sources in this category (slug)")
    since: When | None = Field(None, description=f"published at or after: {WHEN_HELP}")
    until: When | None = Field(None, description=f"published before: {WHEN_HELP}")


class SearchHit(Schema):
    article: ArticleCard
    rank: float
    title_html: str = Field(description="the title, escaped, with matches in <mark>")
    snippet_html: str = Field(description="a few words around the matches, escaped, matches in <mark>")
    partial: bool = Field(description="has only some of the words (shown after those with all)")


class SearchPage(PageMeta):
    items: list[SearchHit]
    suggestion: str | None = Field(None, description="a corrected query, when few articles match")


def _filters(params: SearchParams) -> SearchFilters | None:
    """The search's filters; None when a topic or category slug names nothing (so nothing matches)."""
    topic_id = category_id = None
    if params.topic is not None:
        topic_id = Topic.objects.visible().filter(slug=params.topic).values_list("pk", flat=True).first()
        if topic_id is None:
            return None
    if params.category is not None:
        category_id = Category.objects.filter(slug=params.category).values_list("pk", flat=True).first()
        if category_id is None:
            return None
    return SearchFilters(
        source_id=params.source,
        topic_id=topic_id,
        category_id=category_id,
        published_from=aware(params.since, name="since"),
        published_before=aware(params.until, name="until"),
    )


@router.get(
    "/search",
    response={200: SearchPage, **NOT_MODIFIED, **INVALID},
    summary="Articles matching a query, best first",
)
def search(request: HttpRequest, params: Query[SearchParams], page: Query[PageParams]) -> dict:
    filters = _filters(params)
    if filters is None:
        return {**page_meta(request, page, 0), "items": []}
    hits, total = search_articles(q=params.q, filters=filters, limit=page.limit, offset=page.offset)
    found = card_queryset().in_bulk([hit.article_id for hit in hits])
    items = [
        SearchHit(
            article=article_card(request, found[hit.article_id]),
            rank=hit.rank,
            title_html=str(hit.title),
            snippet_html=str(hit.snippet),
            partial=hit.partial,
        )
        for hit in hits
        if hit.article_id in found
    ]
    few = total < FEW_HITS or any(hit.partial for hit in hits)
    suggestion = search_suggestion(q=params.q) if few and page.offset == 0 else None
    # The newest MAX_HITS matches are ranked and counted, so count and paging stop there.
    return {**page_meta(request, page, min(total, MAX_HITS)), "items": items, "suggestion": suggestion}
