"""Sources: the list, and one source with the health figures an operator watches."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Field, Query, Router, Schema

from gazette.api.pagination import PageMeta, PageParams, page_meta
from gazette.api.params import Id
from gazette.api.schemas import INVALID, NOT_FOUND, NOT_MODIFIED, absolute
from gazette.sources.models import Source
from gazette.web.media import media_url

router = Router(tags=["sources"])

POLLS_SHOWN = 20


class CategoryRef(Schema):
    slug: str
    name: str
    url: str


class SourceCard(Schema):
    id: int
    name: str
    url: str  # the source's page on this site
    site_url: str
    icon_url: str
    kind: str
    language: str
    display: str = Field(description="full: the site shows the text; excerpt: only the teaser")
    is_active: bool
    categories: list[CategoryRef]
    country: str
    ownership: str
    lean: str
    health: str = Field(description="ok, failing or new (never polled)")
    article_count: int


class Poll(Schema):
    at: datetime
    status: int | None
    new_articles: int
    error: str
    elapsed_ms: int


class SourceDetail(SourceCard):
    last_polled: datetime | None
    last_success: datetime | None
    next_poll: datetime
    poll_interval: int = Field(description="seconds between polls")
    last_status: int | None = Field(description="HTTP status of the last poll")
    last_error: str
    consecutive_errors: int
    articles_per_day: float
    websub: bool = Field(description="the hub pushes new entries (subscription active)")
    polls: list[Poll] = Field(description=f"the last {POLLS_SHOWN} polls, newest first")


class SourcePage(PageMeta):
    items: list[SourceCard]


def source_card(request: HttpRequest, source: Source) -> SourceCard:
    """A source from a queryset annotated with article_count and with its categories prefetched."""
    return SourceCard(
        id=source.pk,
        name=str(source),
        url=absolute(request, reverse("web:source", args=[source.pk])),
        site_url=source.site_url,
        icon_url=absolute(request, media_url(source.icon_url)),
        kind=source.kind,
        language=source.language,
        display=source.display,
        is_active=source.is_active,
        categories=[
            CategoryRef(
                slug=c.slug, name=c.name, url=absolute(request, reverse("web:category", args=[c.slug]))
            )
            for c in source.categories.all()
        ],
        country=source.country,
        ownership=source.ownership,
        lean=source.lean,
        health=source.health,
        article_count=source.article_count,  # type: ignore[attr-defined]  # annotated
    )


def _sources():
    return Source.objects.annotate(article_count=Count("articles")).prefetch_related("categories")


@router.get("/sources", response={200: SourcePage, **NOT_MODIFIED, **INVALID}, summary="Sources, by name")
def source_list(request: HttpRequest, page: Query[PageParams]) -> dict:
    sources = _sources().order_by("name", "id")
    items = [source_card(request, s) for s in sources[page.window()]]
    return {**page_meta(request, page, Source.objects.count()), "items": items}


@router.get(
    "/sources/{pk}",
    response={200: SourceDetail, **NOT_MODIFIED, **NOT_FOUND, **INVALID},
    summary="One source and its health",
)
def source_detail(request: HttpRequest, pk: Id) -> SourceDetail:
    source = get_object_or_404(_sources(), pk=pk)
    polls = [
        Poll(at=e.at, status=e.status, new_articles=e.new_articles, error=e.error, elapsed_ms=e.elapsed_ms)
        for e in source.events.all()[:POLLS_SHOWN]
    ]
    return SourceDetail(
        **source_card(request, source).model_dump(),
        last_polled=source.last_polled_at,
        last_success=source.last_success_at,
        next_poll=source.next_poll_at,
        poll_interval=source.poll_interval,
        last_status=source.last_status,
        last_error=source.last_error,
        consecutive_errors=source.consecutive_errors,
        articles_per_day=source.articles_per_day,
        websub=source.websub_active(),
        polls=polls,
    )
