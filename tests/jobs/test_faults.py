"""Faults, as an operator meets them: processes killed outright mid-ingest, restarted, stopped.

Each test runs the real commands as separate processes against the demo publishers and reads what the
database holds afterwards: every article stored once, enriched, in a story, summarised; nothing moved.
"""

from __future__ import annotations

import logging
import subprocess
import urllib.request
from collections import Counter

import pytest
from django.db import connection

from gazette.demo.ingest import demo_sources_follow
from gazette.demo.server import DemoServer
from gazette.demo.site import DemoSite
from tests.httpserver import free_port
from tests.jobs.faultkit import Database, env, kill, start, stop, stop_all, wait

pytestmark = pytest.mark.slow

EXPECTED = len(DemoSite("http://127.0.0.1").articles())


def test_serve_killed_outright_mid_ingest_then_restarted_loses_and_moves_nothing(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'gazette.sqlite3'}")
    port, demo_port = free_port(), free_port()
    # A short sweep delay: the jobs lost with the killed process are found again within seconds.
    environment = env(GAZETTE_DATA_DIR=str(tmp_path), DATABASE_URL=db.url, GAZETTE_JOBS_SWEEP_AFTER="2")
    serve = ["serve", "--demo", "--port", str(port), "--demo-port", str(demo_port)]

    first = start(serve, environment)
    try:
        wait(lambda: db.progress()[0] >= 20, timeout=900, what="the first articles")
    finally:
        kill(first)  # mid-ingest: articles stored, most stages unfinished
    placed = dict(db.rows("select article_id, story_id from stories_storymember"))
    killed_at = db.progress()
    assert killed_at[0] < EXPECTED or killed_at[4] < EXPECTED, "the kill came too late to prove anything"

    second = start(serve, environment)
    try:
        wait(
            lambda: db.progress() == (EXPECTED,) * 7,
            timeout=180,
            progress=db.progress,
            what=f"all {EXPECTED} articles enriched, in a story and summarised (killed at {killed_at})",
        )
        after = dict(db.rows("select article_id, story_id from stories_storymember"))
        guids = Counter(db.rows("select source_id, guid from articles_article"))
        assert max(guids.values()) == 1
        moved = {a: (s, after[a]) for a, s in placed.items() if after.get(a) != s}
        assert not moved, f"the restart moved {len(moved)} article(s) to other stories"
    finally:
        assert stop(second) == 0
    assert not db.rows("select feed_url, last_error from sources_source where consecutive_errors > 0")


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 — our own local server
        return response.read()


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
    url = Database.for_test(tmp_path).url
    environment = env(GAZETTE_DATA_DIR=str(tmp_path), DATABASE_URL=url, GAZETTE_JOBS_SWEEP_AFTER="5")
    port = free_port()
    procs: list[subprocess.Popen[bytes]] = []
    with DemoServer(port=free_port()) as demo:
        sources = demo_sources_follow(DemoSite(demo.base_url))
        feeds = {s.feed_url.removeprefix(demo.base_url) for s in sources}
        try:
            procs += [
                start(["scheduler"], environment),
                start(["scheduler"], environment),
            ]  # only one may act
            doomed = start(["worker"], environment)
            procs += [
                doomed,
                start(["worker"], environment),
                start(["web", "--port", str(port)], environment),
            ]
            # Every source polled (by whichever worker); then a worker dies mid-enrichment or summary.
            wait(
                lambda: not Source.objects.filter(last_polled_at__isnull=True).exists(),
                timeout=240,
                what="every source polled",
            )
            kill(doomed)
            procs.remove(doomed)
            procs.append(start(["worker", "--queues", "enrich,stories,ai"], environment))

            def done() -> bool:
                articles = Article.objects.all()
                return (
                    articles.count() == EXPECTED
                    and not articles.filter(enriched_at__isnull=True).exists()
                    and not articles.filter(clustered_at__isnull=True).exists()
                    and not articles.filter(ai_summary__isnull=True).exclude(content_text="").exists()
                    and not articles.filter(membership__isnull=True).exists()
                )

            wait(
                done,
                timeout=180,
                what=f"all {EXPECTED} articles through every stage",
                progress=Database(url).progress,
            )
            assert not Article.objects.filter(embedding__isnull=True).exists()
            # The web server may still be starting (collectstatic is slow on a busy machine).
            wait(
                lambda: b'"database"' in _get(f"http://127.0.0.1:{port}/healthz"),
                timeout=180,
                what="/healthz",
            )
            polled = {path: n for path, n in requests.paths.items() if path in feeds}
            assert polled == dict.fromkeys(feeds, 1), "each due source is polled once, by one worker"
        finally:
            unclean = stop_all({f"{i}: {' '.join(proc.args)}": proc for i, proc in enumerate(procs)})
            assert not unclean, f"{unclean} did not stop cleanly"
            demo_log.removeHandler(requests)
    assert not Source.objects.filter(consecutive_errors__gt=0).exists()
