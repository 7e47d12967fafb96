"""Google Reader API at scale: stream/contents of 1,000 items and unread-count for a reader following
500 sources, p50/p99, beside the same queries run as plain SQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gazette_million python bench/greader.py
    DATABASE_URL=... python bench/greader.py --generate 20000 --sources 600   # a small set, made here

Runs on whatever DATABASE_URL names (SQLite or PostgreSQL). The million-article set is
bench/web_million.py's (run that first; this script never drops or fills that database). With
--generate N and fewer than N articles stored, it adds sources and N articles over 60 days itself,
through the ORM (minutes for tens of thousands; use web_million.py for a million).

The reader follows the `--follow` most active sources; some of their articles are read (a read mark on
every 7th recent one, a watermark on every 10th source), so the queries meet all three kinds of state.
Each endpoint is called through Django's test client, in this process, --repeat times; the baseline
runs each SQL statement the endpoint ran, as the server sent it, straight on the database cursor.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gazette.settings")

READER = "bench-greader"
API_PASSWORD = "bench-greader-api-password"  # noqa: S105 - a throwaway reader in a bench database
READING_LIST = "user/-/state/com.google/reading-list"


def generate(count: int, n_sources: int) -> None:
    """Add sources and articles until there are at least `count` articles."""
    from django.utils import timezone

    from gazette.articles.models import Article
    from gazette.sources.models import Source

    have = Article.objects.count()
    if have >= count:
        return
    rng = random.Random(13)
    sources = list(Source.objects.all()[:n_sources])
    for n in range(len(sources), n_sources):
        sources.append(Source(feed_url=f"https://bench{n}.example/feed.xml", name=f"Bench source {n}"))
    Source.objects.bulk_create([s for s in sources if s.pk is None], ignore_conflicts=True)
    sources = list(Source.objects.all()[:n_sources])
    weights = [1 / (i + 1) for i in range(len(sources))]  # uneven output, as real feeds have
    now = timezone.now()
    batch: list[Article] = []
    for i in range(have, count):
        source = rng.choices(sources, weights)[0]
        body = f"Bench article {i}. " + "The council met again about the harbour. " * rng.randint(20, 80)
        batch.append(
            Article(
                source=source,
                guid=f"bench-{i}",
                url=f"https://bench.example/{i}",
                canonical_url=f"https://bench.example/{i}",
                title=f"Bench article {i}",
                summary=f"<p>{body[:200]}</p>",
                content_html=f"<p>{body}</p>",
                content_text=body,
                published_at=now - timedelta(seconds=rng.randint(0, 60 * 86400)),
                word_count=len(body.split()),
            )
        )
        if len(batch) == 2000:
            Article.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
            print(f"generate: {i + 1:,} articles", flush=True)
    Article.objects.bulk_create(batch, ignore_conflicts=True)


def reader_prepare(follow: int):
    """The bench reader, following the most active sources, with some read marks and watermarks."""
    from django.contrib.auth.models import User
    from django.db.models import Count
    from django.utils import timezone

    from gazette.accounts.api_password import api_password_set
    from gazette.accounts.models import Follow, ReadState, ReadWatermark
    from gazette.accounts.reading import UNREAD_WINDOW
    from gazette.articles.models import Article
    from gazette.sources.models import Source

    user, _ = User.objects.get_or_create(username=READER)
    api_password_set(user=user, raw=API_PASSWORD)
    Follow.objects.filter(user=user).delete()
    ReadState.objects.filter(user=user).delete()
    ReadWatermark.objects.filter(user=user).delete()
    sources = list(
        Source.objects.annotate(n=Count("articles"))
        .order_by("-n", "id")
        .values_list("id", flat=True)[:follow]
    )
    Follow.objects.bulk_create([Follow(user=user, source_id=pk) for pk in sources])
    now = timezone.now()
    ReadWatermark.objects.bulk_create(
        [ReadWatermark(user=user, source_id=pk, read_before=now - timedelta(days=3)) for pk in sources[::10]]
    )
    recent = Article.objects.filter(source_id__in=sources, published_at__gt=now - UNREAD_WINDOW)
    ids = list(recent.order_by("id").values_list("id", flat=True)[::7])
    ReadState.objects.bulk_create([ReadState(user=user, article_id=pk) for pk in ids], ignore_conflicts=True)
    return user, len(sources), len(ids)


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return statistics.median(ordered), p99


def measure(client, headers, path: str, params: dict, repeat: int) -> tuple[list[float], list[float], int]:
    """(endpoint ms, plain SQL ms, items) for `repeat` calls; the SQL is the endpoint's own, run again."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    endpoint, plain = [], []
    items = 0
    client.get(path, params, headers=headers)  # warm caches and connections
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(path, params, headers=headers)
            endpoint.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.content[:300]
        body = response.json()
        items = len(body.get("items", body.get("unreadcounts", [])))
        statements = [q["sql"] for q in captured.captured_queries]
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
                cursor.fetchall()
        plain.append((time.perf_counter() - started) * 1000)
    return endpoint, plain, items


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--follow", type=int, default=500, help="sources the reader follows")
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--generate", type=int, default=0, help="add articles until there are this many")
    parser.add_argument("--sources", type=int, default=600, help="sources to spread --generate over")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from gazette.articles.models import Article

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)
    if args.generate:
        generate(args.generate, args.sources)
    user, followed, read_marks = reader_prepare(args.follow)
    if django.db.connection.vendor == "postgresql":
        with django.db.connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autovacuum would have by now on a live database
    vendor = django.db.connection.vendor
    print(
        f"{vendor}: {Article.objects.count():,} articles; reader follows {followed} sources, {read_marks:,} read marks"
    )

    client = Client()
    login = client.post("/api/greader/accounts/ClientLogin", {"Email": READER, "Passwd": API_PASSWORD})
    auth = dict(line.split("=", 1) for line in login.content.decode().splitlines())["Auth"]
    headers = {"Authorization": f"GoogleLogin auth={auth}"}
    cases = [
        ("stream/contents n=1000", f"/api/greader/reader/api/0/stream/contents/{READING_LIST}", {"n": 1000}),
        (
            "stream/contents n=1000 xt=read",
            f"/api/greader/reader/api/0/stream/contents/{READING_LIST}",
            {"n": 1000, "xt": "user/-/state/com.google/read"},
        ),
        ("unread-count", "/api/greader/reader/api/0/unread-count", {}),
    ]
    print(f"{'call':34} {'rows':>6} {'p50 ms':>8} {'p99 ms':>8}   {'SQL p50':>8} {'SQL p99':>8}")
    for label, path, params in cases:
        endpoint, plain, items = measure(client, headers, path, params, args.repeat)
        (p50, p99), (s50, s99) = _percentiles(endpoint), _percentiles(plain)
        print(f"{label:34} {items:>6} {p50:>8.1f} {p99:>8.1f}   {s50:>8.1f} {s99:>8.1f}", flush=True)


if __name__ == "__main__":
    main()
