"""Set-up for the extraction worker processes; model-free, since a spawned worker imports it bare."""

from __future__ import annotations

import os
import threading
import time


def worker_watch(parent: int) -> None:
    """Make an extraction worker exit once the poller that started it is gone, even when it was killed
    outright: a worker waiting on the pool's queue is never told (it holds the queue's write end too)."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, name="gazette-parent-watch", daemon=True).start()
