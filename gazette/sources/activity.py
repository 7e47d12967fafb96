"""How much a source publishes: the figure its page shows and adaptive polling uses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Min, Q

from gazette.articles.models import Article
from gazette.sources.models import Source

# The mean is taken over at most this many days, and over fewer when the source has published for fewer
# (its oldest article is younger): a source whose first 19 articles came in one day sends 19 a day, not 19/7.
RATE_WINDOW_DAYS = 7


@dataclass(frozen=True)
class SourceActivity:
    last_day: int  # articles published in the last 24 hours
    per_day: float  # the mean over `days`
    days: int  # whole days the mean is over (1 to RATE_WINDOW_DAYS)


def source_activity(*, source: Source, now: datetime) -> SourceActivity:
    """Articles in the last day, and the daily mean over the window or, for a younger source, the days
    since its oldest article (at least one)."""
    window = Q(published_at__gte=now - timedelta(days=RATE_WINDOW_DAYS), published_at__lte=now)
    last_day = Q(published_at__gte=now - timedelta(days=1), published_at__lte=now)
    found = Article.objects.filter(source=source).aggregate(
        total=Count("id", filter=window), last_day=Count("id", filter=last_day), earliest=Min("published_at")
    )
    total, earliest = found["total"], found["earliest"]
    if not total or earliest is None:
        return SourceActivity(last_day=0, per_day=0.0, days=RATE_WINDOW_DAYS)
    span = (now - earliest) / timedelta(days=1)
    days = min(RATE_WINDOW_DAYS, max(1, round(span)))
    return SourceActivity(last_day=found["last_day"], per_day=round(total / days, 2), days=days)
