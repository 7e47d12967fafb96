"""Full coverage of a story: its timeline with copies under their originals, label breakdowns, blindspots."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from gazette.articles.models import Article
from gazette.sources.models import Source
from gazette.stories.models import Story, StoryMember

# The source labels an operator may set, in the order the story page shows them.
LABELS = (("country", "Country"), ("ownership", "Ownership"), ("lean", "Lean"))
UNLABELLED = "unlabelled"
# A story is a blindspot only when at least this many of its outlets carry a lean label: one outlet
# alone says nothing about which side ignored the story.
BLINDSPOT_MIN_SOURCES = 2
BLINDSPOT_CANDIDATES = 500


@dataclass
class TimelineEntry:
    article: Article
    copies: list[Article] = field(default_factory=list)
    copy_of: Article | None = None
    """Set when the article is a copy whose original is not part of this story."""


def story_articles(story: Story) -> list[Article]:
    """The story's articles and every copy of them, oldest first, without their text."""
    members = Article.objects.filter(membership__story=story)
    copies = Article.objects.filter(duplicate_of__membership__story=story)
    return list(
        (members | copies)
        .distinct()
        .select_related("source", "duplicate_of__source")
        .defer(
            "content_html", "content_text", "guid", "duplicate_of__content_html", "duplicate_of__content_text"
        )
        .order_by("published_at", "id")
    )


def story_timeline(articles: list[Article]) -> list[TimelineEntry]:
    """Originals in time order, each with its copies nested under it."""
    entries: dict[int, TimelineEntry] = {}
    for article in articles:
        if article.duplicate_of_id is None:
            entries[article.pk] = TimelineEntry(article)
    timeline: list[TimelineEntry] = []
    for article in articles:
        if article.duplicate_of_id is None:
            timeline.append(entries[article.pk])
        elif article.duplicate_of_id in entries:
            entries[article.duplicate_of_id].copies.append(article)
        else:
            timeline.append(TimelineEntry(article, copy_of=article.duplicate_of))
    return timeline


@dataclass
class LabelRow:
    value: str
    count: int
    percent: int


@dataclass
class LabelBreakdown:
    name: str
    rows: list[LabelRow]


def label_breakdown(sources: Iterable[Source]) -> list[LabelBreakdown]:
    """For each label, how many of the outlets carry each value ('unlabelled' when blank), most first."""
    sources = list(sources)
    breakdowns = []
    for attr, name in LABELS:
        counts = Counter((getattr(s, attr) or "").strip() or UNLABELLED for s in sources)
        ordered = sorted(counts.items(), key=lambda kv: (kv[0] == UNLABELLED, -kv[1], kv[0].lower()))
        rows = [LabelRow(value, n, round(100 * n / len(sources))) for value, n in ordered]
        breakdowns.append(LabelBreakdown(name, rows))
    return breakdowns


def lean_values() -> list[str]:
    """The distinct lean labels the operator has given sources."""
    values = {v.strip() for v in Source.objects.exclude(lean="").values_list("lean", flat=True)}
    return sorted(v for v in values if v)


@dataclass
class Blindspot:
    story: Story
    lean: str
    outlets: int


def blindspots_find(*, limit: int = 50) -> list[Blindspot]:
    """Recent stories whose lean-labelled outlets all share one lean, while sources carry at least two."""
    if len(lean_values()) < 2:
        return []
    stories = list(Story.objects.listed()[:BLINDSPOT_CANDIDATES])
    rows = (
        StoryMember.objects.filter(story__in=stories)
        .values_list("story_id", "article__source_id", "article__source__lean")
        .distinct()
    )
    outlets: dict[int, set[int]] = defaultdict(set)
    leans: dict[int, dict[int, str]] = defaultdict(dict)
    for story_id, source_id, lean in rows:
        outlets[story_id].add(source_id)
        if lean and lean.strip():
            leans[story_id][source_id] = lean.strip()
    found = []
    for story in stories:
        labelled = leans.get(story.pk, {})
        values = set(labelled.values())
        if len(values) == 1 and len(labelled) >= BLINDSPOT_MIN_SOURCES:
            found.append(Blindspot(story, values.pop(), len(outlets[story.pk])))
            if len(found) >= limit:
                break
    return found
