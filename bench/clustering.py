"""Story clustering quality on ECB+ and assignment latency at scale.

Quality: 22 ECB+ topics, each holding two real events of the same kind (the `story` field). Gazette's
incremental clusterer is scored beside a TF-IDF average-link baseline whose threshold is tuned, like
ours, on half of the topics (A) and reported on both halves, so an overfit shows as a gap between A and
B. Reads the data at run time; never copy it into the repository.

    python bench/clustering.py [--data PATH] [--orders N] [--tune] [--embeddings]
    python bench/clustering.py --demo [--embeddings]
    python bench/clustering.py --scale 10000 [--scale 100000]

--demo clusters the demo corpus (gazette/demo/corpus/events_*.json, 20 invented events; `event` is the
truth) in published order, as the live engine sees it after `gazette demo`.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import random
import re
import resource
import sys
import time
from collections import Counter, defaultdict
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gazette.stories.clustering import ClusterDoc, ClusterOptions, StoryClusterer  # noqa: E402

DEMO = Path(__file__).resolve().parent.parent / "gazette" / "demo" / "corpus"
DATA = (
    Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "clusters-dev" / "ecbplus-dev.jsonl"
)


# ---- metrics --------------------------------------------------------------------------------------------


def bcubed(gold: dict[str, str], pred: dict[str, str]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 (Bagga and Baldwin), averaged over items."""
    by_gold: dict[str, set[str]] = defaultdict(set)
    by_pred: dict[str, set[str]] = defaultdict(set)
    for item in gold:
        by_gold[gold[item]].add(item)
        by_pred[pred[item]].add(item)
    p = r = 0.0
    for item in gold:
        g, c = by_gold[gold[item]], by_pred[pred[item]]
        overlap = len(g & c)
        p += overlap / len(c)
        r += overlap / len(g)
    p, r = p / len(gold), r / len(gold)
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def nmi(gold: dict[str, str], pred: dict[str, str]) -> float:
    """Normalised mutual information (arithmetic mean of the entropies)."""
    n = len(gold)
    joint = Counter((gold[i], pred[i]) for i in gold)
    g_counts, p_counts = Counter(gold.values()), Counter(pred[i] for i in gold)
    mi = sum(c / n * math.log(c * n / (g_counts[g] * p_counts[p])) for (g, p), c in joint.items())
    hg = -sum(c / n * math.log(c / n) for c in g_counts.values())
    hp = -sum(c / n * math.log(c / n) for c in p_counts.values())
    return 2 * mi / (hg + hp) if hg + hp else 1.0


def apart(gold: dict[str, str], pred: dict[str, str]) -> tuple[float, float]:
    """Same-kind events kept apart: share of topics with no mixed story, and share of cross-event pairs split."""
    topics: dict[str, list[str]] = defaultdict(list)
    for item, story in gold.items():
        topics[story.split("_")[0]].append(item)
    clean = pairs = split = 0
    for items in topics.values():
        mixed = defaultdict(set)
        for item in items:
            mixed[pred[item]].add(gold[item])
        clean += all(len(events) == 1 for events in mixed.values())
        for a, b in itertools.combinations(items, 2):
            if gold[a] != gold[b]:
                pairs += 1
                split += pred[a] != pred[b]
    return clean / len(topics), split / pairs if pairs else 1.0


def scores(gold: dict[str, str], pred: dict[str, str]) -> dict[str, float]:
    p, r, f = bcubed(gold, pred)
    topics_clean, pairs_split = apart(gold, pred)
    return {
        "P": p,
        "R": r,
        "F1": f,
        "NMI": nmi(gold, pred),
        "stories": len(set(pred[i] for i in gold)),
        "true": len(set(gold.values())),
        "apart_topics": topics_clean,
        "apart_pairs": pairs_split,
    }


# ---- systems --------------------------------------------------------------------------------------------

_TOKEN = re.compile(r"[a-z0-9]+")
_BASELINE_STOP = frozenset(
    [
        "the",
        "a",
        "an",
        "and",
        "or",
        "of",
        "to",
        "in",
        "on",
        "at",
        "for",
        "with",
        "by",
        "from",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "it",
        "its",
        "this",
        "that",
        "he",
        "she",
        "they",
        "his",
        "her",
        "their",
        "has",
        "have",
        "had",
        "said",
        "not",
        "but",
        "who",
        "which",
        "will",
        "would",
        "after",
    ]
)


def baseline_dendrogram(rows: list[dict]) -> tuple[list[tuple[int, int, float]], int]:
    """TF-IDF (sublinear tf, title + text) cosine, average-link agglomeration: the merge sequence."""
    docs = [
        Counter(t for t in _TOKEN.findall((r["title"] + "\n" + r["text"]).lower()) if t not in _BASELINE_STOP)
        for r in rows
    ]
    df = Counter(t for d in docs for t in d)
    vocab = {t: i for i, t in enumerate(df)}
    n = len(docs)
    matrix = np.zeros((n, len(vocab)), dtype=np.float64)
    for i, d in enumerate(docs):
        for t, c in d.items():
            matrix[i, vocab[t]] = (1 + math.log(c)) * (math.log((1 + n) / (1 + df[t])) + 1)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True) + 1e-12
    sim = matrix @ matrix.T
    np.fill_diagonal(sim, -np.inf)
    sizes = np.ones(n)
    alive = np.ones(n, dtype=bool)
    merges = []
    for _ in range(n - 1):
        masked = np.where(alive[:, None] & alive[None, :], sim, -np.inf)
        flat = int(np.argmax(masked))
        i, j = divmod(flat, n)
        merges.append((i, j, float(masked[i, j])))
        # Lance-Williams update for average link.
        sim[i, :] = (sizes[i] * sim[i, :] + sizes[j] * sim[j, :]) / (sizes[i] + sizes[j])
        sim[:, i] = sim[i, :]
        sim[i, i] = -np.inf
        sizes[i] += sizes[j]
        alive[j] = False
    return merges, n


def baseline_cut(merges: list[tuple[int, int, float]], n: int, threshold: float) -> list[int]:
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, j, s in merges:
        if s < threshold:
            break
        parent[find(j)] = find(i)
    return [find(i) for i in range(n)]


def ours(
    rows: list[dict], options: ClusterOptions, order: list[int], vectors: list | None = None
) -> dict[str, str]:
    clusterer = StoryClusterer(options)
    for i in order:
        r = rows[i]
        vector = vectors[i] if vectors is not None else None
        clusterer.add(ClusterDoc(id=r["id"], title=r["title"], text=r["text"], vector=vector))
    return {r["id"]: clusterer.story_id(r["id"]) for r in rows}


# ---- quality run ----------------------------------------------------------------------------------------


def halves(rows: list[dict]) -> dict[str, list[dict]]:
    """Topics sorted by number, alternately into A (tuning) and B (held out)."""
    topics = sorted({r["story"].split("_")[0] for r in rows}, key=int)
    a = set(topics[0::2])
    return {
        "A": [r for r in rows if r["story"].split("_")[0] in a],
        "B": [r for r in rows if r["story"].split("_")[0] not in a],
        "all": rows,
    }


def orders(n: int, count: int) -> list[list[int]]:
    """File order, then `count - 1` shuffles (a live stream interleaves topics)."""
    out = [list(range(n))]
    for seed in range(1, count):
        order = list(range(n))
        random.Random(seed).shuffle(order)
        out.append(order)
    return out


def mean_scores(runs: list[dict[str, float]]) -> dict[str, float]:
    return {k: sum(r[k] for r in runs) / len(runs) for k in runs[0]}


def evaluate(rows: list[dict], options: ClusterOptions, n_orders: int, vectors: list | None = None) -> dict:
    gold = {r["id"]: r["story"] for r in rows}
    runs = [scores(gold, ours(rows, options, order, vectors)) for order in orders(len(rows), n_orders)]
    return {"file": runs[0], "shuffled": mean_scores(runs[1:]) if len(runs) > 1 else runs[0]}


def line(name: str, s: dict[str, float]) -> str:
    return (
        f"{name:<34} P {s['P']:.3f}  R {s['R']:.3f}  F1 {s['F1']:.3f}  NMI {s['NMI']:.3f}  "
        f"stories {s['stories']:5.1f}/{s['true']:.0f}  apart topics {s['apart_topics']:.2f} pairs {s['apart_pairs']:.3f}"
    )


def tune(rows: list[dict], n_orders: int) -> ClusterOptions:
    """Grid search on the tuning half only; the score is the mean F1 over file order and shuffles."""
    base = ClusterOptions()
    best, best_f = base, -1.0
    grid = itertools.product((0.18, 0.2, 0.22), (0.3, 0.33, 0.36), (1, 2))
    for threshold, split, date_days in grid:
        options = replace(base, threshold=threshold, split_ratio=split, split_date_days=date_days)
        result = evaluate(rows, options, n_orders)
        f = (result["file"]["F1"] + result["shuffled"]["F1"]) / 2
        if f > best_f:
            best, best_f = options, f
    print(
        f"tuned on A: threshold {best.threshold} split_ratio {best.split_ratio} "
        f"split_date_days {best.split_date_days} (F1 {best_f:.3f})"
    )
    return best


def quality(args: argparse.Namespace) -> None:
    rows = [
        json.loads(line) for line in Path(args.data).read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    parts = halves(rows)
    print(
        f"ECB+ dev: {len(rows)} articles, {len({r['story'] for r in rows})} events, 22 topics; A/B halves of topics"
    )

    # Baseline: threshold tuned on A (best F1 over a fine grid), applied to A, B and all.
    dendrograms = {name: baseline_dendrogram(part) for name, part in parts.items()}

    def baseline_scores(name: str, threshold: float) -> dict[str, float]:
        part = parts[name]
        labels = baseline_cut(*dendrograms[name], threshold)
        return scores(
            {r["id"]: r["story"] for r in part}, {r["id"]: str(c) for r, c in zip(part, labels, strict=True)}
        )

    grid = [t / 100 for t in range(2, 60)]
    threshold = max(grid, key=lambda t: baseline_scores("A", t)["F1"])
    print(f"baseline threshold tuned on A: {threshold:.2f}")

    options = tune(parts["A"], args.orders) if args.tune else ClusterOptions()
    vectors = None
    if args.embeddings:
        vectors = embed(rows)
    t0 = time.perf_counter()
    for name in ("A", "B", "all"):
        print(f"-- {name} ({len(parts[name])} articles)")
        print(line("TF-IDF average-link baseline", baseline_scores(name, threshold)))
        result = evaluate(parts[name], options, args.orders)
        print(line("gazette, file order", result["file"]))
        print(line(f"gazette, shuffled (mean of {args.orders - 1})", result["shuffled"]))
        if vectors is not None:
            index = {r["id"]: i for i, r in enumerate(rows)}
            part_vectors = [vectors[index[r["id"]]] for r in parts[name]]
            with_vectors = evaluate(parts[name], options, args.orders, part_vectors)
            print(line("gazette + embeddings, file order", with_vectors["file"]))
            print(line("gazette + embeddings, shuffled", with_vectors["shuffled"]))
    print(f"(gazette runs took {time.perf_counter() - t0:.1f}s)")


def embed(rows: list[dict]) -> list | None:
    try:
        from gazette.stories.embeddings import Embedder, article_text_for_embedding, embedder_available
    except ImportError:
        print("gazette.stories.embeddings is not available; skipping the embedding runs")
        return None
    if not embedder_available():
        print("torch / sentence-transformers are not installed; skipping the embedding runs")
        return None
    t0 = time.perf_counter()
    from gazette.stories.config import embedding_model_from_env

    vectors = list(
        Embedder(embedding_model_from_env()).embed(
            [article_text_for_embedding(r["title"], r["text"]) for r in rows]
        )
    )
    print(f"embedded {len(rows)} articles in {time.perf_counter() - t0:.1f}s")
    return vectors


# ---- demo corpus ----------------------------------------------------------------------------------------


def demo(args: argparse.Namespace) -> None:
    """The demo corpus in published order (oldest first), scored against its `event` field."""
    now = datetime(2025, 6, 1, 12, 0)
    rows = []
    for path in sorted(DEMO.glob("events_*.json")):
        for event in json.loads(path.read_text(encoding="utf-8")):
            for article in event["articles"]:
                rows.append(
                    {
                        "id": article["id"],
                        "title": article["headline"],
                        "text": "\n".join(article["paragraphs"]),
                        "published": now - timedelta(minutes=article["age_minutes"]),
                        "source": article["outlet"],
                        "story": event["event"],
                    }
                )
    rows.sort(key=lambda r: r["published"])
    gold = {r["id"]: r["story"] for r in rows}
    print(f"demo corpus: {len(rows)} articles, {len(set(gold.values()))} events")
    variants: list[tuple[str, list | None]] = [("gazette", None)]
    if args.embeddings:
        vectors = embed(rows)
        if vectors is not None:
            variants.append(("gazette + embeddings", vectors))
    for name, vectors in variants:
        clusterer = StoryClusterer()
        for i, r in enumerate(rows):
            clusterer.add(
                ClusterDoc(
                    id=r["id"],
                    title=r["title"],
                    text=r["text"],
                    published=r["published"],
                    source=r["source"],
                    vector=vectors[i] if vectors is not None else None,
                )
            )
        s = scores(gold, {r["id"]: clusterer.story_id(r["id"]) for r in rows})
        print(
            f"{name:<22} P {s['P']:.3f}  R {s['R']:.3f}  F1 {s['F1']:.3f}  NMI {s['NMI']:.3f}  "
            f"stories {s['stories']:.0f}/{s['true']:.0f}"
        )


# ---- scale run ------------------------------------------------------------------------------------------


def synthetic(rows: list[dict], n: int, seed: int = 7) -> list[ClusterDoc]:
    """Articles recombined from ECB+ events: each synthetic event gets its own invented names and numbers
    (so copies of one real event become many distinct stories) and a start time; its articles arrive
    within two days of it, interleaved with every other event's."""
    rng = random.Random(seed)
    by_event: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_event[r["story"]].append(r)
    events = list(by_event)
    start = datetime(2025, 1, 1)
    docs: list[tuple[datetime, ClusterDoc]] = []
    n_events = max(1, n // 8)
    syllables = ["ka", "lo", "mi", "ren", "tas", "vo", "zu", "bri", "del", "nor", "pe", "qui"]
    for e in range(n_events):
        real = by_event[events[e % len(events)]]
        name = "".join(rng.choice(syllables) for _ in range(3)).capitalize()
        place = "".join(rng.choice(syllables) for _ in range(3)).capitalize()
        number = str(rng.randint(100, 99999))
        # About 1,000 articles a day: a large aggregator's intake, so hundreds of stories are open at once.
        when = start + timedelta(hours=e * 24 * (n / 1000) / n_events)
        for _ in range(8):
            a, b = rng.choice(real), rng.choice(real)
            sentences = (a["text"].split("\n") + b["text"].split("\n"))[:6]
            rng.shuffle(sentences)
            text = f"{name} {place} said {number}.\n" + "\n".join(sentences) + f"\nIn {place}, {name} spoke."
            published = when + timedelta(minutes=rng.randint(0, 48 * 60))
            docs.append(
                (
                    published,
                    ClusterDoc(
                        id=f"x{len(docs)}", title=f"{place}: {a['title']}", text=text, published=published
                    ),
                )
            )
    docs.sort(key=lambda pair: pair[0])
    return [doc for _, doc in docs[:n]]


def scale(args: argparse.Namespace) -> None:
    rows = [
        json.loads(line) for line in Path(args.data).read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    for n in args.scale:
        docs = synthetic(rows, n)
        before = _rss_mib()
        clusterer = StoryClusterer()
        latencies = []
        t0 = time.perf_counter()
        for doc in docs:
            t = time.perf_counter()
            clusterer.add(doc)
            latencies.append(time.perf_counter() - t)
        total = time.perf_counter() - t0
        latencies.sort()
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"scale {len(docs)} articles: {total:.1f}s total, {len(docs) / total:.0f}/s, "
            f"p50 {latencies[len(latencies) // 2] * 1000:.2f} ms, p99 {latencies[int(len(latencies) * 0.99)] * 1000:.2f} ms, "
            f"max {latencies[-1] * 1000:.1f} ms, open stories {len(clusterer.open)}, stories {len(clusterer.stories())}, "
            f"clusterer memory {_rss_mib() - before:.0f} MiB (the input articles excluded), "
            f"peak RSS {rss:.0f} MiB (process so far)"
        )


def _rss_mib() -> float:
    """The process's resident memory now (Linux), in MiB."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", default=str(DATA))
    parser.add_argument("--orders", type=int, default=6, help="file order plus N-1 shuffles")
    parser.add_argument("--tune", action="store_true", help="grid-search the options on half A first")
    parser.add_argument("--embeddings", action="store_true", help="also score with embeddings as a signal")
    parser.add_argument("--scale", type=int, action="append", help="synthetic articles for a latency run")
    parser.add_argument("--demo", action="store_true", help="score the demo corpus instead of ECB+")
    args = parser.parse_args()
    if args.demo:
        demo(args)
    elif args.scale:
        scale(args)
    else:
        quality(args)


if __name__ == "__main__":
    main()
