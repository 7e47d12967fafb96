"""Following topics, sources, entities and stories, and the feed of what a reader follows."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet
from django.urls import reverse

from gazette.accounts.models import FOLLOW_KINDS, Follow
from gazette.articles.models import Article
from gazette.articles.selectors import card_queryset
from gazette.sources.models import Source
from gazette.stories.models import ArticleEntity, ArticleTopic, Entity, Story, StoryMember, Topic

Target = Topic | Source | Entity | Story
# Each kind names its model here and its column of Follow (models.FOLLOW_KINDS).
TARGET_MODELS: dict[str, type[Target]] = {"topic": Topic, "source": Source, "entity": Entity, "story": Story}
assert tuple(TARGET_MODELS) == FOLLOW_KINDS, "a followable kind without its model or its column"


def follow_kind(target: Target) -> str:
    """'topic', 'source', 'entity' or 'story'."""
    for kind, model in TARGET_MODELS.items():
        if isinstance(target, model):
            return kind
    raise TypeError(f"{type(target).__name__} cannot be followed")


def target_url(target: Target) -> str:
    """The reader-site page of a followable thing."""
    kind = follow_kind(target)
    key = target.slug if isinstance(target, Topic | Entity) else target.pk
    return reverse(f"web:{kind}", args=[key])


def follow_add(*, user: User, target: Target) -> Follow:
    """Follow `target`; following it again changes nothing."""
    lookup: dict[str, Any] = {follow_kind(target): target}
    follow, _ = Follow.objects.get_or_create(user=user, **lookup)
    return follow


def follow_remove(*, user: User, target: Target) -> None:
    """Stop following `target` (and the stories merged into it); a no-op when not following it."""
    if isinstance(target, Story):
        Follow.objects.filter(Q(story=target) | Q(story__merged_into=target), user=user).delete()
        return
    Follow.objects.filter(user=user, **{follow_kind(target): target}).delete()


def follow_exists(*, user: User | AnonymousUser, target: Target) -> bool:
    """Whether the reader follows `target` (never for a signed-out reader); following a story that
    was merged into `target` is following `target`."""
    if not user.is_authenticated:
        return False
    if isinstance(target, Story):
        return Follow.objects.filter(Q(story=target) | Q(story__merged_into=target), user=user).exists()
    return Follow.objects.filter(user=user, **{follow_kind(target): target}).exists()


def follows_list(*, user: User) -> list[Follow]:
    """Everything the reader follows, newest first, with the followed rows loaded."""
    return list(Follow.objects.filter(user=user).select_related(*FOLLOW_KINDS))


def following_articles(*, user: User) -> QuerySet[Article]:
    """Articles from everything the reader follows, newest first, each once (copies left out, as on lists)."""
    follows = Follow.objects.filter(user=user)

    def followed(kind: str) -> QuerySet:
        return follows.filter(**{f"{kind}__isnull": False}).values(f"{kind}_id")

    # Subqueries rather than joins: an article in two followed topics must still appear once.
    return card_queryset().filter(
        Q(source_id__in=followed("source"))
        | Q(pk__in=ArticleTopic.objects.filter(topic_id__in=followed("topic")).values("article_id"))
        | Q(pk__in=ArticleEntity.objects.filter(entity_id__in=followed("entity")).values("article_id"))
        | Q(pk__in=StoryMember.objects.filter(story_id__in=followed("story")).values("article_id"))
        # A followed story merged into another: the story it became part of.
        | Q(pk__in=StoryMember.objects.filter(story__absorbed__in=followed("story")).values("article_id"))
    )
