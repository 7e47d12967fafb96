"""The `gazette` command as users and evaluation scripts call it: real processes, a real SQLite file."""

from __future__ import annotations

import gzip
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.sources.feedkit import BODY, article_page, rss

FEEDS = Path(__file__).parent / "ingest" / "testdata" / "feeds"


@pytest.fixture
def cli_env(tmp_path):
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'gazette.sqlite3'}",
        GAZETTE_DATA_DIR=str(tmp_path),
        GAZETTE_ALLOW_PRIVATE_NETWORKS="1",
        GAZETTE_HOST_DELAY="0",
        GAZETTE_LOG_LEVEL="WARNING",
    )
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def gazette(*args: str, env: dict | None = None, input: bytes | None = None, check: bool = True):
    proc = subprocess.run(
        [sys.executable, "-m", "gazette", *args], env=env, input=input, capture_output=True, timeout=600
    )
    if check and proc.returncode != 0:
        raise AssertionError(
            f"gazette {' '.join(args)} exited {proc.returncode}: {proc.stderr.decode()[-2000:]}"
        )
    return proc


def lines(proc) -> list[dict]:
    return [json.loads(line) for line in proc.stdout.decode().splitlines() if line.strip()]


def test_help_on_every_command():
    for args in (
        ["--help"],
        ["extract", "--help"],
        ["source", "--help"],
        ["source", "add", "--help"],
        ["poll", "--help"],
        ["serve", "--help"],
        ["parse-feed", "--help"],
        ["reextract", "--help"],
        ["reenrich", "--help"],
    ):
        out = gazette(*args).stdout.decode()
        assert "usage: gazette" in out


def test_extract_refuses_files_over_the_fetch_cap(tmp_path, cli_env):
    """Oversized input is refused as an oversized response is: at the cap, with a clear error."""
    env = dict(cli_env, GAZETTE_MAX_RESPONSE_BYTES=str(1024 * 1024))
    page = article_page("Ferry terminal delayed", BODY)
    small, huge, bomb = tmp_path / "small.html", tmp_path / "huge.html", tmp_path / "bomb.html.gz"
    small.write_text(page)
    huge.write_text(page.replace("</body>", "<p>" + "filler " * 400_000 + "</p></body>"))
    bomb.write_bytes(gzip.compress(page.encode() + b" " * (8 * 1024 * 1024)))
    proc = gazette("extract", str(huge), str(bomb), str(small), env=env, check=False)
    rows = lines(proc)
    assert proc.returncode == 1
    assert [r["path"] for r in rows] == [str(huge), str(bomb), str(small)]
    for row in rows[:2]:
        assert "text" not in row and "cap (GAZETTE_MAX_RESPONSE_BYTES)" in row["error"]
    assert "pier foundations" in rows[2]["text"]


def test_extract_contract(tmp_path):
    page = article_page("Ferry terminal delayed", BODY)
    plain, packed = tmp_path / "a.html", tmp_path / "b.html.gz"
    plain.write_text(page)
    packed.write_bytes(gzip.compress(page.encode()))
    proc = gazette("extract", str(plain), str(packed), "-", input=page.encode())
    rows = lines(proc)
    assert [r["path"] for r in rows] == [str(plain), str(packed), "-"]
    for row in rows:
        assert set(row) == {
            "path",
            "title",
            "author",
            "published",
            "text",
            "html",
            "image",
            "language",
            "extractor",
        }
        assert "pier foundations" in row["text"] and "\n\n" in row["text"]
        assert "Sign in to access" not in row["text"]
        assert row["published"].startswith("2026-11-20")
        assert "<script" not in row["html"]


def test_parse_feed_contract_files_urls_and_errors(tmp_path, http_server):
    good = tmp_path / "feed.xml"
    good.write_text(
        rss([{"guid": "g1", "link": "http://example.test/a", "title": "A &amp; B", "summary": "s"}])
    )
    bad = tmp_path / "bad.xml"
    bad.write_bytes(b"<html><body>not a feed</body></html>")
    http_server.route("/feed", good.read_bytes(), headers={"Content-Type": "application/rss+xml"})
    env = dict(os.environ, GAZETTE_ALLOW_PRIVATE_NETWORKS="1")
    proc = gazette(
        "parse-feed",
        str(good),
        str(bad),
        str(tmp_path / "missing.xml"),
        http_server.url("/feed"),
        env=env,
        check=False,
    )
    rows = lines(proc)
    assert [r["path"] for r in rows] == [
        str(good),
        str(bad),
        str(tmp_path / "missing.xml"),
        http_server.url("/feed"),
    ]
    assert rows[0]["title"] == "Test Post" and rows[0]["entries"][0]["id"] == "g1"
    assert set(rows[0]["entries"][0]) == {"id", "url", "title", "published", "author", "summary"}
    assert "error" in rows[1] and "error" in rows[2] and "\n" not in rows[1]["error"]
    assert rows[3]["entries"][0]["url"] == "http://example.test/a"
    assert b"Traceback" not in proc.stderr


def serve_site(server, name: str, n: int, delay: float = 0.0):
    items = []
    for i in range(n):
        path = f"/{name}/{i}.html"
        server.route(
            path,
            article_page(f"{name} report {i}", [f"{name} {i}. " + BODY[0], *BODY[1:]]),
            headers={"Content-Type": "text/html"},
            delay=delay,
        )
        items.append(
            {"guid": f"{name}-{i}", "link": server.url(path), "title": f"{name} report {i}", "summary": "s"}
        )
    server.route(
        f"/{name}/feed.xml", rss(items, title=f"{name} news"), headers={"Content-Type": "application/rss+xml"}
    )
    server.route(
        f"/{name}/",
        f'<html><head><link rel="alternate" type="application/rss+xml" href="/{name}/feed.xml">'
        f"</head><body>{name}</body></html>",
        headers={"Content-Type": "text/html"},
    )


def test_source_add_by_site_url_list_opml_roundtrip_and_poll(tmp_path, http_server, cli_env):
    serve_site(http_server, "alpha", 2)
    http_server.route("/broken.xml", b"", status=500)
    out = gazette(
        "source", "add", http_server.url("/alpha/"), "--category", "World", env=cli_env
    ).stdout.decode()
    assert http_server.url("/alpha/feed.xml") in out  # discovered from the page's <link rel=alternate>
    gazette("source", "add", http_server.url("/broken.xml"), env=cli_env, check=False)
    opml = tmp_path / "in.opml"
    opml.write_text(
        f'<opml version="2.0"><body><outline text="Tech"><outline text="Broken" type="rss" '
        f'xmlUrl="{http_server.url("/broken.xml")}"/></outline></body></opml>'
    )
    assert "1 new source" in gazette("source", "import-opml", str(opml), env=cli_env).stdout.decode()
    gazette("poll", "--once", env=cli_env)
    listing = gazette("source", "list", env=cli_env).stdout.decode()
    assert "HTTP 500" in listing and "failing" in listing and "alpha news" in listing
    rows = lines(gazette("source", "list", "--json", env=cli_env))
    assert {r["health"] for r in rows} == {"ok", "failing"}
    exported = gazette("source", "export-opml", env=cli_env).stdout.decode()
    assert http_server.url("/alpha/feed.xml") in exported and 'text="Tech"' in exported
    db = sqlite3.connect(tmp_path / "gazette.sqlite3")
    assert db.execute("select count(*) from articles_article").fetchone()[0] == 2


def _children(pid: int) -> list[int]:
    """Processes whose parent is `pid` (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def test_sigkill_mid_poll_loses_and_duplicates_nothing(tmp_path, http_server, cli_env):
    names = [f"site{k}" for k in range(6)]
    for k, name in enumerate(names):
        serve_site(http_server, name, 3, delay=0.4 * k)
        gazette("source", "add", http_server.url(f"/{name}/feed.xml"), env=cli_env)
    db_path = tmp_path / "gazette.sqlite3"
    proc = subprocess.Popen(
        [sys.executable, "-m", "gazette", "poll", "--once"],
        env=cli_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    stored = 0
    while time.monotonic() < deadline and stored < 3:
        time.sleep(0.05)
        with sqlite3.connect(db_path) as db:
            stored = db.execute("select count(*) from articles_article").fetchone()[0]
    workers = _children(proc.pid)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert 0 < stored < 18, "the kill should land mid-poll"
    # Its extraction processes do not outlive it.
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() for pid in workers):
        time.sleep(0.2)
    assert not [pid for pid in workers if Path(f"/proc/{pid}").exists()]
    gazette("poll", "--once", env=cli_env)
    with sqlite3.connect(db_path) as db:
        guids = [g for (g,) in db.execute("select guid from articles_article")]
    assert sorted(guids) == sorted(f"{n}-{i}" for n in names for i in range(3))
