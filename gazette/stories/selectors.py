"""Story queries the reader site, the API and the feeds share: the front page's top stories and sections."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet

from gazette.articles.models import Article
from gazette.articles.selectors import card_queryset
from gazette.sources.models import Category
from gazette.stories.models import Story, StoryMember, Topic
from gazette.stories.ranking import Candidate, RankedStory, StoryCandidate, stories_rank, top_stories_rank

TOP_STORY_CANDIDATES = 300
TOP_STORIES = 5
SECTIONS = 6
SECTION_SIZE = 4
# Each section fetches more than it shows, so that the front page can leave out the articles it already
# shows above (top stories, latest, an earlier section) and still fill the section.
SECTION_CANDIDATES = 40


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


def latest_by_story(*, stories_above: set[int], articles_above: set[int]) -> QuerySet[Article]:
    """The latest list: cards newest first, a story only by its newest original, the stories and
    articles shown above it left out.

    The rule is the query's, not a page's: an article is listed only if no original of its story is
    newer, so paging through it cannot show a story twice (a page that folded a story's articles into
    one card would leave its older ones to turn up again on the next page)."""
    newer = Article.objects.originals().filter(
        Q(published_at__gt=OuterRef("published_at"))
        | Q(published_at=OuterRef("published_at"), pk__gt=OuterRef("pk")),
        membership__story_id=OuterRef("membership__story_id"),
    )
    return (
        card_queryset()
        .exclude(Exists(newer))
        .exclude(membership__story_id__in=stories_above)
        .exclude(pk__in=articles_above)
    )


@dataclass(frozen=True)
class StoryOf:
    """The story an article belongs to, and how many original articles (copies left out) it holds."""

    story_id: int
    originals: int


def stories_of(*, article_ids: list[int]) -> dict[int, StoryOf]:
    """The listed story of each of these articles that is in one: two queries, whatever the number."""
    pairs = dict(
        StoryMember.objects.filter(
            article_id__in=article_ids,
            story__merged_into__isnull=True,
            story__article_count__gt=0,
            story__hidden=False,
        ).values_list("article_id", "story_id")
    )
    counts = dict(
        Article.objects.originals()
        .filter(membership__story_id__in=set(pairs.values()))
        .values("membership__story_id")
        .annotate(n=Count("id"))
        .values_list("membership__story_id", "n")
    )
    return {article: StoryOf(story, counts.get(story, 0)) for article, story in pairs.items()}


def topic_sections(*, version: int) -> list[tuple[str, Topic | Category, list[Article]]]:
    """The newest articles of each topic that has any (SECTION_CANDIDATES of them), for the front page.

    Topics (the fixed taxonomy every article is labelled with) when articles carry them; before that,
    the categories operators give sources. Each row is (url name, topic or category, articles).
    """
    key = f"web:sections:{version}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    sections: list[tuple[str, Topic | Category, list[Article]]] = []
    for topic in Topic.objects.with_articles()[:SECTIONS]:
        articles = list(card_queryset().filter(topic_links__topic=topic)[:SECTION_CANDIDATES])
        if articles:
            sections.append(("web:topic", topic, articles))
    if not sections:
        for category in Category.objects.filter(sources__isnull=False).distinct()[:SECTIONS]:
            articles = list(card_queryset().filter(source__categories=category)[:SECTION_CANDIDATES])
            if articles:
                sections.append(("web:category", category, articles))
    cache.set(key, sections, 120)
    return sections
