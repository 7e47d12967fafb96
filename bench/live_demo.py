"""Stories as readers see them: the demo corpus ingested by the real pipeline, scored beside the CLI.

    .venv/bin/python bench/live_demo.py [--runs 2] [--busy]

Each run starts the demo publishers and `gazette poll` (every stage, as the workers run them) on a
new database, then reads the stories back from that database and scores them against the corpus's
events (B-cubed F1, NMI, stories per event). `gazette cluster` is then run on the same stored
articles in published order — the CLI contract — as the baseline of the same run. `--busy` keeps both
cores loaded by other processes while the pipeline ingests.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from clustering import bcubed, nmi  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
GAZETTE = [sys.executable, "-m", "gazette"]


def _burn(stop_at: float) -> None:
    while time.time() < stop_at:
        sum(i * i for i in range(10_000))


def _events() -> dict[str, str]:
    sys.path.insert(0, str(ROOT))
    from gazette.demo.site import DemoSite

    return {
        a["url"].rsplit("/", 1)[-1].removesuffix(".html"): a["event"] for a in DemoSite("http://x").articles()
    }


def run(port: int, busy: bool) -> dict[str, float]:
    data = Path(tempfile.mkdtemp(prefix="gazette-live-"))
    env = dict(
        os.environ,
        GAZETTE_DATA_DIR=str(data),
        DATABASE_URL=f"sqlite:///{data / 'gazette.sqlite3'}",
        GAZETTE_LOG_LEVEL="WARNING",
        GAZETTE_ALLOW_PRIVATE_NETWORKS="1",
        GAZETTE_HOST_DELAY="0",
    )
    burners = []
    if busy:
        stop_at = time.time() + 600
        burners = [multiprocessing.Process(target=_burn, args=(stop_at,), daemon=True) for _ in range(2)]
        for b in burners:
            b.start()
    started = time.perf_counter()
    subprocess.run([*GAZETTE, "poll", "--demo-port", str(port)], env=env, check=True, cwd=ROOT)
    seconds = time.perf_counter() - started
    for b in burners:
        b.terminate()
    with sqlite3.connect(data / "gazette.sqlite3") as conn:
        rows = conn.execute(
            "select a.id, a.canonical_url, a.title, a.content_text, a.published_at, a.source_id, m.story_id "
            "from articles_article a left join stories_storymember m on m.article_id = a.id"
        ).fetchall()
    events = _events()
    gold = {str(r[0]): events[r[1].rsplit("/", 1)[-1].removesuffix(".html")] for r in rows}
    live = {str(r[0]): str(r[6]) for r in rows}
    lines = "".join(
        json.dumps({"id": str(r[0]), "title": r[2], "text": r[3], "published": r[4], "source": str(r[5])})
        + "\n"
        for r in rows
    )
    out = subprocess.run(
        [*GAZETTE, "cluster", "--embeddings", "-"],
        input=lines,
        capture_output=True,
        text=True,
        env=env,
        check=True,
        cwd=ROOT,
    ).stdout
    cli = {d["id"]: d["story"] for d in map(json.loads, out.splitlines())}
    result = {"articles": len(rows), "events": len(set(gold.values())), "seconds": seconds}
    for name, pred in (("live", live), ("cli", cli)):
        result[f"{name}_stories"] = len(set(pred.values()))
        result[f"{name}_f1"] = bcubed(gold, pred)[2]
        result[f"{name}_nmi"] = nmi(gold, pred)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--busy", action="store_true", help="load both cores while ingesting")
    parser.add_argument("--port", type=int, default=8798)
    args = parser.parse_args()
    print(f"{'run':<5}{'articles':>9}{'events':>7}{'live stories':>13}{'B3-F1':>7}{'NMI':>7}"
          f"{'CLI stories':>12}{'B3-F1':>7}{'NMI':>7}{'seconds':>9}")  # fmt: skip
    for i in range(args.runs):
        r = run(args.port + i, args.busy)
        print(
            f"{i + 1:<5}{r['articles']:>9}{r['events']:>7}{r['live_stories']:>13}{r['live_f1']:>7.3f}"
            f"{r['live_nmi']:>7.3f}{r['cli_stories']:>12}{r['cli_f1']:>7.3f}{r['cli_nmi']:>7.3f}{r['seconds']:>9.1f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
