"""Articles a reader saved to read later."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import F, QuerySet
from django.db.models.functions import Substr

from gazette.accounts.models import SavedArticle
from gazette.articles.models import Article
from gazette.articles.selectors import TEXT_START_CHARS


def saved_article_add(*, user: User, article: Article) -> SavedArticle:
    """Save `article` for the reader; saving it again keeps the first time."""
    saved, _ = SavedArticle.objects.get_or_create(user=user, article=article)
    return saved


def saved_article_remove(*, user: User, article: Article) -> None:
    """Take `article` off the reader's saved list; a no-op when it is not there."""
    SavedArticle.objects.filter(user=user, article=article).delete()


def saved_article_ids(*, user: User) -> set[int]:
    """Ids of every article the reader saved."""
    return set(SavedArticle.objects.filter(user=user).values_list("article_id", flat=True))


def saved_articles(*, user: User) -> QuerySet[Article]:
    """The reader's saved articles as cards, last saved first; copies stay (the reader chose them)."""
    return (
        Article.objects.filter(saved_by__user=user)
        .select_related("source")
        .defer("content_html", "content_text", "guid")
        .annotate(text_start=Substr("content_text", 1, TEXT_START_CHARS), saved_at=F("saved_by__saved_at"))
        .order_by("-saved_at", "-id")
    )
