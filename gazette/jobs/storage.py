"""A Huey storage on Django's own database connection.

Written here rather than taken from Huey because Huey's SQL storages (SqliteStorage, PostgresStorage)
open connections of their own: a job queued through them commits apart from the caller's transaction,
so a crash between the two commits loses the job or runs it on rows that were rolled back. Through
Django's connection, `QueuedTask` rows are part of whatever transaction is open when a job is queued,
on SQLite and PostgreSQL alike, and the tables come from a Django migration like every other table.

Dequeueing takes the oldest task of the queue and deletes it in one transaction; on PostgreSQL the row
is taken `FOR UPDATE SKIP LOCKED`, so workers on many machines never take the same task and never wait
for each other; SQLite's IMMEDIATE transactions serialise the same statements.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar, cast

from django.db import DatabaseError, IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.db.models import QuerySet
from huey.constants import EmptyData
from huey.storage import BaseStorage

from gazette.jobs.models import QueuedTask, ScheduledTask, TaskData

log = logging.getLogger(__name__)
T = TypeVar("T")


def _reconnecting(fn: Callable[..., T]) -> Callable[..., T]:
    """A database error outside a transaction drops the connection, so the next call reconnects
    (after a PostgreSQL restart the old connection is dead for good)."""

    def wrapper(*args: Any, **kwargs: Any) -> T:
        try:
            return fn(*args, **kwargs)
        except DatabaseError:
            if not connection.in_atomic_block:
                connection.close()
            raise

    wrapper.__name__ = fn.__name__
    wrapper.__doc__ = fn.__doc__
    return wrapper


class _Unreachable:
    """Whether this process has found the database unreachable, so that idle workers asking for work
    say so once per outage instead of a traceback per thread per second."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.down = False

    def failed(self, exc: Exception) -> None:
        with self.lock:
            first, self.down = not self.down, True
        if first:
            log.warning("jobs: the database is unreachable (%s); workers wait for it", str(exc).strip())

    def answered(self) -> None:
        if self.down:
            with self.lock:
                back, self.down = self.down, False
            if back:
                log.warning("jobs: the database answers again")


_unreachable = _Unreachable()


def _waiting_out_outages(empty: Any) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """For the reads idle workers repeat (taking a task, moving due ones): a lost connection answers
    `empty`, so the worker backs off as when there is nothing to do, and asks again."""

    def decorator(fn: Callable[..., T]) -> Callable[..., T]:
        def wrapper(*args: Any, **kwargs: Any) -> T:
            try:
                value = fn(*args, **kwargs)
            except (OperationalError, InterfaceError) as exc:
                _unreachable.failed(exc)
                return cast(T, empty)
            _unreachable.answered()
            return value

        wrapper.__name__ = fn.__name__
        wrapper.__doc__ = fn.__doc__
        return wrapper

    return decorator


def _take(rows: QuerySet[Any], limit: int) -> list[bytes]:
    """Delete and return the `data` of the first `limit` rows, in one transaction. On PostgreSQL rows
    another worker is taking are skipped, never waited for; SQLite's IMMEDIATE transaction holds the
    write lock from its start, so no one else can take them meanwhile."""
    with transaction.atomic():
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True)
        taken = list(rows.values_list("id", "data")[:limit])
        if taken:
            rows.model.objects.filter(id__in=[pk for pk, _ in taken]).delete()
    return [bytes(data) for _, data in taken]


class DjangoStorage(BaseStorage):  # type: ignore[misc]
    """Huey's storage interface over the QueuedTask, ScheduledTask and TaskData tables."""

    blocking = False

    def __init__(self, name: str = "huey", **kwargs: Any) -> None:
        super().__init__(name, **kwargs)

    # -- the queue --------------------------------------------------------------------------------

    @_reconnecting
    def enqueue(self, data: bytes, priority: float | None = None) -> None:
        QueuedTask.objects.create(queue=self.name, data=data, priority=priority or 0.0)

    @_waiting_out_outages(None)
    @_reconnecting
    def dequeue(self) -> bytes | None:
        queued = QueuedTask.objects.filter(queue=self.name)
        if not queued.exists():  # a cheap look first: idle workers ask often
            return None
        taken = _take(queued.order_by("-priority", "id"), 1)
        return taken[0] if taken else None

    @_reconnecting
    def queue_size(self) -> int:
        return QueuedTask.objects.filter(queue=self.name).count()

    @_reconnecting
    def enqueued_items(self, limit: int | None = None) -> list[bytes]:
        rows = QueuedTask.objects.filter(queue=self.name).order_by("-priority", "id")
        return [bytes(d) for d in rows.values_list("data", flat=True)[:limit]]

    @_reconnecting
    def flush_queue(self) -> None:
        QueuedTask.objects.filter(queue=self.name).delete()

    # -- the schedule (retries after back-off, delayed jobs) ---------------------------------------

    @_reconnecting
    def add_to_schedule(self, data: bytes, ts: datetime, utc: bool = True) -> None:
        ScheduledTask.objects.create(queue=self.name, data=data, timestamp=ts.timestamp())

    @_waiting_out_outages([])
    @_reconnecting
    def read_schedule(self, ts: datetime) -> list[bytes]:
        due = ScheduledTask.objects.filter(queue=self.name, timestamp__lte=ts.timestamp())
        if not due.exists():
            return []
        return _take(due.order_by("timestamp", "id"), 500)

    @_reconnecting
    def schedule_size(self) -> int:
        return ScheduledTask.objects.filter(queue=self.name).count()

    @_reconnecting
    def scheduled_items(self, limit: int | None = None) -> list[bytes]:
        rows = ScheduledTask.objects.filter(queue=self.name).order_by("timestamp", "id")
        return [bytes(d) for d in rows.values_list("data", flat=True)[:limit]]

    @_reconnecting
    def flush_schedule(self) -> None:
        ScheduledTask.objects.filter(queue=self.name).delete()

    # -- key-value data (revocations, locks) ---------------------------------------------------------

    @_reconnecting
    def put_data(self, key: str, value: bytes, is_result: bool = False) -> None:
        TaskData.objects.update_or_create(queue=self.name, key=key, defaults={"value": value})

    @_reconnecting
    def peek_data(self, key: str) -> Any:
        value = TaskData.objects.filter(queue=self.name, key=key).values_list("value", flat=True).first()
        return EmptyData if value is None else bytes(value)

    @_reconnecting
    def pop_data(self, key: str) -> Any:
        with transaction.atomic():
            row = TaskData.objects.filter(queue=self.name, key=key).values_list("id", "value").first()
            if row is None or TaskData.objects.filter(id=row[0]).delete()[0] != 1:
                return EmptyData
            return bytes(row[1])

    @_reconnecting
    def has_data_for_key(self, key: str) -> bool:
        return TaskData.objects.filter(queue=self.name, key=key).exists()

    @_reconnecting
    def put_if_empty(self, key: str, value: bytes, ttl: float | None = None) -> bool:
        try:
            with transaction.atomic():
                TaskData.objects.create(queue=self.name, key=key, value=value)
        except IntegrityError:
            return False
        return True

    @_reconnecting
    def result_store_size(self) -> int:
        return TaskData.objects.filter(queue=self.name).count()

    @_reconnecting
    def result_items(self) -> dict[str, bytes]:
        return {k: bytes(v) for k, v in TaskData.objects.filter(queue=self.name).values_list("key", "value")}

    @_reconnecting
    def flush_results(self) -> None:
        TaskData.objects.filter(queue=self.name).delete()

    def close(self) -> bool:
        return False  # the connection is Django's: it closes it
