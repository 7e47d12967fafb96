"""Syndicated-copy detection: quality on a syndication test set, then speed and memory at scale.

    python bench/copies.py                   # quality, then scale runs of 10,000 and 100,000 documents
    python bench/copies.py --scale 10000     # quality, then one scale run
    python bench/copies.py --scale 0         # quality only

Quality. Each CNN/DailyMail article of summaries-dev gets 1-3 copies (seeded, varying strength) with a new
headline, a trimmed tail, cut sentences, inserted promo lines and swapped words; for a fifth of the articles
the original itself is left out, as when only republications are ingested. The ECB+ articles of clusters-dev
are mixed in: many articles per event, some of them own reporting, some of them the same wire report.
Pairwise precision/recall/F1 of copy links is measured on the CNN/DailyMail-derived documents (a link from
one of them to an ECB+ article counts as a false link). ECB+ pairs are binned by verbatim share, the part of
the shorter article's words lying in runs of 8+ words also found in the other: below 0.25 the pair is two
different articles about one event and must never be linked; from 0.75 it is one text published twice.

Scale. Synthetic documents made by recombining sentences of both data sets (a tenth of them are copies of an
earlier one) go through CopyIndex.add one by one: seconds, add latency p50/p99, peak RSS; then the same
10,000 documents through `python -m gazette dedupe` as a subprocess.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gazette.stories.copies import CopyIndex, CopyOptions, Doc, copies_find  # noqa: E402
from gazette.text.tokens import pieces  # noqa: E402

SEED = 20240501
PROMOS = [
    "Sign up for our newsletter to get the day's top stories in your inbox.",
    "Follow us on Twitter and Facebook for the latest updates.",
    "Advertisement",
    "Click here to subscribe and never miss a story.",
    "Have a story tip? Email our newsroom at tips@example.com.",
    "This article was originally published by a wire service partner.",
    "Download our free app for breaking news alerts.",
]
_SENTENCE = re.compile(r"(?<=[.!?'\"’”])\s+(?=[A-Z‘“\"'])|\n+")


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text) if s.strip()]


def load(data: Path) -> tuple[list[dict], list[dict]]:
    with open(data / "summaries-dev" / "cnndm-dev.jsonl", encoding="utf-8") as f:
        cnn = [json.loads(line) for line in f if line.strip()]
    with open(data / "clusters-dev" / "ecbplus-dev.jsonl", encoding="utf-8") as f:
        ecb = [json.loads(line) for line in f if line.strip()]
    return cnn, ecb


def syndicate(
    sents: list[str], rng: random.Random, strength: float, leads: list[str], vocab: list[str]
) -> str:
    """A republished copy: trimmed tail, cut sentences, promo lines, swapped words, new layout."""
    sents = list(sents)
    keep = max(3, round(len(sents) * (1 - 0.45 * strength * rng.uniform(0.5, 1.0))))
    sents = sents[:keep]
    for _ in range(rng.randint(0, 1 + int(3 * strength))):
        if len(sents) > 4:
            sents.pop(rng.randrange(1, len(sents) - 1))
    tokens = [s.split(" ") for s in sents]
    for _ in range(rng.randint(0, 1 + int(8 * strength))):
        s = rng.randrange(len(tokens))
        if len(tokens[s]) > 3:
            i = rng.randrange(len(tokens[s]) - 1)
            if rng.random() < 0.5:
                tokens[s][i], tokens[s][i + 1] = tokens[s][i + 1], tokens[s][i]
            else:
                tokens[s][i] = rng.choice(vocab)
    sents = [" ".join(t) for t in tokens]
    for _ in range(rng.randint(1, 3)):
        promo = (
            rng.choice(PROMOS)
            if rng.random() < 0.6
            else "Read more: " + " ".join(rng.choice(leads).split()[:12])
        )
        sents.insert(rng.randrange(1, len(sents) + 1), promo)
    if rng.random() < 0.5:
        sents = [s.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"') for s in sents]
    paragraphs, i = [], 0
    while i < len(sents):
        step = rng.randint(1, 3)
        paragraphs.append(" ".join(sents[i : i + step]))
        i += step
    return "\n\n".join(paragraphs)


def syndication_set(cnn: list[dict], ecb: list[dict], rng: random.Random) -> tuple[list[Doc], dict[str, int]]:
    """Documents (CNN copies and originals, ECB+ articles) and the true copy group of each CNN-derived one."""
    t0 = datetime(2024, 5, 1, tzinfo=UTC)
    leads = [sentences(a["article"])[0] for a in cnn]
    vocab = [w for a in cnn[:20] for w in a["article"].split()]
    docs: list[Doc] = []
    truth: dict[str, int] = {}
    for n, article in enumerate(cnn):
        sents = sentences(article["article"])
        published = t0 + timedelta(hours=n)
        copies = rng.randint(1, 3)
        if not (copies >= 2 and rng.random() < 0.2):
            docs.append(Doc(id=f"cnn{n}", title=sents[0][:80], text=article["article"], published=published))
            truth[f"cnn{n}"] = n
        for c in range(copies):
            strength = rng.random()
            doc_id = f"cnn{n}-copy{c}"
            text = syndicate(sents, rng, strength, leads, vocab)
            late = published + timedelta(minutes=rng.randint(1, 600))
            docs.append(
                Doc(id=doc_id, title=f"Outlet {c}: headline {rng.random():.6f}", text=text, published=late)
            )
            truth[doc_id] = n
    for article in ecb:
        when = t0 + timedelta(minutes=rng.randint(0, 60 * 24 * 7))
        docs.append(Doc(id=article["id"], title=article["title"] or "", text=article["text"], published=when))
    rng.shuffle(docs)
    return docs, truth


def pairs(groups: dict[str, object]) -> set[tuple[str, str]]:
    members: dict[object, list[str]] = defaultdict(list)
    for doc_id, group in groups.items():
        members[group].append(doc_id)
    return {tuple(sorted(p)) for m in members.values() for p in itertools.combinations(m, 2)}  # type: ignore[misc]


def verbatim_share(a: list[str], b: list[str], run: int = 8) -> float:
    """Share of the shorter word list lying in runs of `run`+ words that also occur in the other."""
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) < run:
        return 1.0 if short and " ".join(short) in " ".join(long) else 0.0
    grams = {tuple(long[i : i + run]) for i in range(len(long) - run + 1)}
    covered = [False] * len(short)
    for i in range(len(short) - run + 1):
        if tuple(short[i : i + run]) in grams:
            covered[i : i + run] = [True] * run
    return sum(covered) / len(short)


def quality(data: Path, options: CopyOptions, verbose: bool) -> None:
    cnn, ecb = load(data)
    rng = random.Random(SEED)
    docs, truth = syndication_set(cnn, ecb, rng)
    started = time.perf_counter()
    found = copies_find(docs, options)
    elapsed = time.perf_counter() - started
    group_of = {d: (o or d) for d, o in found.items()}

    true_pairs = pairs(dict(truth))
    predicted = {p for p in pairs(dict(group_of)) if p[0] in truth or p[1] in truth}
    tp = len(predicted & true_pairs)
    precision = tp / len(predicted) if predicted else 1.0
    recall = tp / len(true_pairs) if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    n_copies = sum(1 for d in truth if "-copy" in d)
    print(
        f"syndication set: {len(truth)} CNN/DailyMail-derived docs ({n_copies} copies), {len(ecb)} ECB+ articles"
    )
    print(f"  copies_find over {len(docs)} docs: {elapsed:.2f} s")
    print(
        f"  copy links: precision {precision:.4f}  recall {recall:.4f}  F1 {f1:.4f}  (pairs: {len(true_pairs)} true,"
    )
    print(f"              {len(predicted)} predicted, {tp} correct)")
    if verbose:
        for a, b in sorted(true_pairs - predicted)[:20]:
            print(f"    missed {a} ~ {b}")
        for a, b in sorted(predicted - true_pairs)[:20]:
            print(f"    wrong  {a} ~ {b}")

    tokens = {a["id"]: pieces(a["text"]) for a in ecb}
    story = {a["id"]: a["story"] for a in ecb}
    bins = [(0.0, 0.25, "different articles"), (0.25, 0.5, "shared passages"), (0.5, 0.75, "rewrites of one wire"),
            (0.75, 1.01, "one text twice")]  # fmt: skip
    counts = {b: [0, 0] for b in bins}
    wrong_merges: list[tuple[str, str, float]] = []
    cross_story = 0
    linked = {p for p in pairs(dict(group_of)) if p[0] in story and p[1] in story}
    for a, b in linked:
        if story[a] != story[b]:
            cross_story += 1
    by_story: dict[str, list[str]] = defaultdict(list)
    for doc_id in story:
        by_story[story[doc_id]].append(doc_id)
    for ids in by_story.values():
        for a, b in itertools.combinations(sorted(ids), 2):
            share = verbatim_share(tokens[a], tokens[b])
            for b_ in bins:
                if b_[0] <= share < b_[1]:
                    counts[b_][0] += 1
                    if (a, b) in linked:
                        counts[b_][1] += 1
                        if b_ is bins[0]:
                            wrong_merges.append((a, b, share))
    print("ECB+ same-event pairs by verbatim share (runs of 8+ words):")
    for (lo, hi, label), (total, merged) in counts.items():
        print(f"  {lo:.2f}-{min(hi, 1.0):.2f} {label:22} {total:5} pairs, {merged:4} linked as copies")
    # Two different cuts of one wire text share little with each other, yet each copies the text: the pair is
    # grouped through that common source, which is the intended meaning of a copy group.
    members: dict[str, list[str]] = defaultdict(list)
    for doc_id, group in group_of.items():
        members[group].append(doc_id)
    direct, via_source = [], []
    for a, b, share in wrong_merges:
        sources = [c for c in members[group_of[a]] if c not in (a, b) and c in tokens
                   and min(verbatim_share(tokens[a], tokens[c]), verbatim_share(tokens[b], tokens[c])) >= 0.5]  # fmt: skip
        (via_source if sources else direct).append((a, b, share, sources))
    print(f"  same-event different-article pairs wrongly merged: {len(direct)}")
    print(f"  same-event pairs grouped only because both copy a third article: {len(via_source)}")
    print(f"  different-event pairs merged: {cross_story}")
    for a, b, share, sources in direct + via_source:
        print(f"    {a} ~ {b} (verbatim share {share:.2f}; both copy: {', '.join(sources) or 'nothing'})")


def synthetic(n: int, pool: list[str], rng: random.Random, copy_rate: float = 0.1):
    """n documents recombined from the sentence pool; a tenth are syndicated copies of an earlier one."""
    made: list[list[int]] = []
    vocab = [w for s in pool[:2000] for w in s.split()]
    for i in range(n):
        if made and rng.random() < copy_rate:
            source = rng.randrange(len(made))
            text = syndicate([pool[j] for j in made[source]], rng, rng.random(), pool, vocab)
            made.append(made[source])
        else:
            picks = rng.sample(range(len(pool)), rng.randint(8, 30))
            made.append(picks)
            text = "\n\n".join(pool[j] for j in picks)
        yield Doc(id=f"s{i}", title=f"doc {i}", text=text)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def scale(n: int, pool: list[str], options: CopyOptions) -> None:
    rng = random.Random(SEED + n)
    index = CopyIndex(options)
    latencies: list[float] = []
    copies = 0
    rss_before = peak_rss_mb()
    started = time.perf_counter()
    for doc in synthetic(n, pool, rng):
        t = time.perf_counter()
        copies += index.add(doc) is not None
        latencies.append(time.perf_counter() - t)
    elapsed = time.perf_counter() - started
    latencies.sort()
    p50 = latencies[len(latencies) // 2] * 1000
    p99 = latencies[int(len(latencies) * 0.99)] * 1000
    print(f"scale {n:>7}: {elapsed:6.1f} s total ({n / elapsed:,.0f} docs/s, text generation included), "
          f"add p50 {p50:.2f} ms, p99 {p99:.2f} ms, {copies} marked copies, "
          f"peak RSS {peak_rss_mb():.0f} MB (before: {rss_before:.0f} MB)")  # fmt: skip


def cli_run(n: int, pool: list[str]) -> None:
    rng = random.Random(SEED)
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as f:
        for doc in synthetic(n, pool, rng):
            f.write(json.dumps({"id": doc.id, "title": doc.title, "text": doc.text}) + "\n")
        path = f.name
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "gazette", "dedupe", path], capture_output=True, cwd=ROOT)
    elapsed = time.perf_counter() - started
    Path(path).unlink()
    lines = done.stdout.decode().splitlines()
    child_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"cli dedupe {n:>6}: {elapsed:6.1f} s wall (exit {done.returncode}, {len(lines)} lines out, "
          f"{sum(1 for x in lines if json.loads(x)['duplicate_of'])} copies, peak RSS {child_rss:.0f} MB)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--data", type=Path, default=ROOT.parent / "shared" / "data", help="shared data directory"
    )
    parser.add_argument("--scale", type=int, action="append", help="scale run size (repeatable; 0 for none)")
    parser.add_argument("--verbose", action="store_true", help="list missed and wrong links")
    args = parser.parse_args()
    options = CopyOptions()
    print(f"options: {options}")
    quality(args.data, options, args.verbose)
    sizes = [s for s in (args.scale or [10_000, 100_000]) if s > 0]
    if sizes:
        cnn, ecb = load(args.data)
        pool = [s for a in cnn for s in sentences(a["article"])] + [
            s for a in ecb for s in sentences(a["text"])
        ]
        pool = [s for s in pool if len(s.split()) >= 4]
        print(f"sentence pool: {len(pool)} sentences")
        cli_run(min(sizes[0], 10_000), pool)  # first: a child forked from a big parent reports its RSS
        for n in sizes:
            scale(n, pool, options)


if __name__ == "__main__":
    main()
