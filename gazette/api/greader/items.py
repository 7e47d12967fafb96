"""Items as the protocol shapes them: the text the article page shows, its link, source and states."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils.html import format_html

from gazette.accounts.labels import item_label_names
from gazette.api.greader.ids import (
    FEED_PREFIX,
    LABEL_PREFIX,
    READ,
    READING_LIST,
    STARRED,
    item_id_long,
    usec,
)
from gazette.api.greader.streams import story_label
from gazette.articles.body import article_body
from gazette.articles.models import Article
from gazette.sources.models import Source
from gazette.stories.models import StoryMember

# What item_json reads; the rest (the plain text, the analysis columns) stays in the database.
ITEM_FIELDS = (
    *("id", "url", "title", "author", "summary", "content_html", "image_url"),
    *("published_at", "updated_at", "fetched_at"),
    *("source__id", "source__name", "source__feed_url", "source__site_url", "source__display"),
    *("ai_summary__article", "ai_summary__sentences"),
)


def items_load(articles: QuerySet[Article], *, user: User) -> list[Article]:
    """The articles with what an item shows loaded: source and its categories, AI summary, story, and
    the labels `user` gave them."""
    found = list(articles.select_related("source", "ai_summary").only(*ITEM_FIELDS))
    # One query for every source's categories: a prefetch would query per article's own source object.
    categories: dict[int, list[str]] = {}
    for source_id, name in (
        Source.categories.through.objects.filter(source_id__in={a.source_id for a in found})
        .order_by("category__name")
        .values_list("source_id", "category__name")
    ):
        categories.setdefault(source_id, []).append(name)
    stories = dict(
        StoryMember.objects.filter(article_id__in=[a.pk for a in found])
        .select_related("story")
        .values_list("article_id", "story__title")
    )
    own = item_label_names(user=user, article_ids=[a.pk for a in found])
    for article in found:
        article.story_title = stories.get(article.pk, "")  # type: ignore[attr-defined]
        labels = categories.get(article.source_id, [])
        labels = [*labels, *(name for name in own.get(article.pk, []) if name not in labels)]
        article.labels = labels  # type: ignore[attr-defined]
    return found


def summary_html(article: Article) -> str:
    """The AI summary as a paragraph to put above the text, or "" when there is none."""
    summary = getattr(article, "ai_summary", None)
    if summary is None or not summary.sentences:
        return ""
    return format_html(
        '<p class="gazette-ai-summary"><strong>Summary:</strong> {}</p>', " ".join(summary.sentences)
    )


def item_json(article: Article) -> dict[str, Any]:
    """One item; `article` comes from items_load with is_unread and is_starred annotated."""
    body, _excerpt = article_body(article=article)
    source = article.source
    labels = list(getattr(article, "labels", ()))
    if getattr(article, "story_title", ""):
        labels.append(story_label(article.story_title))  # type: ignore[attr-defined]
    states = [READING_LIST]
    if not getattr(article, "is_unread", True):
        states.append(READ)
    if getattr(article, "is_starred", False):
        states.append(STARRED)
    ai = summary_html(article)
    published = int(article.published_at.timestamp())
    item: dict[str, Any] = {
        "id": item_id_long(article.pk),
        "crawlTimeMsec": str(usec(article.fetched_at) // 1000),
        "timestampUsec": str(usec(article.published_at)),
        "published": published,
        "updated": int(article.updated_at.timestamp()) if article.updated_at else published,
        "title": article.title,
        "canonical": [{"href": article.url}],
        "alternate": [{"href": article.url, "type": "text/html"}],
        "categories": [*states, *(f"{LABEL_PREFIX}{name}" for name in labels)],
        "origin": {
            "streamId": f"{FEED_PREFIX}{source.pk}",
            "title": str(source),
            "htmlUrl": source.site_url,
        },
        "content": {"direction": "ltr", "content": body},
        # Some apps show only `summary`: it holds the text too, after the AI summary when there is one.
        "summary": {"direction": "ltr", "content": ai + body},
        "author": article.author,
    }
    if article.image_url:
        # Miniflux's shape (url, type): clients written against it fail on Google's href.
        item["enclosure"] = [{"url": article.image_url, "type": "image/jpeg"}]
    return item


def item_refs(rows: Iterable[tuple[int, Any]]) -> list[dict[str, Any]]:
    """stream/items/ids' refs: the short (decimal) id and the item's time."""
    return [{"id": str(pk), "directStreamIds": [], "timestampUsec": str(usec(at))} for pk, at in rows]
