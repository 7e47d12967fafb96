"""health_report: is the database answering, when did a poll last succeed, how deep are the queues.

The job engine registers its queue-depth function here (queue_depth_provider_set) rather than this module
importing the engine, so the health check and the metrics do not depend on which engine runs the jobs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import connection
from django.db.models import Count, Max
from django.utils import timezone

from gazette.sources.models import Source

log = logging.getLogger(__name__)

QueueDepthProvider = Callable[[], dict[str, int]]

QUEUE_DEPTH_PROVIDER: QueueDepthProvider | None = None


def queue_depth_provider_set(fn: QueueDepthProvider | None) -> None:
    """Register the function that returns {queue name: jobs waiting}; None unregisters it."""
    global QUEUE_DEPTH_PROVIDER
    QUEUE_DEPTH_PROVIDER = fn


def queue_depths() -> dict[str, int]:
    """Jobs waiting per queue from the registered provider; {} when none is registered.

    Raises whatever the provider raises: the callers decide what a failing queue means to them.
    """
    provider = QUEUE_DEPTH_PROVIDER
    if provider is None:
        return {}
    return {str(name): int(depth) for name, depth in provider().items()}


@dataclass
class HealthReport:
    status: str  # "ok", "degraded" or "down"
    database: str  # "ok" or "error"
    last_successful_poll: datetime | None = None
    last_poll_age_seconds: float | None = None
    queues: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> dict[str, object]:
        last = self.last_successful_poll
        return {
            "status": self.status,
            "database": self.database,
            "last_successful_poll": last.isoformat() if last else None,
            "last_poll_age_seconds": self.last_poll_age_seconds,
            "queues": self.queues,
        }


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any driver error means the same thing here: the site cannot serve
        log.exception("health: database check failed")
        return False
    return True


def health_report(*, now: datetime | None = None) -> HealthReport:
    """Check the database, the newest successful poll of an active source and the queues, now."""
    if not _database_ok():
        return HealthReport(status="down", database="error")
    now = now or timezone.now()
    status = "ok"
    found = Source.objects.active().aggregate(last=Max("last_success_at"), active=Count("pk"))
    last, has_active = found["last"], found["active"] > 0
    age = round((now - last).total_seconds(), 1) if last else None
    # Every active source is due at least once per longest interval, so no success within it means
    # polling is failing or not running; a site without sources has nothing to poll and is fine.
    if has_active and (age is None or age > settings.GAZETTE_INGEST.poll_max_interval):
        status = "degraded"
    try:
        queues = queue_depths()
    except Exception:  # a broken queue backend degrades the site; it does not take the page down
        log.exception("health: queue depth provider failed")
        queues, status = {}, "degraded"
    return HealthReport(
        status=status, database="ok", last_successful_poll=last, last_poll_age_seconds=age, queues=queues
    )
