"""Small builders for web tests: sensible defaults, override what the test is about."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from django.utils import timezone

from gazette.articles.models import Article
from gazette.sources.models import Category, Source

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
