"""Job engine throughput: enqueue and claim rates of Huey on Gazette's storage (the application
database, SQLite or PostgreSQL) beside Huey's own SQLite and Redis storages, in the same run.

    .venv/bin/python bench/job_engine.py [--jobs 5000] [--postgres postgres://postgres@127.0.0.1:5432/test]
        [--redis redis://127.0.0.1:6379/15]

Prints, per storage: jobs enqueued per second (one transaction each), claimed per second by one and by
four threads, and the mean enqueue-to-claim latency of a job sent to an idle worker.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("GAZETTE_DATA_DIR", tempfile.mkdtemp(prefix="gazette-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gazette.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def _claim_all(storage, threads: int, total: int) -> float:
    from django.db import close_old_connections

    taken = [0]
    lock = threading.Lock()

    def work() -> None:
        while True:
            data = storage.dequeue()
            if data is None:
                break
            with lock:
                taken[0] += 1
        close_old_connections()

    started = time.perf_counter()
    pool = [threading.Thread(target=work) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - started
    assert taken[0] == total, (taken[0], total)
    return total / elapsed


def measure(name: str, storage, jobs: int) -> None:
    payload = b"x" * 200  # about the size of a pickled task with a list of ids
    storage.flush_queue()
    started = time.perf_counter()
    for _ in range(jobs):
        storage.enqueue(payload)
    enqueue_rate = jobs / (time.perf_counter() - started)
    one = _claim_all(storage, 1, jobs)
    for _ in range(jobs):
        storage.enqueue(payload)
    four = _claim_all(storage, 4, jobs)
    latencies = []
    for _ in range(50):
        storage.enqueue(payload)
        t0 = time.perf_counter()
        while storage.dequeue() is None:
            pass
        latencies.append(time.perf_counter() - t0)
    print(
        f"{name:<34} enqueue {enqueue_rate:8.0f}/s   claim 1 thread {one:8.0f}/s   "
        f"4 threads {four:8.0f}/s   claim latency {1000 * sum(latencies) / len(latencies):6.2f} ms"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=5000)
    parser.add_argument("--postgres", default="")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/15")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="gazette-bench-"))
    _django(args.postgres or f"sqlite:///{tmp / 'gazette.sqlite3'}")
    from django.db import connection
    from huey.storage import RedisStorage, SqliteStorage

    from gazette.jobs.storage import DjangoStorage

    print(f"{args.jobs} jobs per measurement; 2-core machine; database: {connection.vendor}")
    measure(f"Gazette: Huey on {connection.vendor} (ours)", DjangoStorage("bench"), args.jobs)
    measure("baseline: Huey SqliteStorage", SqliteStorage("bench", filename=str(tmp / "huey.db")), args.jobs)
    try:
        redis = RedisStorage("bench", url=args.redis)
        redis.conn.ping()
    except Exception as exc:  # noqa: BLE001 — a bench without Redis still reports the rest
        print(f"baseline: Huey RedisStorage        skipped ({exc})")
    else:
        measure("baseline: Huey RedisStorage", redis, args.jobs)
        redis.flush_queue()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
