"""source_poll: fetch a feed, run its new entries through the pipeline, store them, keep source health.

Stage 1 of gazette/jobs/stages.py. Only this module and the store talk to the network and the database;
the stages it calls are pure. Network work runs on one asyncio loop per process, shared by every poll
and page fetch job of the process's worker threads (one HTTP client: connections reused, per-host
limits across them, feeds and article pages alike); database work runs on one thread of its own;
parsing and extraction on a pool of processes. Each source's articles, its new ETag and the jobs that
follow the store are committed in one transaction: a process killed mid-poll re-fetches that feed when
its claim lapses and skips what was stored. A teaser's page is not fetched here but by its own job
(stage 2, articles/pages.py), so a poll lasts as long as its feed takes, whatever its pages take.
"""

from __future__ import annotations

import asyncio
import logging
import math
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any, TypeVar

from django.conf import settings
from django.db import InterfaceError, OperationalError, close_old_connections, connections, transaction
from django.utils import timezone

from gazette.articles.store import articles_store, entries_unseen
from gazette.ingest.config import FEED_ACCEPT, PAGE_ACCEPT, IngestConfig
from gazette.ingest.config import fetch_options as ingest_fetch_options
from gazette.ingest.extract import ExtractOptions
from gazette.ingest.feeds import FeedEntry, FeedError, ParsedFeed, parse_feed
from gazette.ingest.fetcher import Fetcher, FetchOptions, FetchResult
from gazette.ingest.filters import EntryRule, entries_filter
from gazette.ingest.pipeline import (
    ArticleDraft,
    PageUpdate,
    PipelineOptions,
    article_build,
    entry_is_teaser,
    page_apply,
)
from gazette.ingest.robots import RobotsCache
from gazette.ingest.workers import worker_watch
from gazette.jobs.stages import articles_pages_wanted, articles_stored, poll_lease
from gazette.ops.metrics import metrics_fetch_error, metrics_poll_observe
from gazette.sources.activity import source_activity
from gazette.sources.models import FilterRule, PollEvent, Source
from gazette.sources.websub import websub_needs_subscribe, websub_subscribe

log = logging.getLogger(__name__)
T = TypeVar("T")

# A poll stores a feed's new entries in batches of this many, each batch committed on its own, so a
# crash keeps what was stored and a reader sees a long feed fill in.
MAX_NEW_ENTRIES_PER_POLL = 200
# A feed with a backlog (50,000 items) is worked through in one poll, without fetching and parsing it
# again for every batch, until this many seconds have gone; then the poll ends and the source is due
# again at once, behind the sources already waiting, so a backlog never holds a worker for long.
BACKLOG_BUDGET = 60.0


def fetch_options(config: IngestConfig | None = None, **overrides: Any) -> FetchOptions:
    """FetchOptions from the settings (environment)."""
    return ingest_fetch_options(config or settings.GAZETTE_INGEST, **overrides)


def pipeline_options(source: Source) -> PipelineOptions:
    return PipelineOptions(
        extract=ExtractOptions(
            keep_selectors=source.selectors("keep_selectors"),
            drop_selectors=source.selectors("drop_selectors"),
        )
    )


def source_rules(source: Source, global_rules: Sequence[FilterRule]) -> list[EntryRule]:
    rules = list(global_rules) + list(source.rules.all())
    return [EntryRule(r.action, r.field, r.pattern, r.is_regex) for r in rules]


@dataclass
class PollSummary:
    polled: int = 0
    not_modified: int = 0
    failed: int = 0
    new_articles: int = 0
    errors: dict[int, str] = field(default_factory=dict)


@dataclass
class _Outcome:
    source: Source
    result: FetchResult | None = None
    error: str = ""
    new_articles: int = 0


class _Workers:
    """One thread for the database; parsing and extraction on a pool of processes (all cores).

    Extraction is pure Python under the GIL, so threads would share one core; the stages it runs
    are pure functions over plain data, which is what lets them cross a process boundary.
    """

    def __init__(self) -> None:
        self.db_pool = ThreadPoolExecutor(1, thread_name_prefix="gazette-db")
        self.cpu_pool = _cpu_pool()

    async def db(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        def call() -> T:
            close_old_connections()  # a connection broken by a database restart is replaced
            return fn(*args, **kwargs)

        return await asyncio.get_running_loop().run_in_executor(self.db_pool, call)

    async def cpu(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self.cpu_pool, partial(fn, *args, **kwargs))

    def close(self) -> None:
        self.db_pool.submit(connections.close_all).result()
        self.db_pool.shutdown()


_CPU_POOL: Executor | None = None


def _cpu_pool() -> Executor:
    """The process's extraction pool, started once and kept across poll cycles."""
    global _CPU_POOL
    if _CPU_POOL is None:
        workers = settings.GAZETTE_INGEST.extract_processes or os.cpu_count() or 1
        if workers <= 1:
            _CPU_POOL = ThreadPoolExecutor(1, thread_name_prefix="gazette-cpu")
        else:
            # spawn, not fork: this process already runs threads (event loop, database).
            _CPU_POOL = ProcessPoolExecutor(
                workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=worker_watch,
                initargs=(os.getpid(),),
            )
    return _CPU_POOL


def extraction_pool_shutdown() -> None:
    """Stop the extraction processes (a multiprocessing child must, before it exits)."""
    global _CPU_POOL
    if _CPU_POOL is not None:
        _CPU_POOL.shutdown(cancel_futures=True)
        _CPU_POOL = None


def interval_next(source: Source, *, articles_per_day: float) -> int:
    """Adaptive polling: about four polls per expected new article, within the configured bounds."""
    lo, hi = settings.GAZETTE_INGEST.poll_min_interval, settings.GAZETTE_INGEST.poll_max_interval
    if articles_per_day <= 0:
        # Quiet feed: stretch the interval gently rather than jumping to the maximum.
        return int(min(hi, max(lo, source.poll_interval * 1.25)))
    return int(min(hi, max(lo, 86400 / articles_per_day / 4)))


def source_record_success(
    source: Source, *, result: FetchResult, feed: ParsedFeed | None, new: int, now: datetime, event: str = ""
) -> None:
    """Update a source after a good poll (200 or 304): health reset, validators and interval updated."""
    source.last_polled_at = source.last_success_at = now
    source.last_status = result.status
    metrics_poll_observe("not_modified" if result.status == 304 else "ok")
    source.consecutive_errors = 0
    source.last_error = ""
    if result.status != 304:
        source.etag = (result.etag or "")[:500]
        source.last_modified = (result.last_modified or "")[:100]
    if feed is not None:
        source.fill_from_feed(feed)
    if new:
        source.articles_per_day = source_activity(source=source, now=now).per_day
    source.poll_interval = interval_next(source, articles_per_day=source.articles_per_day if new else 0)
    source.next_poll_at = now + timedelta(seconds=source.poll_interval)
    source.claimed_at = None
    if new or event:
        PollEvent.objects.create(source=source, at=now, status=result.status, new_articles=new, error=event)


def source_record_error(source: Source, *, error: str, status: int | None, now: datetime) -> None:
    """A failed poll: keep what is stored, count the error, back off exponentially (capped)."""
    source.last_polled_at = now
    source.last_status = status
    metrics_poll_observe("error")
    source.consecutive_errors += 1
    source.last_error = error
    source.next_poll_at = now + source.backoff_delay(settings.GAZETTE_INGEST.max_backoff)
    source.claimed_at = None
    PollEvent.objects.create(source=source, at=now, status=status, error=error)
    log.warning("poll: %s failed (%d in a row): %s", source.feed_url, source.consecutive_errors, error)


_STATE_FIELDS = [
    "last_polled_at", "last_success_at", "last_status", "consecutive_errors", "last_error",
    "next_poll_at", "poll_interval", "claimed_at",
]  # fmt: skip


class _Poller:
    def __init__(self, fetcher: Fetcher, workers: _Workers, *, flush_at: int) -> None:
        self.fetcher = fetcher
        self.workers = workers
        self.global_rules: list[FilterRule] = []
        self.rules_read_at = -math.inf
        self.robots = RobotsCache()
        self.not_modified: list[Source] = []
        self.flush_at = flush_at  # 304s written together once this many have come in

    async def rules_load(self, *, max_age: float = 0.0) -> None:
        """The operator's rules for every source, read afresh (they change in the admin) unless the
        copy in hand is younger than `max_age` seconds."""
        if time.monotonic() - self.rules_read_at < max_age:
            return
        self.global_rules = await self.workers.db(
            lambda: list(FilterRule.objects.filter(source__isnull=True))
        )
        self.rules_read_at = time.monotonic()

    async def poll_saved(self, source: Source) -> _Outcome:
        """Poll one source and write what the poll changed on it. A bug in one source's processing is
        recorded on that source, never stalls the others."""
        try:
            outcome = await self.poll(source)
        except (OperationalError, InterfaceError):
            # The database went away (a restart), which is no fault of the source: nothing is recorded
            # on it and it is not backed off; its claim lapses and it is polled again.
            log.warning(
                "poll: %s: the database is unreachable; polled again when its claim lapses", source.feed_url
            )
            raise
        except Exception as exc:  # noqa: BLE001 — the error is recorded on the source for the operator
            log.exception("poll: %s crashed", source.feed_url)
            error = f"internal error: {type(exc).__name__}: {exc}"[:1000]
            await self.workers.db(source_record_error, source, error=error, status=None, now=timezone.now())
            outcome = _Outcome(source, error=error)
        if outcome.error:
            await self.workers.db(_save_state, [source], [*_STATE_FIELDS, "etag", "last_modified"])
        elif len(self.not_modified) >= self.flush_at:
            await self.flush()
        return outcome

    async def flush(self) -> None:
        """Write the 304s that have come in."""
        if self.not_modified:
            await self.workers.db(_save_not_modified, self.take_not_modified())

    async def poll(self, source: Source) -> _Outcome:
        now = timezone.now()
        result = await self.fetcher.fetch(
            source.feed_url, etag=source.etag or None, last_modified=source.last_modified or None,
            accept=FEED_ACCEPT,
        )  # fmt: skip
        if result.not_modified:
            source_record_success(source, result=result, feed=None, new=0, now=now)
            self.not_modified.append(source)  # written in one batch at the end
            return _Outcome(source, result)
        if result.error or not result.body:
            error = result.error or "empty response body"
            metrics_fetch_error(error)
            await self.workers.db(source_record_error, source, error=error, status=result.status, now=now)
            return _Outcome(source, result, error=error)
        try:
            feed = await self.workers.cpu(
                parse_feed, result.body, result.final_url or source.feed_url, result.content_type
            )
        except FeedError as exc:
            error = f"feed: {exc}"
            await self.workers.db(source_record_error, source, error=error, status=result.status, now=now)
            return _Outcome(source, result, error=error)

        base = result.final_url or source.feed_url
        fresh = await self.workers.db(self._fresh, source, feed, base)
        options = pipeline_options(source)
        deadline = time.monotonic() + BACKLOG_BUDGET
        created: list[int] = []
        for start in range(0, max(len(fresh), 1), MAX_NEW_ENTRIES_PER_POLL):
            batch = fresh[start : start + MAX_NEW_ENTRIES_PER_POLL]
            drafts = await self._drafts(batch, base, options, source_url=source.feed_url)
            more = start + MAX_NEW_ENTRIES_PER_POLL < len(fresh)
            stop = more and time.monotonic() >= deadline
            state = "backlog" if stop else "working" if more else "done"
            created += await self.workers.db(self._commit, source, result, feed, drafts, now, state)
            if stop:
                break
        if websub_needs_subscribe(source, now):
            websub_error = await websub_subscribe(source, self.fetcher)
            await self.workers.db(_websub_record, source, websub_error, now)
        return _Outcome(source, result, new_articles=len(created))

    def _fresh(self, source: Source, feed: ParsedFeed, base: str) -> list[FeedEntry]:
        entries = entries_filter(feed.entries, source_rules(source, self.global_rules))
        return entries_unseen(source=source, entries=entries, feed_url=base)

    async def _drafts(
        self, entries: list[FeedEntry], base: str, options: PipelineOptions, *, source_url: str
    ) -> list[ArticleDraft]:
        async def one(entry: FeedEntry) -> ArticleDraft:
            draft = await self.workers.cpu(
                article_build, entry, feed_url=base, source_url=source_url, options=options
            )
            # A teaser is stored with the feed's text now; its page is the fetch stage's.
            draft.page_pending = bool(
                entry.url and settings.GAZETTE_INGEST.fetch_article_pages and entry_is_teaser(entry, options)
            )
            return draft

        return list(await asyncio.gather(*(one(e) for e in entries)))

    async def page_get(self, url: str) -> tuple[FetchResult | None, str]:
        """An article page, or None and why not (robots.txt, an HTTP or network error)."""
        if settings.GAZETTE_INGEST.respect_robots and not await self.robots.allowed(
            self.fetcher, url, settings.GAZETTE_INGEST.user_agent
        ):
            return None, f"{url}: disallowed by robots.txt"
        page = await self.fetcher.fetch(url, accept=PAGE_ACCEPT)
        if page.error or not page.body:
            metrics_fetch_error(page.error or "empty page")
            return page, f"{url}: {page.error or 'empty page'}"
        return page, ""

    @staticmethod
    def _commit(
        source: Source,
        result: FetchResult,
        feed: ParsedFeed,
        drafts: list[ArticleDraft],
        now: datetime,
        state: str = "done",
    ) -> list[int]:
        """Store a batch of the poll's articles with their jobs and the source's state. `state` says
        what is left: "done"; "working" (this poll goes on with more batches: the source stays
        claimed and keeps no validator, so a crash before the end is a full poll later); "backlog"
        (the poll stops with entries left: due again at once, no validator to hide them)."""
        note = f"feed parsed despite: {feed.bozo}" if feed.bozo else ""
        with transaction.atomic():
            created = articles_store(source=source, drafts=drafts)
            articles_stored([a.pk for a in created if not a.page_pending])
            articles_pages_wanted([a.pk for a in created if a.page_pending])
            interval = source.poll_interval
            source_record_success(source, result=result, feed=feed, new=len(created), now=now, event=note)
            if state == "working":
                source.poll_interval = interval  # set once, by the poll's last batch
            if state != "done":
                # Entries are left over: forget the validators (a 304 would hide them).
                source.etag = source.last_modified = ""
                source.next_poll_at = now
            if state == "working":
                source.next_poll_at, source.claimed_at = now + poll_lease(), now
            source.save()
        if created:
            log.info("poll: %s: %d new article(s)", source.feed_url, len(created))
        return [a.pk for a in created]

    def take_not_modified(self) -> list[Source]:
        """Hand the batch over (on the loop thread) so later 304s start a new one."""
        batch, self.not_modified = self.not_modified, []
        return batch


def _websub_record(source: Source, error: str | None, now: datetime) -> None:
    # Remember the secret even when the hub said no: a late verification must still match it.
    source.save(update_fields=["websub_secret"])
    if error:
        PollEvent.objects.create(source=source, at=now, status=None, error=error)


def _save_not_modified(sources: list[Source]) -> None:
    """304s change every row the same way but for the interval: one UPDATE per distinct interval."""
    by_interval: dict[int, list[int]] = {}
    for source in sources:
        by_interval.setdefault(source.poll_interval, []).append(source.pk)
    now = timezone.now()
    with transaction.atomic():
        for interval, ids in by_interval.items():
            for start in range(0, len(ids), 900):  # stay under SQLite's bound-parameter limit
                Source.objects.filter(pk__in=ids[start : start + 900]).update(
                    last_polled_at=now, last_success_at=now, last_status=304, consecutive_errors=0,
                    last_error="", poll_interval=interval, next_poll_at=now + timedelta(seconds=interval), claimed_at=None,
                )  # fmt: skip


def _save_state(sources: list[Source], fields: list[str]) -> None:
    if sources:
        with transaction.atomic():
            Source.objects.bulk_update(sources, fields, batch_size=500)


async def _poll_all(
    sources: list[Source], options: FetchOptions, progress: Callable[[], None] | None
) -> PollSummary:
    workers = _Workers()
    summary = PollSummary()
    try:
        async with Fetcher(options) as fetcher:
            poller = _Poller(fetcher, workers, flush_at=1000)
            await poller.rules_load()
            for coro in asyncio.as_completed([poller.poll_saved(s) for s in sources]):
                try:
                    outcome = await coro
                except (OperationalError, InterfaceError):  # logged by poll_saved; still due
                    summary.polled += 1
                    summary.failed += 1
                    continue
                summary.polled += 1
                if outcome.error:
                    summary.failed += 1
                    summary.errors[outcome.source.pk] = outcome.error
                elif outcome.result is not None and outcome.result.not_modified:
                    summary.not_modified += 1
                summary.new_articles += outcome.new_articles
                if progress:
                    progress()
            await poller.flush()
    finally:
        workers.close()
    return summary


def sources_poll(
    sources: Sequence[Source],
    *,
    options: FetchOptions | None = None,
    progress: Callable[[], None] | None = None,
) -> PollSummary:
    """Poll the given sources once, concurrently."""
    sources = list(sources)
    if not sources:
        return PollSummary()
    close_old_connections()
    started = time.monotonic()
    summary = asyncio.run(_poll_all(sources, options or fetch_options(), progress))
    log.info(
        "poll: %d source(s) in %.1fs: %d not modified, %d failed, %d new article(s)",
        summary.polled, time.monotonic() - started,
        summary.not_modified, summary.failed, summary.new_articles,
    )  # fmt: skip
    return summary


def poll_due(*, limit: int | None = None, options: FetchOptions | None = None, **kwargs: Any) -> PollSummary:
    """Poll every source whose next poll time has come."""
    due = Source.objects.due().prefetch_related("rules")
    return sources_poll(list(due[:limit] if limit else due), options=options, **kwargs)


def seconds_until_next_due() -> float:
    nxt = Source.objects.active().order_by("next_poll_at").values_list("next_poll_at", flat=True).first()
    if nxt is None:
        return math.inf
    return max(0.0, (nxt - timezone.now()).total_seconds())


# A process's poll jobs share the operator's global rules for this long: a rule edited in the admin
# applies to polls starting at most this many seconds later, and a 304 job reads one table less.
RULES_MAX_AGE = 10.0


class PollRuntime:
    """The process's poll machinery, shared by the poll and page fetch jobs of all its worker threads:
    one event loop on a thread of its own, one HTTP client (so per-host concurrency and delay hold
    across the process's polls and page fetches, and connections are reused), one database thread,
    the extraction processes."""

    def __init__(self, options: FetchOptions | None = None) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="gazette-poll-loop", daemon=True)
        self.thread.start()
        self.workers = _Workers()
        self.fetcher = Fetcher(options or fetch_options())
        self._run(self.fetcher.__aenter__())
        self.poller = _Poller(self.fetcher, self.workers, flush_at=1)
        self.inflight: set[int] = set()
        self._lock = threading.Lock()

    def _run(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result()

    def page_fetch(self, link: str) -> tuple[FetchResult | None, str]:
        """An article page through the process's client (robots.txt first), or None and why not;
        from the calling thread."""
        return self._run(self.poller.page_get(link))

    def page_extract(self, page: FetchResult, **apply: Any) -> PageUpdate:
        """pipeline.page_apply over a fetched page in the extraction processes (`apply`: its
        arguments but the page's); from the calling thread."""
        return self._run(self.workers.cpu(page_apply, page_html=page.body, page_url=page.final_url, **apply))

    def poll(self, source: Source) -> _Outcome:
        """Poll one source from the calling thread; returns when its outcome is stored."""
        with self._lock:
            self.inflight.add(source.pk)
        try:
            return self._run(self._one(source))
        finally:
            with self._lock:
                self.inflight.discard(source.pk)

    async def _one(self, source: Source) -> _Outcome:
        await self.poller.rules_load(max_age=RULES_MAX_AGE)
        return await self.poller.poll_saved(source)

    def close(self) -> None:
        """Stop; a source whose poll was cut short is due again at once (never backed off for it)."""
        with self._lock:
            cut_short = list(self.inflight)
        if cut_short:
            self.workers.db_pool.submit(
                lambda: Source.objects.filter(pk__in=cut_short).update(
                    next_poll_at=timezone.now(), claimed_at=None
                )
            ).result()
        try:
            self._run(self.fetcher.__aexit__(None, None, None))
        finally:
            self.workers.close()
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(timeout=5)


_RUNTIME: PollRuntime | None = None
_RUNTIME_LOCK = threading.Lock()


def poll_runtime() -> PollRuntime:
    """The process's shared runtime, started on first use (poll and page fetch jobs)."""
    global _RUNTIME
    with _RUNTIME_LOCK:
        if _RUNTIME is None:
            _RUNTIME = PollRuntime()
        return _RUNTIME


def source_poll(source_id: int) -> _Outcome | None:
    """Poll one source now through the process's shared runtime (the poll job's body)."""
    source = Source.objects.active().prefetch_related("rules").filter(pk=source_id).first()
    if source is None:  # switched off since it was claimed
        Source.objects.filter(pk=source_id).update(claimed_at=None)
        return None
    outcome = poll_runtime().poll(source)
    if outcome.error:
        log.info("poll: %s: %s", source.feed_url, outcome.error)
    return outcome


def poll_runtime_close() -> None:
    """Stop the shared runtime and the extraction processes (a worker process that is stopping)."""
    global _RUNTIME
    with _RUNTIME_LOCK:
        runtime, _RUNTIME = _RUNTIME, None
    if runtime is not None:
        runtime.close()
    extraction_pool_shutdown()
