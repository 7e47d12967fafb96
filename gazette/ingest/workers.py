"""Set-up for the extraction worker processes; model-free, since a spawned worker imports it bare."""

from __future__ import annotations

import os
import signal
import threading
import time


def worker_watch(parent: int) -> None:
    """Make an extraction worker exit once the poller that started it is gone, even when it was killed
    outright: a worker waiting on the pool's queue is never told (it holds the queue's write end too).
    Stop signals sent to the whole process group are ignored: the parent stops its pool itself once
    its running polls are done, and a pool broken under them would record errors on healthy sources."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    parent_watch(parent)


def parent_watch(parent: int) -> None:
    """Exit this process at once when `parent` is no longer its parent (it died)."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, name="gazette-parent-watch", daemon=True).start()
