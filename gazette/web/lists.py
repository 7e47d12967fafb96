"""Querysets and cached figures shared by the pages that list articles."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import F, Max, QuerySet
from django.db.models.functions import Substr
from django.http import HttpRequest
from django.utils.functional import cached_property

from gazette.articles.models import Article
from gazette.sources.models import Category
from gazette.stories.models import Story, Topic
from gazette.web.ranking import Candidate, RankedStory, StoryCandidate, stories_rank, top_stories_rank

PAGE_SIZE = 20
TOP_STORY_CANDIDATES = 300
TOP_STORIES = 5
SECTIONS = 6
SECTION_SIZE = 4
# Lists need the start of the text only when a feed gave no teaser; the full text is never loaded.
TEXT_START_CHARS = 400
LATEST_ID_SECONDS = 2
# Lists are paged this deep at most. Counting every article takes seconds at a million (COUNT(*) reads
# the whole table), and a page thousands deep is an OFFSET just as slow; older articles are found through
# search, its date filters, and the topic, source and entity pages.
MAX_PAGES = 500


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


class CappedPaginator(Paginator):
    """Django's paginator over at most `max_pages` pages: it counts no further than that many rows.

    `capped` says whether rows were left uncounted, so the pager can say "of 500+".
    """

    def __init__(self, object_list: QuerySet, per_page: int, *, max_pages: int = MAX_PAGES) -> None:
        super().__init__(object_list, per_page)
        self.rows = object_list
        self.max_rows = max_pages * per_page
        self.capped = False

    @cached_property
    def count(self) -> int:
        # Unordered: the count of a limited set does not depend on its order, so any index will do.
        found = self.rows.order_by().values("pk")[: self.max_rows + 1].count()
        self.capped = found > self.max_rows
        return min(found, self.max_rows)


def paginate(request: HttpRequest, queryset: QuerySet[Article], *, key: str, version: int) -> Page:
    """A page of cards; ?page= out of range shows the nearest page. The count is cached per version."""
    paginator = CappedPaginator(queryset, PAGE_SIZE, max_pages=MAX_PAGES)
    count_key = f"web:pages:{key}:{version}"
    counted = cache.get(count_key)
    if counted is None:
        counted = (paginator.count, paginator.capped)
        cache.set(count_key, counted, 300)
    paginator.__dict__["count"], paginator.capped = counted  # Paginator.count is a cached_property
    return paginator.get_page(request.GET.get("page"))


def top_stories(*, version: int, now) -> list[tuple[Article, RankedStory]]:
    """The front page's top stories, re-ranked at most once a minute or when an article arrives."""
    key = f"web:top:{version}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    rows = Article.objects.originals().recent().values_list("id", "source_id", "title", "published_at")
    candidates = [Candidate(*row) for row in rows[:TOP_STORY_CANDIDATES]]
    ranked = top_stories_rank(candidates, now=now, limit=TOP_STORIES)
    articles = card_queryset().in_bulk([story.article_id for story in ranked])
    result = [(articles[s.article_id], s) for s in ranked if s.article_id in articles]
    cache.set(key, result, 60)
    return result


@dataclass
class TopStory:
    """A story on the front page, shown through its central article (the one whose headline it carries)."""

    story: Story
    article: Article


def top_story_groups(*, version: int, now) -> list[TopStory]:
    """The front page's top stories as stories, ranked by stories_rank; [] before any story exists."""
    key = f"web:top-stories:{version}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    rows = Story.objects.listed().filter(last_article_at__isnull=False)
    fields = rows.values_list("pk", "source_count", "last_article_at")[:TOP_STORY_CANDIDATES]
    candidates = [StoryCandidate(pk, outlets, last) for pk, outlets, last in fields if last is not None]
    ranked = stories_rank(candidates, now=now, limit=TOP_STORIES)
    stories = Story.objects.in_bulk(ranked)
    central: dict[int, Article] = {}
    by_title = card_queryset().filter(
        membership__story_id__in=ranked, title__in=[s.title for s in stories.values()]
    )
    for article in by_title.annotate(story_id=F("membership__story_id")):
        central.setdefault(article.story_id, article)
    missing = [stories[i].first_article_id for i in ranked if i not in central and i in stories]
    firsts = card_queryset().in_bulk([pk for pk in missing if pk])
    result = []
    for pk in ranked:
        story = stories.get(pk)
        if story is None:
            continue
        shown: Article | None = central.get(pk) or firsts.get(story.first_article_id)
        if shown is not None:
            result.append(TopStory(story, shown))
    cache.set(key, result, 60)
    return result


def topic_sections(*, version: int) -> list[tuple[str, Topic | Category, list[Article]]]:
    """The newest few articles of each topic that has any, for the front page.

    Topics (the fixed taxonomy every article is labelled with) when articles carry them; before that,
    the categories operators give sources. Each row is (url name, topic or category, articles).
    """
    key = f"web:sections:{version}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    sections: list[tuple[str, Topic | Category, list[Article]]] = []
    for topic in Topic.objects.with_articles()[:SECTIONS]:
        articles = list(card_queryset().filter(topic_links__topic=topic)[:SECTION_SIZE])
        if articles:
            sections.append(("web:topic", topic, articles))
    if not sections:
        for category in Category.objects.filter(sources__isnull=False).distinct()[:SECTIONS]:
            articles = list(card_queryset().filter(source__categories=category)[:SECTION_SIZE])
            if articles:
                sections.append(("web:category", category, articles))
    cache.set(key, sections, 120)
    return sections
