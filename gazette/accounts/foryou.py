"""For you: a signed-in reader's own front page, ranked from what they follow, save and read.

Each card says why it is there (its reason) and names the thing that put it there (its target), which the
reader can mute ("Show fewer like this"). The page keeps the front page's rules:
1. One card per story, shown through one of its articles; an article appears once on the page.
2. Unread before read: an article the reader has read is never above one they have not.
3. Among unread (and among read) cards, newer first, lifted by the story's new coverage since the reader's
   previous visit and by how close the reason is to the reader (a followed story over a followed source),
   and lowered for each card above with the same reason target.
4. A muted target's articles are left out entirely, whatever else would bring them in.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Count, Q
from django.utils import timezone

from gazette.accounts.follows import TARGET_MODELS, Target, follow_kind
from gazette.accounts.models import FOLLOW_KINDS, Follow, ForYouMute, SavedArticle
from gazette.accounts.reading import reader_settings, unread_condition
from gazette.articles.models import Article
from gazette.articles.selectors import card_queryset
from gazette.stories.models import ArticleEntity, ArticleTopic, Story, StoryMember
from gazette.stories.selectors import stories_of

FORYOU_SIZE = 30
# Only this recent coverage is considered: older news is on the topic, source and story pages.
FORYOU_WINDOW = timedelta(days=7)
# The newest candidate articles ranked; enough for a page after folding stories into one card each.
FORYOU_CANDIDATES = 400
# Reloads within this long of the visit's start are the same visit, so "new" does not drop to zero.
VISIT_GAP = timedelta(minutes=30)
# A reader's first visit counts the last day as new.
FIRST_VISIT_NEW = timedelta(days=1)
# How close each reason is to the reader: a story they follow matters more than a whole source.
REASON_WEIGHTS = {"story": 1.6, "saved": 1.4, "entity": 1.25, "topic": 1.0, "source": 1.0}
# Hours added to a card's age before gravity applies, so an article from a minute ago does not dwarf all.
AGE_OFFSET_HOURS = 2.0
GRAVITY = 1.5
# Each further card with the same reason target counts this much less, so that one busy source the
# reader follows does not fill the page before the topics and people they follow get a card.
REPEAT_DECAY = 0.8


@dataclass(frozen=True)
class Reason:
    """Why a card is on For you, and the followed (or saved-into) thing a mute would silence."""

    kind: str  # "story", "saved", "entity", "topic" or "source"
    text: str
    target: Target

    @property
    def target_kind(self) -> str:
        return follow_kind(self.target)


@dataclass(frozen=True)
class ForYouItem:
    """One card: an article, its story's other originals, its reason, and whether the reader read it."""

    article: Article
    reason: Reason
    read: bool
    story_id: int | None = None
    more: int = 0
    new: int = 0


# A ranked card: read or not, its score, its article's id (newer first on ties), the card.
Row = tuple[bool, float, int, ForYouItem]


def foryou_since(*, user: User, now: datetime | None = None) -> datetime:
    """Since when articles are new to the reader, without noting a visit (reader apps, the API)."""
    found = reader_settings(user=user)
    start = found.foryou_visit_at or now or timezone.now()
    return found.foryou_previous_visit_at or start - FIRST_VISIT_NEW


def foryou_visit(*, user: User, now: datetime | None = None) -> datetime:
    """Note the reader's visit to For you; returns the time since which articles are new to them.

    A visit starts when the last began more than VISIT_GAP ago; until then reloads keep the same start,
    so what was new stays new while they look.
    """
    now = now or timezone.now()
    found = reader_settings(user=user)
    if found.foryou_visit_at is None or now - found.foryou_visit_at > VISIT_GAP:
        found.foryou_previous_visit_at = found.foryou_visit_at
        found.foryou_visit_at = now
        found.save(update_fields=["foryou_visit_at", "foryou_previous_visit_at"])
    return foryou_since(user=user, now=now)


def foryou_mutes(*, user: User) -> list[ForYouMute]:
    """What the reader asked to see fewer of, newest first, with the muted rows loaded."""
    return list(ForYouMute.objects.filter(user=user).select_related(*FOLLOW_KINDS))


def foryou_mute_add(*, user: User, target: Target) -> ForYouMute:
    """Leave `target`'s articles out of the reader's For you; muting it again changes nothing."""
    lookup: dict[str, Any] = {follow_kind(target): target}
    mute, _ = ForYouMute.objects.get_or_create(user=user, **lookup)
    return mute


def foryou_mute_remove(*, user: User, target: Target) -> None:
    """Bring `target`'s articles back to the reader's For you; a no-op when it was not muted."""
    ForYouMute.objects.filter(user=user, **{follow_kind(target): target}).delete()


def _ids(rows: Any, kind: str) -> set[int]:
    return {getattr(row, f"{kind}_id") for row in rows if getattr(row, f"{kind}_id") is not None}


def _candidates(
    *, follows: list[Follow], saved_stories: set[int], muted: dict[str, set[int]], since_window: datetime
) -> list[Article]:
    """The newest articles any follow or saved story brings in, muted targets' articles left out."""
    topics, entities = _ids(follows, "topic"), _ids(follows, "entity")
    sources, stories = _ids(follows, "source"), _ids(follows, "story") | saved_stories
    wanted = Q(source_id__in=sources) | Q(membership__story_id__in=stories)
    wanted |= Q(membership__story__absorbed__in=stories)
    if topics:
        wanted |= Q(pk__in=ArticleTopic.objects.filter(topic_id__in=topics).values("article_id"))
    if entities:
        wanted |= Q(pk__in=ArticleEntity.objects.filter(entity_id__in=entities).values("article_id"))
    query = card_queryset().filter(wanted, published_at__gt=since_window)
    if muted["topic"]:
        query = query.exclude(
            pk__in=ArticleTopic.objects.filter(topic_id__in=muted["topic"]).values("article_id")
        )
    if muted["entity"]:
        query = query.exclude(
            pk__in=ArticleEntity.objects.filter(entity_id__in=muted["entity"]).values("article_id")
        )
    query = query.exclude(source_id__in=muted["source"]).exclude(membership__story_id__in=muted["story"])
    # distinct(): the absorbed-story join can match an article twice.
    return list(query.distinct()[:FORYOU_CANDIDATES])


def _links(
    article_ids: list[int], model: type[ArticleTopic | ArticleEntity], column: str, wanted: set[int]
) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    if wanted:
        rows = model.objects.filter(article_id__in=article_ids, **{f"{column}_id__in": wanted})
        for article_id, target_id in rows.values_list("article_id", f"{column}_id"):
            found.setdefault(article_id, []).append(target_id)
    return found


def _score(*, newest: datetime, now: datetime, new: int, weight: float) -> float:
    hours = max((now - newest).total_seconds() / 3600, 0.0)
    return weight * (1 + math.log1p(new)) / (hours + AGE_OFFSET_HOURS) ** GRAVITY


def foryou_items(
    *, reader: User, limit: int = FORYOU_SIZE, since: datetime | None = None, now: datetime | None = None
) -> list[ForYouItem]:
    """The reader's For you cards, best first (see the module docstring); `since`: when articles became
    new to them (default: the last day)."""
    now = now or timezone.now()
    since = since or now - FIRST_VISIT_NEW
    follows = list(Follow.objects.filter(user=reader).select_related(*FOLLOW_KINDS))
    saved_ids = set(SavedArticle.objects.filter(user=reader).values_list("article_id", flat=True))
    saved_stories = set(
        StoryMember.objects.filter(article_id__in=saved_ids, story__merged_into__isnull=True).values_list(
            "story_id", flat=True
        )
    )
    mutes = list(ForYouMute.objects.filter(user=reader))
    muted = {kind: _ids(mutes, kind) for kind in FOLLOW_KINDS}
    if not follows and not saved_stories:
        return []
    articles = _candidates(
        follows=follows, saved_stories=saved_stories, muted=muted, since_window=now - FORYOU_WINDOW
    )
    ids = [a.pk for a in articles]
    # Every candidate is inside the unread window, so what is not unread is read.
    unread_query = Article.objects.filter(pk__in=ids).filter(unread_condition(user=reader, now=now))
    read = set(ids) - set(unread_query.values_list("pk", flat=True))
    stories = stories_of(article_ids=ids)
    targets = {kind: {f.target.pk: f.target for f in follows if f.kind == kind} for kind in FOLLOW_KINDS}
    # A followed story merged into another stands for the story it became part of.
    for follow in follows:
        if follow.story is not None and follow.story.merged_into is not None:
            targets["story"].setdefault(follow.story.merged_into.pk, follow.story.merged_into)
    topic_links = _links(ids, ArticleTopic, "topic", set(targets["topic"]))
    entity_links = _links(ids, ArticleEntity, "entity", set(targets["entity"]))
    saved_story_of = Story.objects.in_bulk(saved_stories)
    new_counts = dict(
        Article.objects.originals()
        .filter(membership__story_id__in={s.story_id for s in stories.values()}, published_at__gt=since)
        .filter(unread_condition(user=reader, now=now))
        .values("membership__story_id")
        .annotate(n=Count("id"))
        .values_list("membership__story_id", "n")
    )

    def reason_of(article: Article, story_id: int | None, new: int) -> Reason | None:
        if story_id is not None and story_id in targets["story"]:
            story = targets["story"][story_id]
            if new:
                text = f"A story you follow has {new} new article{'s' if new != 1 else ''}"
            else:
                text = "A story you follow"
            return Reason("story", text, story)
        if story_id is not None and story_id in saved_story_of:
            return Reason("saved", "Because you saved an article in this story", saved_story_of[story_id])
        for entity_id in entity_links.get(article.pk, []):
            entity = targets["entity"][entity_id]
            return Reason("entity", f"Because you follow {entity}", entity)
        for topic_id in topic_links.get(article.pk, []):
            topic = targets["topic"][topic_id]
            return Reason("topic", f"In {topic}, which you follow", topic)
        if article.source_id in targets["source"]:
            source = targets["source"][article.source_id]
            return Reason("source", f"From {source}, which you follow", source)
        return None

    # One card per story: its best article is its newest unread one, else its newest (newest come first).
    groups: dict[tuple[str, int], list[Article]] = {}
    for article in articles:
        found = stories.get(article.pk)
        groups.setdefault(("story", found.story_id) if found else ("article", article.pk), []).append(article)
    ranked: list[Row] = []
    for members in groups.values():
        article = next((a for a in members if a.pk not in read), members[0])
        found = stories.get(article.pk)
        story_id = found.story_id if found else None
        new = (
            new_counts.get(story_id, 0)
            if story_id is not None
            else int(article.pk not in read and article.published_at > since)
        )
        # The shown article's own reason first, so that "From <source>" names the card's outlet; else
        # the story is here through another of its articles (one naming a followed entity, say).
        reason = reason_of(article, story_id, new) or next(
            (r for other in members if (r := reason_of(other, story_id, new)) is not None), None
        )
        if reason is None:
            continue
        is_read = article.pk in read
        item = ForYouItem(
            article=article,
            reason=reason,
            read=is_read,
            story_id=story_id,
            more=max(found.originals - 1, 0) if found else 0,
            new=new,
        )
        weight = REASON_WEIGHTS[reason.kind]
        score = _score(newest=article.published_at, now=now, new=new, weight=weight)
        ranked.append((is_read, score, article.pk, item))
    return [row[3] for row in _spread(sorted(ranked, key=_order))[:limit]]


def _order(row: Row) -> tuple[bool, float, int]:
    """Unread before read, then the higher score, then the newer article."""
    is_read, score, pk, _ = row
    return is_read, -score, -pk


def _spread(ranked: list[Row]) -> list[Row]:
    """The ranked rows re-ranked with REPEAT_DECAY applied to each target's later cards (read stays last)."""
    seen: dict[tuple[str, int], int] = {}
    spread = []
    for is_read, score, pk, item in ranked:
        key = (item.reason.target_kind, item.reason.target.pk)
        spread.append((is_read, score * REPEAT_DECAY ** seen.get(key, 0), pk, item))
        seen[key] = seen.get(key, 0) + 1
    return sorted(spread, key=_order)


def foryou_target(kind: str, pk: int) -> Target | None:
    """The topic, source, entity or story a mute form names; None when there is no such thing."""
    model = TARGET_MODELS.get(kind)
    return model.objects.filter(pk=pk).first() if model is not None else None
