"""The job engine: Huey, one instance per queue, all storing their tasks in the application database.

Why Huey (measured in bench/job_engine.py, figures in the README): it runs the same task functions
embedded (threads in one process, SQLite, no broker) and across machines (many worker processes on
PostgreSQL), with retries, back-off and delayed tasks; procrastinate needs PostgreSQL, Celery a broker.
Its storage is ours (`storage.DjangoStorage`) so a job is queued in the caller's transaction.

Huey takes a task off the queue before running it (at most once): a worker killed mid-task loses that
message. Nothing is lost with it, because every stage's progress is a column of the rows it works on
(see `stages`) and the scheduler's sweep queues again whatever has stayed unfinished.
"""

from __future__ import annotations

import datetime
import functools
import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection, connections
from huey import Huey
from huey.api import Task
from huey.consumer import Consumer, Scheduler
from huey.exceptions import RetryTask

from gazette.jobs.models import JobFailure
from gazette.jobs.storage import DjangoStorage

log = logging.getLogger(__name__)

QUEUES = ("poll", "fetch", "enrich", "stories", "ai")

# Retries of a failed job, the first delay and its growth: 30 s, 2 min, 8 min.
RETRIES, RETRY_DELAY, RETRY_BACKOFF = 3, 30, 4.0

# How long jobs_drain lets pass after a job handed itself back (a busy host) before the next round.
HAND_BACK_PAUSE = 0.05

_HUEYS: dict[str, Huey] = {}
_REVOKE_PREFIX = "r:"  # huey.api.Task.revoke_id
_OBSERVERS: list[Callable[[str, str, float, BaseException | None], None]] = []


class _Huey(Huey):  # type: ignore[misc]
    """Huey without revocation. Gazette never revokes a task: a stage's progress is a column of its
    rows, so work is stopped by changing the rows. Huey looks up two revocation keys before every
    task and deletes one after it; on a table storage that is 5 of the ~15 statements a 304 poll job
    costs, so those lookups are skipped and revoking is refused rather than silently ignored."""

    def is_revoked(self, task: Task, timestamp: Any = None, peek: bool = True) -> bool:
        return False

    def delete(self, key: str) -> bool:
        if key.startswith(_REVOKE_PREFIX):  # a finished task's revocation flag: never set
            return False
        return bool(super().delete(key))

    def _refuse(self, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError("jobs: Gazette does not revoke tasks; change the rows they work on")

    revoke = revoke_all = revoke_by_id = _refuse


def queue_get(name: str) -> Huey:
    """The Huey instance of one queue."""
    if name not in QUEUES:
        raise ValueError(f"jobs: no queue named {name!r} (queues: {', '.join(QUEUES)})")
    if name not in _HUEYS:
        huey = _Huey(name, results=False, utc=True, storage_class=DjangoStorage)
        huey.pre_execute("gazette")(_before)
        huey.post_execute("gazette")(functools.partial(_after, name))
        huey.on_shutdown("gazette")(_connections_close)
        _HUEYS[name] = huey
    return _HUEYS[name]


def job(queue: str, *, retries: int = RETRIES, **options: Any) -> Callable[[Callable[..., Any]], Any]:
    """Declare a task of a queue. Calling the task queues it, inside the open transaction if there is
    one; `task.call_local(...)` runs it here and now."""
    return queue_get(queue).task(
        retries=retries, retry_delay=RETRY_DELAY, retry_backoff=RETRY_BACKOFF, name=None, **options
    )


def job_observe(fn: Callable[[str, str, float, BaseException | None], None]) -> None:
    """Call fn(queue, task, seconds, error) after every job (metrics)."""
    _OBSERVERS.append(fn)


_started = threading.local()
_FAR_FUTURE = datetime.datetime(9999, 1, 1, tzinfo=datetime.UTC)


def _connections_refresh() -> None:
    """Drop connections broken (a database restart) or past their age between jobs; never inside an
    outer transaction (jobs run by jobs_drain from a caller's transaction)."""
    if not connection.in_atomic_block:
        close_old_connections()


def _connections_close() -> None:
    """Close the stopping thread's connections (Django keeps one per thread): left open, they outlive
    the worker on the database server, and PostgreSQL refuses to drop a database they are still on."""
    connections.close_all()


def _before(task: Task) -> None:
    _connections_refresh()
    _started.at = time.monotonic()


def _after(queue: str, task: Task, value: Any, exc: BaseException | None) -> None:
    seconds = time.monotonic() - getattr(_started, "at", time.monotonic())
    _started.handed_back = isinstance(exc, RetryTask)
    if exc is not None and not task.retries:
        _failure_record(queue, task, exc)
    for observer in _OBSERVERS:
        try:
            observer(queue, task.name, seconds, exc)
        except Exception:  # noqa: BLE001 — metrics must never fail a job
            log.exception("jobs: observer failed")
    _connections_refresh()


def _failure_record(queue: str, task: Task, exc: BaseException) -> None:
    args = ", ".join([*(repr(a) for a in task.args), *(f"{k}={v!r}" for k, v in task.kwargs.items())])
    log.error("jobs: %s %s(%s) failed for good: %s", queue, task.name, args[:200], exc)
    try:
        JobFailure.objects.create(
            queue=queue,
            task=task.name[:100],
            args=args[:2000],
            error=f"{type(exc).__name__}: {exc}"[:4000],
            attempts=task.default_retries + 1,
        )
    except Exception:  # noqa: BLE001 — the database may be what failed; the log line stays
        log.exception("jobs: could not record the failure")


def queue_threads(name: str) -> int:
    """Worker threads a worker process runs for a queue. `stories` stays at one: assignment is
    sequential by nature (and guarded across processes, see stories/engine.py); `enrich` at one, as the
    embedding model already uses every core."""
    jobs = settings.GAZETTE_JOBS
    return {"poll": jobs.poll_workers, "fetch": jobs.fetch_workers, "ai": jobs.ai_workers}.get(name, 1)


def queue_depths() -> dict[str, int]:
    """Tasks waiting in each queue (retries and delayed tasks included)."""
    return {name: queue_get(name).pending_count() + queue_get(name).scheduled_count() for name in QUEUES}


def jobs_drain(*, queues: Iterable[str] = QUEUES, limit: int = 100_000) -> int:
    """Run queued tasks here, in this thread, until the queues are empty (tests, `gazette poll --once`).
    Delayed tasks are run as soon as they are found; returns how many ran."""
    ran = 0
    queues = list(queues)
    while ran < limit:
        progressed = waiting = False
        for name in queues:
            huey = queue_get(name)
            for data in huey.storage.read_schedule(_FAR_FUTURE):
                huey.storage.enqueue(data)
            task = huey.dequeue()
            if task is None:
                continue
            task.eta = None  # a retry's back-off is not waited for here
            _started.handed_back = False
            huey.execute(task)
            ran += 1
            progressed = True
            waiting = waiting or _started.handed_back
        if not progressed:
            break
        if waiting:
            # A job handed itself back to wait for a busy host (RetryTask): let a moment pass
            # rather than ask that host's row again at once.
            time.sleep(HAND_BACK_PAUSE)
    return ran


class _Scheduler(Scheduler):  # type: ignore[misc]
    """Huey's scheduler thread (it moves due retries and delayed jobs to the queue), closing its
    connections when it stops, as the worker threads do through the on_shutdown hook."""

    def shutdown(self) -> None:
        _connections_close()


class _Consumer(Consumer):  # type: ignore[misc]
    """Huey's consumer without its signal handlers: the role that runs it (worker_run) decides when to
    stop, and Python lets only the main thread set handlers (tests run workers on other threads)."""

    scheduler_class = _Scheduler

    def _set_signal_handlers(self) -> None:
        pass


class Workers:
    """Huey consumers (threads) for some queues, in this process; stopped together."""

    def __init__(self, queues: Iterable[str]) -> None:
        self.consumers: list[Consumer] = []
        for name in queues:
            self.consumers.append(
                _Consumer(
                    queue_get(name),
                    workers=queue_threads(name),
                    worker_type="thread",
                    periodic=False,
                    initial_delay=0.05,
                    backoff=1.5,
                    max_delay=1.0,
                    check_worker_health=True,
                    shutdown_timeout=30,
                )
            )

    def start(self) -> None:
        for consumer in self.consumers:
            consumer.start()

    def stop(self) -> None:
        """Let running jobs finish (up to the shutdown timeout), then stop."""
        for consumer in self.consumers:
            consumer.stop_flag.set()
        for consumer in self.consumers:
            consumer.stop(graceful=True)
