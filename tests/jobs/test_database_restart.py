"""PostgreSQL stopped outright mid-ingestion and started again a few seconds later: the scheduler and
the workers reconnect by themselves, none of them crashes, nothing is lost or doubled.

The database is a private cluster the test makes and breaks (never the machine's shared server); the
test runs once, in the PostgreSQL pass. The web role is left out: its start-up (collectstatic) costs
minutes on a busy machine, and its requests take a fresh connection each when one has failed (Django's
own request handling).
"""

from __future__ import annotations

import time
from collections import Counter

import pytest
from django.db import connection

from tests.httpserver import free_port
from tests.jobs.faultkit import (
    Database,
    PostgresCluster,
    Publishers,
    database_prepare,
    env,
    logs,
    start,
    stop_all,
    wait,
)

pytestmark = pytest.mark.slow

OUTLETS = ["harbor-ledger", "meridian-wire", "pinewood-herald", "lumen-business", "techfront"]


def test_roles_ride_out_a_database_restart_mid_ingestion(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL fault: runs in the PostgreSQL pass (DATABASE_URL=postgres://…)")
    if reason := PostgresCluster.available():
        pytest.skip(reason)
    cluster = PostgresCluster(free_port()).init()
    cluster.start()
    try:
        db = Database(cluster.database_create("gazette"))
        with Publishers(OUTLETS) as publishers:
            expected = publishers.expected()
            environment = env(
                GAZETTE_DATA_DIR=str(tmp_path),
                DATABASE_URL=db.url,
                GAZETTE_JOBS_SWEEP_AFTER="3",
                GAZETTE_POLL_LEASE="8",
                GAZETTE_LOG_LEVEL="INFO",
            )
            database_prepare(db, publishers, environment)
            procs = {
                "scheduler": start(["scheduler"], environment, log=tmp_path / "scheduler.log"),
                "worker-1": start(["worker"], environment, log=tmp_path / "worker-1.log"),
                "worker-2": start(["worker"], environment, log=tmp_path / "worker-2.log"),
            }
            try:
                wait(lambda: db.progress()[0] >= 5, timeout=120, what="the first articles stored")
                before = db.progress()
                cluster.stop()
                stopped_at = time.monotonic()
                # The roles meet the dead database for a few seconds; each must stay up.
                while time.monotonic() - stopped_at < 4:
                    crashed = [name for name, proc in procs.items() if proc.poll() is not None]
                    assert not crashed, f"{crashed} exited while the database was down\n{logs(tmp_path)}"
                    time.sleep(0.5)
                cluster.start()
                assert min(before) < expected, f"the stop came too late to prove anything: {before}"

                full = (expected,) * 7
                try:
                    wait(
                        lambda: db.progress() == full,
                        timeout=180,
                        progress=db.progress,
                        what=f"all {expected} articles through every stage",
                    )
                except AssertionError as exc:
                    raise AssertionError(f"{exc}; at {db.progress()}\n{logs(tmp_path)}") from None
                crashed = [name for name, proc in procs.items() if proc.poll() is not None]
                assert not crashed, f"{crashed} exited\n{logs(tmp_path)}"
                for name in ("worker-1", "worker-2"):
                    lines = (tmp_path / f"{name}.log").read_text()
                    # Told once, and no traceback per thread per second while the database is away.
                    assert lines.count("jobs: the database is unreachable") == 1, lines[-3000:]
                    assert "jobs: the database answers again" in lines
                    assert "Error reading from queue" not in lines
                guids = Counter(db.rows("select source_id, guid from articles_article"))
                assert max(guids.values()) == 1, "an article was stored twice"
                failing = db.rows(
                    "select feed_url, last_error from sources_source where consecutive_errors > 0"
                )
                assert not failing, "a source was backed off for the database's restart"
            finally:
                unclean = stop_all(procs)
                assert not unclean, f"{unclean} did not stop cleanly\n{logs(tmp_path)}"
    finally:
        cluster.remove()
