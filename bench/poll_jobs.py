"""Poll jobs across worker processes: N feeds answering 304, polled by 1, 2 and 4 `gazette worker`s.

    .venv/bin/python bench/poll_jobs.py [--n 10000] [--workers 1,2,4] [--postgres postgres://postgres@127.0.0.1:5432/postgres]

A bench database (`gazette_bench`) is created on the PostgreSQL server, filled with N sources whose
feeds answer 304 from a local server (its own process), and for each worker count the workers are
started, given time to boot, and then every source is claimed into a poll job at once; the time until
every source has recorded its 304 is the figure. The baseline of the same run is one worker; the ratio
to linear scaling is printed. Worker start-up is not timed.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from fetch_304 import serve  # noqa: E402

DB = "gazette_bench"


def _database(server_url: str) -> str:
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB}")
    parts = urlsplit(server_url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{DB}", "", ""))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--threads", type=int, default=16, help="poll threads per worker process")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    url = _database(args.postgres)
    env = dict(
        os.environ,
        DATABASE_URL=url,
        GAZETTE_DATA_DIR=str(Path("/tmp") / DB),
        GAZETTE_ALLOW_PRIVATE_NETWORKS="1",
        GAZETTE_HOST_DELAY="0",
        GAZETTE_PER_HOST_CONCURRENCY=str(args.threads),
        # One local server stands for 10,000 publishers: do not hold its polls to one at a time.
        GAZETTE_POLLS_PER_HOST=str(args.n),
        GAZETTE_POLL_WORKERS=str(args.threads),
        GAZETTE_LOG_LEVEL="WARNING",
        GAZETTE_EMBEDDINGS="0",
    )
    os.environ.update(env, DJANGO_SETTINGS_MODULE="gazette.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from gazette.jobs.stages import sources_claim_due
    from gazette.sources.models import Source

    call_command("migrate", verbosity=0)
    ctx = multiprocessing.get_context("spawn")
    parent, child = ctx.Pipe()
    server = ctx.Process(target=serve, args=(child,), daemon=True)
    server.start()
    base = f"http://127.0.0.1:{parent.recv()}"
    Source.objects.bulk_create(
        [Source(feed_url=f"{base}/feed/{i}", etag=f'"{i}"', name=f"feed {i}") for i in range(args.n)],
        batch_size=2000,
    )
    results: dict[int, float] = {}
    try:
        for count in [int(c) for c in args.workers.split(",")]:
            Source.objects.update(next_poll_at=timezone.now(), last_status=None)
            procs = [
                subprocess.Popen([sys.executable, "-m", "gazette", "worker", "--queues", "poll"], env=env)
                for _ in range(count)
            ]
            time.sleep(8)  # booted and asking for work
            started = time.perf_counter()
            while sources_claim_due(limit=args.n):
                pass
            while Source.objects.filter(last_status=304).count() < args.n:
                time.sleep(0.05)
            results[count] = time.perf_counter() - started
            for proc in procs:
                proc.terminate()
            for proc in procs:
                proc.wait(timeout=60)
    finally:
        server.terminate()
    one = results[min(results)]
    print(
        f"{args.n} feeds answering 304, {args.threads} poll threads per worker, PostgreSQL, {os.cpu_count()} cores"
    )
    print(f"{'workers':>8}{'seconds':>9}{'feeds/s':>9}{'speed-up':>10}{'of linear':>11}")
    for count, seconds in results.items():
        speedup = one / seconds
        print(f"{count:>8}{seconds:>9.2f}{args.n / seconds:>9.0f}{speedup:>9.2f}x{speedup / count:>10.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
