"""Articles: the list with its filters, one article as its page shows it, and related coverage."""

from __future__ import annotations

from datetime import datetime

from django.core.cache import cache
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from gazette.ai.models import ArticleSummary
from gazette.api.pagination import PageMeta, PageParams, cached_count, page_meta
from gazette.api.params import MAX_ID, WHEN_HELP, Id, When, aware
from gazette.api.schemas import (
    INVALID,
    NOT_FOUND,
    NOT_MODIFIED,
    ArticleCard,
    ArticleRef,
    EntityRef,
    StoryRef,
    TopicRef,
    article_card,
    article_ref,
    entity_ref,
    story_ref,
    topic_ref,
)
from gazette.articles.body import article_body
from gazette.articles.models import Article
from gazette.articles.selectors import card_queryset, latest_article_id
from gazette.stories.models import ArticleEntity, StoryMember, Topic
from gazette.stories.related import related_coverage

router = Router(tags=["articles"])

ENTITIES_MAX = 20
RELATED_DEFAULT = 5
RELATED_MAX = 10
RELATED_CACHE_SECONDS = 300


class ArticleFilters(Schema):
    source: int | None = Field(None, ge=1, le=MAX_ID, description="only this source's articles (its id)")
    topic: str | None = Field(None, max_length=100, description="only articles in this topic (its slug)")
    entity: str | None = Field(None, max_length=200, description="only articles naming this entity (slug)")
    story: int | None = Field(None, ge=1, le=MAX_ID, description="only this story's articles (its id)")
    since: When | None = Field(None, description=f"published at or after: {WHEN_HELP}")
    until: When | None = Field(None, description=f"published before: {WHEN_HELP}")


class ArticlePage(PageMeta):
    items: list[ArticleCard]


class AISummary(Schema):
    sentences: list[str]
    keypoints: list[str]
    headline_flags: list[str]
    method: str
    model: str  # the summary's writer; empty for the built-in method
    keypoints_model: str  # the key points' writer, likewise
    created: datetime


class ArticleDetail(ArticleCard):
    content_html: str = Field(description="sanitised HTML: the full text, or only the excerpt (see excerpt)")
    excerpt: bool = Field(description="true when the site shows only the publisher's excerpt")
    summary: AISummary | None
    story: StoryRef | None
    copy_of: ArticleRef | None = Field(description="the original, when this article is a copy of it")
    also_published_by: list[ArticleRef] = Field(description="the original and the other copies")
    topics: list[TopicRef]
    entities: list[EntityRef]


class RelatedList(Schema):
    items: list[ArticleCard]


@router.get(
    "/articles",
    response={200: ArticlePage, **NOT_MODIFIED, **INVALID},
    summary="Articles, newest first (copies are left out)",
)
def article_list(request: HttpRequest, filters: Query[ArticleFilters], page: Query[PageParams]) -> dict:
    articles = card_queryset()
    if filters.source is not None:
        articles = articles.filter(source_id=filters.source)
    if filters.topic is not None:
        articles = articles.filter(topic_links__topic__slug=filters.topic)
    if filters.entity is not None:
        articles = articles.filter(entity_links__entity__slug=filters.entity)
    if filters.story is not None:
        articles = articles.filter(membership__story_id=filters.story)
    if filters.since is not None:
        articles = articles.filter(published_at__gte=aware(filters.since, name="since"))
    if filters.until is not None:
        articles = articles.filter(published_at__lt=aware(filters.until, name="until"))
    items = [article_card(request, a) for a in articles[page.window()]]
    return {**page_meta(request, page, cached_count(request, articles)), "items": items}


def _summary(article: Article) -> AISummary | None:
    try:
        found = article.ai_summary
    except ArticleSummary.DoesNotExist:
        return None
    return AISummary(
        sentences=found.sentences,
        keypoints=found.keypoints,
        headline_flags=found.headline_flags,
        method=found.method,
        model=found.model,
        keypoints_model=found.keypoints_model,
        created=found.created_at,
    )


@router.get(
    "/articles/{pk}",
    response={200: ArticleDetail, **NOT_MODIFIED, **NOT_FOUND, **INVALID},
    summary="One article",
)
def article_detail(request: HttpRequest, pk: Id) -> ArticleDetail:
    article = get_object_or_404(
        Article.objects.select_related("source", "duplicate_of__source", "ai_summary"), pk=pk
    )
    # The article page's rule, so the API never gives more of the text than the page shows.
    content_html, excerpt = article_body(article=article)
    copies = (
        Article.objects.filter(duplicate_of=article)
        .select_related("source")
        .only("id", "title", "published_at", "source")
        .order_by("published_at")
    )
    also = [article.duplicate_of, *copies] if article.duplicate_of is not None else list(copies)
    membership = StoryMember.objects.filter(article=article).select_related("story").first()
    entities = (
        ArticleEntity.objects.filter(article=article, entity__hidden=False)
        .select_related("entity")
        .order_by("-mentions", "entity__name")[:ENTITIES_MAX]
    )
    card = article_card(request, article)
    return ArticleDetail(
        **card.model_dump(),
        content_html=content_html,
        excerpt=excerpt,
        summary=_summary(article),
        story=story_ref(request, membership.story) if membership and not membership.story.hidden else None,
        copy_of=article_ref(request, article.duplicate_of) if article.duplicate_of else None,
        also_published_by=[article_ref(request, a) for a in also],
        topics=[
            topic_ref(request, t) for t in Topic.objects.visible().filter(article_links__article=article)
        ],
        entities=[entity_ref(request, link.entity) for link in entities],
    )


@router.get(
    "/articles/{pk}/related",
    response={200: RelatedList, **NOT_MODIFIED, **NOT_FOUND, **INVALID},
    summary="Coverage of the same event by other publishers, best first, one article per source",
)
def article_related(
    request: HttpRequest, pk: Id, limit: int = Query(RELATED_DEFAULT, ge=1, le=RELATED_MAX)
) -> dict:
    article = get_object_or_404(
        Article.objects.only("id", "title", "source_id", "published_at", "duplicate_of_id"), pk=pk
    )
    key = f"api:related:{article.pk}:{limit}:{latest_article_id()}"
    ids = cache.get(key)
    if ids is None:
        # The original and the copies are listed under also_published_by, so they are not "related".
        also = [*Article.objects.filter(duplicate_of=article).values_list("id", flat=True)]
        if article.duplicate_of_id is not None:
            also.append(article.duplicate_of_id)
        ids = related_coverage(article, limit=limit, exclude_ids=tuple(also))
        cache.set(key, ids, RELATED_CACHE_SECONDS)
    found = card_queryset().in_bulk(ids)
    return {"items": [article_card(request, found[i]) for i in ids if i in found]}
