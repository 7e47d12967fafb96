"""Entities on the demo corpus: precision and recall against hand labels, throughput and memory.

The labels (tests/stories/testdata/demo_entities.json) name every person, organisation, place and other
proper name of 20 demo articles, one per event. Each article is put through the real pure pipeline (feed
parsed, teaser pages fetched from the rendered demo site, extract -> clean -> sanitise) and its stored
text given to `entities_extract`, as the enrich stage does. A predicted name is right when it is one of
a labelled entity's names (compared as slugs); a second name for an entity already found is wrong, so
aliases left unfolded cost precision. Beside it, in the same run:
  - spaCy's entities as the model gives them (labels mapped the same way, no cleaning, no folding);
  - throughput of the whole en_core_web_sm pipeline (tagger, parser, lemmatizer too) on the same texts.
Throughput is articles per CPU second in one process on all 108 demo articles (best of --repeat), and the
memory is the resident set the model adds to the process.

    python bench/entities.py [--repeat 3] [--show] [--compare FILE]

--compare scores another recogniser in the same run: a Python file with `entities_extract(title, text)`
returning objects with .name and .kind, e.g. the hand-written rules this replaced:
    git show 0dfb786:gazette/stories/entities.py > /tmp/rules.py && python bench/entities.py --compare /tmp/rules.py
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))
LABELS = REPO / "tests" / "stories" / "testdata" / "demo_entities.json"


def rss_mib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def score(labels: dict[str, dict[str, str]], found: dict[str, list[tuple[str, str]]]) -> dict[str, float]:
    """Precision, recall and F1 of names, and the share of right names given the right kind."""
    from django.utils.text import slugify

    tp = fp = fn = kind_right = 0
    for article, gold in labels.items():
        entities = [({slugify(n) for n in names.split("|")}, kind) for names, kind in gold.items()]
        matched: set[int] = set()
        for name, kind in found.get(article, []):
            hit = next((i for i, (slugs, _) in enumerate(entities) if slugify(name) in slugs), None)
            if hit is None or hit in matched:
                fp += 1
                continue
            matched.add(hit)
            tp += 1
            kind_right += kind == entities[hit][1]
        fn += len(entities) - len(matched)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "kind": kind_right / tp if tp else 0.0}


def rate_of(fn: object, articles: list[tuple[str, str, str]], repeat: int) -> float:
    """Articles per CPU second of this process, best of `repeat` passes: the rate of one core, which a
    loaded machine changes less than the wall clock (a cache in `fn` is defeated by the caller)."""
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        for _, title, text in articles:
            fn(title, text)  # type: ignore[operator]
        best = min(best, time.process_time() - started)
    return len(articles) / best


def rss_without_torch() -> float:
    """MiB that importing spaCy and loading the model add to a fresh process where torch is absent."""
    code = (
        "import sys; sys.modules['torch'] = None\n"
        "def rss():\n    return int(open('/proc/self/statm').read().split()[1]) * 4096 / 2**20\n"
        "before = rss()\nfrom gazette.stories.entities import entities_extract\n"
        "entities_extract('Oslo', 'Ingrid Solbakken spoke in Oslo.')\nprint(rss() - before)\n"
    )
    env = dict(os.environ, PYTHONPATH=str(REPO))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    return float(out.stdout.strip())


def labels_load() -> dict[str, dict[str, str]]:
    return {k: v for k, v in json.loads(LABELS.read_text("utf-8")).items() if not k.startswith("_")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--show", action="store_true", help="print each labelled article's misses")
    parser.add_argument("--compare", help="a Python file with another entities_extract to score beside")
    args = parser.parse_args()

    from demo_summaries import BASE_URL, NOW, drafts

    from gazette.demo.site import DemoSite

    articles = [(record["id"], d.title, d.content_text) for record, d in drafts(DemoSite(BASE_URL, now=NOW))]
    labels = labels_load()
    rss_before = rss_mib()
    import spacy

    from gazette.stories import entities

    rss_imported = rss_mib()
    recogniser = entities.recogniser_get()
    rss_loaded = rss_mib()

    found = {}
    raw: dict[str, list[tuple[str, str]]] = {}
    for article_id, title, text in articles:
        if article_id in labels:
            found[article_id] = [(m.name, m.kind) for m in entities.entities_extract(title, text)]
            raw[article_id] = [
                (span.text, entities.LABEL_KIND[span.label_])
                for doc in recogniser.docs([title, text[: entities.MAX_CHARS]])
                for span in doc.ents
                if span.label_ in entities.LABEL_KIND
            ]
    ours, bare = score(labels, found), score(labels, raw)
    other = None
    if args.compare:
        import importlib.util

        spec = importlib.util.spec_from_file_location("compared", args.compare)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules["compared"] = module  # dataclasses look their module up
        spec.loader.exec_module(module)
        theirs = {
            article_id: [(m.name, m.kind) for m in module.entities_extract(title, text)]
            for article_id, title, text in articles
            if article_id in labels
        }
        cached = getattr(module, "_entities", None)  # the rules kept their last answers too
        clear = cached.cache_clear if hasattr(cached, "cache_clear") else (lambda: None)
        rules = module.entities_extract
        other = score(labels, theirs), rate_of(lambda t, x: (clear(), rules(t, x)), articles, args.repeat)

    def rate(fn: object) -> float:
        return rate_of(fn, articles, args.repeat)

    ours_rate = rate(lambda t, x: (entities.entities_cache_clear(), entities.entities_extract(t, x)))
    rss_after = rss_mib()
    full = spacy.load(entities.bundled_model_path())
    full_rate = rate(lambda t, x: (full(t), full(x[: entities.MAX_CHARS])))

    labelled = sum(len(v) for v in labels.values())
    print(f"labelled: {len(labels)} articles, {labelled} entities; throughput over {len(articles)} articles")
    print(
        f"ours:           P {ours['precision']:.3f}  R {ours['recall']:.3f}  F1 {ours['f1']:.3f}  "
        f"kind right {ours['kind']:.3f}  {ours_rate:.1f} articles/s"
    )
    print(
        f"bare spaCy ner: P {bare['precision']:.3f}  R {bare['recall']:.3f}  F1 {bare['f1']:.3f}  "
        f"kind right {bare['kind']:.3f}"
    )
    print(f"full en_core_web_sm pipeline: {full_rate:.1f} articles/s (ours {ours_rate / full_rate:.2f}x)")
    print(
        f"RSS: {rss_before:.0f} MiB before spaCy; +{rss_imported - rss_before:.0f} MiB import spacy, "
        f"+{rss_loaded - rss_imported:.0f} MiB the model, +{rss_after - rss_before:.0f} MiB in all after the runs"
    )
    print(
        f"RSS without torch installed (a fresh process): +{rss_without_torch():.0f} MiB for spaCy and the model"
    )
    if other is not None:
        theirs_score, theirs_rate = other
        print(
            f"compared ({Path(args.compare).name}): P {theirs_score['precision']:.3f}  "
            f"R {theirs_score['recall']:.3f}  F1 {theirs_score['f1']:.3f}  kind right {theirs_score['kind']:.3f}  "
            f"{theirs_rate:.1f} articles/s"
        )
    if args.show:
        from django.utils.text import slugify

        for article_id, gold in labels.items():
            slugs = {slugify(n) for names in gold for n in names.split("|")}
            got = found.get(article_id, [])
            extra = [f"{n} ({k})" for n, k in got if slugify(n) not in slugs]
            missed = [
                g for g in gold if not {slugify(n) for n in g.split("|")} & {slugify(n) for n, _ in got}
            ]
            kinds = Counter(k for _, k in got)
            print(f"\n{article_id}: {dict(kinds)}\n  wrong: {extra}\n  missed: {missed}")


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gazette.settings")
    main()
