"""Summary quality: Gazette's built-in extractive summary against Lead-3 and two published systems.

Reads the CNN/DailyMail dev articles at run time (never copy them into the repository) and scores
ROUGE-1/2/L F1 (rouge-score, Porter stemming) against the reference highlights, for:
  - ours, without a title (what `gazette summarize` does when a line has no "title");
  - ours, with the headline words of the article's URL as title, when title_weight is not 0;
  - Lead-3: the first three sentences, split by the same splitter;
  - the stored outputs of BART (abstractive) and BertSum (supervised extractive).
The tunables in SummaryOptions were fitted on the "even" half only; the "odd" half is held out.

    python bench/summaries.py [--data PATH] [--tune] [--gate] [--senter] [--set name=value ...]

--tune searches a small grid on the even half and prints the best settings with both halves' scores.
--gate exits 1 when ours (no title) does not beat Lead-3 on ROUGE-1 over all articles.
--senter splits sentences again with spaCy's senter (bench/senter.py), to compare in the same run.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rouge_score import rouge_scorer

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from gazette.ai.sentences import sentences_split  # noqa: E402
from gazette.ai.summarize import SummaryOptions, summary_build  # noqa: E402

DEFAULT_DATA = REPO.parent / "shared" / "data" / "summaries-dev" / "cnndm-dev.jsonl"
METRICS = ("rouge1", "rouge2", "rougeL")
SCORER = rouge_scorer.RougeScorer(list(METRICS), use_stemmer=True)


def url_title(url: str) -> str | None:
    """Headline words from a Daily Mail / CNN article URL slug, or None when the URL has none."""
    path = url.split("id_/", 1)[-1].rstrip("/")
    parts = [p for p in path.split("/") if p and p != "index.html"]
    slug = re.sub(r"\.html?$", "", parts[-1]) if parts else ""
    words = [w for w in re.split(r"[-_]", slug) if w.isalpha()]
    return " ".join(words) if len(words) >= 3 else None


def rouge(rows: list[dict], outputs: list[str]) -> dict[str, float]:
    totals = dict.fromkeys(METRICS, 0.0)
    for row, output in zip(rows, outputs, strict=True):
        scores = SCORER.score(row["reference"], output)
        for m in METRICS:
            totals[m] += scores[m].fmeasure
    return {m: 100 * v / len(rows) for m, v in totals.items()}


def ours(options: SummaryOptions, *, with_title: bool) -> Callable[[dict], str]:
    def run(row: dict) -> str:
        title = url_title(row["url"]) if with_title else None
        return summary_build(title=title, text=row["article"], options=options).text

    return run


def lead3(row: dict) -> str:
    return " ".join(sentences_split(row["article"])[:3])


def lead3_pysbd() -> Callable[[dict], str] | None:
    try:
        import pysbd
    except ImportError:
        return None
    segmenter = pysbd.Segmenter(language="en", clean=False)
    return lambda row: " ".join(s.strip() for s in segmenter.segment(row["article"])[:3])


def stored(name: str) -> Callable[[dict], str]:
    return lambda row: row["systems"][name]


def halves(rows: list[dict]) -> dict[str, list[dict]]:
    return {"all": rows, "even (tuned)": rows[0::2], "odd (held out)": rows[1::2]}


def report(rows: list[dict], systems: dict[str, Callable[[dict], str]]) -> dict[str, dict[str, float]]:
    outputs: dict[str, list[str]] = {}
    seconds: dict[str, float] = {}
    for name, system in systems.items():
        start = time.perf_counter()
        outputs[name] = [system(row) for row in rows]
        seconds[name] = time.perf_counter() - start
    results: dict[str, dict[str, float]] = {}
    for split, subset in halves(rows).items():
        index = {id(r): i for i, r in enumerate(rows)}
        print(f"\n{split}: {len(subset)} articles")
        print(f"{'system':34} {'R-1':>6} {'R-2':>6} {'R-L':>6}  {'ms/article':>10}")
        for name in systems:
            picked = [outputs[name][index[id(r)]] for r in subset]
            scores = rouge(subset, picked)
            if split == "all":
                results[name] = scores
            ms = 1000 * seconds[name] / len(rows)
            print(
                f"{name:34} {scores['rouge1']:6.2f} {scores['rouge2']:6.2f} {scores['rougeL']:6.2f}  {ms:10.2f}"
            )
    return results


GRID: dict[str, list[Any]] = {
    "lead_decay": [0.3, 0.5, 0.75],
    "centrality_weight": [0.2, 0.4, 0.8],
    "mmr_lambda": [0.5, 0.6, 0.7],
    "words_enough": [0, 55, 65, 75],
}


def tune(rows: list[dict], base: SummaryOptions) -> None:
    """Grid search on the even half; the odd half is only reported, never used to choose."""
    tuned, held = rows[0::2], rows[1::2]
    names = list(GRID)
    found = []
    for values in itertools.product(*(GRID[n] for n in names)):
        options = dataclasses.replace(base, **dict(zip(names, values, strict=True)))
        score = rouge(tuned, [ours(options, with_title=False)(r) for r in tuned])["rouge1"]
        found.append((score, values))
    found.sort(reverse=True)
    print(f"best of {len(found)} settings on the even half (R-1), with the held-out odd half beside:")
    for score, values in found[:8]:
        options = dataclasses.replace(base, **dict(zip(names, values, strict=True)))
        held_score = rouge(held, [ours(options, with_title=False)(r) for r in held])["rouge1"]
        print(f"  even {score:6.2f}  odd {held_score:6.2f}  {dict(zip(names, values, strict=True))}")


def parse_set(items: list[str]) -> dict[str, float | int]:
    fields = {f.name: f.type for f in dataclasses.fields(SummaryOptions)}
    out: dict[str, float | int] = {}
    for item in items:
        name, _, value = item.partition("=")
        if name not in fields:
            raise SystemExit(f"unknown option {name!r}; known: {', '.join(fields)}")
        out[name] = int(value) if fields[name] in ("int", int) else float(value)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--tune", action="store_true", help="grid-search the tunables on the even half")
    parser.add_argument("--gate", action="store_true", help="exit 1 unless ours beats Lead-3 on ROUGE-1")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="override an option")
    parser.add_argument("--senter", action="store_true", help="split sentences again with spaCy's senter")
    args = parser.parse_args()
    if args.senter:
        from senter import senter_install

        senter_install()
    rows = [json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines() if line.strip()]
    options = dataclasses.replace(SummaryOptions(), **parse_set(args.set))  # type: ignore[arg-type]
    if args.tune:
        tune(rows, options)
        return 0
    systems: dict[str, Callable[[dict], str]] = {
        "Gazette leadrank (no title)": ours(options, with_title=False),
        "Lead-3 (Gazette splitter)": lead3,
    }
    if options.title_weight:
        systems["Gazette leadrank (URL headline)"] = ours(options, with_title=True)
    pysbd_lead3 = lead3_pysbd()
    if pysbd_lead3:
        systems["Lead-3 (pysbd splitter)"] = pysbd_lead3
    systems["BertSum (stored)"] = stored("bert_sum")
    systems["BART (stored)"] = stored("bart")
    results = report(rows, systems)
    margin = results["Gazette leadrank (no title)"]["rouge1"] - results["Lead-3 (Gazette splitter)"]["rouge1"]
    print(f"\nours (no title) minus Lead-3, ROUGE-1: {margin:+.2f}")
    if args.gate and margin <= 0:
        print("GATE FAILED: the built-in summary no longer beats Lead-3", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
