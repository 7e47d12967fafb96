"""What the fault tests share: the roles as real processes, the database they use read from outside,
and demo publishers served by a test server whose article pages can be held or made heavy."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psycopg
from aiohttp import web
from django.db import connection

from gazette.demo.site import DemoSite
from tests.httpserver import LocalHTTPServer

PROGRESS = """
    select count(*), count(distinct canonical_url), count(enriched_at), count(clustered_at),
           (select count(*) from ai_articlesummary), (select count(*) from stories_storymember),
           (select count(*) from stories_embedding)
    from articles_article
"""


def env(**extra: str) -> dict[str, str]:
    defaults = {
        "GAZETTE_LOG_LEVEL": "WARNING",
        "GAZETTE_WEB_WORKERS": "1",
        "GAZETTE_ALLOW_PRIVATE_NETWORKS": "1",
        "GAZETTE_HOST_DELAY": "0",
        "GAZETTE_PER_HOST_CONCURRENCY": "8",
        "GAZETTE_POLLS_PER_HOST": "8",  # the demo publishers share one host
    }
    return {**os.environ, **defaults, **extra}


def start(args: list[str], env: dict[str, str], *, log: Path | None = None) -> subprocess.Popen[bytes]:
    """`gazette ARGS…` in a session of its own (so a kill takes its children); stderr to `log`."""
    err = log.open("ab") if log is not None else subprocess.DEVNULL
    try:
        return subprocess.Popen(
            [sys.executable, "-m", "gazette", *args],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=err,
            start_new_session=True,
        )
    finally:
        if log is not None:
            err.close()  # type: ignore[union-attr]


# However much progress a wait sees, it ends after this long.
STALL_CAP = 1200.0


def wait(
    until: Callable[[], bool],
    *,
    timeout: float,
    what: str,
    every: float = 0.5,
    progress: Callable[[], object] | None = None,
) -> None:
    """Poll `until`; give up after `timeout` s, or, with `progress`, after `timeout` s in which it did not change.

    A loaded machine may take several times longer to get through the demo: what must fail the test is a stall,
    not slowness, so a changing `progress` (e.g. `Database.progress`) extends the deadline, up to a cap.
    """
    started = time.monotonic()
    deadline = started + timeout
    seen: object = None
    while time.monotonic() < deadline and time.monotonic() - started < STALL_CAP:
        try:
            if until():
                return
            if progress is not None and (now := progress()) != seen:
                seen, deadline = now, time.monotonic() + timeout
        except (sqlite3.OperationalError, psycopg.OperationalError, OSError):
            pass
        time.sleep(every)
    last = f" (last progress {seen})" if progress is not None else ""
    raise AssertionError(f"timed out after {time.monotonic() - started:.0f}s waiting for {what}{last}")


def stop(proc: subprocess.Popen[bytes], *, timeout: float = 60) -> int:
    """SIGTERM, as an operator stops a role; its exit status."""
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        raise


def stop_all(procs: dict[str, subprocess.Popen[bytes]]) -> dict[str, int]:
    """Stop every role, even when one will not stop cleanly; the roles that did not exit with 0."""
    codes = {}
    for name, proc in procs.items():
        try:
            codes[name] = stop(proc)
        except subprocess.TimeoutExpired:
            codes[name] = -9
    return {name: code for name, code in codes.items() if code != 0}


def kill(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL the process and its children, and wait until every one of them is gone."""
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    wait(lambda: gone(proc.pid), timeout=10, what="every process of the killed role to be gone", every=0.05)


def gone(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return True
    return False


def logs(folder: Path) -> str:
    """The end of every role's log in `folder`, for a failure's message."""
    return "\n".join(
        f"-- {p.name}\n{p.read_text(errors='replace')[-3000:]}" for p in sorted(folder.glob("*.log"))
    )


def children_cpu(pid: int) -> float:
    """CPU seconds (user + system) spent so far by the direct children of `pid`."""
    ticks = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:  # the field after the state is the parent's pid
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


class Database:
    """The database the roles use, read from outside them: a SQLite file or a PostgreSQL database."""

    def __init__(self, url: str) -> None:
        self.url = url

    @classmethod
    def for_test(cls, tmp_path: Path) -> Database:
        """The test database on PostgreSQL (the roles see the test's rows); a file on SQLite."""
        if connection.vendor == "postgresql":
            s = connection.settings_dict
            host, port, user = s["HOST"] or "127.0.0.1", s["PORT"] or 5432, s["USER"] or "postgres"
            return cls(f"postgres://{user}@{host}:{port}/{s['NAME']}")
        return cls(f"sqlite:///{tmp_path / 'gazette.sqlite3'}")

    def rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        if self.url.startswith("sqlite:///"):
            with sqlite3.connect(self.url.removeprefix("sqlite:///"), timeout=30) as conn:
                return conn.execute(sql.replace("%s", "?"), params).fetchall()
        with psycopg.connect(self.url, autocommit=True, connect_timeout=5) as conn:
            return conn.execute(sql, params).fetchall()  # type: ignore[arg-type]

    def one(self, sql: str, params: tuple[Any, ...] = ()) -> tuple[Any, ...]:
        return self.rows(sql, params)[0]

    def progress(self) -> tuple[int, ...]:
        """(stored, distinct URLs, enriched, in a story, summarised, story members, embedded)."""
        return tuple(self.one(PROGRESS))


SETUP = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from gazette.demo.ingest import demo_sources_follow
from gazette.demo.site import DemoSite
from gazette.sources.models import Source
sources = demo_sources_follow(DemoSite({base!r}))
Source.objects.exclude(feed_url__in={feeds!r}).delete()
"""


def database_prepare(db: Database, publishers: Publishers, environment: dict[str, str]) -> None:
    """Migrate the database (a no-op on the test database) and follow the publishers' feeds."""
    code = SETUP.format(base=publishers.base_url, feeds=publishers.feed_urls())
    subprocess.run(
        [sys.executable, "-c", code],
        env=dict(environment, DATABASE_URL=db.url, DJANGO_SETTINGS_MODULE="gazette.settings"),
        check=True,
        timeout=120,
        capture_output=True,
    )


class Publishers:
    """The demo outlets (all, or some) from a LocalHTTPServer: `hold` keeps article pages unanswered
    until it is cleared; `nav_links` pads every article page with a navigation menu that long, which
    extraction must read through and drop (about a second a page at 2,000 links)."""

    def __init__(self, outlets: list[str] | None = None) -> None:
        self.server = LocalHTTPServer()
        self.outlets = outlets
        self.hold = threading.Event()
        self.nav_links = 0
        self.site: DemoSite | None = None

    def __enter__(self) -> Publishers:
        self.server.start()
        self.site = DemoSite(self.server.url(""))
        self.server.route("/robots.txt", handler=self._render)
        for slug in self.slugs():
            self.server.route(urlsplit(self.site.feed_url(slug)).path, handler=self._render)
            for article in self.site.outlet_articles(slug):
                self.server.route(urlsplit(article["url"]).path, handler=self._page)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.hold.clear()
        self.server.stop()

    @property
    def base_url(self) -> str:
        return self.server.url("")

    def slugs(self) -> list[str]:
        assert self.site is not None
        every = [o["slug"] for o in self.site.outlets()]
        return [s for s in every if self.outlets is None or s in self.outlets]

    def feed_urls(self) -> list[str]:
        assert self.site is not None
        return [self.site.feed_url(slug) for slug in self.slugs()]

    def expected(self) -> int:
        """How many articles the followed outlets publish."""
        assert self.site is not None
        return sum(len(self.site.outlet_articles(slug)) for slug in self.slugs())

    def teaser_slugs(self) -> list[str]:
        """Outlets whose feeds carry teasers only, so their article pages are fetched."""
        assert self.site is not None
        return [
            o["slug"]
            for o in self.site.outlets()
            if o["feed_content"] != "full" and o["slug"] in self.slugs()
        ]

    def pages_in_flight(self) -> int:
        return sum(1 for r in list(self.server.requests) if r.path.endswith(".html") and not r.finished)

    def pages_served(self, slug: str) -> int:
        """Article pages of one outlet answered in full."""
        prefix = f"/{slug}/"
        return sum(
            1
            for r in list(self.server.requests)
            if r.path.startswith(prefix) and r.path.endswith(".html") and r.finished
        )

    async def _render(self, request: web.Request) -> web.StreamResponse:
        assert self.site is not None
        found = self.site.render(request.path_qs)
        if found is None:
            return web.Response(status=404, text="not found")
        status, content_type, body = found
        if self.nav_links and request.path.endswith(".html"):
            links = "".join(f'<li><a href="/section/{i}">Section {i}</a></li>' for i in range(self.nav_links))
            body = body.replace(b"</body>", f"<nav><ul>{links}</ul></nav></body>".encode())
        return web.Response(status=status, body=body, headers={"Content-Type": content_type})

    async def _page(self, request: web.Request) -> web.StreamResponse:
        while self.hold.is_set():
            await asyncio.sleep(0.05)
        return await self._render(request)


PG_BIN = Path("/usr/lib/postgresql/15/bin")


class PostgresCluster:
    """A private PostgreSQL cluster in a temporary folder, on a free port, that a test may stop and
    start at will (never the machine's shared server). Run as the postgres user when we are root."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.folder = Path(tempfile.mkdtemp(prefix="gazette-pg-"))
        self.data = self.folder / "data"
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")

    @staticmethod
    def available() -> str:
        """Why a cluster cannot be made here, or "" when it can."""
        if not (PG_BIN / "initdb").exists():
            return f"no initdb in {PG_BIN}"
        if os.geteuid() == 0 and shutil.which("runuser") is None:
            return "running as root without runuser to become the postgres user"
        return ""

    def _run(self, *args: str) -> None:
        command = [str(PG_BIN / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def url(self, name: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def init(self) -> PostgresCluster:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        return self

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
            " -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.folder / "server.log"),
            "-o",
            options,
            "-w",
            "start",
        )

    def stop(self) -> None:
        """Stop at once, as a crash or an operator's `-m immediate` does: every connection is cut."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def database_create(self, name: str) -> str:
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')  # type: ignore[arg-type]
        return self.url(name)

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # not running
            self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)
