"""The long-running roles: `gazette scheduler` and `gazette worker` (and both inside `gazette serve`).

Both stop cleanly on SIGTERM or SIGINT: the scheduler after its current tick; a worker once its running
jobs have finished (up to the engine's shutdown timeout), handing back any poll it had to cut short.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import signal
import threading
import time
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path
from typing import IO

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection, connections

from gazette.jobs.engine import QUEUES, Workers
from gazette.jobs.stages import failures_prune, reader_digests_queue_due, sources_claim_due, work_sweep
from gazette.sources.hosts import host_leases_keep, hosts_prune

log = logging.getLogger(__name__)

TICK_SECONDS = 1.0
SWEEP_EVERY = 60.0
PRUNE_EVERY = 6 * 3600.0
# How often the acting scheduler looks for readers whose daily digest is due (one query on the settings table).
DIGEST_EVERY = 300.0
# An arbitrary constant naming the PostgreSQL advisory lock that only the acting scheduler holds.
_SCHEDULER_LOCK = 0x6A7A_5343


def stop_on_signals(stop: threading.Event) -> None:
    """SIGTERM and SIGINT set `stop` (from the main thread only, where Python delivers signals)."""
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())


class SchedulerLock:
    """Held by the one scheduler that acts: a PostgreSQL advisory lock (its session's), or on SQLite
    an flock on a file beside the database. Both are released by the system when the holder dies,
    however it dies; the others wait and take over."""

    def __init__(self) -> None:
        self._file: IO[str] | None = None

    def acquire(self) -> bool:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # Re-entrant within the session; a reconnection (database restart) asks again.
                cursor.execute("SELECT pg_try_advisory_lock(%s)", [_SCHEDULER_LOCK])
                return bool(cursor.fetchone()[0])
        if self._file is None:
            path = Path(str(settings.DATABASES["default"]["NAME"]) + ".scheduler-lock")
            if "memory" in path.name:  # an in-memory database (tests): one process by definition
                path = Path(settings.DATA_DIR) / "scheduler.lock"
            path.parent.mkdir(parents=True, exist_ok=True)
            handle = path.open("a")
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                handle.close()
                return False
            self._file = handle
        return True

    def release(self) -> None:
        if connection.vendor == "postgresql" and connection.connection is not None:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock_all()")  # every level taken by re-entry
            except DatabaseError:
                connection.close()  # the session, and the lock with it, are gone already or now
        if self._file is not None:
            self._file.close()
            self._file = None


def scheduler_run(*, stop: threading.Event, once: bool = False) -> None:
    """Claim due sources into poll jobs every second; sweep unfinished work every minute; queue the
    readers' daily digests when they are due."""
    lock = SchedulerLock()
    log.info("scheduler: started")
    next_sweep = next_prune = next_digest = 0.0
    announced = False
    try:
        while not stop.is_set():
            try:
                if not lock.acquire():
                    if not announced:
                        log.info("scheduler: another scheduler is acting; standing by")
                        announced = True
                    stop.wait(5.0)
                    continue
                if announced:
                    log.info("scheduler: acting")
                    announced = False
                claimed = sources_claim_due()
                now = time.monotonic()
                if now >= next_sweep:
                    # The first sweep after a start takes everything unfinished: a worker killed
                    # with this process left those rows, and their jobs are lost with it.
                    work_sweep(older_than=None if next_sweep else timedelta(0))
                    # A sweep delay shorter than a minute asks for a sweep as often.
                    next_sweep = now + min(SWEEP_EVERY, float(settings.GAZETTE_JOBS.sweep_after))
                if now >= next_prune:
                    failures_prune()
                    hosts_prune()
                    next_prune = now + PRUNE_EVERY
                if now >= next_digest:
                    reader_digests_queue_due()
                    next_digest = now + DIGEST_EVERY
            except Exception:
                log.exception("scheduler: tick failed; trying again")
                close_old_connections()
                claimed = []
            if once:
                break
            stop.wait(0.05 if len(claimed) >= 500 else TICK_SECONDS)
    finally:
        lock.release()
        connections.close_all()  # this thread's, which would otherwise outlive the scheduler
        log.info("scheduler: stopped")


def worker_run(*, queues: Iterable[str], stop: threading.Event, scheduler: bool = False) -> None:
    """Run worker threads for the given queues (and the scheduler, for the embedded default) until
    `stop` is set; then let running jobs finish and close the poll runtime and the LLM gateway."""
    from gazette.ai.llm import llm_gateway_close
    from gazette.sources.polling import poll_runtime_close

    queues = list(queues)
    if {"enrich", "stories"} & set(queues):
        from gazette.stories.enrich import embedder_get

        # One model per process, loaded before the first job: a bad setting shows now, and the
        # first articles do not wait for it.
        embedder_get()
    # A fetch worker keeps its host slots alive while their requests run, so a slot of a killed
    # worker lapses within a short term (sources/hosts.py); the keeper outlasts the last job.
    keeping = host_leases_keep() if "fetch" in queues else contextlib.nullcontext()
    ticker = None
    try:
        with keeping:
            workers = Workers(queues)
            workers.start()
            log.info("worker: started on %s (pid %d)", ", ".join(queues), os.getpid())
            if scheduler:
                ticker = threading.Thread(
                    target=scheduler_run, kwargs={"stop": stop}, name="gazette-scheduler"
                )
                ticker.start()
            try:
                stop.wait()
            finally:
                log.info("worker: stopping; running jobs finish first")
                workers.stop()
    finally:
        if ticker is not None:
            ticker.join(timeout=30)
        poll_runtime_close()
        llm_gateway_close()
        log.info("worker: stopped")


def queues_parse(value: str) -> list[str]:
    """`--queues poll,ai` (or `all`) as a list of known queue names."""
    names = (
        list(QUEUES) if value.strip() in {"", "all"} else [q.strip() for q in value.split(",") if q.strip()]
    )
    unknown = [q for q in names if q not in QUEUES]
    if unknown:
        raise ValueError(f"unknown queue(s) {', '.join(unknown)}; the queues are {', '.join(QUEUES)}")
    return names
