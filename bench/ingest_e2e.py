"""End-to-end ingest on PostgreSQL by the real roles: HTTP → extracted, stored, copies, story, embedded.

    .venv/bin/python bench/ingest_e2e.py [--pages 1000] [--sources 20] [--workers 1,2] [--baseline main]
        [--postgres postgres://postgres@127.0.0.1:5432/postgres]

A local server (its own process) plays `--sources` publishers on 127.0.0.1: each has a teaser-only RSS
feed listing its share of the pages, which are the ECB+ articles of ../shared/data/clusters-dev
wrapped in a plain article page (same-event coverage, so stories form) and real pages of
../shared/data/extraction-dev. For each worker count, a fresh database (`gazette_e2e`) is migrated, a
`gazette scheduler` and that many `gazette worker --queues poll,enrich,stories` processes are started,
and a warm-up source of a few pages is ingested first, so that every worker has loaded its models.
Then every publisher is made due at once; the figure is articles per second from the first article
stored to the last one embedded and in a story. RSS of every process (and of each worker's extraction
children) is sampled from /proc; the peak is VmHWM.

`--baseline REF` runs the same scenario on the code of a git ref (a temporary worktree), interleaved
with this tree's runs, so the ratios come from one sitting of a noisy machine.
"""

from __future__ import annotations

import argparse
import gzip
import html
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
DB = "gazette_e2e"
WARMUP_PAGES = 6


def _ecb_page(row: dict) -> bytes:
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in row["text"].split("\n") if p.strip())
    title = html.escape(row["title"])
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title></head><body>"
        f"<header><nav><a href='/'>Home</a> <a href='/world'>World</a></nav></header>"
        f"<article><h1>{title}</h1>{paragraphs}</article>"
        f"<footer>© The Publisher</footer></body></html>"
    ).encode()


def pages_load(data: Path, count: int) -> list[tuple[str, bytes]]:
    """(title, HTML) of `count` pages: every ECB+ article first, then real pages to make up the rest."""
    rows = [json.loads(line) for line in (data / "clusters-dev" / "ecbplus-dev.jsonl").open()]
    pages = [(row["title"], _ecb_page(row)) for row in rows[:count]]
    for path in sorted((data / "extraction-dev" / "html").glob("*.html.gz"))[: max(count - len(pages), 0)]:
        pages.append((path.name.removesuffix(".html.gz"), gzip.decompress(path.read_bytes())))
    return pages


def serve(data: str, count: int, sources: int, port_out) -> None:
    """Publisher k lists pages k, k + sources, k + 2·sources… of the first `count`; `/warmup` lists a
    few more."""
    import asyncio
    import socket
    from datetime import UTC, datetime
    from email.utils import format_datetime

    from aiohttp import web

    pages = pages_load(Path(data), count + WARMUP_PAGES)
    published = format_datetime(datetime.now(UTC))

    def feed(base: str, name: str, indexes: list[int]) -> str:
        items = "".join(
            f"<item><guid>{name}-{i}</guid><link>{base}/{name}/a/{i}</link>"
            f"<title>{html.escape(pages[i][0])}</title><pubDate>{published}</pubDate>"
            f"<description>teaser {i}</description></item>"
            for i in indexes
        )
        return (
            f'<?xml version="1.0"?><rss version="2.0"><channel><title>{name}</title>{items}</channel></rss>'
        )

    async def handle(request: web.BaseRequest) -> web.Response:
        base = f"http://{request.host}"
        parts = request.path.strip("/").split("/")
        if parts == ["warmup", "feed.xml"]:
            indexes = list(range(count, len(pages)))
            return web.Response(text=feed(base, "warmup", indexes), content_type="application/rss+xml")
        if len(parts) == 2 and parts[1] == "feed.xml" and parts[0].startswith("s"):
            k = int(parts[0][1:])
            body = feed(base, parts[0], list(range(k, count, sources)))
            return web.Response(text=body, content_type="application/rss+xml")
        if len(parts) == 3 and parts[1] == "a":
            return web.Response(body=pages[int(parts[2])][1], content_type="text/html")
        return web.Response(status=404)

    async def main() -> None:
        runner = web.ServerRunner(web.Server(handle), access_log=None)
        await runner.setup()
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        await web.SockSite(runner, sock).start()
        port_out.send(sock.getsockname()[1])
        await asyncio.Event().wait()

    asyncio.run(main())


# -- processes and their memory ------------------------------------------------------------------


def _status(pid: int) -> dict[str, int]:
    out = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(value.split()[0])  # kB
    except (FileNotFoundError, ProcessLookupError, ValueError):
        pass
    return out


def _children(pid: int) -> list[int]:
    kids: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            kids += [int(c) for c in (task / "children").read_text().split()]
    except (FileNotFoundError, ProcessLookupError):
        pass
    return kids


@dataclass
class Role:
    name: str
    proc: subprocess.Popen
    peak: int = 0  # kB, the process's own high-water mark
    children_peak: dict[int, int] = field(default_factory=dict)
    tree_peak: int = 0  # kB, the largest sum over the process and its children at one sample


class Sampler(threading.Thread):
    def __init__(self, roles: list[Role]) -> None:
        super().__init__(daemon=True)
        self.roles, self.stop = roles, threading.Event()

    def run(self) -> None:
        while not self.stop.wait(0.2):
            for role in self.roles:
                own = _status(role.proc.pid)
                role.peak = max(role.peak, own.get("VmHWM", 0))
                tree = own.get("VmRSS", 0)
                for kid in _children(role.proc.pid):
                    status = _status(kid)
                    role.children_peak[kid] = max(role.children_peak.get(kid, 0), status.get("VmHWM", 0))
                    tree += status.get("VmRSS", 0)
                role.tree_peak = max(role.tree_peak, tree)


# -- one run -------------------------------------------------------------------------------------


def _database(server_url: str, name: str) -> str:
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    parts = urlsplit(server_url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", "", ""))


SETUP = """
import django, sys
from datetime import timedelta
django.setup()
from django.utils import timezone
from gazette.sources.models import Source
base, sources = sys.argv[1], int(sys.argv[2])
Source.objects.create(feed_url=f"{base}/warmup/feed.xml", name="warm-up")
later = timezone.now() + timedelta(days=1)
Source.objects.bulk_create(
    [Source(feed_url=f"{base}/s{k}/feed.xml", name=f"publisher {k}", next_poll_at=later) for k in range(sources)]
)
"""

PROGRESS = """
    select count(*), count(a.enriched_at), count(a.clustered_at), count(e.article_id),
           min(a.fetched_at), max(a.clustered_at), max(a.enriched_at)
    from articles_article a join sources_source s on s.id = a.source_id
    left join stories_embedding e on e.article_id = a.id
    where s.name {which}
"""
POLLED = "select count(*) from sources_source where name like 'publisher %' and last_polled_at is not null"


def _wait(conn, which: str, expected: int, polled: int | None, timeout: float, procs: list[Role]) -> tuple:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for role in procs:
            if role.proc.poll() is not None:
                raise RuntimeError(f"{role.name} exited with {role.proc.returncode}")
        row = conn.execute(PROGRESS.format(which=which)).fetchone()
        done_polls = polled is None or conn.execute(POLLED).fetchone()[0] >= polled
        if done_polls and row[0] >= expected and row[2] == row[0] and row[3] == row[0]:
            return row
        time.sleep(0.25)
    raise RuntimeError(f"timed out: {row[0]} stored, {row[2]} in a story, {row[3]} embedded of {expected}")


def run(*, tree: Path, workers: int, base: str, args: argparse.Namespace, logs: Path) -> dict:
    import psycopg

    url = _database(args.postgres, args.database)
    data_dir = Path(tempfile.mkdtemp(prefix="gazette-e2e-"))
    env = dict(
        os.environ,
        PYTHONPATH=str(tree),
        DATABASE_URL=url,
        GAZETTE_DATA_DIR=str(data_dir),
        GAZETTE_ALLOW_PRIVATE_NETWORKS="1",
        GAZETTE_HOST_DELAY="0",
        GAZETTE_PER_HOST_CONCURRENCY="8",
        GAZETTE_LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="gazette.settings",
    )
    python = [sys.executable]
    subprocess.run([*python, "-m", "gazette", "migrate"], env=env, check=True, stdout=subprocess.DEVNULL)
    subprocess.run([*python, "-c", SETUP, base, str(args.sources)], env=env, check=True)
    label = f"{tree.name}-{workers}w"

    def start(name: str, *cmd: str) -> Role:
        out = (logs / f"{label}-{name}.log").open("wb")
        proc = subprocess.Popen([*python, "-m", "gazette", *cmd], env=env, stdout=out, stderr=out)
        return Role(name, proc)

    queues = args.queues
    if (tree / "gazette/articles/pages.py").exists() and "fetch" not in queues.split(","):
        queues += ",fetch"  # a tree with the fetch stage reads teasers' pages there, not in the poll
    roles = [start("scheduler", "scheduler")]
    roles += [
        start(f"worker{i + 1}", "worker", "--queues", queues) for i in range(workers)
    ]  # fmt: skip
    sampler = Sampler(roles)
    sampler.start()
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            _wait(conn, "= 'warm-up'", WARMUP_PAGES, None, 600, roles)
            expected = args.pages
            conn.execute("update sources_source set next_poll_at = now() where name like 'publisher %'")
            row = _wait(conn, "like 'publisher %'", expected, args.sources, 1800, roles)
            stored, _, _, _, first_stored, last_clustered, last_enriched = row
            stories = conn.execute(
                "select count(distinct story_id) from stories_storymember m join articles_article a"
                " on a.id = m.article_id join sources_source s on s.id = a.source_id"
                " where s.name like 'publisher %'"
            ).fetchone()[0]
            copies = conn.execute(
                "select count(*) from articles_article where duplicate_of_id is not null"
            ).fetchone()[0]
    finally:
        sampler.stop.set()
        sampler.join()
        for role in roles:
            role.proc.terminate()
        for role in roles:
            try:
                role.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                role.proc.kill()
    seconds = (last_clustered - first_stored).total_seconds()
    return {
        "code": tree.name,
        "workers": workers,
        "stored": stored,
        "stories": stories,
        "copies": copies,
        "seconds": seconds,
        "rate": stored / seconds,
        "enrich_lag": (last_clustered - last_enriched).total_seconds(),
        "scheduler_mb": roles[0].peak / 1024,
        "worker_mb": [r.peak / 1024 for r in roles[1:]],
        "extract_mb": max((kb for r in roles[1:] for kb in r.children_peak.values()), default=0) / 1024,
        "tree_mb": [r.tree_peak / 1024 for r in roles[1:]],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--sources", type=int, default=20)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument(
        "--queues",
        default="poll,enrich,stories",
        help="the workers' --queues (fetch added for a tree that has that stage)",
    )
    parser.add_argument("--baseline", help="a git ref whose code runs the same scenario (e.g. main)")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--database", default=DB, help="the database each run drops and creates")
    args = parser.parse_args()
    counts = [int(c) for c in args.workers.split(",")]
    logs = Path(tempfile.mkdtemp(prefix="gazette-e2e-logs-"))
    trees: list[Path] = []
    baseline: Path | None = None
    if args.baseline:
        baseline = Path(tempfile.mkdtemp(prefix="gazette-e2e-")) / "baseline"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(baseline), args.baseline],
            check=True,
            capture_output=True,
        )
        trees.append(baseline)
    trees.append(ROOT)
    ctx = multiprocessing.get_context("spawn")
    receive, send = ctx.Pipe()
    server = ctx.Process(target=serve, args=(str(args.data), args.pages, args.sources, send), daemon=True)
    server.start()
    base = f"http://127.0.0.1:{receive.recv()}"
    results = []
    try:
        for workers in counts:
            for tree in trees:
                result = run(tree=tree, workers=workers, base=base, args=args, logs=logs)
                print(json.dumps(result), file=sys.stderr, flush=True)
                results.append(result)
    finally:
        server.terminate()
        if baseline is not None:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(baseline)], check=False
            )
    print(
        f"{args.pages} pages from {args.sources} publishers, PostgreSQL, {os.cpu_count()} cores; "
        f"workers on {args.queues}; logs in {logs}"
    )
    print(
        f"{'code':<10}{'workers':>8}{'stored':>7}{'stories':>8}{'seconds':>9}{'art/s':>7}{'vs 1w':>7}"
        f"{'worker MB':>14}{'+extract':>10}{'tree MB':>14}{'sched MB':>9}"
    )
    for r in results:
        one = next(x for x in results if x["code"] == r["code"] and x["workers"] == counts[0])
        print(
            f"{r['code']:<10}{r['workers']:>8}{r['stored']:>7}{r['stories']:>8}{r['seconds']:>9.1f}"
            f"{r['rate']:>7.1f}{r['rate'] / one['rate']:>6.2f}x"
            f"{'/'.join(f'{m:.0f}' for m in r['worker_mb']):>14}{r['extract_mb']:>10.0f}"
            f"{'/'.join(f'{m:.0f}' for m in r['tree_mb']):>14}{r['scheduler_mb']:>9.0f}"
        )
    if baseline is not None:
        for workers in counts:
            ours = next(r for r in results if r["code"] == ROOT.name and r["workers"] == workers)
            theirs = next(r for r in results if r["code"] == "baseline" and r["workers"] == workers)
            print(
                f"{workers} worker(s): {ours['rate'] / theirs['rate']:.2f}x the baseline's articles/s, "
                f"worker peak {max(ours['worker_mb']) / max(theirs['worker_mb']):.2f}x its"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
