"""`gazette worker`, `gazette scheduler` and `gazette jobs`: the roles of a scaled-out install."""

from __future__ import annotations

import argparse
import json
import sys
import threading
from typing import Any


def _django() -> None:
    from gazette.cli import _django as setup

    setup()


def _connections_close() -> None:
    """Close this thread's connections before the process exits (start-up checks opened them)."""
    from django.db import connections

    connections.close_all()


def cmd_worker(args: argparse.Namespace) -> int:
    _django()
    from gazette.jobs.roles import queues_parse, stop_on_signals, worker_run

    try:
        queues = queues_parse(args.queues)
    except ValueError as exc:
        print(f"gazette worker: {exc}", file=sys.stderr)
        return 2
    stop = threading.Event()
    stop_on_signals(stop)
    if args.parent_pid:
        from gazette.ingest.workers import parent_watch

        # `gazette serve` killed outright: this process goes with it, as abruptly.
        parent_watch(args.parent_pid)
    if args.demo_port is not None:
        from gazette.demo.ingest import demo_start

        demo_start(port=args.demo_port)
    worker_run(queues=queues, stop=stop, scheduler=args.scheduler)
    _connections_close()
    return 0


def cmd_scheduler(args: argparse.Namespace) -> int:
    _django()
    from gazette.jobs.roles import scheduler_run, stop_on_signals

    stop = threading.Event()
    stop_on_signals(stop)
    scheduler_run(stop=stop, once=args.once)
    _connections_close()
    return 0


def cmd_jobs(args: argparse.Namespace) -> int:
    _django()
    from gazette.jobs.engine import queue_depths
    from gazette.jobs.models import JobFailure
    from gazette.jobs.stages import work_sweep

    if args.sweep:
        print(json.dumps(work_sweep()))
        return 0
    failures: list[dict[str, Any]] = [
        {"id": f.pk, "at": f.failed_at.isoformat(), "queue": f.queue, "task": f.task, "args": f.args,
         "error": f.error}
        for f in JobFailure.objects.all()[: args.failures]
    ]  # fmt: skip
    depths, failed = queue_depths(), JobFailure.objects.count()
    if args.json:
        print(json.dumps({"queues": depths, "failures": failed, "recent_failures": failures}))
        return 0
    print("queue     waiting")
    for name, depth in depths.items():
        print(f"{name:<9} {depth}")
    print(f"\n{failed} failed job(s) kept" + (", newest first:" if failures else ""))
    for f in failures:
        print(f"  {f['at'][:19]}  {f['queue']}:{f['task']}({f['args'][:60]})  {f['error'][:120]}")
    return 0


def register(add: Any) -> None:
    p = add(
        "worker",
        cmd_worker,
        "Run background jobs (polls, page fetches, enrichment, stories, AI) until SIGTERM.",
    )
    p.add_argument(
        "--queues",
        default="all",
        help="comma-separated queues to work on: poll, fetch, enrich, stories, ai (default all)",
    )
    p.add_argument("--scheduler", action="store_true", help="also run the scheduler in this process")
    p.add_argument("--demo-port", type=int, help="also run the offline demo publishers on this port")
    p.add_argument("--parent-pid", type=int, default=0, help=argparse.SUPPRESS)

    p = add("scheduler", cmd_scheduler, "Queue due sources and sweep unfinished work; one acts at a time.")
    p.add_argument("--once", action="store_true", help="one tick, then exit")

    p = add("jobs", cmd_jobs, "Show queue depths and failed jobs.")
    p.add_argument("--failures", type=int, default=20, help="how many recent failures to list")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--sweep", action="store_true", help="queue again every stage left unfinished now")
