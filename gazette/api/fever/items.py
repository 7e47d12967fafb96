"""What a reader's Fever app sees: groups, feeds and items, in the protocol's shapes.

Ids are the site's own: a group is a category, a feed a source, an item an article. Groups are the
categories of the sources the reader follows. Followed topics and stories are not groups: a Fever group
is a set of feeds, and marking a group read marks its feeds read, which a topic is not.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet

from gazette.accounts.models import SavedArticle
from gazette.accounts.reading import followed_source_ids, unread_articles
from gazette.api.greader.items import ITEM_FIELDS, summary_html
from gazette.api.greader.streams import with_state
from gazette.articles.body import article_body
from gazette.articles.models import Article
from gazette.sources.models import Category, Source

# The protocol's page: "request 50 additional items", and at most 50 with_ids.
ITEMS_PER_CALL = 50


def reader_articles(*, user: User) -> QuerySet[Article]:
    """Every item the reader's app may list: their followed sources' articles, and what they saved."""
    saved = SavedArticle.objects.filter(user=user).values("article_id")
    return Article.objects.filter(Q(source_id__in=followed_source_ids(user=user)) | Q(pk__in=saved))


def reader_sources(*, user: User) -> QuerySet[Source]:
    return Source.objects.filter(pk__in=followed_source_ids(user=user)).order_by("name", "id")


def _ids(values) -> str:
    """The protocol's lists of ids: one string, comma-separated."""
    return ",".join(str(value) for value in values)


def feeds_groups(*, user: User) -> list[dict[str, Any]]:
    """Which followed sources are in which group (category)."""
    members: dict[int, list[int]] = {}
    rows = Source.categories.through.objects.filter(source_id__in=followed_source_ids(user=user))
    for category_id, source_id in rows.order_by("category_id", "source_id").values_list(
        "category_id", "source_id"
    ):
        members.setdefault(category_id, []).append(source_id)
    return [{"group_id": group, "feed_ids": _ids(feeds)} for group, feeds in members.items()]


def groups_json(*, user: User) -> list[dict[str, Any]]:
    categories = Category.objects.filter(sources__in=followed_source_ids(user=user)).distinct()
    return [{"id": c.pk, "title": c.name} for c in categories.order_by("name")]


def feeds_json(*, user: User) -> list[dict[str, Any]]:
    """The followed sources. No favicons: Gazette keeps only their addresses, not the images."""
    return [
        {
            "id": source.pk,
            "favicon_id": 0,
            "title": str(source),
            "url": source.feed_url,
            "site_url": source.site_url,
            "is_spark": 0,
            "last_updated_on_time": int(source.last_success_at.timestamp()) if source.last_success_at else 0,
        }
        for source in reader_sources(user=user)
    ]


def _item(article: Article) -> dict[str, Any]:
    body, _excerpt = article_body(article=article)
    return {
        "id": article.pk,
        "feed_id": article.source_id,
        "title": article.title,
        "author": article.author,
        # The protocol has one text field: the AI summary, when there is one, goes above the text.
        "html": summary_html(article) + body,
        "url": article.url,
        "is_saved": int(getattr(article, "is_starred", False)),
        "is_read": int(not getattr(article, "is_unread", True)),
        "created_on_time": int(article.published_at.timestamp()),
    }


def items_json(*, user: User, ids: list[int]) -> list[dict[str, Any]]:
    """These articles as items with the reader's state, in the order of `ids`."""
    loaded = with_state(Article.objects.filter(pk__in=ids).order_by(), user=user)
    found = {a.pk: a for a in loaded.select_related("source", "ai_summary").only(*ITEM_FIELDS)}
    return [_item(found[pk]) for pk in ids if pk in found]


def unread_item_ids(*, user: User) -> str:
    return _ids(unread_articles(user=user).order_by("pk").values_list("pk", flat=True))


def saved_item_ids(*, user: User) -> str:
    return _ids(
        SavedArticle.objects.filter(user=user).order_by("article_id").values_list("article_id", flat=True)
    )
