"""Pages per second through the whole pipeline (HTTP, parse, extract, clean, sanitise, store).

    python bench/pipeline_speed.py --limit 300

A local server (its own process) serves real pages from ../shared/data/extraction-dev and a teaser-only
RSS feed listing them; one poll ingests them all into a fresh SQLite database. Baseline in the same run:
bare trafilatura.extract() over the same pages already in memory. Prints seconds, pages/s, the cost
ratio per page, and peak RSS of each.
"""

from __future__ import annotations

import argparse
import gzip
import multiprocessing
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from fetch_304 import in_child  # noqa: E402 — one helper for the benches

DATA = ROOT.parent / "shared" / "data" / "extraction-dev"


def load_pages(data: Path, limit: int) -> list[bytes]:
    return [gzip.decompress(p.read_bytes()) for p in sorted((data / "html").glob("*.html.gz"))[:limit]]


def serve(data: str, limit: int, port_out) -> None:
    import asyncio
    import socket

    from aiohttp import web

    pages = load_pages(Path(data), limit)

    async def handle(request: web.BaseRequest) -> web.Response:
        if request.path == "/feed.xml":
            base = f"http://{request.host}"
            items = "".join(
                f"<item><guid>p{i}</guid><link>{base}/page/{i}</link><title>Page {i}</title>"
                f"<description>teaser {i}</description></item>"
                for i in range(len(pages))
            )
            body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>bench</title>{items}</channel></rss>'
            return web.Response(text=body, content_type="application/rss+xml")
        if request.path.startswith("/page/"):
            return web.Response(body=pages[int(request.path.rsplit("/", 1)[1])], content_type="text/html")
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


def run_pipeline(base: str, db_dir: str, mode: str, out) -> None:
    os.environ.update(
        GAZETTE_EMBEDDINGS="1" if mode == "embeddings" else "0",
        DATABASE_URL=f"sqlite:///{db_dir}/bench.sqlite3",
        GAZETTE_DATA_DIR=db_dir,
        GAZETTE_ALLOW_PRIVATE_NETWORKS="1",
        GAZETTE_HOST_DELAY="0",
        GAZETTE_PER_HOST_CONCURRENCY="8",
        GAZETTE_POLLS_PER_HOST="8",
        GAZETTE_LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="gazette.settings",
    )
    import django

    django.setup()
    from django.core.management import call_command

    from gazette.articles.models import Article
    from gazette.jobs.engine import jobs_drain
    from gazette.sources import polling
    from gazette.sources.models import Source
    from gazette.sources.polling import poll_due

    call_command("migrate", verbosity=0)
    Source.objects.create(feed_url=f"{base}/feed.xml")
    started = time.perf_counter()
    while poll_due().new_articles:  # a long feed is taken over several polls
        pass
    jobs_drain(queues=["fetch"])  # the teasers' pages, read by their own stage
    if mode != "ingest":
        # The enrich and story stages the store queued, run here (no summaries: they are not timed).
        jobs_drain(queues=["enrich", "stories"])
    elapsed = time.perf_counter() - started
    polling.extraction_pool_shutdown()
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    out.send(
        (elapsed, Article.objects.count(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss + children)
    )


def run_trafilatura(data: str, limit: int, out) -> None:
    import trafilatura

    pages = load_pages(Path(data), limit)
    started = time.perf_counter()
    for page in pages:
        trafilatura.extract(page)
    elapsed = time.perf_counter() - started
    out.send((elapsed, len(pages), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--limit", type=int, default=300, help="pages to ingest (default 300)")
    args = parser.parse_args()
    ctx = multiprocessing.get_context("spawn")
    receive, send = ctx.Pipe()
    server = ctx.Process(target=serve, args=(str(args.data), args.limit, send), daemon=True)
    server.start()
    base = f"http://127.0.0.1:{receive.recv()}"
    try:
        t_time, t_pages, t_rss = in_child(ctx, run_trafilatura, str(args.data), args.limit)
        runs = []
        for mode in ("ingest", "stories", "embeddings"):
            with tempfile.TemporaryDirectory() as db_dir:
                runs.append((mode, *in_child(ctx, run_pipeline, base, db_dir, mode)))
    finally:
        server.terminate()
    print(f"{'':44}{'pages':>6}{'seconds':>9}{'pages/s':>9}{'peak RSS':>10}{'cost/page':>11}")
    row = "{:44}{:6}{:9.2f}{:9.1f}{:8.0f}MB{:10.2f}x"
    print(
        row.format(
            "bare trafilatura.extract (in memory)", t_pages, t_time, t_pages / t_time, t_rss / 1024, 1.0
        )
    )
    names = {
        "ingest": "ingestion HTTP→DB (fetch … store)",
        "stories": "+ copies, stories, topics, entities",
        "embeddings": "+ embeddings and related articles",
    }
    for mode, p_time, p_pages, p_rss in runs:
        name = names[mode]
        ratio = (p_time / p_pages) / (t_time / t_pages)
        print(row.format(name, p_pages, p_time, p_pages / p_time, p_rss / 1024, ratio))
    print(
        "cost/page is relative to bare trafilatura in the same run; the embedding run includes loading the model"
    )


if __name__ == "__main__":
    main()
