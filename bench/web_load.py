"""Load test of the reader site: front page and article page against a database-free baseline page.

    python bench/web_load.py [--articles 100000] [--duration 10] [--connections 32]

Seeds a throwaway SQLite database, serves it with gunicorn (2 sync workers on 127.0.0.1), and runs wrk
against the front page, an article page and, as the baseline, a Django template page of the same size that
touches no database, served by the same settings and middleware. Needs `wrk` (apt-get install wrk).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE_BYTES_ENV = "GAZETTE_BENCH_BASELINE_BYTES"

WORDS = " ".join(
    [
        "harbour bridge council vote election minister budget storm flood earthquake rescue market shares",
        "bank inflation energy grid solar wind climate summit court ruling strike union hospital vaccine",
        "school teachers police report river port airport railway festival film award match final cup",
        "league transfer coach telescope mission launch satellite museum library artist novel privacy law",
        "data breach startup funding",
    ]
).split()


# -- the baseline page, imported by gunicorn as bench.web_load:baseline_app ---------------------------------


def _baseline_view(request):
    from django.http import HttpResponse
    from django.template import Context, Template

    size = int(os.environ.get(BASELINE_BYTES_ENV, "20000"))
    template = Template(
        "<!doctype html><title>{{ title }}</title>{% for p in paragraphs %}<p>{{ p }}</p>{% endfor %}"
    )
    paragraph = " ".join(WORDS)[:400]
    html = template.render(Context({"title": "Baseline", "paragraphs": [paragraph] * (size // 410 + 1)}))
    return HttpResponse(html)


def _urlpatterns():
    from django.urls import path

    return [path("", _baseline_view)]


def __getattr__(name: str):
    # Django reads `urlpatterns` from this module when it is the baseline's ROOT_URLCONF.
    if name == "urlpatterns":
        return _urlpatterns()
    if name == "baseline_app":
        from django.conf import settings
        from django.core.wsgi import get_wsgi_application

        settings.ROOT_URLCONF = "bench.web_load"
        return get_wsgi_application()
    raise AttributeError(name)


# -- the run ------------------------------------------------------------------------------------------------


def seed(count: int) -> int:
    """Create sources and `count` articles; return the id of an article to request."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from gazette.articles.models import Article
    from gazette.sources.models import Category, Source

    call_command("migrate", verbosity=0)
    rng = random.Random(42)
    categories = [Category.objects.create(name=n, slug=n.lower()) for n in ("World", "Business", "Science")]
    sources = []
    for i in range(40):
        source = Source.objects.create(name=f"Publisher {i}", feed_url=f"https://p{i}.example/feed")
        source.categories.add(categories[i % 3])
        sources.append(source)
    now = timezone.now()
    batch: list[Article] = []
    started = time.monotonic()
    for n in range(count):
        title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 11))).capitalize()
        paragraphs = [" ".join(rng.choice(WORDS) for _ in range(60)) for _ in range(5)]
        batch.append(
            Article(
                source=sources[n % len(sources)],
                guid=f"g{n}",
                url=f"https://p{n % 40}.example/a/{n}",
                canonical_url=f"https://p{n % 40}.example/a/{n}",
                title=title,
                summary=f"<p>{paragraphs[0][:200]}</p>",
                content_html="".join(f"<p>{p}</p>" for p in paragraphs),
                content_text="\n\n".join(paragraphs),
                published_at=now - timedelta(minutes=n * 30 * 24 * 60 / max(count, 1)),
                word_count=300,
            )
        )
        if len(batch) == 2000:
            Article.objects.bulk_create(batch)
            batch.clear()
            print(f"seed: {n + 1}/{count} articles, {time.monotonic() - started:.0f}s", end="\r", flush=True)
    Article.objects.bulk_create(batch)
    print(f"seed: {count} articles in {time.monotonic() - started:.0f}s" + " " * 20)
    return Article.objects.order_by("-published_at").values_list("id", flat=True)[count // 100]


def serve(app: str, port: int, env: dict[str, str], workers: int) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        app,
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2).read()
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"gunicorn {app} did not start: {process.stderr.read().decode()[-2000:]}")


def wrk(url: str, *, duration: int, connections: int) -> dict[str, float]:
    out = subprocess.run(
        ["wrk", "--latency", "-t", "2", "-c", str(connections), "-d", f"{duration}s", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    figures = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))}
    for pct in ("50", "99"):
        value, unit = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
        figures[f"p{pct}"] = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    figures["errors"] = float(errors.group(1)) if errors else 0.0
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8731)
    parser.add_argument("--keep", action="store_true", help="keep the database folder")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk)")

    folder = Path(tempfile.mkdtemp(prefix="gazette-bench-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "gazette.settings",
        "GAZETTE_DATA_DIR": str(folder),
        "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
        "GAZETTE_SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789",
        "GAZETTE_DEBUG": "0",
        "PYTHONPATH": str(ROOT),
    }
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    article_id = seed(args.articles)
    subprocess.run(
        [sys.executable, "-m", "django", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )

    servers = []
    try:
        servers.append(serve("gazette.wsgi:application", args.port, env, args.workers))
        base = f"http://127.0.0.1:{args.port}"
        article_bytes = len(urllib.request.urlopen(f"{base}/article/{article_id}/").read())
        env[BASELINE_BYTES_ENV] = str(article_bytes)
        servers.append(serve("bench.web_load:baseline_app", args.port + 1, env, args.workers))
        targets = {
            "baseline (no database)": f"http://127.0.0.1:{args.port + 1}/",
            "front page": f"{base}/",
            "article page": f"{base}/article/{article_id}/",
        }
        print(
            f"\n{args.articles} articles, {args.workers} gunicorn workers, wrk -c {args.connections}, "
            f"{args.duration}s each; article page {article_bytes} bytes\n"
        )
        print(f"{'page':<24}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'vs baseline':>14}{'errors':>8}")
        baseline = None
        for name, url in targets.items():
            result = wrk(url, duration=args.duration, connections=args.connections)
            baseline = baseline or result["rps"]
            print(
                f"{name:<24}{result['rps']:>10.0f}{result['p50']:>10.1f}{result['p99']:>10.1f}"
                f"{result['rps'] / baseline:>13.0%}{result['errors']:>8.0f}"
            )
    finally:
        for process in servers:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=10)
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
        else:
            print(f"database kept in {folder}")


if __name__ == "__main__":
    main()
