"""One poll cycle of N feeds that all answer 304, through the whole poller (database included).

    python bench/poll_cycle.py --n 10000

Baseline in the same run: the bare aiohttp loop making the same N conditional GETs. The server runs in
its own process. Prints seconds, requests/s, the ratio, and peak RSS of each side.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from fetch_304 import in_child, run_bare, serve  # noqa: E402


def poll_cycle(base: str, n: int, concurrency: int, db_dir: str, out) -> None:
    os.environ.update(
        DATABASE_URL=f"sqlite:///{db_dir}/bench.sqlite3",
        GAZETTE_DATA_DIR=db_dir,
        GAZETTE_ALLOW_PRIVATE_NETWORKS="1",
        GAZETTE_HOST_DELAY="0",
        GAZETTE_PER_HOST_CONCURRENCY=str(concurrency),
        GAZETTE_POLLS_PER_HOST=str(concurrency),
        GAZETTE_MAX_CONNECTIONS=str(concurrency),
        GAZETTE_LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="gazette.settings",
    )
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from gazette.sources.models import Source
    from gazette.sources.polling import poll_due

    call_command("migrate", verbosity=0)
    now = timezone.now()
    Source.objects.bulk_create(
        [
            Source(feed_url=f"{base}/feed/{i}", etag=f'"{i}"', next_poll_at=now, name=f"feed {i}")
            for i in range(n)
        ],
        batch_size=2000,
    )
    started = time.perf_counter()
    summary = poll_due()
    elapsed = time.perf_counter() - started
    stored = Source.objects.filter(last_status=304).count()
    if stored != n:
        print(
            f"only {stored} of {n} sources recorded a 304; failures: {summary.failed}",
            list(summary.errors.values())[:3],
        )
    out.send((elapsed, summary.not_modified, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))


def bare(base: str, n: int, concurrency: int, out) -> None:
    import asyncio

    started = time.perf_counter()
    done = asyncio.run(run_bare(base, n, concurrency))
    out.send((time.perf_counter() - started, done, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=100)
    args = parser.parse_args()
    ctx = multiprocessing.get_context("spawn")
    parent, child = ctx.Pipe()
    server = ctx.Process(target=serve, args=(child,), daemon=True)
    server.start()
    base = f"http://127.0.0.1:{parent.recv()}"
    try:
        b_time, b_done, b_rss = in_child(ctx, bare, base, args.n, args.concurrency)
        with tempfile.TemporaryDirectory() as db_dir:
            p_time, p_done, p_rss = in_child(ctx, poll_cycle, base, args.n, args.concurrency, db_dir)
    finally:
        server.terminate()
    print(f"{'':24}{'seconds':>9}{'req/s':>9}{'peak RSS':>10}")
    print(f"{'bare aiohttp GETs':24}{b_time:9.2f}{b_done / b_time:9.0f}{b_rss / 1024:8.0f}MB")
    print(f"{'gazette poll cycle':24}{p_time:9.2f}{p_done / p_time:9.0f}{p_rss / 1024:8.0f}MB")
    print(f"poll cycle / bare requests: {p_time / b_time:.2f}x  ({args.n} feeds answering 304)")


if __name__ == "__main__":
    main()
