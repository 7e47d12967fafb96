"""Main-text extraction quality: Gazette's extract()+clean() against bare trafilatura.extract().

Reads the evaluation pages at run time (never copy them into the repository) and scores both
on the same pages in the same run, the way trafilatura's own evaluation counts: a "with"
snippet found in the text is a true positive, missing a false negative; a "without" snippet
found is a false positive, absent a true negative.

    python bench/extraction_quality.py [--limit N] [--data PATH] [--split all|even|odd]
        [--misses] [--min-f1 X]
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import trafilatura

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from gazette.ingest.clean import clean  # noqa: E402
from gazette.ingest.extract import extract  # noqa: E402

DEFAULT_DATA = REPO.parent / "shared" / "data" / "extraction-dev"


@dataclass
class Score:
    tp: int = 0
    fn: int = 0
    fp: int = 0
    tn: int = 0
    seconds: float = 0.0
    pages: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, text: str | None, case: dict, url: str, seconds: float) -> None:
        self.seconds += seconds
        self.pages += 1
        text = text or ""
        for snippet in case["with"]:
            if text and snippet in text:
                self.tp += 1
            else:
                self.fn += 1
                self.misses.append(f"FN {url} :: {snippet}")
        for snippet in case["without"]:
            if text and snippet in text:
                self.fp += 1
                self.misses.append(f"FP {url} :: {snippet}")
            else:
                self.tn += 1

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def accuracy(self) -> float:
        total = self.tp + self.fn + self.fp + self.tn
        return (self.tp + self.tn) / total if total else 0.0

    @property
    def ms_per_page(self) -> float:
        return 1000 * self.seconds / self.pages if self.pages else 0.0


def run_bare(html: bytes, url: str) -> str | None:
    return trafilatura.extract(html, url=url)


def run_gazette(html: bytes, url: str) -> str | None:
    return clean(extract(html, url=url)).text


def load_cases(data: Path, split: str, limit: int | None) -> list[tuple[str, dict]]:
    cases = sorted(json.loads((data / "cases.json").read_text(encoding="utf-8")).items())
    if split != "all":
        cases = [item for i, item in enumerate(cases) if i % 2 == (0 if split == "even" else 1)]
    return cases[:limit] if limit else cases


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder with cases.json and html/")
    parser.add_argument("--limit", type=int, default=None, help="only the first N pages")
    parser.add_argument(
        "--split",
        choices=("all", "even", "odd"),
        default="all",
        help="tune on one half, confirm on the other",
    )
    parser.add_argument("--misses", action="store_true", help="list every missed or leaked snippet")
    parser.add_argument(
        "--min-f1", type=float, default=None, help="exit 1 if our F1 falls below this (CI gate)"
    )
    args = parser.parse_args(argv)
    logging.disable(logging.CRITICAL)  # both extractors log per page; the table is the output

    cases = load_cases(args.data, args.split, args.limit)
    runners: dict[str, Callable[[bytes, str], str | None]] = {
        "trafilatura.extract": run_bare,
        "gazette extract+clean": run_gazette,
    }
    scores = {name: Score() for name in runners}
    for done, (url, case) in enumerate(cases, 1):
        html = gzip.decompress((args.data / "html" / case["file"]).read_bytes())
        for name, runner in runners.items():
            started = time.perf_counter()
            text = runner(html, url)
            scores[name].add(text, case, url, time.perf_counter() - started)
        if done % 100 == 0:
            print(f"... {done}/{len(cases)} pages", file=sys.stderr, flush=True)

    print(f"{len(cases)} pages, split={args.split}")
    print(f"{'extractor':24} {'precision':>9} {'recall':>7} {'F1':>7} {'accuracy':>8} {'ms/page':>8}")
    for name, s in scores.items():
        print(
            f"{name:24} {s.precision:9.4f} {s.recall:7.4f} {s.f1:7.4f} {s.accuracy:8.4f} {s.ms_per_page:8.1f}"
        )
    base, ours = scores["trafilatura.extract"], scores["gazette extract+clean"]
    ratio = ours.seconds / base.seconds if base.seconds else 0.0
    print(f"F1 gain {ours.f1 - base.f1:+.4f}; time ratio {ratio:.2f}x")
    if args.misses:
        for line in ours.misses:
            print(line)
    if args.min_f1 is not None and ours.f1 < args.min_f1:
        print(f"FAIL: F1 {ours.f1:.4f} is below the gate {args.min_f1:.4f}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
