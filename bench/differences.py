"""'Where they differ': how many of the digest's rows are true, over demo and ECB+ dev stories.

The labelled set (bench/data/differences.jsonl) holds candidate rows made by a generous detector (any
two outlets giving different values with the same unit in one story) and read by hand: each line has the
row's key (story and the two values), the two figures as quoted and whether the outlets really state
the same quantity of the same thing differently. Only keys, short quotes and labels are stored; the
articles are read at run time from the demo corpus and ../shared/data/clusters-dev/ecbplus-dev.jsonl
(where every article counts as its own outlet). A row the digest shows that is not labelled counts
as wrong, so the figure cannot rise by showing unread rows.

    python bench/differences.py [--rows] [--candidates]

--rows prints every row shown with its label; --candidates prints the generous detector's rows that
are not labelled yet, with their sentences, for reading. The baseline is the generous detector itself.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from itertools import combinations
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from gazette.ai.digest import DigestArticle, DigestOptions, digest_build  # noqa: E402
from gazette.ai.quantities import Quantity, quantities_extract  # noqa: E402

CORPUS = REPO / "gazette" / "demo" / "corpus"
ECBPLUS = REPO.parent / "shared" / "data" / "clusters-dev" / "ecbplus-dev.jsonl"
LABELS = REPO / "bench" / "data" / "differences.jsonl"
T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
# Every row is counted, not only the four a story page shows.
ALL_ROWS = DigestOptions(max_differences=1000)


def stories(ecbplus: Path = ECBPLUS) -> dict[str, list[DigestArticle]]:
    """Story key -> its original articles: the demo's events (copies left out) and ECB+ dev events."""
    out: dict[str, list[DigestArticle]] = {}
    for path in sorted(CORPUS.glob("events_*.json")):
        for event in json.loads(path.read_text(encoding="utf-8")):
            out[f"demo:{event['event']}"] = [
                DigestArticle(
                    n,
                    a["outlet"],
                    a["headline"],
                    "\n\n".join(a.get("paragraphs") or []),
                    T0 - timedelta(minutes=a["age_minutes"]),
                )
                for n, a in enumerate(event["articles"])
                if not a.get("copy_of")
            ]
    if ecbplus.exists():
        for line in ecbplus.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            members = out.setdefault(f"ecb:{row['story']}", [])
            members.append(DigestArticle(len(members), row["id"], row["title"], row["text"], T0))
    return out


def row_key(story: str, a: float, b: float) -> str:
    low, high = sorted((a, b))
    return f"{story}|{low:g}|{high:g}"


def shown_rows(story: str, articles: list[DigestArticle]) -> Iterator[tuple[str, str, str]]:
    """(key, figure, figure) for each pair of differing figures in the story's digest."""
    digest = digest_build(articles, ALL_ROWS)
    for difference in digest.differences:
        for f, g in combinations(difference.figures, 2):
            yield row_key(story, _value(f.value), _value(g.value)), f.value, g.value


def _value(shown: str) -> float:
    found = quantities_extract(f"{shown} things")
    return found[0].value if found else float("nan")


def candidates(story: str, articles: list[DigestArticle]) -> dict[str, tuple[Quantity, Quantity, str, str]]:
    """The generous detector, as the digest was before its rules: each outlet's first figure with a
    unit, set against another outlet's first figure with that unit when the values differ and their
    clauses share a word."""
    firsts = []
    for a in articles:
        first: dict[str, Quantity] = {}
        for q in quantities_extract(a.text):
            first.setdefault(q.unit, q)
        firsts.append((a, first))
    rows: dict[str, tuple[Quantity, Quantity, str, str]] = {}
    for (a, qa), (b, qb) in combinations(firsts, 2):
        for unit in qa.keys() & qb.keys():
            q, r = qa[unit], qb[unit]
            if a.source != b.source and q.value != r.value and q.frame & r.frame:
                rows.setdefault(row_key(story, q.value, r.value), (q, r, a.source, b.source))
    return rows


def labels_load(path: Path = LABELS) -> dict[str, bool]:
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    return {row["key"]: row["true"] for row in map(json.loads, filter(str.strip, lines))}


def precision(labels: dict[str, bool]) -> tuple[int, int, int, list[str]]:
    """(stories with rows, rows shown, rows true, unlabelled keys) for the digest over every story."""
    shown = true = 0
    unlabelled: list[str] = []
    with_rows = set()
    for story, articles in stories().items():
        for key, _, _ in shown_rows(story, articles):
            shown += 1
            with_rows.add(story)
            true += labels.get(key, False)
            if key not in labels:
                unlabelled.append(key)
    return len(with_rows), shown, true, unlabelled


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", action="store_true", help="print every row shown with its label")
    parser.add_argument("--candidates", action="store_true", help="print unlabelled candidate rows")
    args = parser.parse_args()
    labels = labels_load()
    all_stories = stories()
    if args.candidates:
        for story, articles in all_stories.items():
            for key, (q, r, sa, sb) in candidates(story, articles).items():
                if key not in labels:
                    print(json.dumps({"key": key, "a": q.phrase, "b": r.phrase}))
                    print(f"   {sa}: {q.sentence}\n   {sb}: {r.sentence}")
        return 0
    generous = [k for s, arts in all_stories.items() for k in candidates(s, arts)]
    labelled = [k for k in generous if k in labels]
    print(f"labelled rows: {len(labels)} ({sum(labels.values())} true)")
    print(
        f"generous detector (baseline): {len(generous)} rows, {len(labelled)} labelled, "
        f"precision {sum(labels[k] for k in labelled) / max(1, len(labelled)):.2f} over the labelled"
    )
    with_rows, shown, true, unlabelled = precision(labels)
    print(f"digest: {shown} rows shown in {with_rows} of {len(all_stories)} stories, {true} true")
    print(
        f"  precision: {true / shown if shown else 1.0:.2f} (unlabelled rows count as wrong: {len(unlabelled)})"
    )
    print(f"  true rows found: {true} of the {sum(labels.values())} labelled true")
    if args.rows:
        for story, articles in all_stories.items():
            for key, f, g in shown_rows(story, articles):
                print(f"  {labels.get(key, 'UNLABELLED')!s:10} {key}  {f} / {g}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
