"""The story stage's saved state as the archive grows: time per batch, state bytes written, memory.

    .venv/bin/python bench/story_state.py [--articles 50000] [--marks 1000,10000,50000] [--baseline main]

A synthetic stream (bench/clustering.py's: ECB+ articles recombined into events with invented names and
numbers, about 1,000 articles a day, 50 outlets) is stored in a fresh SQLite database as enriched
articles, then assigned by the real engine batch after batch, exactly as stage 3 runs it. At each mark
it prints the mean time of the last five batches, the bytes of story state a batch wrote (the mean
since the last mark, so that a journal's snapshots count), and the process's resident memory; at the
end a fresh engine loads the saved state, which must equal the one kept in memory. `--baseline REF` runs the same stream on a git ref's code (a temporary
worktree) first, in the same run, and prints the ratios; both runs also print a digest of the final
grouping, which must match when the change was meant to regroup nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "clusters-dev" / "ecbplus-dev.jsonl"
SOURCES = 50


def stream(rows: list[dict], n: int, seed: int = 7) -> list[dict]:
    """n articles, about 1,000 a day: each synthetic event is one ECB+ event whose words of four letters
    or more are respelt its own way (so events made from one real event share neither names nor 5-word
    runs), each of its 8 articles six sentences of two of the real articles, published within two days
    of its start."""
    rng = random.Random(seed)
    by_event: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_event[r["story"]].append(r)
    events = list(by_event)
    syllables = ["ka", "lo", "mi", "ren", "tas", "vo", "zu", "bri", "del", "nor", "pe", "qui"]
    start = datetime(2025, 1, 1, tzinfo=UTC)
    out: list[dict] = []
    for e in range(max(1, n // 8)):
        real = by_event[events[e % len(events)]]
        salt = "".join(rng.choice(syllables) for _ in range(3))

        def respell(text: str, salt: str = salt) -> str:
            return re.sub(r"\b\w{4,}\b", lambda m: m[0] + salt, text)

        when = start + timedelta(hours=e * 8 * 24 / 1000)  # about 1,000 articles a day
        for _ in range(8):
            a, b = rng.choice(real), rng.choice(real)
            sentences = (a["text"].split("\n") + b["text"].split("\n"))[:6]
            rng.shuffle(sentences)
            out.append(
                {
                    "id": f"x{len(out)}",
                    "title": respell(a["title"]),
                    "text": respell("\n".join(sentences)),
                    "published": when + timedelta(minutes=rng.randint(0, 48 * 60)),
                }
            )
    out.sort(key=lambda d: d["published"])
    return out[:n]


def _rss_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def _state_bytes() -> int:
    """Bytes of engine state the last batch wrote: the rows of state that carry its version (the one
    row saved whole, or a journal's row of changes or its new snapshot)."""
    from django.apps import apps
    from django.db import connection

    total = 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT version FROM stories_enginestate")
        (version,) = cursor.fetchone()
        for model in apps.get_app_config("stories").get_models():
            if model.__name__.startswith("EngineState") and any(f.name == "data" for f in model._meta.fields):
                table = model._meta.db_table
                sql = f"SELECT COALESCE(SUM(LENGTH(data)), 0) FROM {table} WHERE version = %s"  # noqa: S608
                cursor.execute(sql, [version])
                total += int(cursor.fetchone()[0])
    return total


def _same_state(engine) -> bool:
    """Whether a fresh engine loading the saved state holds what `engine` holds in memory."""
    from gazette.stories.engine import StoryEngine

    loaded = StoryEngine.load(index=False)
    a, b = engine.clusterer, loaded.clusterer
    return (
        loaded.version == engine.version
        and loaded._keys == engine._keys
        and loaded._snapshot == engine._snapshot
        and a.stories() == b.stories()
        and list(a.open) == list(b.open)
        and a.df == b.df
        and a.postings == b.postings
        and a.story_of == b.story_of
        and engine.copies._seq_of == loaded.copies._seq_of
    )


def child(args: argparse.Namespace) -> None:
    """One run on the code this interpreter imports; prints one JSON line per mark and a summary."""
    data = Path(tempfile.mkdtemp(prefix="gazette-state-"))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="gazette.settings",
        GAZETTE_DATA_DIR=str(data),
        DATABASE_URL=f"sqlite:///{data / 'gazette.sqlite3'}",
        GAZETTE_EMBEDDINGS="0",
        GAZETTE_LOG_LEVEL="WARNING",
    )
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from gazette.articles.models import Article
    from gazette.sources.models import Source
    from gazette.stories.engine import StoryEngine
    from gazette.stories.models import StoryMember

    call_command("migrate", interactive=False, verbosity=0)
    rows = [json.loads(line) for line in Path(args.data).read_text(encoding="utf-8").splitlines() if line]
    docs = stream(rows, args.articles)
    sources = Source.objects.bulk_create(
        [Source(name=f"Outlet {i}", feed_url=f"https://outlet{i}.example/feed") for i in range(SOURCES)]
    )
    now = timezone.now()
    Article.objects.bulk_create(
        [
            Article(
                source=sources[i % SOURCES],
                guid=doc["id"],
                url=f"https://outlet{i % SOURCES}.example/{doc['id']}",
                canonical_url=f"https://outlet{i % SOURCES}.example/{doc['id']}",
                title=doc["title"],
                content_text=doc["text"],
                published_at=doc["published"],
                enriched_at=now,
            )
            for i, doc in enumerate(docs)
        ],
        batch_size=2000,
    )
    engine = StoryEngine.load()
    marks = sorted(m for m in args.marks if m <= len(docs))
    done, times, total, written = 0, [], 0.0, []
    while True:
        t = time.perf_counter()
        ids, _ = engine.assign_pending()
        seconds = time.perf_counter() - t
        if not ids:
            break
        done += len(ids)
        total += seconds
        times.append(seconds)
        written.append(_state_bytes())
        while marks and done >= marks[0]:
            marks.pop(0)
            recent = times[-5:]
            since, written = written, []
            print(
                json.dumps(
                    {
                        "articles": done,
                        "batch_s": sum(recent) / len(recent),
                        "state_bytes": sum(since) / len(since),
                        "rss_mib": _rss_mib(),
                    }
                ),
                flush=True,
            )
    grouping = sorted(
        sorted(group)
        for group in _groups(StoryMember.objects.values_list("story_id", "article__guid")).values()
    )
    digest = hashlib.sha256(json.dumps(grouping).encode()).hexdigest()[:16]
    same = _same_state(engine)
    connection.close()
    shutil.rmtree(data, ignore_errors=True)
    summary = {"done": done, "total_s": total, "stories": len(grouping), "grouping": digest, "reloads": same}
    print(json.dumps(summary))


def _groups(pairs) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for story, guid in pairs:
        out.setdefault(story, []).append(guid)
    return out


def run(tree: Path, args: argparse.Namespace) -> list[dict]:
    script = tree / "bench" / "story_state.py"
    if not script.exists():  # a ref from before this bench: run this file against its code
        shutil.copy(__file__, script)
    # The clusterer breaks ties between candidate stories in set order, which follows the string hash
    # seed: both runs get the same seed so that their groupings can be compared.
    cmd = [sys.executable, str(script), "--child", "--articles", str(args.articles), "--data", args.data]
    cmd += ["--marks", ",".join(map(str, args.marks))]
    out = subprocess.run(
        cmd,
        env=dict(os.environ, PYTHONPATH=str(tree), PYTHONHASHSEED="0"),
        cwd=tree,
        check=True,
        capture_output=True,
        text=True,
    )
    return [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]


def report(name: str, rows: list[dict]) -> None:
    *marks, summary = rows
    for r in marks:
        print(
            f"{name:>9} {r['articles']:>7,} articles: {r['batch_s'] * 1000:8.0f} ms a batch, "
            f"state {r['state_bytes'] / 1024:9,.0f} KiB written a batch, RSS {r['rss_mib']:6.0f} MiB"
        )
    print(
        f"{name:>9} {summary['done']:,} articles in {summary['total_s']:.0f} s, "
        f"{summary['stories']:,} stories, grouping {summary['grouping']}"
        + ("" if "reloads" not in summary else f", loads as kept: {'yes' if summary['reloads'] else 'NO'}")
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=50_000)
    parser.add_argument(
        "--marks", type=lambda s: [int(x) for x in s.split(",")], default=[1000, 10_000, 50_000]
    )
    parser.add_argument("--data", default=str(DATA))
    parser.add_argument("--baseline", help="a git ref whose code runs the same stream first (e.g. main)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    results = {}
    if args.baseline:
        tree = Path(tempfile.mkdtemp(prefix="gazette-state-")) / "baseline"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), args.baseline],
            check=True,
            capture_output=True,
        )
        try:
            results["baseline"] = run(tree, args)
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=False)
    results["this"] = run(ROOT, args)
    for name, rows in results.items():
        report(name, rows)
    if "baseline" in results:
        for ours, theirs in zip(results["this"][:-1], results["baseline"][:-1], strict=True):
            print(
                f"{ours['articles']:>7,} articles: batch time {ours['batch_s'] / theirs['batch_s']:.2f}x, "
                f"state bytes {ours['state_bytes'] / max(theirs['state_bytes'], 1):.3f}x, "
                f"RSS {ours['rss_mib'] / theirs['rss_mib']:.2f}x the baseline's"
            )
        same = results["this"][-1]["grouping"] == results["baseline"][-1]["grouping"]
        print(f"same grouping as the baseline: {'yes' if same else 'NO'}")


if __name__ == "__main__":
    main()
