"""The reader site on a million articles in PostgreSQL: front page, article pages and search under wrk.

    python bench/web_million.py [--articles 1000000] [--duration 15] [--connections 2] [--rebuild]
                                [--cache both|on|off] [--database-url postgres://postgres@127.0.0.1:5432/gazette_million]

Creates its own database (never `test`), migrates it and fills it with generated rows through COPY:
~1,000 sources of uneven output, articles published over six months with text assembled from real news
sentences (the evaluation sets in ../shared/data), exact copies, stories of several members, topics,
entities, related articles and summaries; then the search index is built from the migrations' own
definitions. A second run reuses the data (`--rebuild` makes it again) and applies any new migration to
it, timed. The site runs as `gazette web` runs it (gunicorn, the same worker settings, DEBUG off) with
one extra URL, a database-free page of the same size as each measured page, served by the same server
in the same run: the baseline. Each page is measured twice: with the caches as shipped (each process's
own), and with every cache off (every request runs every query, as right after a new article arrives).
Needs `wrk` (apt-get install wrk).
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/gazette_million"
MARKER = "bench_million"

# The shape of the generated news.
DAYS = 180
NEW_STORY = 0.3  # chance an article starts a story rather than joining a recent one
COPY_SHARE = 0.06  # chance a joining article is an exact copy of the story's first article
RECENT_STORIES = 2000
RELATED_PER_ARTICLE = 4
SUMMARISED = 0.95
ENTITIES = 20_000


# -- the baseline page, at /bench/baseline?bytes=N on the measured server -----------------------------------


def _baseline_view(request):
    from django.http import HttpResponse
    from django.template import Context, Template

    size = int(request.GET.get("bytes", "20000"))
    template = Template(
        "<!doctype html><title>{{ title }}</title>{% for p in paragraphs %}<p>{{ p }}</p>{% endfor %}"
    )
    paragraph = ("The harbour council voted on the budget after the storm flooded the port. " * 6)[:400]
    return HttpResponse(
        template.render(Context({"title": "Baseline", "paragraphs": [paragraph] * (size // 407)}))
    )


def __getattr__(name: str):
    # bench/web_million_settings.py makes this module the ROOT_URLCONF: the site's URLs plus the baseline.
    if name == "urlpatterns":
        from django.urls import include, path

        return [path("bench/baseline", _baseline_view), path("", include("gazette.urls"))]
    raise AttributeError(name)


# -- generation ---------------------------------------------------------------------------------------------


def sentence_pool() -> list[str]:
    """Real news sentences from the evaluation sets: ECB+ articles and CNN/DailyMail articles."""
    sentences: list[str] = []
    for line in (DATA / "clusters-dev" / "ecbplus-dev.jsonl").read_text().splitlines():
        sentences += json.loads(line)["text"].splitlines()
    for line in (DATA / "summaries-dev" / "cnndm-dev.jsonl").read_text().splitlines():
        sentences += re.split(r"(?<=[.!?])\s+(?=[A-Z\"'])", json.loads(line)["article"])
    return [s.strip() for s in sentences if 40 <= len(s.strip()) <= 320]


def entity_names(sentences: list[str]) -> list[str]:
    """Capitalised word pairs inside sentences, most frequent first: plausible people, places and firms."""
    pairs: Counter[str] = Counter()
    for s in sentences:
        pairs.update(m.group(1) for m in re.finditer(r"(?<=[a-z,] )([A-Z][a-z]{2,} [A-Z][a-z]{2,})\b", s))
    names = [name for name, _ in pairs.most_common()]
    rng = random.Random(7)
    singles = sorted({w for s in sentences for w in re.findall(r"\b[A-Z][a-z]{3,}\b", s)})
    while len(names) < ENTITIES:
        names.append(f"{rng.choice(singles)} {rng.choice(singles)}")
    return list(dict.fromkeys(names))[:ENTITIES]


class Columns:
    """A model's columns in table order, with its defaults, so generated rows only name what they set."""

    def __init__(self, model) -> None:
        from django.db.models import AutoField, BigAutoField

        self.table = model._meta.db_table
        # Serial ids are left to the database, except where rows refer to each other by id.
        keep_id = model._meta.model_name in ("article", "story")
        self.fields = [
            f for f in model._meta.concrete_fields if keep_id or not isinstance(f, AutoField | BigAutoField)
        ]
        self.names = [f.column for f in self.fields]
        self.defaults = [f.get_default() for f in self.fields]

    def row(self, values: dict) -> list:
        out = []
        for field, default in zip(self.fields, self.defaults, strict=True):
            value = values.get(field.attname, default)
            out.append(json.dumps(value) if isinstance(value, list | dict) else value)
        return out

    def copy_sql(self) -> str:
        return f"COPY {self.table} ({', '.join(self.names)}) FROM STDIN"


def generate(url: str, count: int, n_sources: int) -> None:
    """Fill a migrated, empty database with `count` articles and everything the pages show about them."""
    import psycopg
    from django.utils.text import slugify

    from gazette.ai.models import ArticleSummary
    from gazette.articles.models import Article
    from gazette.sources.models import Category, Source
    from gazette.stories.models import ArticleEntity, ArticleTopic, Entity, Related, Story, StoryMember, Topic

    rng = random.Random(20261203)
    pool = sentence_pool()
    names = entity_names(pool)
    print(f"generate: {len(pool)} real sentences, {len(names)} entity names", flush=True)
    now = datetime.now(UTC).replace(microsecond=0)
    start = now - timedelta(days=DAYS)

    tables = [Article, Story, StoryMember, ArticleTopic, ArticleEntity, Related, ArticleSummary]
    conns = {model: psycopg.connect(url, autocommit=True) for model in tables}
    admin = psycopg.connect(url, autocommit=True)
    for conn in (*conns.values(), admin):
        conn.execute("SET session_replication_role = replica")  # rows are consistent; skip per-row FK checks
    # Secondary indexes are dropped for the load and rebuilt from their own definitions afterwards.
    names_sql = ", ".join(f"'{m._meta.db_table}'" for m in tables)
    indexes = admin.execute(
        f"SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ({names_sql}) "  # noqa: S608
        "AND indexname NOT IN (SELECT conname FROM pg_constraint)"
    ).fetchall()
    for name, _ in indexes:
        admin.execute(f'DROP INDEX "{name}"')

    categories = [
        Category.objects.create(name=n, slug=n.lower())
        for n in ("World", "UK", "US", "Europe", "Business", "Tech", "Science", "Sport", "Culture", "Local")
    ]
    countries = ["GB", "US", "FR", "DE", "IE", "AU", "CA", "IN"]
    leans = ["left", "centre-left", "centre", "centre-right", "right", ""]
    sources = []
    for i in range(n_sources):
        word = slugify(rng.choice(pool).split()[rng.randint(0, 3)]) or "news"
        sources.append(
            Source(
                name=f"The {word.title()} {['Herald', 'Post', 'Times', 'Wire', 'Daily', 'Observer'][i % 6]} {i}",
                feed_url=f"https://{word}{i}.example/feed.xml",
                site_url=f"https://{word}{i}.example/",
                kind="rss",
                language="en",
                display=Source.Display.EXCERPT if i % 10 == 0 else Source.Display.FULL,
                country=countries[i % len(countries)],
                lean=leans[i % len(leans)],
                last_polled_at=now,
                last_success_at=now,
                last_status=200,
            )
        )
    Source.objects.bulk_create(sources, batch_size=500)
    through = Source.categories.through
    through.objects.bulk_create(
        [through(source=s, category=c) for s in sources for c in rng.sample(categories, rng.randint(1, 2))]
    )
    topic_ids = list(Topic.objects.order_by("position").values_list("id", flat=True))
    topic_weights = [1 / (rank + 1) for rank in range(len(topic_ids))]
    entity_rows = []
    used_slugs: set[str] = set()
    for n, name in enumerate(names):
        slug = slugify(name)[:190] or f"entity-{n}"
        if slug in used_slugs:
            slug = f"{slug}-{n}"
        used_slugs.add(slug)
        entity_rows.append(Entity(name=name, slug=slug, kind=("person", "org", "place")[n % 3]))
    Entity.objects.bulk_create(entity_rows, batch_size=2000)
    entity_ids = list(Entity.objects.order_by("id").values_list("id", flat=True))
    entity_cum = list(_cumulative([1 / (rank + 1) ** 0.9 for rank in range(len(entity_ids))]))
    source_ids = [s.pk for s in sources]
    source_cum = list(_cumulative([1 / (rank + 1) ** 0.8 for rank in range(len(source_ids))]))

    cols = {model: Columns(model) for model in tables}
    copies = {model: conns[model].cursor().copy(cols[model].copy_sql()) for model in tables}
    writers = {model: copy.__enter__() for model, copy in copies.items()}

    def put(model, values: dict) -> None:
        writers[model].write_row(cols[model].row(values))

    stories: dict[
        int, list
    ] = {}  # id -> [first id, first at, last at, members, sources, title, topic, entities]
    recent: list[int] = []
    seeds: dict[int, int] = {}  # article id -> the seed of its text, so a copy repeats its original
    started = time.monotonic()
    for pk in range(1, count + 1):
        published = start + timedelta(seconds=(pk / count) * DAYS * 86400 + rng.uniform(-1800, 1800))
        published = min(published, now)
        source_id = source_ids[_pick(rng, source_cum)]
        copy_of = None
        if recent and rng.random() > NEW_STORY:
            story_id = recent[max(0, len(recent) - 1 - int(rng.expovariate(1 / 150)))]
            story = stories[story_id]
            if rng.random() < COPY_SHARE:
                copy_of = story[0]
            words = story[5].split()[:4] + rng.choice(pool).split()[: rng.randint(3, 7)]
            title = story[5] if copy_of else " ".join(words).rstrip(".,;:")
        else:
            story_id = len(stories) + 1
            title = " ".join(rng.choice(pool).split()[: rng.randint(6, 12)]).rstrip(".,;:")
            story = stories[story_id] = [pk, published, published, 0, set(), title, None, None]
            story[6] = [topic_ids[i] for i in _topics(rng, topic_weights)]
            story[7] = sorted({entity_ids[_pick(rng, entity_cum)] for _ in range(3)})
            recent.append(story_id)
            if len(recent) > RECENT_STORIES:
                recent.pop(0)
        seed = seeds.get(copy_of, pk) if copy_of else pk
        seeds[pk] = seed
        text_rng = random.Random(seed)
        sentences = [text_rng.choice(pool) for _ in range(text_rng.randint(5, 10))]
        paragraphs = [" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3)]
        text = "\n\n".join(paragraphs)
        host = f"https://s{source_id}.example"
        put(
            Article,
            {
                "id": pk,
                "source_id": source_id,
                "guid": f"{host}/{pk}",
                "url": f"{host}/news/{pk}?utm_source=rss",
                "canonical_url": f"{host}/news/{pk}",
                "title": title,
                "author": f"{rng.choice(names)}" if rng.random() < 0.7 else "",
                "summary": f"<p>{html.escape(sentences[0])}</p>",
                "content_html": "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs),
                "content_text": text,
                "image_url": f"{host}/img/{pk}.jpg" if rng.random() < 0.6 else "",
                "language": "en",
                "published_at": published,
                "fetched_at": published + timedelta(minutes=rng.randint(1, 30)),
                "word_count": len(text.split()),
                "content_hash": hashlib.sha256(text.encode()).hexdigest(),
                "extractor": "trafilatura",
                "duplicate_of_id": copy_of,
                "enriched_at": published,
                "clustered_at": published,
            },
        )
        put(StoryMember, {"article_id": pk, "story_id": story_id})
        for topic_id in story[6]:
            put(
                ArticleTopic, {"article_id": pk, "topic_id": topic_id, "score": round(rng.uniform(0.3, 1), 3)}
            )
        entities = set(story[7]) | {entity_ids[_pick(rng, entity_cum)] for _ in range(rng.randint(0, 3))}
        for entity_id in entities:
            put(ArticleEntity, {"article_id": pk, "entity_id": entity_id, "mentions": rng.randint(1, 6)})
        related = [story[0]] if story[0] != pk and copy_of is None else []
        while len(related) < RELATED_PER_ARTICLE and pk > 100:
            other = rng.randint(max(1, pk - 15_000), pk - 1)
            if other not in related:
                related.append(other)
        for rank, other in enumerate(related):
            put(Related, {"article_id": pk, "other_id": other, "score": round(0.9 - rank * 0.05, 3)})
        if copy_of is None and rng.random() < SUMMARISED:
            put(
                ArticleSummary,
                {
                    "article_id": pk,
                    "sentences": sentences[:2],
                    "keypoints": sentences[2:5],
                    "method": "extractive-leadrank",
                    "created_at": published + timedelta(minutes=31),
                },
            )
        story[2] = published
        story[3] += 1
        story[4].add(source_id)
        if pk % 20_000 == 0:
            rate = pk / (time.monotonic() - started)
            print(f"generate: {pk:,}/{count:,} articles, {rate:,.0f}/s", end="\r", flush=True)
    for story_id, (first, first_at, last_at, members, outlets, title, _, _) in stories.items():
        put(
            Story,
            {
                "id": story_id,
                "key": f"s{story_id}",
                "title": title,
                "first_reported_at": first_at,
                "last_article_at": last_at,
                "article_count": members,
                "source_count": len(outlets),
                "first_article_id": first,
                "updated_at": last_at,
            },
        )
    for copy in copies.values():
        copy.__exit__(None, None, None)
    print(
        f"generate: {count:,} articles, {len(stories):,} stories copied in {time.monotonic() - started:.0f}s"
    )

    started = time.monotonic()
    admin.execute("SET maintenance_work_mem = '512MB'")
    for name, definition in indexes:
        admin.execute(definition)
        print(f"generate: index {name} rebuilt ({time.monotonic() - started:.0f}s)", flush=True)
    for model in (Article, Story):
        table = model._meta.db_table
        admin.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
        )  # noqa: S608
    admin.execute("VACUUM ANALYZE")
    print(f"generate: indexes and VACUUM ANALYZE in {time.monotonic() - started:.0f}s", flush=True)
    for conn in (*conns.values(), admin):
        conn.close()


def _cumulative(weights: list[float]):
    total = 0.0
    for w in weights:
        total += w
        yield total


def _pick(rng: random.Random, cumulative: list[float]) -> int:
    import bisect

    return min(bisect.bisect_left(cumulative, rng.random() * cumulative[-1]), len(cumulative) - 1)


def _topics(rng: random.Random, weights: list[float]) -> list[int]:
    first = rng.choices(range(len(weights)), weights)[0]
    second = rng.choices(range(len(weights)), weights)[0]
    return sorted({first, second}) if rng.random() < 0.4 else [first]


# -- the database -------------------------------------------------------------------------------------------


def database_prepare(url: str, *, count: int, sources: int, rebuild: bool, env: dict[str, str]) -> dict:
    """Create, migrate and fill the database unless it already holds this data; report what was done."""
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    if name in ("test", "postgres", ""):
        raise SystemExit(f"refusing to fill the database {name!r}: give the bench its own")
    maintenance = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        kept = None
        if exists and not rebuild:
            with psycopg.connect(url) as db:
                marker = db.execute("SELECT to_regclass(%s)", [MARKER]).fetchone()[0]
                if marker:
                    kept = db.execute(f"SELECT articles, sources, seconds FROM {MARKER}").fetchone()  # noqa: S608
        if kept and kept[:2] == (count, sources):
            started = time.monotonic()
            _migrate(env)
            return {
                "generated": False,
                "generate_seconds": kept[2],
                "migrate_seconds": time.monotonic() - started,
            }
        if exists:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    started = time.monotonic()
    _migrate(env)
    import django

    django.setup()
    generate(url, count, sources)
    seconds = time.monotonic() - started
    with psycopg.connect(url, autocommit=True) as db:
        db.execute(f"CREATE TABLE {MARKER} (articles int, sources int, seconds float)")
        db.execute(f"INSERT INTO {MARKER} VALUES (%s, %s, %s)", [count, sources, seconds])  # noqa: S608
    return {"generated": True, "generate_seconds": seconds, "migrate_seconds": 0.0}


def _migrate(env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "-m", "gazette", "migrate"], cwd=ROOT, env=env, check=True)


def targets_choose(url: str, folder: Path) -> dict[str, Path]:
    """Path lists for wrk: the front page; articles readers open (mostly recent); searches of many kinds."""
    import psycopg

    rng = random.Random(5)
    with psycopg.connect(url) as db:
        top = db.execute("SELECT max(id) FROM articles_article").fetchone()[0]
    recent = [rng.randint(int(top * 0.95), top) for _ in range(1600)]
    anywhere = [rng.randint(1, top) for _ in range(400)]
    articles = [f"/article/{pk}/" for pk in recent + anywhere]
    rng.shuffle(articles)
    words: Counter[str] = Counter(
        w.lower() for s in sentence_pool() for w in re.findall(r"\b[A-Za-z]{4,}\b", s)
    )
    ranked = [w for w, _ in words.most_common()]
    queries = []
    for _ in range(200):
        # A word of any frequency, two words, or a quoted pair: common words match tens of thousands.
        kind = rng.random()
        a = ranked[min(int(rng.paretovariate(0.6)) * 20, len(ranked) - 1)]
        b = rng.choice(ranked[:3000])
        q = a if kind < 0.5 else f"{a} {b}" if kind < 0.85 else f'"{a} {b}"'
        queries.append("/search?" + urllib.parse.urlencode({"q": q}))
    lists = {"front page": ["/"], "article page": articles, "search": queries}
    paths = {}
    for name, items in lists.items():
        paths[name] = folder / f"{name.replace(' ', '-')}.txt"
        paths[name].write_text("\n".join(items) + "\n")
    return paths


# -- serving and measuring ----------------------------------------------------------------------------------

WRK_SCRIPT = """
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("offset", threads * 7919)
end
function init(args)
  paths = {}
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  n = offset or 0
end
function request()
  n = n + 1
  return wrk.format("GET", paths[(n % #paths) + 1])
end
"""


def serve(port: int, env: dict[str, str]) -> subprocess.Popen:
    command = [sys.executable, "-m", "gazette", "web", "--host", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    # `gazette web` migrates and collects (and compresses) the static files before it listens.
    for _ in range(600):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/baseline?bytes=100", timeout=2).read()
            return process
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.5)
    process.kill()
    raise SystemExit(f"gazette web did not start: {process.stderr.read().decode()[-2000:]}")


def wrk(base: str, paths: Path, script: Path, *, duration: int, connections: int) -> dict[str, float]:
    out = subprocess.run(
        ["wrk", "--latency", "--timeout", "60s", "-t", "2", "-c", str(connections), "-d", f"{duration}s"]
        + ["-s", str(script)]
        + [base + "/", "--", str(paths)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    figures = {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "requests": float(re.search(r"(\d+) requests in", out).group(1)),
    }
    for pct in ("50", "99"):
        value, unit = re.search(rf"^\s+{pct}(?:\.000)?%\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
        figures[f"p{pct}"] = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    timeouts = re.search(r"timeout (\d+)", out)
    figures["errors"] = float(errors.group(1) if errors else 0) + float(timeouts.group(1) if timeouts else 0)
    return figures


def page_bytes(base: str, paths: Path) -> int:
    """Mean size of a sample of the pages on the list."""
    items = paths.read_text().split()[:5]
    return int(statistics.mean(len(urllib.request.urlopen(base + p, timeout=120).read()) for p in items))


def measure(args, env: dict[str, str], cache: str, paths: dict[str, Path], folder: Path) -> list[tuple]:
    env = {**env, "GAZETTE_BENCH_CACHE": cache}
    script = folder / "paths.lua"
    script.write_text(WRK_SCRIPT)
    base = f"http://127.0.0.1:{args.port}"
    server = serve(args.port, env)
    rows = []
    try:
        for name, page_paths in paths.items():
            size = page_bytes(base, page_paths)
            baseline = folder / f"baseline-{size}.txt"
            baseline.write_text(f"/bench/baseline?bytes={size}\n")
            baseline_result = None
            for label, target in ((f"{name}, baseline", baseline), (name, page_paths)):
                wrk(base, target, script, duration=max(2, args.duration // 5), connections=args.connections)
                result = wrk(base, target, script, duration=args.duration, connections=args.connections)
                rows.append((cache, label, size, result))
                _print_row(cache, label, size, result, baseline=baseline_result)
                baseline_result = baseline_result or result
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        database_idle(args.database_url)
    return rows


def database_idle(url: str, *, timeout: float = 300) -> None:
    """Wait for the queries a stopped server left running, so they do not slow the next measurement."""
    import psycopg

    name = urllib.parse.urlsplit(url).path.lstrip("/")
    deadline = time.monotonic() + timeout
    with psycopg.connect(url, autocommit=True) as db:
        while time.monotonic() < deadline:
            busy = db.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND state = 'active' "
                "AND pid <> pg_backend_pid()",
                [name],
            ).fetchone()[0]
            if not busy:
                return
            time.sleep(1)


def _print_row(cache: str, label: str, size: int, result: dict, *, baseline: dict | None) -> None:
    if not result["requests"]:
        print(f"{cache:<6}{label:<26}{size:>8}  no request completed", flush=True)
        return
    ratio = ""
    if baseline:
        ratio = f"{result['rps'] / baseline['rps']:>9.2f}× {result['p99'] / baseline['p99']:>7.1f}×"
    print(
        f"{cache:<6}{label:<26}{size:>8}{result['rps']:>9.0f}{result['p50']:>9.1f}{result['p99']:>9.1f}"
        f"{result['errors']:>7.0f}  {ratio}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--sources", type=int, default=1000)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--rebuild", action="store_true", help="generate the data again even if present")
    parser.add_argument("--duration", type=int, default=15, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=2)
    parser.add_argument("--cache", choices=("both", "on", "off"), default="both")
    parser.add_argument("--pages", default="front page,article page,search", help="comma-separated")
    parser.add_argument("--port", type=int, default=8741)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk)")

    folder = Path(tempfile.mkdtemp(prefix="gazette-million-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.web_million_settings",
        "GAZETTE_DATA_DIR": str(folder),
        "DATABASE_URL": args.database_url,
        "GAZETTE_SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789",
        "GAZETTE_DEBUG": "0",
        "PYTHONPATH": str(ROOT),
    }
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    try:
        prepared = database_prepare(
            args.database_url, count=args.articles, sources=args.sources, rebuild=args.rebuild, env=env
        )
        state = "generated now" if prepared["generated"] else "reused"
        print(
            f"data: {args.articles:,} articles, {args.sources:,} sources ({state}); generation took "
            f"{prepared['generate_seconds']:.0f}s; migrations on the kept data {prepared['migrate_seconds']:.1f}s"
        )
        chosen = {name.strip() for name in args.pages.split(",")}
        paths = {k: v for k, v in targets_choose(args.database_url, folder).items() if k in chosen}
        print(
            f"\ngazette web (gunicorn, {env.get('GAZETTE_WEB_WORKERS', '2')} workers × 4 threads), "
            f"wrk -c {args.connections}, {args.duration}s each; ratios are page / its baseline (req/s, p99)\n"
        )
        print(
            f"{'cache':<6}{'page':<26}{'bytes':>8}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>7}  ratios"
        )
        for cache in ("on", "off") if args.cache == "both" else (args.cache,):
            measure(args, env, cache, paths, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
