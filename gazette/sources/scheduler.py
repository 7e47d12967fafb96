"""The long-running poller: polls due sources until told to stop (SIGTERM/SIGINT)."""

from __future__ import annotations

import logging
import signal
import threading

from django.db import close_old_connections

from gazette.ai import jobs as ai_jobs  # noqa: F401 — registers the AI job handlers
from gazette.jobs.queue import jobs_requeue_stale, jobs_run
from gazette.sources.polling import extraction_pool_shutdown, poll_due, seconds_until_next_due

log = logging.getLogger(__name__)

# Upper bound on one sleep, so sources added meanwhile (CLI, admin, WebSub push) are noticed soon.
IDLE_CHECK_SECONDS = 5.0
JOBS_PER_TURN = 50


def scheduler_run(*, stop: threading.Event | None = None, once: bool = False, batch: int = 2000) -> None:
    """Poll due sources in batches; sleep until the next is due; stop cleanly on SIGTERM or `stop`."""
    stop = stop or threading.Event()
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
    log.info("scheduler: started")
    jobs_requeue_stale()
    try:
        while not stop.is_set():
            close_old_connections()
            summary = poll_due(limit=batch)
            # Background jobs run between polls, a few at a time, so polling is never held up for long.
            jobs_busy = jobs_run(limit=JOBS_PER_TURN) == JOBS_PER_TURN
            if once and summary.polled < batch and not jobs_busy:
                break
            if summary.polled >= batch or jobs_busy:
                continue  # more work is due right now
            stop.wait(min(IDLE_CHECK_SECONDS, seconds_until_next_due()))
    finally:
        # The extraction processes go with the poller, not with whatever outlives it.
        extraction_pool_shutdown()
    log.info("scheduler: stopped")
