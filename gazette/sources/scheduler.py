"""The long-running poller: polls due sources until told to stop (SIGTERM/SIGINT)."""

from __future__ import annotations

import logging
import signal
import threading

from django.db import close_old_connections

from gazette.sources.polling import poll_due, seconds_until_next_due

log = logging.getLogger(__name__)

# Upper bound on one sleep, so sources added meanwhile (CLI, admin, WebSub push) are noticed soon.
IDLE_CHECK_SECONDS = 5.0


def scheduler_run(*, stop: threading.Event | None = None, once: bool = False, batch: int = 2000) -> None:
    """Poll due sources in batches; sleep until the next is due; stop cleanly on SIGTERM or `stop`."""
    stop = stop or threading.Event()
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
    log.info("scheduler: started")
    while not stop.is_set():
        close_old_connections()
        summary = poll_due(limit=batch)
        if once and summary.polled < batch:
            break
        if summary.polled >= batch:
            continue  # more are due right now
        stop.wait(min(IDLE_CHECK_SECONDS, seconds_until_next_due()))
    log.info("scheduler: stopped")
