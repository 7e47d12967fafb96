"""Which articles a reader has read: marking read and unread, "mark all read", and unread counts.

The state is kept small so it scales with readers, not with stored articles:
1. An article older than UNREAD_WINDOW is read for everyone (Google Reader did the same after 30 days),
   so unread lists and counts only ever scan a source's recent articles (index article_source_published).
2. "Mark all read" of a source stores one ReadWatermark row: its articles published at or before the
   watermark are read. Watermarks only move forward.
3. A ReadState row is an exception to both: read (is_read) or kept unread (not is_read). Raising a
   watermark deletes the source's rows below it, which the watermark now decides.

So an article is unread when it is inside the window and either has a kept-unread row, or has no row and
is newer than its source's watermark.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import (
    Count,
    DateTimeField,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from gazette.accounts.models import Follow, ReaderSettings, ReadState, ReadWatermark
from gazette.articles.models import Article
from gazette.sources.models import Source

UNREAD_WINDOW = timedelta(days=30)


def reader_settings(*, user: User) -> ReaderSettings:
    """The reader's settings row, made with the defaults the first time it is asked for."""
    found, _ = ReaderSettings.objects.get_or_create(user=user)
    return found


def unread_condition(*, user: User, now: datetime | None = None) -> Q:
    """A filter on Article: unread by `user` (see the module docstring)."""
    window_start = (now or timezone.now()) - UNREAD_WINDOW
    marks = ReadState.objects.filter(user=user, article=OuterRef("pk"))
    watermark = Coalesce(
        Subquery(
            ReadWatermark.objects.filter(user=user, source=OuterRef("source_id")).values("read_before")[:1]
        ),
        Value(window_start),
        output_field=DateTimeField(),
    )
    return Q(published_at__gt=window_start) & (
        (~Q(Exists(marks)) & Q(published_at__gt=watermark)) | Q(Exists(marks.filter(is_read=False)))
    )


def followed_source_ids(*, user: User) -> QuerySet:
    """The ids of the sources the reader follows, as a subquery."""
    return Follow.objects.filter(user=user, source__isnull=False).values("source_id")


def unread_articles(*, user: User, now: datetime | None = None) -> QuerySet[Article]:
    """The reader's unread articles from the sources they follow."""
    return Article.objects.filter(source_id__in=followed_source_ids(user=user)).filter(
        unread_condition(user=user, now=now)
    )


@dataclass(frozen=True)
class UnreadCount:
    source_id: int
    count: int
    newest: datetime


def unread_counts(*, user: User, now: datetime | None = None) -> dict[int, UnreadCount]:
    """Unread articles per followed source (sources with none are left out), with the newest one's time.

    Counted as: the source's articles past its cutoff (the later of the window's start and its
    watermark), an index range count per followed source; less the reader's read marks past the cutoff;
    plus their kept-unread marks below it. Filtering every article row by the unread condition instead
    made the database probe the marks and watermarks for each of them.
    """
    window_start = (now or timezone.now()) - UNREAD_WINDOW
    cutoff = Greatest(
        Value(window_start),
        Coalesce(
            Subquery(
                ReadWatermark.objects.filter(user=user, source=OuterRef("source_id")).values("read_before")[
                    :1
                ]
            ),
            Value(window_start),
        ),
        output_field=DateTimeField(),
    )
    past_cutoff = Article.objects.filter(source_id=OuterRef("source_id"), published_at__gt=OuterRef("cutoff"))
    rows = (
        Follow.objects.filter(user=user, source__isnull=False)
        .annotate(cutoff=cutoff)
        .annotate(
            total=Subquery(
                past_cutoff.order_by().values("source_id").annotate(n=Count("pk")).values("n")[:1],
                output_field=IntegerField(),
            ),
            newest=Subquery(past_cutoff.order_by("-published_at").values("published_at")[:1]),
        )
        .values_list("source_id", "cutoff", "total", "newest")
    )
    found: dict[int, list] = {sid: [cut, total or 0, newest] for sid, cut, total, newest in rows}
    marks = ReadState.objects.filter(
        user=user, article__source_id__in=list(found), article__published_at__gt=window_start
    ).values_list("article__source_id", "article__published_at", "is_read")
    for source_id, published, is_read in marks:
        entry = found[source_id]
        if is_read and published > entry[0]:
            entry[1] -= 1
        elif not is_read and published <= entry[0]:
            entry[1] += 1
            entry[2] = max(entry[2], published) if entry[2] else published
    return {
        sid: UnreadCount(sid, count, newest)
        for sid, (_, count, newest) in found.items()
        if count > 0 and newest
    }


def articles_mark_read(*, user: User, article_ids: Iterable[int]) -> int:
    """Mark these articles read for the reader; unknown ids are skipped. Returns how many were marked."""
    return _mark(user=user, article_ids=article_ids, is_read=True)


def articles_mark_unread(*, user: User, article_ids: Iterable[int]) -> int:
    """Keep these articles unread for the reader, even below a watermark (not past the unread window)."""
    return _mark(user=user, article_ids=article_ids, is_read=False)


def article_mark_read(*, user: User, article: Article) -> None:
    """Mark one article read for the reader."""
    articles_mark_read(user=user, article_ids=[article.pk])


def article_mark_unread(*, user: User, article: Article) -> None:
    """Mark one article unread for the reader."""
    articles_mark_unread(user=user, article_ids=[article.pk])


def _mark(*, user: User, article_ids: Iterable[int], is_read: bool) -> int:
    wanted = set(article_ids)
    if not wanted:
        return 0
    existing = list(Article.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    now = timezone.now()
    ReadState.objects.bulk_create(
        [ReadState(user=user, article_id=pk, is_read=is_read, read_at=now) for pk in existing],
        update_conflicts=True,
        unique_fields=["user", "article"],
        update_fields=["is_read", "read_at"],
    )
    return len(existing)


def articles_mark_all_read(
    *,
    user: User,
    sources: Iterable[Source] | None = None,
    articles: QuerySet[Article] | None = None,
    before: datetime | None = None,
) -> None:
    """Mark read everything published at or before `before` (default now) in these sources (a watermark
    each) or among these articles (a story's, a topic's: one row per unread article)."""
    now = timezone.now()
    before = min(before or now, now)
    with transaction.atomic():
        for source in sources or ():
            _watermark_raise(user=user, source=source, before=before)
        if articles is not None:
            ids = (
                articles.filter(published_at__lte=before)
                .filter(unread_condition(user=user, now=now))
                .values_list("pk", flat=True)
            )
            articles_mark_read(user=user, article_ids=list(ids))


def _watermark_raise(*, user: User, source: Source, before: datetime) -> None:
    mark, created = ReadWatermark.objects.get_or_create(
        user=user, source=source, defaults={"read_before": before}
    )
    if not created and mark.read_before < before:
        ReadWatermark.objects.filter(pk=mark.pk, read_before__lt=before).update(read_before=before)
    # Below the watermark it decides alone: earlier read or kept-unread marks are dropped.
    ReadState.objects.filter(
        user=user, article__source=source, article__published_at__lte=max(before, mark.read_before)
    ).delete()


def article_opened(*, user: User, article_id: int) -> bool:
    """The reader opened the article's page: mark it read unless they turned that off. True if marked."""
    if not ReaderSettings.objects.filter(user=user, mark_read_on_open=False).exists():
        return articles_mark_read(user=user, article_ids=[article_id]) > 0
    return False
