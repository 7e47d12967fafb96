"""Politeness of article page fetches across processes: real roles (one scheduler, two workers for the
poll and fetch queues) against local servers that log every request. A host's pages are fetched at
most GAZETTE_PER_HOST_CONCURRENCY at a time by the two workers together; a slow host's waiting pages
never hold up another host's; and a slot held by a worker killed mid-request lapses."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from aiohttp import web

from tests.httpserver import LocalHTTPServer, LoggedRequest
from tests.jobs.faultkit import Database, env, kill, logs, start, stop_all, wait
from tests.sources.feedkit import BODY, article_page, rss

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

LIMIT = 2
SLOW_PAGES, FAST_PAGES = 24, 6

SETUP = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from gazette.sources.models import Source
for url in {feeds!r}:
    Source.objects.create(feed_url=url)
"""
WORKER = ["worker", "--queues", "poll,fetch"]


def teasers(server: LocalHTTPServer, site: LocalHTTPServer, name: str, count: int) -> str:
    """A teaser feed on `server` of `count` items whose pages are /{name}/N.html on `site`; its URL."""
    items = [
        {
            "guid": f"{name}-{n}",
            "link": site.url(f"/{name}/{n}.html"),
            "title": f"Ferry terminal {name} {n}",
            "summary": "The harbour authority said the terminal would open in spring.",
        }
        for n in range(count)
    ]
    server.route(f"/{name}.xml", rss(items), headers={"Content-Type": "application/rss+xml"})
    return server.url(f"/{name}.xml")


def serve_pages(server: LocalHTTPServer, name: str, count: int, **kwargs) -> None:
    for n in range(count):
        page = article_page(f"Ferry terminal {name} {n}", [f"Page {n} of {name}. " + BODY[0], *BODY[1:]])
        server.route(f"/{name}/{n}.html", page, headers={"Content-Type": "text/html"}, **kwargs)


def pages(server: LocalHTTPServer) -> list[LoggedRequest]:
    return [r for r in list(server.requests) if r.path.endswith(".html")]


def most_at_once(requests: list[LoggedRequest]) -> int:
    """The most of these requests the server was handling at one time (from its own timestamps)."""
    edges = sorted([(r.started, 1) for r in requests] + [(r.finished, -1) for r in requests])
    now = most = 0
    for _, step in edges:  # at equal times an end (-1) sorts before a start: touching is not overlapping
        now += step
        most = max(most, now)
    return most


def roles_env(tmp_path: Path, **extra: str) -> tuple[Database, dict[str, str]]:
    """The roles' database and environment."""
    db = Database.for_test(tmp_path)
    settings = {
        "DATABASE_URL": db.url,
        "GAZETTE_DATA_DIR": str(tmp_path),
        "GAZETTE_PER_HOST_CONCURRENCY": str(LIMIT),
        "GAZETTE_HOST_DELAY": "0",
        "GAZETTE_POLLS_PER_HOST": "4",
        "GAZETTE_POLL_WORKERS": "2",
        "GAZETTE_FETCH_WORKERS": "4",  # per process: two processes could send a host 4 pages at once
        "GAZETTE_EXTRACT_PROCESSES": "1",
        "GAZETTE_RESPECT_ROBOTS": "0",
    }
    environment = env(**{**settings, **extra})
    return db, environment


def sources_add(environment: dict[str, str], feeds: list[str]) -> None:
    """Follow these feeds in the roles' database (migrated first: a no-op once done)."""
    subprocess.run(
        [sys.executable, "-c", SETUP.format(feeds=feeds)],
        env=dict(environment, DJANGO_SETTINGS_MODULE="gazette.settings"),
        check=True,
        timeout=120,
        capture_output=True,
    )


def stored(db: Database, link_prefix: str) -> int:
    """Articles under `link_prefix` whose page has been read."""
    return db.one(
        "select count(*) from articles_article where not page_pending and url like %s", (link_prefix + "%",)
    )[0]


def test_two_workers_send_a_host_its_limit_of_pages_at_once_and_a_slow_host_holds_up_no_other(tmp_path):
    slow_started = threading.Event()

    async def slow_page(request: web.Request) -> web.Response:
        slow_started.set()
        await asyncio.sleep(1.0)
        n = request.path.rsplit("/", 1)[1].removesuffix(".html")
        page = article_page(f"Ferry terminal slow {n}", [f"Page {n} of slow. " + BODY[0], *BODY[1:]])
        return web.Response(text=page, content_type="text/html")

    async def fast_feed(request: web.Request) -> web.Response:
        # Answered once the slow host's pages are under way: its pages queue behind theirs.
        while not slow_started.is_set():
            await asyncio.sleep(0.05)
        return web.Response(body=fast_items, content_type="application/rss+xml")

    with LocalHTTPServer() as feeds, LocalHTTPServer() as slow, LocalHTTPServer() as fast:
        for n in range(SLOW_PAGES):
            slow.route(f"/slow/{n}.html", handler=slow_page)
        serve_pages(fast, "fast", FAST_PAGES)
        feed_slow = teasers(feeds, slow, "slow", SLOW_PAGES)
        feed_fast = teasers(feeds, fast, "fast", FAST_PAGES)
        fast_items = feeds.routes["/fast.xml"].body
        feeds.route("/fast.xml", handler=fast_feed)
        db, environment = roles_env(tmp_path)
        sources_add(environment, [feed_slow, feed_fast])
        procs = {
            "scheduler": start(["scheduler"], environment, log=tmp_path / "scheduler.log"),
            "worker-1": start(WORKER, environment, log=tmp_path / "w1.log"),
            "worker-2": start(WORKER, environment, log=tmp_path / "w2.log"),
        }
        try:
            wait(
                lambda: stored(db, slow.url("/")) == SLOW_PAGES and stored(db, fast.url("/")) == FAST_PAGES,
                timeout=120,
                what="every page of both hosts",
                progress=lambda: (stored(db, slow.url("/")), stored(db, fast.url("/"))),
            )
        finally:
            failed = stop_all(procs)
        assert not failed, logs(tmp_path)
        slow_pages, fast_pages = pages(slow), pages(fast)
        (fast_feed_read,) = [r.finished for r in feeds.requests_for("/fast.xml")]
    assert len(slow_pages) == SLOW_PAGES and len(fast_pages) == FAST_PAGES  # each page read once
    # Two processes of four fetch threads each, two slots per process: only the shared slots keep it at 2.
    assert most_at_once(slow_pages) == LIMIT
    # When the other host's pages were queued, most of the slow host's were waiting ahead of them...
    assert sum(r.started > fast_feed_read for r in slow_pages) >= SLOW_PAGES // 2
    # ...and they were all read while the slow host's pages started a few more, not all of those.
    fast_done = max(r.finished for r in fast_pages)
    assert sum(fast_feed_read < r.started < fast_done for r in slow_pages) <= SLOW_PAGES // 4
    assert not db.one("select count(*) from sources_hostlease")[0]  # every slot given back


def test_a_slot_held_by_a_killed_worker_lapses_and_another_worker_reads_the_pages(tmp_path):
    held = threading.Event()
    held.set()
    body = article_page("Ferry terminal", BODY).encode()

    async def page(request: web.Request) -> web.Response:
        while held.is_set():
            await asyncio.sleep(0.05)
        return web.Response(body=body, content_type="text/html")

    with LocalHTTPServer() as feeds, LocalHTTPServer() as site:
        for n in range(4):
            site.route(f"/held/{n}.html", handler=page)
        # The jobs the dead worker had in hand (the one in its request, any it was handing back) die
        # with it; the sweep queues their pages again once they have waited GAZETTE_JOBS_SWEEP_AFTER.
        db, environment = roles_env(
            tmp_path, GAZETTE_PER_HOST_CONCURRENCY="1", GAZETTE_HOST_LEASE="3", GAZETTE_JOBS_SWEEP_AFTER="5"
        )
        sources_add(environment, [teasers(feeds, site, "held", 4)])
        procs = {
            "scheduler": start(["scheduler"], environment, log=tmp_path / "scheduler.log"),
            "doomed": start(WORKER, environment, log=tmp_path / "doomed.log"),
        }
        try:
            wait(lambda: len(pages(site)) >= 1, timeout=120, what="a page request from the first worker")
            kill(procs.pop("doomed"))  # mid-request: its slot is never given back
            (token,) = db.one("select token from sources_hostlease")
            asked = len(pages(site))
            held.clear()
            procs["worker"] = start(WORKER, environment, log=tmp_path / "w.log")

            def read_after_lapse() -> bool:
                sent = len(pages(site)) - asked
                dead_lease_left = bool(db.rows("select 1 from sources_hostlease where token = %s", (token,)))
                # One slot, held by the dead worker: while its lease stands, nothing may be sent.
                assert not (dead_lease_left and sent), "a page was sent while the dead worker's slot stood"
                return stored(db, site.url("/held/")) == 4

            wait(
                read_after_lapse,
                timeout=120,
                what="every page, once the dead worker's slot lapsed",
                every=0.1,
                progress=lambda: stored(db, site.url("/held/")),
            )
        finally:
            failed = stop_all(procs)
        assert not failed, logs(tmp_path)
    assert not db.rows("select 1 from sources_hostlease where token = %s", (token,))


def test_a_slot_is_kept_while_its_request_runs_past_the_lease_term(tmp_path):
    # Leases of 1.5 s, pages that take 4 s to answer: only the worker's keeper, renewing the slot
    # while its request runs, stops the other worker from taking the lapsed slot and sending a second
    # request to a host that allows one.
    async def slow_page(request: web.Request) -> web.Response:
        await asyncio.sleep(4.0)
        n = request.path.rsplit("/", 1)[1].removesuffix(".html")
        return web.Response(text=article_page(f"Ferry terminal kept {n}", BODY), content_type="text/html")

    with LocalHTTPServer() as feeds, LocalHTTPServer() as site:
        for n in range(3):
            site.route(f"/kept/{n}.html", handler=slow_page)
        db, environment = roles_env(tmp_path, GAZETTE_PER_HOST_CONCURRENCY="1", GAZETTE_HOST_LEASE="1.5")
        sources_add(environment, [teasers(feeds, site, "kept", 3)])
        procs = {
            "scheduler": start(["scheduler"], environment, log=tmp_path / "scheduler.log"),
            "worker-1": start(WORKER, environment, log=tmp_path / "w1.log"),
            "worker-2": start(WORKER, environment, log=tmp_path / "w2.log"),
        }
        try:
            wait(
                lambda: stored(db, site.url("/kept/")) == 3,
                timeout=120,
                what="the three slow pages",
                progress=lambda: stored(db, site.url("/kept/")),
            )
        finally:
            failed = stop_all(procs)
        assert not failed, logs(tmp_path)
        slow_pages = pages(site)
    assert len(slow_pages) == 3
    assert most_at_once(slow_pages) == 1
