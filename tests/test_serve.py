"""The README's main command end to end: `gazette serve --demo` ingests the demo corpus and serves it."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from urllib.error import URLError

import pytest

from tests.httpserver import free_port
from tests.sources.feedkit import rss

pytestmark = pytest.mark.slow

JUNK = [
    "Sign in to access your portfolio",
    "Error in retrieving data",
    "Share on Facebook",
    "ADVERTISEMENT",
    "cookies",
    "Subscribe now",
]


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as resp:  # noqa: S310 — a local test server
        return resp.read().decode()


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    data = tmp_path_factory.mktemp("serve")
    port, demo_port = free_port(), free_port()
    env = dict(
        os.environ,
        GAZETTE_DATA_DIR=str(data),
        DATABASE_URL=f"sqlite:///{data / 'gazette.sqlite3'}",
        GAZETTE_LOG_LEVEL="WARNING",
        GAZETTE_WEB_WORKERS="1",
    )
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gazette",
            "serve",
            "--demo",
            "--port",
            str(port),
            "--demo-port",
            str(demo_port),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    db = data / "gazette.sqlite3"
    # A stall fails the fixture, not slowness: the first start may collect the static files (minutes on a
    # loaded machine), and each new article moves the deadline on, up to a cap.
    started = time.monotonic()
    deadline, count, last_change, previous = started + 900, 0, started, -1
    try:
        while time.monotonic() < deadline and time.monotonic() - started < 1800:
            time.sleep(0.5)
            try:
                get(base + "/")
                with sqlite3.connect(db) as conn:
                    count = conn.execute("select count(*) from articles_article").fetchone()[0]
            except (URLError, sqlite3.OperationalError, ConnectionError):
                continue
            if count != previous:
                previous, last_change = count, time.monotonic()
                deadline = max(deadline, last_change + 240)
            elif count >= 100 and time.monotonic() - last_change > 3:
                break
        yield base, db, count
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def test_demo_corpus_is_ingested_through_the_pipeline(demo):
    _, db, count = demo
    assert count >= 100
    with sqlite3.connect(db) as conn:
        sources = conn.execute("select count(*), sum(consecutive_errors) from sources_source").fetchone()
        texts = [t for (t,) in conn.execute("select content_text from articles_article")]
        extractors = {e for (e,) in conn.execute("select distinct extractor from articles_article")}
    assert sources == (8, 0)
    assert "feed" in extractors and len(extractors) > 1  # full-text feeds and fetched pages both used
    for junk in JUNK:
        leaks = [t[:80] for t in texts if junk.lower() in t.lower()]
        assert not leaks, f"{junk!r} left in {len(leaks)} article(s): {leaks[:3]}"


def test_front_article_and_search_pages(demo):
    base, db, _ = demo
    front = get(base + "/")
    links = re.findall(r'href="(/article/\d+/[^"]*)"', front)
    assert len(set(links)) >= 10
    page = get(base + links[0])
    assert page.count("<h1") == 1
    assert re.search(r'<time[^>]+datetime="20\d\d-', page)
    assert "Related" in page and "comment" in page.lower()
    with sqlite3.connect(db) as conn:
        title = conn.execute("select title from articles_article order by id limit 1").fetchone()[0]
    word = max(re.findall(r"[A-Za-z]{6,}", title), key=len)
    results = get(base + f"/search?q={word}")
    assert "<mark>" in results


def test_demo_opens_only_its_own_publishers_to_the_poller(demo, http_server):
    # Runs last: it adds a source. Another local service, as an operator's intranet feed would be.
    _, db, _ = demo
    http_server.route("/feed.xml", rss([{"guid": "i1", "link": http_server.url("/a"), "title": "Internal"}]))
    # Added by a command allowed to reach it, so the source exists; the serving worker must still refuse it.
    env = dict(os.environ, GAZETTE_DATA_DIR=str(db.parent), DATABASE_URL=f"sqlite:///{db}")
    env["GAZETTE_ALLOW_PRIVATE_NETWORKS"] = "1"
    added = subprocess.run(
        [sys.executable, "-m", "gazette", "source", "add", http_server.url("/feed.xml")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert added.returncode == 0, added.stderr
    seen_by_add = len(http_server.requests)
    deadline, error = time.monotonic() + 60, ""
    while time.monotonic() < deadline and not error:
        time.sleep(0.5)
        with sqlite3.connect(db) as conn:
            row = conn.execute(
                "select last_error from sources_source where feed_url = ?", [http_server.url("/feed.xml")]
            ).fetchone()
        error = row[0] if row else ""
    assert "127.0.0.1 is a private address" in error
    assert len(http_server.requests) == seen_by_add  # the worker never connected
