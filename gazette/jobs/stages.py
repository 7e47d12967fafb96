"""The durable stages of Gazette, in order: what happens to a feed and to an article, on which queue,
and what survives a crash.

    stage      queue    job                      done when (the row says so)           queued by
    1 poll     poll     source_poll_job(id)      Source.next_poll_at moved past now     the scheduler's claim
    2 fetch    fetch    article_fetch_job(id)    Article.page_pending false             the poll's commit
    3 enrich   enrich   articles_enrich_job(ids) Article.enriched_at set                the fetch's commit *
    4 stories  stories  stories_assign_job()     Article.clustered_at set               enrich's commit **
    5 summary  ai       article_summary_job(id)  an ArticleSummary row exists           the fetch's commit *
    6 digest   ai       story_digest_job(id)     StoryDigest newer than its story       stories' commit
    7 mail     poll     reader_digests_job()     ReaderSettings.digest_sent_on today    the scheduler ***

    * the poll's commit for an article whose feed carries its full text: it has no page to fetch.
    ** a batch's notifications to the followers of its stories are written in the batch's transaction.
    *** every few minutes from GAZETTE_DIGEST_HOUR while a reader's daily e-mail digest waits.

Stage 1 runs the pure pipeline of gazette/ingest/pipeline.py over the feed (parse → filter →
canonical URL → skip what is stored) and stores each source's new articles and its new ETag in one
transaction, a teaser's with the feed's text and `page_pending` set. A poll never waits for an
article page: the articles are on the site when the poll ends. Stage 2 fetches one article's page
(a slot on its host for the deployment, robots.txt, the process's per-host limits), extracts, cleans
and sanitises it (pipeline.page_apply), and updates the row.

Invariants:
1. A job is queued in the transaction that stores what it works on (the queue is a table of the same
   database, see storage.py): the articles and their fetch jobs (or, with full text, their enrich and
   summary jobs) commit together or not at all; so do a page's text and its article's enrich and
   summary jobs, a batch of stories, its digest jobs and its followers' notifications, and a
   claimed source and its poll job.
2. Every job is idempotent: it first reads the column that says whether its work is done, so a job
   run twice (a retry, a sweep, two workers) changes nothing the second time. The fetch stage claims
   its row with a conditional UPDATE (page_pending true → false), so two workers never both store it.
3. A worker killed mid-job loses that job's message (Huey runs a task at most once), never the work:
   `work_sweep` queues again every stage a row has not finished after `SWEEP_AFTER`, and a source
   claimed by a dead worker is due again when its claim lapses (`poll_lease`).
4. Story assignment is serial and its state is saved with each batch (stories/engine.py); every
   other stage runs on any number of workers, on any machine.
5. A failure is retried with back-off (engine.RETRIES); after the last try it is kept as a JobFailure,
   and the row stays unfinished, so the next sweep tries it again. The fetch stage is the exception,
   for pages only: a page that cannot be read (a 404 at once; a timeout or a 5xx after the last try)
   leaves the article with its feed's text and the error on the row (Article.page_error, a PollEvent
   of its source), and the article goes on to enrichment, so a dead link never holds it back.
6. Enrichment and summaries never see a teaser whose page is to come (page_pending), so nothing is
   computed twice from two texts; the sweep leaves such rows to the fetch stage.
7. A host sees the per-host limits from the whole deployment, not from each process: a page fetch
   claims one of its host's GAZETTE_PER_HOST_CONCURRENCY slots, GAZETTE_HOST_DELAY after the host's
   last start, in the database (sources/hosts.py) before its request, and gives it back after it,
   however it ends; a live worker renews its slots while their requests run, so a slot whose worker
   was killed lapses within GAZETTE_HOST_LEASE. A fetch that finds its host full, or within its
   delay, goes back to its queue for a moment without counting as a try (a RetryTask), so it never
   holds a worker thread and other hosts' pages go ahead of it.
   Feed polls are held to GAZETTE_POLLS_PER_HOST per host by the scheduler's claims (stage 1).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Collection
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from huey.api import Task
from huey.exceptions import RetryTask

from gazette.articles.models import Article
from gazette.jobs.engine import job, queue_get
from gazette.jobs.models import JobFailure
from gazette.sources.models import Source, feed_host

log = logging.getLogger(__name__)

# Digests wait a little so that a story's burst of arrivals makes one digest, not ten.
DIGEST_DELAY = timedelta(seconds=30)
SWEEP_BATCH = 500
# How many due rows a claim reads for each source it may claim (see sources_claim_due).
CLAIM_WINDOW = 4
# The shortest a fetch handed back for a busy host waits (a host within its last milliseconds of delay).
HOST_WAIT_MIN = 0.1


def poll_lease() -> timedelta:
    """How long a claimed source waits for its poll before it is due again (its worker died)."""
    return timedelta(seconds=settings.GAZETTE_JOBS.poll_lease)


def sweep_after() -> timedelta:
    """How long a row may sit in an unfinished stage before the sweep queues it again."""
    return timedelta(seconds=settings.GAZETTE_JOBS.sweep_after)


# -- 1. poll ---------------------------------------------------------------------------------------


def sources_claim_due(*, limit: int = 500, exclude: Collection[int] = frozenset()) -> list[int]:
    """Claim due sources (their next poll moves a lease ahead) and queue a poll job for each, in one
    transaction. A host whose polls already number GAZETTE_POLLS_PER_HOST waits: politeness holds
    across every worker because the one acting scheduler counts the polls it handed out and has not
    seen finish. On PostgreSQL, rows another scheduler is claiming are skipped, never waited for."""
    now = timezone.now()
    per_host = settings.GAZETTE_INGEST.polls_per_host
    with transaction.atomic():
        busy = Counter(
            feed_host(url)
            for url in Source.objects.claimed(now - poll_lease()).values_list("feed_url", flat=True)
        )
        picked: list[int] = []
        # Read a window of due rows wider than the claim, so one crowded host cannot hide the rest.
        for pk, url in Source.objects.due(now).values_list("pk", "feed_url")[: limit * CLAIM_WINDOW]:
            host = feed_host(url)
            if pk not in exclude and busy[host] < per_host:
                busy[host] += 1
                picked.append(pk)
                if len(picked) >= limit:
                    break
        if not picked:
            return []
        rows = Source.objects.due(now).filter(pk__in=picked)
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True)
        ids = list(rows.values_list("pk", flat=True))
        if ids:
            Source.objects.filter(pk__in=ids).update(next_poll_at=now + poll_lease(), claimed_at=now)
            for pk in ids:
                source_poll_job(pk)
    return ids


@job("poll", retries=0)  # a failed poll is recorded on the source and backed off there
def source_poll_job(source_id: int) -> None:
    """Poll one source; its new articles are stored with their enrich and summary jobs."""
    from gazette.sources.polling import source_poll

    source_poll(source_id)


def articles_stored(article_ids: list[int]) -> None:
    """Queue what follows an article's final text: its store from a full-text feed, its page's fetch,
    or a re-extraction that changed it; called inside the transaction that stored the text."""
    if not article_ids:
        return
    articles_enrich_job(article_ids)
    for article_id in article_ids:
        article_summary_job(article_id)


# -- 2. fetch ---------------------------------------------------------------------------------------


def articles_pages_wanted(article_ids: list[int]) -> None:
    """Queue the page fetch of articles stored with their feed's text; called inside the transaction
    that stored them."""
    for article_id in article_ids:
        article_fetch_job(article_id)


@job("fetch", context=True)
def article_fetch_job(article_id: int, task: Task | None = None) -> None:
    """Fetch and extract one article's page; enrich and summary are queued with the page's text."""
    from gazette.articles.pages import article_page_fetch
    from gazette.sources.hosts import HostBusy

    # Huey counts retries down: none left means this is the last try (run here and now: the only one).
    try:
        article_page_fetch(article_id=article_id, last_try=task is None or not task.retries)
    except HostBusy as busy:
        # Nothing was sent: back to the queue for a moment, its tries untouched (Huey adds one
        # back for a RetryTask), behind the other hosts' pages waiting there.
        raise RetryTask(str(busy), delay=max(busy.wait, HOST_WAIT_MIN)) from None


# -- 3. enrich -------------------------------------------------------------------------------------


@job("enrich")
def articles_enrich_job(article_ids: list[int]) -> None:
    """Topics, entities and embeddings; then the story stage is queued with the enriched rows."""
    from gazette.stories.enrich import articles_enrich

    for start in range(0, len(article_ids), 64):
        articles_enrich(article_ids[start : start + 64], queue_next=lambda ids: stories_assign_job())


# -- 4. stories ------------------------------------------------------------------------------------


@job("stories")
def stories_assign_job() -> None:
    """Copies, stories and related articles for every enriched, unassigned article, in arrival order."""
    from gazette.stories.engine import stories_assign

    _, stories = stories_assign(queue_next=stories_changed)
    if stories:
        log.info("stories: %d story(ies) changed", len(stories))


def stories_changed(story_ids: list[int], article_ids: list[int]) -> None:
    """Queue the digests of changed stories and tell their followers what joined them; called inside
    the transaction that wrote the batch, so a batch is counted once however often its job runs."""
    from gazette.accounts.notifications import story_followers_notify

    for story_id in story_ids:
        story_digest_job.schedule(args=(story_id,), delay=DIGEST_DELAY.total_seconds())
    story_followers_notify(article_ids=article_ids)


# -- 5, 6. summaries and digests -------------------------------------------------------------------


@job("ai")
def article_summary_job(article_id: int) -> None:
    from gazette.ai.jobs import article_summarize

    article_summarize(article_id)


@job("ai")
def story_digest_job(story_id: int) -> None:
    from gazette.ai.jobs import story_digest

    story_digest(story_id)


# -- 7. the readers' daily e-mail digests -------------------------------------------------------------


def reader_digests_queue_due() -> bool:
    """Queue the digest job when some reader's digest of today is waiting; the scheduler calls it."""
    from gazette.accounts.daily_digest import digests_due

    if digests_due():
        reader_digests_job()
        return True
    return False


# On the poll queue: like polls it waits on another server (SMTP), and every deployment runs that queue.
@job("poll", retries=0)  # a refused mail gives its reader's day back; the next check queues it again
def reader_digests_job() -> None:
    """Send today's daily digests; each reader's row is claimed for the day first, so never twice."""
    from gazette.accounts.daily_digest import digests_send

    digests_send()


# -- recovery ----------------------------------------------------------------------------------------


def work_sweep(*, older_than: timedelta | None = None) -> dict[str, int]:
    """Queue again every stage that rows have left unfinished for longer than `older_than` (a job lost
    with a killed worker, a job that failed for good). A stage whose queue still holds jobs is left
    alone: those jobs will reach the rows, and queuing more would only repeat them."""
    from gazette.ai.models import ArticleSummary
    from gazette.stories.models import Story

    cutoff = timezone.now() - (sweep_after() if older_than is None else older_than)
    queued = {"fetch": 0, "enrich": 0, "stories": 0, "summary": 0, "digest": 0}
    fetch = queue_get("fetch")
    # A fetch waiting out its back-off is a scheduled task: the sweep does not hurry it.
    if not fetch.pending_count() and not fetch.scheduled_count():
        ids = list(
            Article.objects.filter(page_pending=True, fetched_at__lte=cutoff)
            .order_by("id")
            .values_list("pk", flat=True)[:SWEEP_BATCH]
        )
        articles_pages_wanted(ids)
        queued["fetch"] = len(ids)
    if not queue_get("enrich").pending_count():
        ids = list(
            Article.objects.filter(enriched_at__isnull=True, page_pending=False, fetched_at__lte=cutoff)
            .order_by("id")
            .values_list("pk", flat=True)[:SWEEP_BATCH]
        )
        if ids:
            articles_enrich_job(ids)
            queued["enrich"] = len(ids)
    if not queue_get("stories").pending_count():
        waiting = Article.objects.filter(
            enriched_at__isnull=False, clustered_at__isnull=True, enriched_at__lte=cutoff
        )
        if waiting.exists():
            stories_assign_job()
            queued["stories"] = 1
    ai = queue_get("ai")
    if not ai.pending_count() and not ai.scheduled_count():
        summarised = ArticleSummary.objects.values("article_id")
        ids = list(
            Article.objects.filter(fetched_at__lte=cutoff, page_pending=False)
            .exclude(content_text="")
            .exclude(pk__in=summarised)
            .order_by("id")
            .values_list("pk", flat=True)[:SWEEP_BATCH]
        )
        for article_id in ids:
            article_summary_job(article_id)
        queued["summary"] = len(ids)
        stale = (
            Story.objects.filter(merged_into__isnull=True, source_count__gte=2, updated_at__lte=cutoff)
            .filter(Q(digest__isnull=True) | Q(digest__created_at__lt=F("updated_at")))
            .values_list("pk", flat=True)[:SWEEP_BATCH]
        )
        for story_id in stale:
            story_digest_job(story_id)
            queued["digest"] += 1
    if any(queued.values()):
        log.info("sweep: queued again %s", ", ".join(f"{k} {v}" for k, v in queued.items() if v))
    return queued


def failures_prune(*, older_than: timedelta = timedelta(days=30)) -> int:
    """Forget failures the operator has had a month to see."""
    deleted, _ = JobFailure.objects.filter(failed_at__lt=timezone.now() - older_than).delete()
    return deleted
