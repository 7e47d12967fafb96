"""Related-articles search at scale, and the embedding model's throughput.

    python bench/related.py                # 100k and 1M vectors, then the real model on real texts
    python bench/related.py --skip-1m      # 100k only
    python bench/related.py --n 250000     # one size of your choosing

The vectors are synthetic (embedding 1M real articles takes ~2 h here) but shaped like news embeddings:
stories are clusters in a low-dimensional latent space, mapped into 384 dimensions, plus a small
isotropic residual, then normalised. Queries are fresh articles from the same stories, not indexed.
The embedding figures are on the file's 125 articles: their 200-word leads (what Gazette embeds),
single sentences, and leads plus reference summaries (200 texts). Exact top-10 by brute force is the truth for recall@10. Latency is one query at a time through
VectorIndex.search (Python overhead included), after a warm-up. IVF-flat from faiss runs on the same
data for comparison: the choice of HNSW in gazette/stories/ann.py rests on these figures.

Goal (issue 4): p99 <= 5 ms and recall@10 >= 0.95 at 1M vectors.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gazette.stories.ann import VectorIndex, faiss, faiss_available  # noqa: E402

DIM = 384
K = 10
CNNDM = ROOT.parent / "shared" / "data" / "summaries-dev" / "cnndm-dev.jsonl"


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def synthetic(n: int, seed: int = 7, latent: int = 128, residual: float = 0.5) -> np.ndarray:
    """n unit vectors: topics > stories of ~40 articles > articles, built in chunks to bound memory."""
    rng = np.random.default_rng(seed)
    stories = max(1, n // 40)
    basis = rng.standard_normal((latent, DIM)).astype(np.float32) / math.sqrt(latent)
    topics = rng.standard_normal((300, latent)).astype(np.float32)
    centres = topics[rng.integers(300, size=stories)] + rng.standard_normal(
        (stories, latent), dtype=np.float32
    )
    # A shared offset: real sentence embeddings are anisotropic (unrelated news still has cosine > 0).
    offset = 0.6 * rng.standard_normal(latent).astype(np.float32)
    out = np.empty((n, DIM), dtype=np.float32)
    for start in range(0, n, 100_000):
        size = min(100_000, n - start)
        story = rng.integers(stories, size=size)
        latent_rows = centres[story] + offset + rng.standard_normal((size, latent), dtype=np.float32)
        rows = latent_rows @ basis + residual * rng.standard_normal((size, DIM), dtype=np.float32)
        out[start : start + size] = rows / np.linalg.norm(rows, axis=1, keepdims=True)
    return out


def exact_top(data: np.ndarray, queries: np.ndarray, k: int) -> np.ndarray:
    truth = np.empty((len(queries), k), dtype=np.int64)
    for start in range(0, len(queries), 100):
        scores = queries[start : start + 100] @ data.T
        top = np.argpartition(-scores, k - 1, axis=1)[:, :k]
        truth[start : start + 100] = top
    return truth


def recall(found: list[list[int]], truth: np.ndarray) -> float:
    hits = sum(len(set(row) & set(true.tolist())) for row, true in zip(found, truth, strict=True))
    return hits / truth.size


def timed_queries(search, queries: np.ndarray) -> tuple[list[list[int]], np.ndarray]:
    for query in queries[:20]:
        search(query)
    found, times = [], []
    for query in queries:
        started = time.perf_counter()
        result = search(query)
        times.append(time.perf_counter() - started)
        found.append(result)
    return found, np.array(times) * 1000


def searcher(index: VectorIndex):
    return lambda query: [article - 1_000_000 for article, _ in index.search(query, K)]


def row(label: str, times: np.ndarray, rec: float, extra: str = "") -> dict:
    p50, p99 = np.percentile(times, 50), np.percentile(times, 99)
    print(f"  {label:<28} p50 {p50:6.2f} ms  p99 {p99:6.2f} ms  recall@10 {rec:.4f}  {extra}", flush=True)
    return {"config": label, "p50_ms": round(p50, 3), "p99_ms": round(p99, 3), "recall10": round(rec, 4)}


def bench_size(
    n: int,
    n_queries: int,
    ef_values: list[int],
    nprobes: list[int],
    skip_ivf: bool,
    latent: int,
    residual: float,
) -> dict:
    print(
        f"\n== {n:,} vectors, dim {DIM}, {n_queries} queries, latent {latent}, residual {residual}",
        flush=True,
    )
    started = time.perf_counter()
    everything = synthetic(n + n_queries, latent=latent, residual=residual)
    data, queries = everything[:n], everything[n:]
    del everything
    print(f"  generated in {time.perf_counter() - started:.1f} s", flush=True)
    started = time.perf_counter()
    truth = exact_top(data, queries, K)
    print(f"  exact truth in {time.perf_counter() - started:.1f} s", flush=True)
    same = queries[:200] @ data[truth[:200, 0]].T
    print(f"  cosine to true nearest: median {np.median(np.diag(same)):.3f}", flush=True)
    result: dict = {"n": n, "dim": DIM, "queries": n_queries, "rows": []}

    ids = np.arange(n, dtype=np.int64) + 1_000_000  # article ids are not row numbers
    exact_index = VectorIndex(DIM, exact=True)
    exact_index.add(ids.tolist(), data)
    few = queries[: min(100, n_queries)]
    found, times = timed_queries(searcher(exact_index), few)
    result["rows"].append(row("exact numpy (fallback)", times, recall(found, truth[: len(few)])))
    del exact_index

    if not faiss_available():
        print("  faiss-cpu not installed: HNSW and IVF skipped")
        return result

    before = rss_mb()
    started = time.perf_counter()
    index = VectorIndex(DIM, exact=False)
    for start in range(0, n, 50_000):
        index.add(ids[start : start + 50_000].tolist(), data[start : start + 50_000])
    build = time.perf_counter() - started
    memory = rss_mb() - before
    print(
        f"  HNSW M={index.m} efC={index.ef_construction}: build {build:.1f} s, +{memory:.0f} MB RSS",
        flush=True,
    )
    result["hnsw_build_s"] = round(build, 1)
    result["hnsw_rss_mb"] = round(memory)
    for ef in ef_values:
        index.ef_search = ef
        found, times = timed_queries(searcher(index), queries)
        result["rows"].append(row(f"HNSW efSearch={ef}", times, recall(found, truth)))
    excluded = [int(ids[t]) for t in truth[0][:3]]
    assert not set(excluded) & {i for i, _ in index.search(queries[0], K, exclude=excluded)}
    del index

    if skip_ivf:
        return result
    nlist = int(4 * math.sqrt(n))
    before = rss_mb()
    started = time.perf_counter()
    quantizer = faiss.IndexFlatIP(DIM)
    ivf = faiss.IndexIVFFlat(quantizer, DIM, nlist, faiss.METRIC_INNER_PRODUCT)
    sample = data[np.random.default_rng(1).choice(n, size=min(n, 40 * nlist), replace=False)]
    ivf.train(sample)
    ivf.add(data)
    build = time.perf_counter() - started
    memory = rss_mb() - before
    print(f"  IVF-flat nlist={nlist}: train+add {build:.1f} s, +{memory:.0f} MB RSS", flush=True)
    result["ivf_build_s"] = round(build, 1)
    result["ivf_rss_mb"] = round(memory)
    for nprobe in nprobes:
        ivf.nprobe = nprobe
        found, times = timed_queries(lambda q: ivf.search(q.reshape(1, -1), K)[1][0].tolist(), queries)
        result["rows"].append(row(f"IVF-flat nprobe={nprobe}", times, recall(found, truth)))
    return result


def real_texts(limit: int = 200) -> list[str]:
    """Article leads first, then reference summaries, until `limit` (the file holds 125 articles)."""
    from gazette.stories.embeddings import article_text_for_embedding

    records = [json.loads(line) for line in CNNDM.read_text().splitlines() if line.strip()]
    texts = [article_text_for_embedding("", record["article"]) for record in records]
    texts += [record["reference"] for record in records]
    return texts[:limit]


def bench_embedding() -> dict:
    from gazette.stories.embeddings import Embedder, embedder_available

    if not embedder_available():
        print("\n== embedding: torch / sentence-transformers not installed, skipped")
        return {}
    import torch

    texts = real_texts()
    from gazette.stories.config import embedding_model_from_env

    embedder = Embedder(embedding_model_from_env())
    started = time.perf_counter()
    embedder.load()
    load = time.perf_counter() - started
    embedder.embed(texts[:8])
    leads = [t for t in texts if len(t.split()) > 120]
    records = [json.loads(line) for line in CNNDM.read_text().splitlines() if line.strip()]
    sentences = [part.strip() + "." for record in records for part in record["article"].split(". ")[:2]][:200]
    print(f"\n== embedding: {embedder.name}, dim {embedder.dim}, torch threads {torch.get_num_threads()}")
    print(f"  model load {load:.1f} s", flush=True)
    out = {"model": embedder.name, "load_s": round(load, 2)}
    runs = (
        ("200 texts", texts),
        (f"{len(sentences)} sentences", sentences),
        (f"{len(leads)} article leads", leads),
    )
    for label, batch in runs:
        started = time.perf_counter()
        vectors = embedder.embed(batch)
        elapsed = time.perf_counter() - started
        print(f"  {label:<20} {len(batch) / elapsed:7.1f} sentences/s ({elapsed:.2f} s)", flush=True)
        out[label] = round(len(batch) / elapsed, 1)
    print(f"  load average while embedding: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    pairs = vectors @ vectors.T
    off = pairs[~np.eye(len(pairs), dtype=bool)]
    print(f"  real leads, random-pair cosine: mean {off.mean():.3f}, p99 {np.percentile(off, 99):.3f}")
    sample = synthetic(2000)
    synth = (sample[:1000] @ sample[1000:].T).ravel()
    print(f"  synthetic,  random-pair cosine: mean {synth.mean():.3f}, p99 {np.percentile(synth, 99):.3f}")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, help="one index size instead of 100k and 1M")
    parser.add_argument("--skip-1m", action="store_true", help="leave out the 1M run")
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--ef", default="32,64,128,256", help="HNSW efSearch values")
    parser.add_argument("--nprobe", default="16,32,64", help="IVF-flat nprobe values")
    parser.add_argument("--skip-ivf", action="store_true")
    parser.add_argument("--latent", type=int, default=128, help="intrinsic dimension of the synthetic data")
    parser.add_argument(
        "--residual", type=float, default=0.5, help="isotropic noise on top (harder when higher)"
    )
    parser.add_argument("--skip-embed", action="store_true", help="leave out the real model")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    sizes = [args.n] if args.n else [100_000] + ([] if args.skip_1m else [1_000_000])
    ef_values = [int(x) for x in args.ef.split(",")]
    nprobes = [int(x) for x in args.nprobe.split(",")]
    figures: dict = {
        "sizes": [
            bench_size(n, args.queries, ef_values, nprobes, args.skip_ivf, args.latent, args.residual)
            for n in sizes
        ]
    }
    if not args.skip_embed:
        figures["embedding"] = bench_embedding()
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
