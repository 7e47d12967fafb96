"""Topics (the fixed taxonomy) and entities (people, organisations, places named in articles)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from gazette.api.pagination import PageMeta, PageParams, page_meta
from gazette.api.schemas import INVALID, NOT_FOUND, NOT_MODIFIED, EntityRef, TopicRef, entity_ref, topic_ref
from gazette.stories.models import ArticleEntity, ArticleTopic, Entity, Topic

router = Router(tags=["topics and entities"])


class TopicOut(TopicRef):
    article_count: int


class EntityOut(EntityRef):
    article_count: int


class TopicPage(PageMeta):
    items: list[TopicOut]


class EntityPage(PageMeta):
    items: list[EntityOut]


class EntityFilters(Schema):
    q: str | None = Field(None, max_length=200, description="only entities whose name contains this")
    kind: str | None = Field(None, max_length=16, description="person, org, place, …")


def _topic_counts(topics: list[Topic]) -> dict[int, int]:
    rows = ArticleTopic.objects.filter(topic__in=topics).values("topic_id").annotate(n=Count("id"))
    return {row["topic_id"]: row["n"] for row in rows}


def _entity_counts(entities: list[Entity]) -> dict[int, int]:
    # Counted for the page's entities only: counting every entity to sort by it would cost a full scan.
    rows = ArticleEntity.objects.filter(entity__in=entities).values("entity_id").annotate(n=Count("id"))
    return {row["entity_id"]: row["n"] for row in rows}


@router.get(
    "/topics",
    response={200: TopicPage, **NOT_MODIFIED, **INVALID},
    summary="Topics, in the navigation's order",
)
def topic_list(request: HttpRequest, page: Query[PageParams]) -> dict:
    topics = list(Topic.objects.visible()[page.window()])
    counts = _topic_counts(topics)
    items = [
        TopicOut(**topic_ref(request, t).model_dump(), article_count=counts.get(t.pk, 0)) for t in topics
    ]
    return {**page_meta(request, page, Topic.objects.visible().count()), "items": items}


@router.get("/topics/{slug}", response={200: TopicOut, **NOT_MODIFIED, **NOT_FOUND}, summary="One topic")
def topic_detail(request: HttpRequest, slug: str) -> TopicOut:
    topic = get_object_or_404(Topic.objects.visible(), slug=slug)
    return TopicOut(
        **topic_ref(request, topic).model_dump(), article_count=_topic_counts([topic]).get(topic.pk, 0)
    )


@router.get("/entities", response={200: EntityPage, **NOT_MODIFIED, **INVALID}, summary="Entities, by name")
def entity_list(request: HttpRequest, filters: Query[EntityFilters], page: Query[PageParams]) -> dict:
    entities = Entity.objects.visible().order_by("name", "id")
    if filters.q:
        entities = entities.filter(Q(name__icontains=filters.q) | Q(slug__icontains=filters.q))
    if filters.kind:
        entities = entities.filter(kind=filters.kind)
    found = list(entities[page.window()])
    counts = _entity_counts(found)
    items = [
        EntityOut(**entity_ref(request, e).model_dump(), article_count=counts.get(e.pk, 0)) for e in found
    ]
    return {**page_meta(request, page, entities.count()), "items": items}


@router.get("/entities/{slug}", response={200: EntityOut, **NOT_MODIFIED, **NOT_FOUND}, summary="One entity")
def entity_detail(request: HttpRequest, slug: str) -> EntityOut:
    entity = get_object_or_404(Entity.objects.visible(), slug=slug)
    count = _entity_counts([entity]).get(entity.pk, 0)
    return EntityOut(**entity_ref(request, entity).model_dump(), article_count=count)
