"""What the API returns, and how a model becomes it: the shapes shared by several endpoints."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Schema

from gazette.articles.models import Article
from gazette.sources.models import Source
from gazette.stories.models import Entity, Story, Topic
from gazette.web.media import media_url
from gazette.web.templatetags.gazette_web import article_url, teaser

TEASER_CHARS = 300


class Error(Schema):
    detail: str


class Problem(Schema):
    """One value that failed its check, as django-ninja reports it."""

    type: str = Field(description="the check that failed, e.g. int_parsing, less_than_equal, value_error")
    loc: list[str | int] = Field(description='where the value was: ["query", "limit"], ["path", "pk"]')
    msg: str = Field(description="what was wrong, in a sentence")


class Invalid(Schema):
    detail: list[Problem] | str = Field(
        description="each value that failed its check; or one sentence, for a value that passed its "
        "check but cannot be used (a date beyond what the database can hold)"
    )


# The answers an operation gives besides its result, declared so the schema shows them: every one a 304
# to a matching If-None-Match (each response carries an ETag, api/caching.py); those with a value to
# check a 422; those naming one thing a 404.
NOT_MODIFIED: dict[int, type[Schema] | None] = {304: None}
INVALID: dict[int, type[Schema] | None] = {422: Invalid}
NOT_FOUND: dict[int, type[Schema] | None] = {404: Error}
# A reader's own operations (api/auth.py): 401 without a valid token or session; those that change
# something also 403 to a session request without its CSRF token.
SIGNED_IN: dict[int, type[Schema] | None] = {401: Error}
CHANGES: dict[int, type[Schema] | None] = {401: Error, 403: Error}


class SourceRef(Schema):
    id: int
    name: str
    url: str  # the source's page on this site


class ArticleRef(Schema):
    """An article named from another one: enough to show a link to it."""

    id: int
    title: str
    url: str
    source: SourceRef
    published: datetime


class ArticleCard(Schema):
    """An article in a list: never its text, only the feed's teaser (or the start of the text)."""

    id: int
    title: str
    url: str  # the article page on this site
    original_url: str  # the link as the publisher's feed gave it
    canonical_url: str
    source: SourceRef
    author: str
    published: datetime
    updated: datetime | None
    teaser: str
    image_url: str
    language: str
    word_count: int


class TopicRef(Schema):
    slug: str
    name: str
    url: str


class EntityRef(Schema):
    slug: str
    name: str
    kind: str
    url: str


class StoryRef(Schema):
    id: int
    title: str
    url: str


def absolute(request: HttpRequest, path: str) -> str:
    """An absolute URL on this site for a path (or an absolute URL, left as it is)."""
    return request.build_absolute_uri(path) if path else ""


def source_ref(request: HttpRequest, source: Source) -> SourceRef:
    return SourceRef(
        id=source.pk,
        name=str(source),
        url=absolute(request, reverse("web:source", args=[source.pk])),
    )


def article_ref(request: HttpRequest, article: Article) -> ArticleRef:
    return ArticleRef(
        id=article.pk,
        title=article.title,
        url=absolute(request, article_url(article)),
        source=source_ref(request, article.source),
        published=article.published_at,
    )


def article_card(request: HttpRequest, article: Article) -> ArticleCard:
    """A list entry for an article from web.lists.card_queryset (which never loads the full text)."""
    return ArticleCard(
        id=article.pk,
        title=article.title,
        url=absolute(request, article_url(article)),
        original_url=article.url,
        canonical_url=article.canonical_url,
        source=source_ref(request, article.source),
        author=article.author,
        published=article.published_at,
        updated=article.updated_at,
        teaser=teaser(article, TEASER_CHARS),
        # Images go through the media proxy when the operator turned it on, as on the pages.
        image_url=absolute(request, media_url(article.image_url)),
        language=article.language,
        word_count=article.word_count,
    )


def topic_ref(request: HttpRequest, topic: Topic) -> TopicRef:
    return TopicRef(
        slug=topic.slug, name=topic.name, url=absolute(request, reverse("web:topic", args=[topic.slug]))
    )


def entity_ref(request: HttpRequest, entity: Entity) -> EntityRef:
    return EntityRef(
        slug=entity.slug,
        name=entity.name,
        kind=entity.kind,
        url=absolute(request, reverse("web:entity", args=[entity.slug])),
    )


def story_ref(request: HttpRequest, story: Story) -> StoryRef:
    return StoryRef(
        id=story.pk, title=story.title, url=absolute(request, reverse("web:story", args=[story.pk]))
    )
