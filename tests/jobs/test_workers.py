"""The engine's worker threads: what they leave behind when they stop."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections

from gazette.jobs.engine import Workers, job

pytestmark = pytest.mark.django_db(transaction=True)

_seen: dict[str, object] = {}
_ran = threading.Event()


@job("ai", retries=0)
def _connection_note() -> None:
    """Note the running thread's connection (and its server process on PostgreSQL)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_backend_pid()")
            _seen["pid"] = cursor.fetchone()[0]
        else:
            cursor.execute("SELECT 1")
    _seen["wrapper"] = connections["default"]
    _ran.set()


def _other_backends() -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return {row[0] for row in cursor.fetchall()}


def test_stopped_worker_threads_leave_no_database_connection_open():
    if connection.vendor != "postgresql":
        # Django never closes the tests' in-memory SQLite database: closing would empty it.
        pytest.skip("open connections are seen on a database server (DATABASE_URL=postgres://…)")
    _seen.clear()
    _ran.clear()
    before = _other_backends()
    workers = Workers(["ai"])
    workers.start()
    try:
        _connection_note()
        assert _ran.wait(30), "the job never ran"
    finally:
        workers.stop()
    wrapper = _seen["wrapper"]
    assert wrapper is not connections["default"]  # the job ran on a thread of its own
    assert wrapper.connection is None  # type: ignore[attr-defined]
    # Server processes end a moment after their client hangs up: wait for that, never for long.
    deadline = time.monotonic() + 10
    while _other_backends() - before and time.monotonic() < deadline:
        time.sleep(0.1)
    left = _other_backends() - before
    assert _seen["pid"] not in left
    assert not left, "the scheduler or worker threads left connections on the server"
