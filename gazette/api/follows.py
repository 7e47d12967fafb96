"""The reader's follows: list them, follow and unfollow a source, story, topic or entity."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal, cast

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.errors import HttpError

from gazette.accounts.follows import (
    TARGET_MODELS,
    Target,
    follow_add,
    follow_remove,
    follows_list,
    target_url,
)
from gazette.accounts.models import Follow
from gazette.api.auth import READER_AUTH, reader
from gazette.api.caching import reader_private
from gazette.api.pagination import PageMeta, PageParams, page_meta
from gazette.api.params import MAX_ID
from gazette.api.schemas import CHANGES, INVALID, NOT_FOUND, SIGNED_IN, absolute
from gazette.stories.models import Entity, Story, Topic

router = Router(tags=["follows"], auth=READER_AUTH)
router.add_decorator(reader_private, mode="view")

Kind = Literal["source", "story", "topic", "entity"]
# Sources and stories are named by their id, topics and entities by their slug, as in the rest of the API.
KEY_HELP = "the source's or story's id; the topic's or entity's slug"
Key = Annotated[str, Path(min_length=1, max_length=200, description=KEY_HELP)]


class FollowOut(Schema):
    kind: Kind
    id: int | None = Field(description="the source's or story's id (null for a topic or entity)")
    slug: str | None = Field(description="the topic's or entity's slug (null for a source or story)")
    name: str
    url: str = Field(description="its page on this site")
    followed: datetime


class FollowPage(PageMeta):
    items: list[FollowOut]


class FollowFilters(Schema):
    kind: Kind | None = Field(None, description="only follows of this kind")


def _out(request: HttpRequest, follow: Follow) -> FollowOut:
    target = follow.target
    named = isinstance(target, Topic | Entity)
    return FollowOut(
        kind=cast(Kind, follow.kind),
        id=None if named else target.pk,
        slug=target.slug if isinstance(target, Topic | Entity) else None,
        name=target.title if isinstance(target, Story) else str(target),
        url=absolute(request, target_url(target)),
        followed=follow.created_at,
    )


def _target(kind: Kind, key: str) -> Target:
    model = TARGET_MODELS[kind]
    if model in (Topic, Entity):
        return cast(Target, get_object_or_404(model, slug=key))
    if not key.isascii() or not key.isdigit() or not 1 <= int(key) <= MAX_ID:
        raise HttpError(422, f"key: a {kind} is named by its id, a whole number from 1 to {MAX_ID}")
    return cast(Target, get_object_or_404(model, pk=int(key)))


@router.get(
    "/me/follows",
    response={200: FollowPage, **SIGNED_IN, **INVALID},
    summary="What you follow, newest first",
)
def follow_list(request: HttpRequest, filters: Query[FollowFilters], page: Query[PageParams]) -> dict:
    follows = [f for f in follows_list(user=reader(request)) if filters.kind in (None, f.kind)]
    items = [_out(request, f) for f in follows[page.window()]]
    return {**page_meta(request, page, len(follows)), "items": items}


@router.put(
    "/me/follows/{kind}/{key}",
    response={200: FollowOut, **CHANGES, **NOT_FOUND, **INVALID},
    summary="Follow a source, story, topic or entity (following it again changes nothing)",
)
def follow_put(request: HttpRequest, kind: Kind, key: Key) -> FollowOut:
    follow = follow_add(user=reader(request), target=_target(kind, key))
    return _out(request, follow)


@router.delete(
    "/me/follows/{kind}/{key}",
    response={204: None, **CHANGES, **NOT_FOUND, **INVALID},
    summary="Stop following it (a no-op when you do not follow it)",
)
def follow_delete(request: HttpRequest, kind: Kind, key: Key) -> Status[None]:
    follow_remove(user=reader(request), target=_target(kind, key))
    return Status(204, None)
