"""The reader's For you cards, as on the site's For you page: each with its reason and what it names."""

from __future__ import annotations

from typing import Literal, cast

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from gazette.accounts.follows import target_url
from gazette.accounts.foryou import FORYOU_SIZE, ForYouItem, foryou_items, foryou_since
from gazette.api.auth import READER_AUTH, reader
from gazette.api.caching import reader_private
from gazette.api.schemas import INVALID, SIGNED_IN, ArticleCard, absolute, article_card
from gazette.stories.models import Entity, Topic

router = Router(tags=["for you"], auth=READER_AUTH)
router.add_decorator(reader_private, mode="view")

Kind = Literal["source", "story", "topic", "entity"]
ReasonKind = Literal["story", "saved", "entity", "topic", "source"]


class ReasonOut(Schema):
    kind: ReasonKind = Field(
        description="a followed story, a story with an article you saved, a followed entity, topic or source"
    )
    text: str = Field(description="as the page says it, e.g. “From Pinewood Herald, which you follow”")
    target_kind: Kind = Field(description="what “Show fewer like this” on the site would leave out")
    target_id: int | None = Field(description="the source's or story's id (null for a topic or entity)")
    target_slug: str | None = Field(description="the topic's or entity's slug (null for a source or story)")
    target_name: str
    target_url: str


class ForYouCard(ArticleCard):
    reason: ReasonOut
    read: bool
    story: int | None = Field(description="the article's story, if it is in one")
    more: int = Field(description="the story's other original articles")
    new: int = Field(description="the story's articles that are new to you since your previous visit")


class ForYouParams(Schema):
    limit: int = Field(FORYOU_SIZE, ge=1, le=100)


class ForYouList(Schema):
    items: list[ForYouCard]


def _out(request: HttpRequest, item: ForYouItem) -> ForYouCard:
    target = item.reason.target
    reason = ReasonOut(
        kind=cast(ReasonKind, item.reason.kind),
        text=item.reason.text,
        target_kind=cast(Kind, item.reason.target_kind),
        target_id=None if isinstance(target, Topic | Entity) else target.pk,
        target_slug=target.slug if isinstance(target, Topic | Entity) else None,
        target_name=str(target),
        target_url=absolute(request, target_url(target)),
    )
    card = article_card(request, item.article).model_dump()
    return ForYouCard(
        **card, reason=reason, read=item.read, story=item.story_id, more=item.more, new=item.new
    )


@router.get(
    "/me/for-you",
    response={200: ForYouList, **SIGNED_IN, **INVALID},
    summary="Your For you cards, best first, each with why it is there",
)
def foryou_list(request: HttpRequest, params: Query[ForYouParams]) -> ForYouList:
    user = reader(request)
    items = foryou_items(reader=user, limit=params.limit, since=foryou_since(user=user))
    return ForYouList(items=[_out(request, item) for item in items])
