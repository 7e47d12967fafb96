"""The reader's read state: unread articles and counts, mark one read or unread, mark all read.

The same workflows (accounts/reading.py) as the site and the Google Reader API, so an article read in an
app is read here too.
"""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from gazette.accounts.reading import (
    article_mark_read,
    article_mark_unread,
    articles_mark_all_read,
    followed_source_ids,
    unread_articles,
    unread_counts,
)
from gazette.api.auth import READER_AUTH, reader
from gazette.api.caching import reader_private
from gazette.api.pagination import PageMeta, PageParams, page_meta
from gazette.api.params import Id, aware
from gazette.api.schemas import CHANGES, INVALID, NOT_FOUND, SIGNED_IN, ArticleCard, Error, article_card
from gazette.articles.models import Article
from gazette.articles.selectors import card_queryset
from gazette.sources.models import Source
from gazette.stories.models import Story

router = Router(tags=["reading"], auth=READER_AUTH)
router.add_decorator(reader_private, mode="view")


class UnreadPage(PageMeta):
    items: list[ArticleCard]


class UnreadCountOut(Schema):
    source: int = Field(description="a followed source's id")
    count: int
    newest: datetime = Field(description="when its newest unread article was published")


class UnreadCounts(Schema):
    total: int
    sources: list[UnreadCountOut] = Field(description="followed sources with unread articles, most first")


class ReadStateOut(Schema):
    article: int
    read: bool


class MarkAllIn(Schema):
    source: int | None = Field(None, description="one source's articles (followed or not)")
    story: int | None = Field(None, description="one story's articles")
    before: datetime | None = Field(
        None, description="only those published at or before this time (default: now)"
    )


@router.get(
    "/me/unread",
    response={200: UnreadPage, **SIGNED_IN, **INVALID},
    summary="Unread articles from the sources you follow, newest first (the last 30 days)",
)
def unread_list(request: HttpRequest, page: Query[PageParams]) -> dict:
    unread = unread_articles(user=reader(request)).values("pk")
    articles = card_queryset().filter(pk__in=unread).order_by("-published_at", "-id")
    items = [article_card(request, a) for a in articles[page.window()]]
    return {**page_meta(request, page, articles.count()), "items": items}


@router.get(
    "/me/unread-counts",
    response={200: UnreadCounts, **SIGNED_IN},
    summary="Unread articles per followed source",
)
def unread_count_list(request: HttpRequest) -> UnreadCounts:
    counts = sorted(unread_counts(user=reader(request)).values(), key=lambda c: (-c.count, c.source_id))
    return UnreadCounts(
        total=sum(c.count for c in counts),
        sources=[UnreadCountOut(source=c.source_id, count=c.count, newest=c.newest) for c in counts],
    )


@router.put(
    "/me/read/{pk}",
    response={200: ReadStateOut, **CHANGES, **NOT_FOUND, **INVALID},
    summary="Mark an article read",
)
def read_put(request: HttpRequest, pk: Id) -> ReadStateOut:
    article_mark_read(user=reader(request), article=get_object_or_404(Article.objects.only("id"), pk=pk))
    return ReadStateOut(article=pk, read=True)


@router.delete(
    "/me/read/{pk}",
    response={200: ReadStateOut, **CHANGES, **NOT_FOUND, **INVALID},
    summary="Mark an article unread (articles older than 30 days always count as read)",
)
def read_delete(request: HttpRequest, pk: Id) -> ReadStateOut:
    article_mark_unread(user=reader(request), article=get_object_or_404(Article.objects.only("id"), pk=pk))
    return ReadStateOut(article=pk, read=False)


@router.post(
    "/me/read",
    response={204: None, 400: Error, **CHANGES, **NOT_FOUND, 413: Error, **INVALID},
    summary="Mark all read: of one source, of one story, or (with neither) of every source you follow",
)
def read_all(request: HttpRequest, target: MarkAllIn) -> Status[None]:
    user = reader(request)
    if target.source is not None and target.story is not None:
        raise HttpError(422, "give a source or a story, not both")
    before = aware(target.before, name="before")
    if target.story is not None:
        story = get_object_or_404(Story.objects.only("id"), pk=target.story)
        articles = Article.objects.filter(membership__story_id=story.pk)
        articles_mark_all_read(user=user, articles=articles, before=before)
    elif target.source is not None:
        source = get_object_or_404(Source.objects.only("id"), pk=target.source)
        articles_mark_all_read(user=user, sources=[source], before=before)
    else:
        followed = Source.objects.filter(pk__in=followed_source_ids(user=user)).only("id")
        articles_mark_all_read(user=user, sources=list(followed), before=before)
    return Status(204, None)
