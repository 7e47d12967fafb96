"""Politeness across processes: a host sees the per-host limits of one process, however many workers
poll its feeds. Real roles (one scheduler, two workers) on PostgreSQL against a local server that
counts how many of its requests were in flight at once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from django.db import connection

from gazette.sources.models import Source
from tests.httpserver import LocalHTTPServer

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

EMPTY_FEED = (
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>Quiet</title>'
    b"<link>http://127.0.0.1/</link><description>no news</description></channel></rss>"
)
FEEDS = 6


def _database_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER'] or 'postgres'}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _roles(tmp_path, polls_per_host: int) -> list[subprocess.Popen[bytes]]:
    env = dict(
        os.environ,
        DATABASE_URL=_database_url(),
        GAZETTE_DATA_DIR=str(tmp_path),
        GAZETTE_LOG_LEVEL="WARNING",
        GAZETTE_ALLOW_PRIVATE_NETWORKS="1",
        GAZETTE_HOST_DELAY="0",
        # A process may send a host 3 requests at once: any bound below 3 is the scheduler's doing.
        GAZETTE_PER_HOST_CONCURRENCY="3",
        GAZETTE_POLLS_PER_HOST=str(polls_per_host),
        GAZETTE_POLL_WORKERS="4",
    )
    commands = [["scheduler"], ["worker", "--queues", "poll"], ["worker", "--queues", "poll"]]
    return [
        subprocess.Popen(
            [sys.executable, "-m", "gazette", *args],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        for args in commands
    ]


def _polled_by_two_workers(tmp_path, polls_per_host: int) -> int:
    """Poll FEEDS slow feeds of one host with two worker processes; the most requests in flight."""
    with LocalHTTPServer() as server:
        for n in range(FEEDS):
            server.route(f"/{n}.xml", EMPTY_FEED, delay=2.0, headers={"Content-Type": "application/rss+xml"})
        Source.objects.all().delete()
        for n in range(FEEDS):
            Source.objects.create(feed_url=server.url(f"/{n}.xml"))
        procs = _roles(tmp_path, polls_per_host)
        try:
            deadline = time.monotonic() + 120
            while Source.objects.filter(last_success_at__isnull=True).exists():
                assert time.monotonic() < deadline, "timed out waiting for every feed to be polled"
                assert all(p.poll() is None for p in procs), "a role exited"
                time.sleep(0.3)
        finally:
            for proc in procs:
                os.killpg(proc.pid, signal.SIGTERM)
            for proc in procs:
                assert proc.wait(timeout=60) == 0
        assert not Source.objects.filter(consecutive_errors__gt=0).exists()
        assert not Source.objects.exclude(claimed_at=None).exists()
        return server.max_in_flight


def test_one_hosts_feeds_are_polled_one_at_a_time_across_workers(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the scaled-out roles run on PostgreSQL (DATABASE_URL=postgres://…)")
    assert _polled_by_two_workers(tmp_path, polls_per_host=1) == 1
    # The same roles with the limit raised do poll the host in parallel: the bound above is the
    # scheduler's doing, not an accident of timing.
    assert _polled_by_two_workers(tmp_path, polls_per_host=3) > 1
