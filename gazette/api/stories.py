"""Stories: the list ranked as the front page ranks them, and one story's full coverage."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from gazette.ai.models import StoryDigest
from gazette.api.pagination import PageMeta, PageParams, cached_count, page_meta
from gazette.api.params import Id
from gazette.api.schemas import (
    INVALID,
    NOT_FOUND,
    NOT_MODIFIED,
    ArticleRef,
    SourceRef,
    absolute,
    article_ref,
    source_ref,
)
from gazette.articles.selectors import latest_article_id
from gazette.stories.coverage import story_articles
from gazette.stories.models import Story
from gazette.stories.ranking import StoryCandidate, stories_rank
from gazette.stories.selectors import TOP_STORY_CANDIDATES

router = Router(tags=["stories"])

RANK_SECONDS = 60


class StoryOrder(StrEnum):
    RANK = "rank"
    RECENT = "recent"


class StoryCard(Schema):
    id: int
    title: str
    url: str
    first_reported: datetime | None
    last_article: datetime | None
    article_count: int
    outlets: int = Field(description="sources covering the story")


class StoryPage(PageMeta):
    items: list[StoryCard]


class StoryArticle(ArticleRef):
    original_url: str
    copy_of: int | None = Field(description="the id of the original, when this article is a copy")


class StoryDetail(StoryCard):
    first_reported_by: ArticleRef | None
    sources: list[SourceRef]
    articles: list[StoryArticle] = Field(description="oldest first, copies included")
    digest: dict[str, Any] | None = Field(description="where outlets agree and differ, once it is built")


def story_card(request: HttpRequest, story: Story) -> StoryCard:
    return StoryCard(
        id=story.pk,
        title=story.title,
        url=absolute(request, reverse("web:story", args=[story.pk])),
        first_reported=story.first_reported_at,
        last_article=story.last_article_at,
        article_count=story.article_count,
        outlets=story.source_count,
    )


def _ranked_ids() -> list[int]:
    """The newest stories in front page order, re-ranked at most once a minute or when an article arrives."""
    key = f"api:story-rank:{latest_article_id()}"
    ranked = cache.get(key)
    if ranked is None:
        rows = _listed().values_list("pk", "source_count", "last_article_at")[:TOP_STORY_CANDIDATES]
        candidates = [StoryCandidate(pk, outlets, last) for pk, outlets, last in rows]
        ranked = stories_rank(candidates, now=timezone.now(), limit=len(candidates))
        cache.set(key, ranked, RANK_SECONDS)
    return ranked


def _listed():
    return Story.objects.listed().filter(last_article_at__isnull=False)


@router.get(
    "/stories",
    response={200: StoryPage, **NOT_MODIFIED, **INVALID},
    summary="Stories, ranked as the front page ranks them",
)
def story_list(
    request: HttpRequest,
    page: Query[PageParams],
    order: StoryOrder = Query(
        StoryOrder.RANK, description="rank: the front page's order; recent: latest article first"
    ),
) -> dict:
    listed = _listed()
    count = cached_count(request, listed)
    if order == StoryOrder.RANK:
        # The newest stories are ranked (as on the front page); older ones follow, newest first.
        ranked = _ranked_ids()
        ids = ranked[page.window()]
        start, stop = max(page.offset, len(ranked)), page.offset + page.limit
        if stop > start:
            ids += list(listed.values_list("pk", flat=True)[start:stop])
    else:
        ids = list(listed.values_list("pk", flat=True)[page.window()])
    stories = Story.objects.in_bulk(ids)
    items = [story_card(request, stories[pk]) for pk in ids if pk in stories]
    return {**page_meta(request, page, count), "items": items}


@router.get(
    "/stories/{pk}",
    response={200: StoryDetail, 302: None, **NOT_MODIFIED, **NOT_FOUND, **INVALID},
    summary="One story's full coverage (a story merged into another redirects to it)",
    url_name="story_detail",
)
def story_detail(request: HttpRequest, pk: Id) -> StoryDetail | HttpResponse:
    story = get_object_or_404(
        Story.objects.filter(hidden=False).select_related("first_article__source"), pk=pk
    )
    if story.merged_into_id is not None:  # merged into another story: its coverage is there
        return redirect("api:story_detail", pk=story.merged_into_id)
    articles = story_articles(story)
    first = story.first_article or next((a for a in articles if a.duplicate_of_id is None), None)
    sources = list({a.source_id: a.source for a in articles}.values())
    digest = StoryDigest.objects.filter(story=story).values_list("data", flat=True).first()
    return StoryDetail(
        **story_card(request, story).model_dump(),
        first_reported_by=article_ref(request, first) if first else None,
        sources=[source_ref(request, s) for s in sources],
        articles=[
            StoryArticle(
                **article_ref(request, a).model_dump(), original_url=a.url, copy_of=a.duplicate_of_id
            )
            for a in articles
        ],
        digest=digest,
    )
