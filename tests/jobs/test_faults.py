"""Faults, as an operator meets them: processes killed outright mid-ingest, restarted, stopped.

Each test runs the real commands as separate processes against the demo publishers and reads what the
database holds afterwards: every article stored once, enriched, in a story, summarised; nothing moved.
"""

from __future__ import annotations

import logging
import os
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Callable

import pytest
from django.db import connection

from gazette.demo.ingest import demo_sources_follow
from gazette.demo.server import DemoServer
from gazette.demo.site import DemoSite
from tests.httpserver import free_port

pytestmark = pytest.mark.slow

EXPECTED = len(DemoSite("http://127.0.0.1").articles())


def _env(**extra: str) -> dict[str, str]:
    return dict(
        os.environ,
        GAZETTE_LOG_LEVEL="WARNING",
        GAZETTE_WEB_WORKERS="1",
        GAZETTE_ALLOW_PRIVATE_NETWORKS="1",
        GAZETTE_HOST_DELAY="0",
        GAZETTE_PER_HOST_CONCURRENCY="8",
        GAZETTE_POLLS_PER_HOST="8",
        **extra,
    )


def _start(args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "gazette", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _wait(until: Callable[[], bool], *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if until():
                return
        except (sqlite3.OperationalError, OSError):
            pass
        time.sleep(0.5)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")


def _stop(proc: subprocess.Popen[bytes], *, timeout: float = 60) -> int:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        raise


def _gone(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return True
    return False


PROGRESS = """
    select count(*), count(distinct canonical_url), count(enriched_at), count(clustered_at),
           (select count(*) from ai_articlesummary), (select count(*) from stories_storymember)
    from articles_article
"""


def test_serve_killed_outright_mid_ingest_then_restarted_loses_and_moves_nothing(tmp_path):
    db = tmp_path / "gazette.sqlite3"
    port, demo_port = free_port(), free_port()
    # A short sweep delay: the jobs lost with the killed process are found again within seconds.
    env = _env(GAZETTE_DATA_DIR=str(tmp_path), DATABASE_URL=f"sqlite:///{db}", GAZETTE_JOBS_SWEEP_AFTER="2")
    serve = ["serve", "--demo", "--port", str(port), "--demo-port", str(demo_port)]

    def progress() -> tuple[int, ...]:
        with sqlite3.connect(db, timeout=30) as conn:
            return tuple(conn.execute(PROGRESS).fetchone())

    first = _start(serve, env)
    try:
        _wait(lambda: progress()[0] >= 20, timeout=240, what="the first articles")
    finally:
        os.killpg(first.pid, signal.SIGKILL)  # mid-ingest: articles stored, most stages unfinished
        first.wait(timeout=30)
    _wait(lambda: _gone(first.pid), timeout=10, what="every process of the killed serve to be gone")
    with sqlite3.connect(db, timeout=30) as conn:
        placed = dict(conn.execute("select article_id, story_id from stories_storymember").fetchall())
    killed_at = progress()
    assert killed_at[0] < EXPECTED or killed_at[4] < EXPECTED, "the kill came too late to prove anything"

    second = _start(serve, env)
    try:
        _wait(
            lambda: progress() == (EXPECTED, EXPECTED, EXPECTED, EXPECTED, EXPECTED, EXPECTED),
            timeout=300,
            what=f"all {EXPECTED} articles enriched, in a story and summarised (killed at {killed_at})",
        )
        with sqlite3.connect(db, timeout=30) as conn:
            after = dict(conn.execute("select article_id, story_id from stories_storymember").fetchall())
            guids = Counter(conn.execute("select source_id, guid from articles_article").fetchall())
        assert max(guids.values()) == 1
        moved = {a: (s, after[a]) for a, s in placed.items() if after.get(a) != s}
        assert not moved, f"the restart moved {len(moved)} article(s) to other stories"
    finally:
        assert _stop(second) == 0
    with sqlite3.connect(db, timeout=30) as conn:
        errors = conn.execute("select feed_url, last_error from sources_source where consecutive_errors > 0")
        assert not errors.fetchall()


class _Requests(logging.Handler):
    """Counts the demo publishers' requests by path."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.paths: Counter[str] = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        line = str(record.args[-1]) if record.args else ""
        parts = line.split()
        if len(parts) >= 2:
            self.paths[parts[1]] += 1


@pytest.mark.django_db(transaction=True)
def test_roles_on_postgresql_two_schedulers_and_workers_one_killed(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the scaled-out roles run on PostgreSQL (DATABASE_URL=postgres://…)")
    from gazette.articles.models import Article
    from gazette.sources.models import Source

    requests = _Requests()
    demo_log = logging.getLogger("gazette.demo.server")
    demo_log.addHandler(requests)
    demo_log.setLevel(logging.DEBUG)
    settings = connection.settings_dict
    url = f"postgres://{settings['USER'] or 'postgres'}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}"
    env = _env(GAZETTE_DATA_DIR=str(tmp_path), DATABASE_URL=url, GAZETTE_JOBS_SWEEP_AFTER="5")
    port = free_port()
    procs: list[subprocess.Popen[bytes]] = []
    with DemoServer(port=free_port()) as demo:
        sources = demo_sources_follow(DemoSite(demo.base_url))
        feeds = {s.feed_url.removeprefix(demo.base_url) for s in sources}
        try:
            procs += [_start(["scheduler"], env), _start(["scheduler"], env)]  # only one may act
            doomed = _start(["worker"], env)
            procs += [doomed, _start(["worker"], env), _start(["web", "--port", str(port)], env)]
            # Every source polled (by whichever worker); then a worker dies mid-enrichment or summary.
            _wait(
                lambda: not Source.objects.filter(last_polled_at__isnull=True).exists(),
                timeout=240,
                what="every source polled",
            )
            os.killpg(doomed.pid, signal.SIGKILL)
            doomed.wait(timeout=30)
            procs.remove(doomed)
            procs.append(_start(["worker", "--queues", "enrich,stories,ai"], env))

            def done() -> bool:
                articles = Article.objects.all()
                return (
                    articles.count() == EXPECTED
                    and not articles.filter(enriched_at__isnull=True).exists()
                    and not articles.filter(clustered_at__isnull=True).exists()
                    and not articles.filter(ai_summary__isnull=True).exclude(content_text="").exists()
                    and not articles.filter(membership__isnull=True).exists()
                )

            _wait(done, timeout=300, what=f"all {EXPECTED} articles through every stage")
            assert not Article.objects.filter(embedding__isnull=True).exists()
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as resp:  # noqa: S310
                assert b'"database"' in resp.read()
            polled = {path: n for path, n in requests.paths.items() if path in feeds}
            assert polled == dict.fromkeys(feeds, 1), "each due source is polled once, by one worker"
        finally:
            for proc in procs:
                assert _stop(proc) == 0
            demo_log.removeHandler(requests)
    assert not Source.objects.filter(consecutive_errors__gt=0).exists()
