"""Related articles: recent articles from other sources whose headlines share the topic's words.

Until stories (issue 4) group articles by event, this asks the search index for articles from other sources,
published within a few days, matching any of the headline's significant words, and keeps those sharing at
least two of them. One article per source, so the list shows breadth of coverage.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils.html import strip_tags

from gazette.articles.models import Article
from gazette.web.keywords import headline_keywords, shared_keywords
from gazette.web.lists import card_queryset
from gazette.web.search import SearchFilters, search_articles

WINDOW = timedelta(days=3)
QUERY_WORDS = 8
MIN_SHARED = 2


def related_articles(article: Article, *, limit: int = 5, exclude_ids: tuple[int, ...] = ()) -> list[Article]:
    """Up to `limit` articles on the same topic from other sources, best match first."""
    words = headline_keywords(article.title, limit=QUERY_WORDS)
    if not words:
        return []
    filters = SearchFilters(
        exclude_source_id=article.source_id,
        exclude_ids=(article.pk, *exclude_ids),
        published_from=article.published_at - WINDOW,
        published_before=article.published_at + WINDOW,
    )
    hits, _ = search_articles(q=" ".join(words), filters=filters, limit=limit * 6, any_term=True)
    found = card_queryset().in_bulk([hit.article_id for hit in hits])
    need = min(MIN_SHARED, len(words))
    related: list[Article] = []
    seen_sources: set[int] = set()
    for hit in hits:
        other = found.get(hit.article_id)
        if other is None or other.source_id in seen_sources:
            continue
        other_words = headline_keywords(f"{other.title} {strip_tags(other.summary)}", limit=60)
        if shared_keywords(words, other_words) < need:
            continue
        related.append(other)
        seen_sources.add(other.source_id)
        if len(related) >= limit:
            break
    return related
