"""Related coverage for the article page, from the best evidence available:

  1. Related rows: nearest articles from other publishers by embedding, written when an article is stored.
  2. Other articles of the same story from other publishers (the clusterer's grouping).
  3. Keywords: recent articles from other sources whose headlines share the topic's words, found with the
     search index (all that exists before the story engine has seen an article).

One article per source throughout, so the list shows breadth of coverage; copies never appear.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils.html import strip_tags

from gazette.articles.models import Article
from gazette.articles.selectors import card_queryset
from gazette.search.query import SearchFilters, search_articles
from gazette.stories.keywords import headline_keywords, shared_keywords
from gazette.stories.models import Related, StoryMember

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
    hits, _ = search_articles(q=" ".join(words), filters=filters, limit=limit * 6, any_term=True, count=False)
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


def related_coverage(article: Article, *, limit: int = 5, exclude_ids: tuple[int, ...] = ()) -> list[int]:
    """Ids of up to `limit` articles from other sources: Related rows, then the story, then keywords."""
    picked: list[int] = []
    sources = {article.source_id}
    skip = {article.pk, *exclude_ids}

    def take(rows) -> None:
        for pk, source_id, duplicate_of in rows:
            if len(picked) >= limit:
                return
            if pk in skip or source_id in sources or duplicate_of is not None:
                continue
            picked.append(pk)
            sources.add(source_id)
            skip.add(pk)

    take(
        Related.objects.filter(article=article)
        .order_by("-score")
        .values_list("other_id", "other__source_id", "other__duplicate_of_id")[: limit * 4]
    )
    if len(picked) < limit:
        story_id = StoryMember.objects.filter(article=article).values_list("story_id", flat=True).first()
        if story_id is not None:
            take(
                Article.objects.filter(membership__story_id=story_id)
                .order_by("published_at")
                .values_list("id", "source_id", "duplicate_of_id")[:200]
            )
    if len(picked) < limit:
        take(
            (a.pk, a.source_id, None) for a in related_articles(article, limit=limit, exclude_ids=tuple(skip))
        )
    return picked
