"""Article queries the reader site, the API and the feeds share: list cards, the newest article's id."""

from __future__ import annotations

from django.core.cache import cache
from django.db.models import Max, QuerySet
from django.db.models.functions import Substr

from gazette.articles.models import Article

# Lists need the start of the text only when a feed gave no teaser; the full text is never loaded.
TEXT_START_CHARS = 400
LATEST_ID_SECONDS = 2


def card_queryset() -> QuerySet[Article]:
    """Articles with just what a card shows: no full text, the source joined."""
    return (
        Article.objects.originals()
        .recent()
        .select_related("source")
        .defer("content_html", "content_text", "guid")
        .annotate(text_start=Substr("content_text", 1, TEXT_START_CHARS))
    )


def latest_article_id() -> int:
    """The newest stored article's id: changes whenever an article arrives, so it versions caches.

    Remembered for a couple of seconds, so a page served from cache needs no database at all.
    """
    latest = cache.get("web:latest-id")
    if latest is None:
        latest = Article.objects.aggregate(m=Max("id"))["m"] or 0
        cache.set("web:latest-id", latest, LATEST_ID_SECONDS)
    return latest
