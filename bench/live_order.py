"""Stories from the live pipeline in several arrival orders, scored beside `gazette cluster`.

    .venv/bin/python bench/live_order.py [--sets ecb,demo] [--orders published,source,shuffled,late,excerpt]
                                         [--no-embeddings] [--verbose]

Each set is published through local feeds (RSS 2.0 with the text in `content:encoded`, article pages
beside them) from several outlets, its articles spread over time. The real pipeline ingests them the
way the scheduler drives it — due sources claimed, one poll job each, then the fetch, enrich and story jobs —
round after round, while the feeds reveal the articles in one of these orders:

    published  every outlet's new articles as they are published, polled every few hours
    source     outlet after outlet, each feed carrying its whole backlog at once
    shuffled   the articles in a random order, a few per round, whatever their publication time
    late       published order, but one article in five appears one to four days late
    excerpt    published order, from teaser-only feeds: the headline and first sentence, no page

Each (set, order) runs in a process of its own on a new SQLite database; the stories are read back
from it and scored against the set's events (B-cubed F1, NMI, stories). `gazette cluster --embeddings`
is then run on the same stored articles (in published order: the CLI contract) as the same run's
baseline; `--no-embeddings` turns embeddings off on both sides (the embedding model is most of the
cost on a small machine). ECB+ dev has no dates: each topic's two same-kind events are placed a few days apart, the
topics a day or so from each other, and an event's articles over the two days after it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from clustering import DATA, DEMO, bcubed, nmi  # noqa: E402

from gazette.ingest.sanitize import html_to_text  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
GAZETTE = [sys.executable, "-m", "gazette"]
ORDERS = ("published", "source", "shuffled", "late", "excerpt")
SETS = ("ecb", "demo")
ROUND_HOURS = 6  # the published orders poll every outlet once per this many hours of feed time
SHUFFLED_PER_ROUND = 8
LATE_SHARE = 0.2


# ---- the evaluation sets, as dated articles of outlets ----------------------------------------------------


def items_ecb(path: Path, outlets: int, seed: int) -> list[dict]:
    """ECB+ dev with invented dates and outlets: two same-kind events of a topic days apart."""
    rng = random.Random(seed)
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    end = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
    topics = sorted({r["story"].split("_")[0] for r in rows}, key=int)
    rng.shuffle(topics)
    starts: dict[str, datetime] = {}
    for i, topic in enumerate(topics):
        first = end - timedelta(days=36) + timedelta(hours=i * 28 + rng.randint(0, 12))
        events = sorted({r["story"] for r in rows if r["story"].split("_")[0] == topic})
        rng.shuffle(events)
        for k, event in enumerate(events):
            starts[event] = first + timedelta(days=k * rng.randint(2, 5))
    items = []
    for r in rows:
        hours = min(rng.expovariate(1 / 10), 48.0)
        items.append(
            {
                "id": r["id"],
                "title": r["title"],
                "paragraphs": [p for p in r["text"].split("\n") if p.strip()],
                "published": starts[r["story"]] + timedelta(hours=hours),
                "outlet": f"outlet-{rng.randrange(outlets) + 1}",
                "gold": r["story"],
            }
        )
    return items


def items_demo() -> list[dict]:
    """The demo corpus: its own outlets and ages."""
    end = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
    items = []
    for path in sorted(DEMO.glob("events_*.json")):
        for event in json.loads(path.read_text(encoding="utf-8")):
            for article in event["articles"]:
                items.append(
                    {
                        "id": article["id"],
                        "title": article["headline"],
                        "paragraphs": list(article["paragraphs"]),
                        "published": end - timedelta(minutes=article["age_minutes"]),
                        "outlet": article["outlet"],
                        "gold": event["event"],
                    }
                )
    return items


# ---- arrival orders ---------------------------------------------------------------------------------------


def rounds(items: list[dict], order: str, seed: int) -> list[list[str]]:
    """The ids each poll round reveals, in round order (rounds with nothing new are left out)."""
    rng = random.Random(seed)
    if order == "source":
        outlets = sorted({i["outlet"] for i in items})
        rng.shuffle(outlets)
        return [[i["id"] for i in items if i["outlet"] == o] for o in outlets]
    if order == "shuffled":
        ids = [i["id"] for i in items]
        rng.shuffle(ids)
        return [ids[k : k + SHUFFLED_PER_ROUND] for k in range(0, len(ids), SHUFFLED_PER_ROUND)]
    shown = {i["id"]: i["published"] for i in items}
    if order == "late":
        for item in rng.sample(items, int(len(items) * LATE_SHARE)):
            shown[item["id"]] += timedelta(hours=rng.uniform(24, 96))
    start = min(shown.values())
    buckets: dict[int, list[str]] = {}
    for item_id, when in sorted(shown.items(), key=lambda pair: pair[1]):
        buckets.setdefault(int((when - start).total_seconds() // (ROUND_HOURS * 3600)), []).append(item_id)
    return [buckets[k] for k in sorted(buckets)]


# ---- the publishers ---------------------------------------------------------------------------------------


class Publishers:
    """Local outlets: /<outlet>/feed.xml lists what has been revealed, newest first; pages beside it."""

    def __init__(self, items: list[dict], excerpt: bool) -> None:
        self.items = {i["id"]: i for i in items}
        self.excerpt = excerpt
        self.shown: set[str] = set()
        self.lock = threading.Lock()
        publishers = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 — the stdlib's name
                status, body, kind = publishers.answer(self.path)
                etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
                if status == 200 and self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("ETag", etag)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_port}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def outlets(self) -> list[str]:
        return sorted({i["outlet"] for i in self.items.values()})

    def reveal(self, ids: list[str]) -> None:
        with self.lock:
            self.shown.update(ids)

    def answer(self, path: str) -> tuple[int, bytes, str]:
        outlet, _, name = path.strip("/").partition("/")
        if name == "robots.txt" or path == "/robots.txt":
            return 200, b"User-agent: *\nAllow: /\n", "text/plain"
        if name == "feed.xml":
            with self.lock:
                shown = [self.items[i] for i in self.shown if self.items[i]["outlet"] == outlet]
            return 200, self.feed(outlet, shown).encode(), "application/rss+xml; charset=utf-8"
        item = self.items.get(name.removesuffix(".html"))
        if item is None or item["outlet"] != outlet or self.excerpt or item["id"] not in self.shown:
            return 404, b"not found", "text/plain"
        paragraphs = "".join(f"<p>{escape(p)}</p>" for p in item["paragraphs"])
        page = (
            f"<!doctype html><html><head><title>{escape(item['title'])}</title></head><body>"
            f"<article><h1>{escape(item['title'])}</h1>{paragraphs}</article></body></html>"
        )
        return 200, page.encode(), "text/html; charset=utf-8"

    def feed(self, outlet: str, shown: list[dict]) -> str:
        entries = []
        for item in sorted(shown, key=lambda i: i["published"], reverse=True):
            url = f"{self.base}/{outlet}/{item['id']}.html"
            if self.excerpt:
                body = f"<description>{escape(_first_sentence(item['paragraphs']))}</description>"
            else:
                html = "".join(f"<p>{escape(p)}</p>" for p in item["paragraphs"])
                body = f"<content:encoded><![CDATA[{html}]]></content:encoded>"
            entries.append(
                f"<item><title>{escape(item['title'])}</title><link>{url}</link>"
                f"<guid>{url}</guid><pubDate>{format_datetime(item['published'])}</pubDate>{body}</item>"
            )
        return (
            '<?xml version="1.0" encoding="utf-8"?>'
            '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
            f"<title>{outlet}</title><link>{self.base}/{outlet}/</link><description>{outlet}</description>"
            + "".join(entries)
            + "</channel></rss>"
        )


def _first_sentence(paragraphs: list[str]) -> str:
    for paragraph in paragraphs:
        text = paragraph.strip()
        # A dateline-only line ("May 03, 2013") is not the lead.
        if len(text.split()) >= 6:
            for end in (". ", "? ", "! "):
                cut = text.find(end, 40)
                if cut > 0:
                    return text[: cut + 1]
            return text
    return paragraphs[0] if paragraphs else ""


# ---- one run, in a process of its own -----------------------------------------------------------------


def child(args: argparse.Namespace) -> int:
    """Ingest one set in one order into the database of DATABASE_URL; print the seconds taken."""
    items = items_demo() if args.child_set == "demo" else items_ecb(Path(args.data), args.outlets, args.seed)
    publishers = Publishers(items, excerpt=args.child_order == "excerpt")
    schedule = rounds(items, "published" if args.child_order == "excerpt" else args.child_order, args.seed)
    sys.path.insert(0, str(ROOT))
    from gazette.cli import _django

    _django()
    from django.utils import timezone

    from gazette.jobs.engine import jobs_drain
    from gazette.jobs.stages import sources_claim_due
    from gazette.sources.models import Source
    from gazette.sources.polling import poll_runtime_close

    for outlet in publishers.outlets():
        Source.objects.create(
            feed_url=f"{publishers.base}/{outlet}/feed.xml",
            name=outlet,
            site_url=f"{publishers.base}/{outlet}/",
        )
    started = time.perf_counter()
    for number, ids in enumerate(schedule, 1):
        publishers.reveal(ids)
        if args.verbose:
            print(f"round {number}/{len(schedule)} at {time.perf_counter() - started:.1f}s", file=sys.stderr)
        # A poll round: every outlet is due, as each is after its interval.
        Source.objects.update(next_poll_at=timezone.now())
        while sources_claim_due():
            jobs_drain(queues=("poll", "fetch", "enrich", "stories"))
    poll_runtime_close()
    print(json.dumps({"seconds": time.perf_counter() - started, "rounds": len(schedule)}))
    return 0


def _env(data: Path, embeddings: bool) -> dict[str, str]:
    return dict(
        os.environ,
        GAZETTE_DATA_DIR=str(data),
        DATABASE_URL=f"sqlite:///{data / 'gazette.sqlite3'}",
        GAZETTE_LOG_LEVEL="WARNING",
        GAZETTE_ALLOW_PRIVATE_NETWORKS="1",
        GAZETTE_HOST_DELAY="0",
        GAZETTE_EMBEDDINGS="1" if embeddings else "0",
        PYTHONPATH=str(ROOT),
    )


def cli_stories(rows: list[tuple], env: dict[str, str], embeddings: bool) -> dict[str, str]:
    """`gazette cluster` on stored articles: {item id: story}."""
    lines = "".join(
        json.dumps(
            {"id": _item_id(r[1]), "title": r[2], "text": r[3], "published": r[4], "source": str(r[5])}
        )
        + "\n"
        for r in rows
    )
    command = [*GAZETTE, "cluster", *(["--embeddings"] if embeddings else []), "-"]
    out = subprocess.run(command, input=lines, capture_output=True, text=True, env=env, check=True, cwd=ROOT)
    return {d["id"]: d["story"] for d in map(json.loads, out.stdout.splitlines())}


def _item_id(url: str) -> str:
    return url.rsplit("/", 1)[-1].removesuffix(".html")


def run(set_name: str, order: str, args: argparse.Namespace, cli_cache: dict[str, dict[str, str]]) -> dict:
    data = Path(tempfile.mkdtemp(prefix="gazette-order-"))
    env = _env(data, args.embeddings)
    command = [sys.executable, __file__, "--child-set", set_name, "--child-order", order]
    command += ["--data", args.data, "--outlets", str(args.outlets), "--seed", str(args.seed)]
    out = subprocess.run(command, env=env, check=True, capture_output=True, text=True, cwd=ROOT).stdout
    timing = json.loads(out.strip().splitlines()[-1])
    with sqlite3.connect(data / "gazette.sqlite3") as conn:
        rows = conn.execute(
            "select a.id, a.canonical_url, a.title, a.content_text, a.published_at, a.source_id, m.story_id, "
            "a.summary from articles_article a left join stories_storymember m on m.article_id = a.id order by a.id"
        ).fetchall()
    # The text the story stage reads (Article.body_text): an excerpt-only item's teaser.
    rows = [(*r[:3], r[3] or html_to_text(r[7]).strip(), *r[4:7]) for r in rows]
    items = items_demo() if set_name == "demo" else items_ecb(Path(args.data), args.outlets, args.seed)
    gold_of = {i["id"]: i["gold"] for i in items}
    gold = {_item_id(r[1]): gold_of[_item_id(r[1])] for r in rows}
    live = {_item_id(r[1]): str(r[6]) for r in rows}
    # The stored articles are the same in every full-text order, so the CLI runs once on them.
    kind = "excerpt" if order == "excerpt" else "full"
    if kind not in cli_cache:
        cli_cache[kind] = cli_stories(rows, env, args.embeddings)
    cli = cli_cache[kind]
    result = {"articles": len(rows), "events": len(set(gold.values())), "db": str(data), **timing}
    for name, pred in (("live", live), ("cli", cli)):
        p, r, f = bcubed(gold, pred)
        result.update({f"{name}_stories": len(set(pred.values())), f"{name}_p": p, f"{name}_r": r})
        result.update({f"{name}_f1": f, f"{name}_nmi": nmi(gold, pred)})
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default=",".join(SETS), help="comma-separated: " + ", ".join(SETS))
    parser.add_argument("--orders", default=",".join(ORDERS), help="comma-separated: " + ", ".join(ORDERS))
    parser.add_argument("--data", default=str(DATA))
    parser.add_argument("--outlets", type=int, default=8, help="outlets the ECB+ articles are spread over")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--no-embeddings",
        dest="embeddings",
        action="store_false",
        help="live and CLI without sentence embeddings",
    )
    parser.add_argument("--verbose", action="store_true", help="print each poll round")
    parser.add_argument("--child-set", help=argparse.SUPPRESS)
    parser.add_argument("--child-order", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_set:
        return child(args)
    print(
        f"{'set':<6}{'order':<11}{'articles':>9}{'events':>7}{'rounds':>7} | {'live stories':>12}{'P':>7}{'R':>7}"
        f"{'B3-F1':>7}{'NMI':>7} | {'CLI stories':>11}{'B3-F1':>7}{'NMI':>7} | {'seconds':>7}"
    )  # fmt: skip
    for set_name in args.sets.split(","):
        cli_cache: dict[str, dict[str, str]] = {}
        for order in args.orders.split(","):
            r = run(set_name, order, args, cli_cache)
            print(
                f"{set_name:<6}{order:<11}{r['articles']:>9}{r['events']:>7}{r['rounds']:>7} | "
                f"{r['live_stories']:>12}{r['live_p']:>7.3f}{r['live_r']:>7.3f}{r['live_f1']:>7.3f}"
                f"{r['live_nmi']:>7.3f} | {r['cli_stories']:>11}{r['cli_f1']:>7.3f}{r['cli_nmi']:>7.3f} | "
                f"{r['seconds']:>7.1f}" + (f"  {r['db']}" if args.verbose else ""),
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
