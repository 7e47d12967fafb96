"""Small builders for web tests: sensible defaults, override what the test is about."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.text import slugify

from gazette.ai.models import ArticleSummary
from gazette.articles.models import Article
from gazette.sources.models import Category, Source
from gazette.stories.models import Entity, Story, StoryMember, Topic

_seq = itertools.count(1)


def make_category(name: str = "World", **fields) -> Category:
    slug = fields.pop("slug", name.lower().replace(" ", "-"))
    return Category.objects.get_or_create(slug=slug, defaults={"name": name, **fields})[0]


def make_source(name: str = "The Harbor Ledger", *, categories: list[Category] = (), **fields) -> Source:
    n = next(_seq)
    fields.setdefault("feed_url", f"https://source{n}.example/feed.xml")
    fields.setdefault("site_url", f"https://source{n}.example/")
    source = Source.objects.create(name=name, **fields)
    if categories:
        source.categories.set(categories)
    return source


def make_article(
    source: Source | None = None,
    *,
    title: str = "City council approves new harbour bridge",
    ago: timedelta = timedelta(minutes=29),
    published_at: datetime | None = None,
    **fields,
) -> Article:
    n = next(_seq)
    source = source or make_source()
    body = fields.pop("body", f"{title}. The decision followed months of debate about traffic and cost.")
    fields.setdefault("guid", f"guid-{n}")
    fields.setdefault("url", f"https://news{n}.example/story-{n}")
    fields.setdefault("canonical_url", fields["url"])
    fields.setdefault("summary", f"<p>{body[:140]}</p>")
    fields.setdefault("content_html", f"<p>{body}</p>")
    fields.setdefault("content_text", body)
    fields.setdefault("word_count", len(body.split()))
    return Article.objects.create(
        source=source,
        title=title,
        published_at=published_at or timezone.now() - ago,
        **fields,
    )


def make_story(articles: list[Article], *, title: str = "", **fields) -> Story:
    """A story holding `articles` (copies included), with figures as the story engine would set them."""
    n = next(_seq)
    originals = [a for a in articles if a.duplicate_of_id is None] or articles
    first = min(originals, key=lambda a: a.published_at)
    fields.setdefault("first_reported_at", first.published_at)
    fields.setdefault("last_article_at", max(a.published_at for a in articles))
    fields.setdefault("article_count", len(articles))
    fields.setdefault("source_count", len({a.source_id for a in articles}))
    story = Story.objects.create(key=f"story-{n}", title=title or first.title, first_article=first, **fields)
    for article in articles:
        StoryMember.objects.create(article=article, story=story)
    return story


def make_summary(article: Article, **fields) -> ArticleSummary:
    fields.setdefault("sentences", ["The council approved the bridge.", "Work starts in spring."])
    fields.setdefault("keypoints", ["Bridge approved", "Work starts in spring"])
    fields.setdefault("method", "extractive")
    return ArticleSummary.objects.create(article=article, **fields)


def make_topic(slug: str = "science", name: str = "") -> Topic:
    return Topic.objects.get_or_create(slug=slug, defaults={"name": name or slug.title()})[0]


def make_entity(name: str = "Puerto Salinas", *, kind: str = "place") -> Entity:
    return Entity.objects.get_or_create(slug=slugify(name), defaults={"name": name, "kind": kind})[0]
