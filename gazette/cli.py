"""The `gazette` command: one subcommand per job, each with its own --help."""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import zlib
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

Handler = Callable[[argparse.Namespace], int]
# Modules that add their own subcommands: each has register(add) where add(name, handler, help) -> parser.
COMMAND_MODULES: tuple[str, ...] = (
    "gazette.stories.cli_dedupe",
    "gazette.stories.cli_cluster",
    "gazette.ai.cli",
    "gazette.jobs.cli",
)


def _django(*, migrate: bool = True) -> None:
    """Set Django up; the schema is created or upgraded first, so every command works on a new install."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gazette.settings")
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _emit(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    sys.stdout.flush()


class InputTooLarge(OSError):
    """A file (or its gzip content) over the fetcher's size cap: refused, as a response would be."""


def _ingest_config() -> Any:
    """The ingestion settings for a command that runs without the site's (extract, parse-feed): read
    once, when it starts, through the same validation as the site's."""
    from gazette.ingest.config import ingest_config_from_env

    return ingest_config_from_env()


def _read_input(path: str, *, cap: int) -> bytes:
    """A file, `-` for stdin, gunzipped when it is gzip; never more than GAZETTE_MAX_RESPONSE_BYTES,
    so a huge or bomb-like file costs what an oversized response costs the poller: a clear error."""
    stream = sys.stdin.buffer if path == "-" else Path(path).open("rb")  # noqa: SIM115 — closed below
    try:
        data = stream.read(cap + 1)
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()
    if len(data) <= cap and data[:2] == b"\x1f\x8b":
        inflater = zlib.decompressobj(wbits=31)
        try:
            data = inflater.decompress(data, cap + 1)
        except zlib.error as exc:
            raise OSError(f"not valid gzip: {exc}") from None
    if len(data) > cap:
        raise InputTooLarge(f"larger than the {cap:,}-byte cap (GAZETTE_MAX_RESPONSE_BYTES); not read")
    return data


def _progress(total: int, desc: str) -> Any:
    """A tqdm bar on a terminal, nothing otherwise (keeps JSON output and logs clean)."""
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="", disable=not sys.stderr.isatty(), leave=False)


# ---- extract / parse-feed: pure stages, no database ------------------------------------------------


def cmd_extract(args: argparse.Namespace) -> int:
    from gazette.ingest.pipeline import page_process

    cap = _ingest_config().max_response_bytes
    failed = 0
    with _progress(len(args.files), "extract") as bar:
        for path in args.files:
            try:
                doc = page_process(_read_input(path, cap=cap), args.url)
            except OSError as exc:
                failed += 1
                _emit({"path": path, "error": f"cannot read: {exc.strerror or exc}"})
                continue
            _emit(
                {
                    "path": path,
                    "title": doc.title,
                    "author": doc.author,
                    "published": _iso(doc.published),
                    "text": doc.text,
                    "html": doc.html,
                    "image": doc.image,
                    "language": doc.language,
                    "extractor": doc.extractor,
                }
            )
            bar.update()
    return 1 if failed else 0


def _feed_sources(items: list[str]) -> Iterator[tuple[str, bytes | None, str | None, str | None]]:
    """(path, body, content_type, error) for files and URLs; URLs are fetched with the live fetcher."""
    config = _ingest_config()
    urls = [i for i in items if i.startswith(("http://", "https://"))]
    fetched: dict[str, Any] = {}
    if urls:
        import asyncio

        from gazette.ingest.config import FEED_ACCEPT, fetch_options
        from gazette.ingest.fetcher import Fetcher

        async def fetch_all() -> None:
            async with Fetcher(fetch_options(config)) as fetcher:
                for url in urls:
                    fetched[url] = await fetcher.fetch(url, accept=FEED_ACCEPT)

        asyncio.run(fetch_all())
    for item in items:
        if item in fetched:
            result = fetched[item]
            yield item, result.body, result.content_type, result.error
            continue
        try:
            yield item, _read_input(item, cap=config.max_response_bytes), None, None
        except OSError as exc:
            yield item, None, None, f"cannot read: {exc.strerror or exc}"


def cmd_parse_feed(args: argparse.Namespace) -> int:
    from gazette.ingest.feeds import FeedError, parse_feed

    failed = 0
    for path, body, content_type, error in _feed_sources(args.items):
        if error is None:
            try:
                feed = parse_feed(body or b"", path if "://" in path else "", content_type)
            except FeedError as exc:
                error = str(exc)
            except Exception as exc:  # noqa: BLE001 — the contract is one JSON line per input, never a traceback
                error = f"unexpected parser failure: {type(exc).__name__}: {exc}"
        if error is not None:
            failed += 1
            _emit({"path": path, "error": " ".join(str(error).split())})
            continue
        _emit(
            {
                "path": path,
                "title": feed.title,
                "link": feed.link,
                "entries": [
                    {
                        "id": e.id,
                        "url": e.url,
                        "title": e.title,
                        "published": _iso(e.published),
                        "author": e.author,
                        "summary": e.summary,
                    }
                    for e in feed.entries
                ],
            }
        )
    return 1 if failed else 0


# ---- sources ------------------------------------------------------------------------------------------


def cmd_source_add(args: argparse.Namespace) -> int:
    _django()
    from gazette.sources.adding import SourceAddError, source_add

    status = 0
    for url in args.urls:
        try:
            source = source_add(url, name=args.name or "", categories=args.category or [])
        except SourceAddError as exc:
            print(f"error: {exc}", file=sys.stderr)
            status = 1
            continue
        print(f"{source.pk}\t{source.feed_url}\t{source.name}")
    return status


def cmd_source_list(args: argparse.Namespace) -> int:
    _django()
    from gazette.sources.models import Source

    rows = Source.objects.prefetch_related("categories").order_by("id")
    if args.failing:
        rows = rows.filter(consecutive_errors__gt=0)
    if args.json:
        for s in rows:
            _emit(
                {
                    "id": s.pk, "name": s.name, "feed_url": s.feed_url, "health": s.health,
                    "last_status": s.last_status, "consecutive_errors": s.consecutive_errors,
                    "last_error": s.last_error, "last_polled_at": _iso(s.last_polled_at),
                    "next_poll_at": _iso(s.next_poll_at), "articles_per_day": s.articles_per_day,
                    "categories": [c.name for c in s.categories.all()],
                }
            )  # fmt: skip
        return 0
    print(f"{'ID':>4}  {'HEALTH':8} {'STATUS':6} {'ERRS':>4} {'/DAY':>6}  NAME / FEED")
    for s in rows:
        status = str(s.last_status or "-")
        print(f"{s.pk:>4}  {s.health:8} {status:6} {s.consecutive_errors:>4} {s.articles_per_day:>6.1f}  "
              f"{s.name or '(unnamed)'} <{s.feed_url}>")  # fmt: skip
        if s.last_error:
            print(f"{'':>6}error: {s.last_error}")
    return 0


def cmd_source_import_opml(args: argparse.Namespace) -> int:
    _django()
    from django.conf import settings

    from gazette.sources.adding import sources_import_opml

    try:
        report = sources_import_opml(_read_input(args.file, cap=settings.GAZETTE_INGEST.max_response_bytes))
    except (OSError, ValueError) as exc:
        print(f"error: {args.file}: {exc}", file=sys.stderr)
        return 1
    for error in report.errors:
        print(f"skipped: {error}", file=sys.stderr)
    print(f"imported {len(report.added)} new source(s), {report.existing} already present")
    return 0


def cmd_source_export_opml(args: argparse.Namespace) -> int:
    _django()
    from gazette.sources.adding import sources_export_opml

    text = sources_export_opml()
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def cmd_source_add_defaults(args: argparse.Namespace) -> int:
    _django()
    from gazette.sources.adding import DEFAULT_FEEDS, sources_import_opml

    report = sources_import_opml(DEFAULT_FEEDS.read_bytes())
    print(f"added {len(report.added)} default source(s), {report.existing} already present")
    return 0


def cmd_source_remove(args: argparse.Namespace) -> int:
    _django()
    from gazette.sources.models import Source

    deleted, _ = Source.objects.filter(pk__in=args.ids).delete()
    print(f"removed {deleted} row(s)")
    return 0


# ---- running ----------------------------------------------------------------------------------------


def cmd_migrate(args: argparse.Namespace) -> int:
    _django(migrate=False)
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=args.verbosity)
    return 0


def cmd_poll(args: argparse.Namespace) -> int:
    _django()
    from gazette.jobs.engine import jobs_drain
    from gazette.jobs.stages import sources_claim_due

    if args.demo_port is not None:
        from gazette.demo.ingest import demo_start

        demo_start(port=args.demo_port)
    # In this process, no worker needed: claim what is due, then run every job that follows.
    # Each due source once: one left with a backlog is due again at once, but for the next run.
    polled: set[int] = set()
    while claimed := sources_claim_due(exclude=polled):
        polled.update(claimed)
        jobs_drain()
    ran = jobs_drain()
    from gazette.ai.llm import llm_gateway_close
    from gazette.sources.polling import poll_runtime_close

    poll_runtime_close()
    llm_gateway_close()
    print(f"polled {len(polled)} source(s); ran {ran} more job(s)", file=sys.stderr)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from gazette.serve import serve

    return serve(args)


def cmd_web(args: argparse.Namespace) -> int:
    from gazette.serve import web

    return web(args)


def cmd_reextract(args: argparse.Namespace) -> int:
    _django()
    from gazette.articles.reextract import articles_reextract

    count = articles_reextract(source_id=args.source, limit=args.limit, progress=_progress)
    print(f"re-extracted {count} article(s)")
    return 0


def cmd_reenrich(args: argparse.Namespace) -> int:
    _django()
    from gazette.stories.entity_store import entities_rebuild

    counts = entities_rebuild(progress=_progress)
    print(
        f"found the entities of {counts['articles']} article(s) again: {counts['entities']} entities, "
        f"{counts['links']} links; {counts['deleted']} old entity row(s) removed"
    )
    return 0


def cmd_collectstatic(args: argparse.Namespace) -> int:
    _django(migrate=False)
    from django.conf import settings

    from gazette.ops.static import static_collect

    ran = static_collect(static_root=Path(settings.STATIC_ROOT))
    print("collected the static files" if ran else "the static files are collected already", file=sys.stderr)
    return 0


def cmd_manage(args: argparse.Namespace) -> int:
    _django(migrate=False)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["gazette manage", *args.args])
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gazette", description="Gazette: a self-hosted news aggregator. Each command has --help."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, handler: Handler, help: str, parent: Any = sub) -> argparse.ArgumentParser:
        p = parent.add_parser(name, help=help, description=help)
        p.set_defaults(handler=handler)
        return p

    p = add(
        "extract", cmd_extract, "Extract clean text and metadata from HTML files; one JSON line per file."
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="HTML file (.gz accepted; - reads stdin)")
    p.add_argument("--url", help="the pages' URL, to resolve relative links (optional)")

    p = add(
        "parse-feed", cmd_parse_feed, "Parse feed files or URLs; one JSON line per input, never a traceback."
    )
    p.add_argument("items", nargs="+", metavar="FILE_OR_URL")

    src = add("source", lambda a: 2, "Manage sources (feeds).")
    ssub = src.add_subparsers(dest="source_command", required=True, metavar="SUBCOMMAND")
    p = add("add", cmd_source_add, "Add sources by feed URL or by site URL (the feed is discovered).", ssub)
    p.add_argument("urls", nargs="+", metavar="URL")
    p.add_argument("--name", help="display name (default: the feed's title)")
    p.add_argument("--category", action="append", help="category to put the source in (repeatable)")
    p = add("list", cmd_source_list, "List sources with their health and last error.", ssub)
    p.add_argument("--failing", action="store_true", help="only sources whose last poll failed")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p = add("import-opml", cmd_source_import_opml, "Import sources from an OPML file (- for stdin).", ssub)
    p.add_argument("file", metavar="FILE")
    p = add("export-opml", cmd_source_export_opml, "Export all sources as OPML 2.0.", ssub)
    p.add_argument("-o", "--output", help="write to this file instead of stdout")
    add("add-defaults", cmd_source_add_defaults, "Add the default list of public news feeds.", ssub)
    p = add("remove", cmd_source_remove, "Remove sources (and their articles) by id.", ssub)
    p.add_argument("ids", nargs="+", type=int, metavar="ID")

    p = add("poll", cmd_poll, "Poll the sources due now and run everything that follows, here; then exit.")
    p.add_argument("--once", action="store_true", help=argparse.SUPPRESS)  # what it always does now
    p.add_argument(
        "--demo-port", type=int, help="also run the offline demo publishers on this port and follow them"
    )

    p = add("web", cmd_web, "Run the reader site only (the web role).")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    p.add_argument(
        "--workers", type=int, default=None, help="web worker processes (default: GAZETTE_WEB_WORKERS)"
    )

    p = add("serve", cmd_serve, "Run everything in one go: the reader site, the scheduler and a worker.")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    p.add_argument("--demo", action="store_true", help="serve and ingest the bundled offline demo corpus")
    p.add_argument(
        "--demo-port", type=int, default=8765, help="port of the local demo publishers (default 8765)"
    )
    p.add_argument(
        "--workers", type=int, default=None, help="web worker processes (default: GAZETTE_WEB_WORKERS)"
    )
    p.add_argument("--no-poll", action="store_true", help="serve pages only; run no scheduler or worker")

    p = add("reextract", cmd_reextract, "Re-run extraction on stored raw pages (after rules improve).")
    p.add_argument("--source", type=int, help="only this source id")
    p.add_argument("--limit", type=int, help="at most this many articles")

    p = add(
        "reenrich",
        cmd_reenrich,
        "Find every stored article's entities again (after the recogniser or GAZETTE_NER_MODEL changes).",
    )

    p = add("migrate", cmd_migrate, "Create or upgrade the database schema.")
    p.add_argument("-v", "--verbosity", type=int, default=1)

    add(
        "collectstatic",
        cmd_collectstatic,
        "Collect and compress the static files, unless they are already (serve and web do it on start).",
    )

    p = add("manage", cmd_manage, "Run a Django management command (createsuperuser, shell, ...).")
    p.add_argument("args", nargs=argparse.REMAINDER)

    for module in COMMAND_MODULES:
        importlib.import_module(module).register(add)
    return parser


def main(argv: list[str] | None = None) -> int:
    from gazette.conf import ConfigError

    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except ConfigError as exc:
        # A bad setting, found when the settings are read at start-up: the message names the variable.
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
