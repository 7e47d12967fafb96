"""Search quality on the demo corpus, on SQLite (FTS5) and PostgreSQL (tsvector).

    .venv/bin/python bench/search_quality.py                 # both databases
    .venv/bin/python bench/search_quality.py --only sqlite   # one of them
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/searchq   # the server used for PostgreSQL

Each database is filled the way readers' are: the demo publishers are started and `gazette poll`
runs every stage on a new database (for PostgreSQL, a database named after --pg-name, dropped first).
The queries and the articles each should find were written down before any figure was measured; the
articles are named by the corpus's ids and an article the pipeline stored as a copy (not searchable)
is left out of what is expected. Figures per query: precision@5, recall@10, the ranks of the expected
articles whose headline has every query word (by stem), whether every hit with such a headline
ranks above every hit without one (hl 1st), and the correction suggested, if any.

Measured on the demo corpus (15 queries, 3 of them misspelt), the code before stems and suggestions,
run the same hour / after: SQLite mean P@5 0.64 / 0.81, R@10 0.65 / 0.84, corrections 0/3 / 3/3,
headline order kept 15/15 / 15/15 ("interest rates" 3 of 5 found / 5 of 5, "elections" 1 of 6 / 5 of 6);
PostgreSQL P@5 0.71 / 0.81, R@10 0.71 / 0.84, corrections 0/3 / 3/3, headline order 13/15 / 15/15.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GAZETTE = [sys.executable, "-m", "gazette"]

# query -> (corpus event whose articles are relevant, the correction expected or None)
QUERIES: dict[str, tuple[str, str | None]] = {
    "recall": ("voltaris-recall", None),
    "interest rates": ("reserve-bank-rate-rise", None),
    "voltariss": ("voltaris-recall", "voltaris"),
    "elections": ("caldoria-election", None),
    "foldable phone": ("novalink-fold-launch", None),
    "jupiter probe": ("perihelion-2-jupiter-orbit", None),
    "jupitor": ("perihelion-2-jupiter-orbit", "jupiter"),
    "migraine drug": ("halvorsen-migraine", None),
    "methane pledge": ("bergen-methane-pledge", None),
    "mealses outbreak": ("upper-valley-measles-outbreak", "measles outbreak"),
    "runway": ("atlas-freight-overrun", None),
    "wildfire": ("valdecorzo-wildfire", None),
    "stolen paintings": ("aldermoor-museum-heist", None),
    "transfer fee": ("ferreira-transfer", None),
    "privacy law": ("data-privacy-bill-passes", None),
}


def _fill(env: dict[str, str], port: int) -> None:
    subprocess.run([*GAZETTE, "migrate"], env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    subprocess.run([*GAZETTE, "poll", "--demo-port", str(port)], env=env, check=True, cwd=ROOT)


def measure() -> dict:
    """In a process whose DATABASE_URL names a filled database: every query's figures."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gazette.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import Stemmer

    from gazette.articles.models import Article
    from gazette.demo.site import DemoSite
    from gazette.search import query as search

    stem = Stemmer.Stemmer("english").stemWord
    event_of = {
        a["url"].rsplit("/", 1)[-1].removesuffix(".html"): a["event"] for a in DemoSite("http://x").articles()
    }
    stored = {
        pk: (url.rsplit("/", 1)[-1].removesuffix(".html"), title)
        for pk, url, title in Article.objects.filter(duplicate_of__isnull=True).values_list(
            "pk", "canonical_url", "title"
        )
    }
    try:
        from gazette.search.suggest import search_suggestion as suggest
    except ImportError:  # the code before suggestions, measured as the baseline
        suggest = None
    out = {}
    for q, (event, correction) in QUERIES.items():
        relevant = {pk for pk, (slug, _) in stored.items() if event_of.get(slug) == event}
        words = {stem(w.lower()) for w in search._WORD.findall(correction or q)}
        in_headline = {
            pk for pk in relevant if words <= {stem(w.lower()) for w in search._WORD.findall(stored[pk][1])}
        }
        hits, total = search.search_articles(q=q, limit=10)
        ids = [h.article_id for h in hits]
        titled = [words <= {stem(w.lower()) for w in search._WORD.findall(stored[pk][1])} for pk in ids]
        out[q] = {
            "found": total,
            "p5": sum(pk in relevant for pk in ids[:5]) / 5,
            "r10": sum(pk in relevant for pk in ids) / len(relevant),
            # No hit whose headline lacks a query word above one whose headline has them all.
            "headline_first": titled == sorted(titled, reverse=True),
            "headline_ranks": sorted(ids.index(pk) + 1 if pk in ids else 99 for pk in in_headline),
            "suggestion": suggest(q=q) if suggest else None,
            "expected_suggestion": correction,
        }
    return out


def run(name: str, port: int, pg_name: str) -> dict:
    data = Path(tempfile.mkdtemp(prefix="gazette-searchq-"))
    env = dict(
        os.environ,
        GAZETTE_DATA_DIR=str(data),
        GAZETTE_LOG_LEVEL="WARNING",
        GAZETTE_ALLOW_PRIVATE_NETWORKS="1",
        GAZETTE_HOST_DELAY="0",
    )
    if name == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{data / 'gazette.sqlite3'}"
    else:
        server = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
        base = server.rsplit("/", 1)[0]
        for sql in (f"DROP DATABASE IF EXISTS {pg_name}", f"CREATE DATABASE {pg_name}"):
            subprocess.run(["psql", f"{base}/postgres", "-qc", sql], check=True)
        env["DATABASE_URL"] = f"{base}/{pg_name}"
    _fill(env, port)
    done = subprocess.run(
        [sys.executable, __file__, "--measure"], env=env, check=True, capture_output=True, text=True, cwd=ROOT
    )
    return json.loads(done.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--port", type=int, default=8831)
    parser.add_argument("--pg-name", default="searchq_bench")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure()))
        return 0
    for i, name in enumerate([args.only] if args.only else ["sqlite", "postgresql"]):
        results = run(name, args.port + i, args.pg_name)
        print(f"\n{name}")
        print(
            f"{'query':<20}{'found':>6}{'P@5':>6}{'R@10':>6}  {'hl 1st':>7}  {'headline ranks':<18}suggestion (expected)"
        )
        for q, r in results.items():
            ranks = ",".join(map(str, r["headline_ranks"])) or "-"
            wanted = f" ({r['expected_suggestion']})" if r["expected_suggestion"] else ""
            print(
                f"{q:<20}{r['found']:>6}{r['p5']:>6.2f}{r['r10']:>6.2f}{'yes' if r['headline_first'] else 'NO':>7}  {ranks:<18}{r['suggestion'] or '-'}{wanted}"
            )
        n = len(results)
        typos = [r for r in results.values() if r["expected_suggestion"]]
        print(
            f"{'mean':<20}{'':>6}{sum(r['p5'] for r in results.values()) / n:>6.2f}"
            f"{sum(r['r10'] for r in results.values()) / n:>6.2f}  "
            f"corrections right: {sum(r['suggestion'] == r['expected_suggestion'] for r in typos)}/{len(typos)}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
