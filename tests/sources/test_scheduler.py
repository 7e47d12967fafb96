"""The scheduler and worker roles: claims, one acting scheduler, a clean stop."""

from __future__ import annotations

import dataclasses
import threading
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from gazette.ingest.fetcher import FetchResult
from gazette.jobs.models import QueuedTask
from gazette.jobs.roles import SchedulerLock, scheduler_run, worker_run
from gazette.jobs.stages import sources_claim_due
from gazette.sources import polling
from gazette.sources.models import Source

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_due_source_is_claimed_once_with_its_poll_job(ingest_settings):
    source = Source.objects.create(feed_url="http://127.0.0.1:9/feed.xml", next_poll_at=timezone.now())
    Source.objects.create(
        feed_url="http://127.0.0.1:9/later.xml", next_poll_at=timezone.now() + timedelta(hours=1)
    )
    assert sources_claim_due() == [source.pk]
    assert sources_claim_due() == []  # claimed: not due again until its poll ends or its claim lapses
    assert QueuedTask.objects.filter(queue="poll").count() == 1
    source.refresh_from_db()
    assert source.next_poll_at > timezone.now() + timedelta(minutes=5)


def test_only_one_scheduler_holds_the_lock(ingest_settings):
    from django.db import connection

    def elsewhere(lock: SchedulerLock) -> bool:
        """Another scheduler: its own thread, so its own database connection (session)."""
        got: list[bool] = []

        def run() -> None:
            got.append(lock.acquire())
            connection.close()  # a PostgreSQL session's advisory lock goes with it

        thread = threading.Thread(target=run)
        thread.start()
        thread.join()
        return got[0]

    first, second = SchedulerLock(), SchedulerLock()
    assert first.acquire()
    assert not elsewhere(second)
    first.release()
    connection.close()
    assert elsewhere(second)
    second.release()


def test_once_runs_one_tick(ingest_settings):
    Source.objects.create(feed_url="http://127.0.0.1:9/feed.xml", next_poll_at=timezone.now())
    scheduler_run(stop=threading.Event(), once=True)
    assert QueuedTask.objects.filter(queue="poll").count() == 1


def test_a_worker_stops_when_told_and_takes_its_extraction_processes_with_it(ingest_settings):
    polling._cpu_pool()  # started, as the first poll with pages to extract would
    stop = threading.Event()
    stop.set()
    worker_run(queues=["poll", "ai"], stop=stop)
    assert polling._CPU_POOL is None


def test_a_source_with_slow_pages_never_holds_up_another(http_server, ingest_settings):
    from django.db import connection

    if connection.vendor == "sqlite":
        # The tests' in-memory SQLite shares its cache across threads, and shared-cache table locks
        # ignore the busy timeout; real SQLite files (the fault tests) and PostgreSQL do not.
        pytest.skip("needs a database the worker threads can share without table locks (PostgreSQL)")
    from tests.sources.feedkit import BODY, article_page, rss

    items = []
    for i in range(6):  # teasers: every page is fetched, and each answers after two seconds
        path = f"/slow/{i}.html"
        page = article_page(
            f"Slow report {i}", [f"Report {i}. " + BODY[0], *BODY[1:]], canonical=http_server.url(path)
        )
        http_server.route(path, page, headers={"Content-Type": "text/html"}, delay=2.0)
        items.append(
            {
                "guid": f"slow-{i}",
                "link": http_server.url(path),
                "title": f"Slow report {i}",
                "summary": "A teaser.",
            }
        )
    http_server.route("/slow.xml", rss(items), headers={"Content-Type": "application/rss+xml"})
    http_server.route("/quick.xml", rss([]), headers={"Content-Type": "application/rss+xml"})
    slow = Source.objects.create(feed_url=http_server.url("/slow.xml"), next_poll_at=timezone.now())
    # Another host (the same server by name): per-host politeness must not be what keeps them apart.
    quick_url = http_server.url("/quick.xml").replace("127.0.0.1", "localhost")
    quick = Source.objects.create(feed_url=quick_url, next_poll_at=timezone.now() + timedelta(seconds=1))

    stop = threading.Event()
    runner = threading.Thread(target=worker_run, kwargs={"queues": ["poll"], "stop": stop, "scheduler": True})
    runner.start()
    try:
        deadline = time.monotonic() + 60
        while (
            time.monotonic() < deadline
            and not Source.objects.filter(pk=quick.pk, last_success_at__isnull=False).exists()
        ):
            time.sleep(0.1)
        slow.refresh_from_db()
        quick.refresh_from_db()
        assert quick.last_success_at is not None, "the quick source was never polled"
        # The slow pages are the fetch stage's (a queue this worker does not run): the quick source's
        # poll waited neither for them nor for the slow source's poll.
        from gazette.articles.models import Article

        assert not Article.objects.filter(source=slow, page_pending=False).exists(), "a poll read a page"
    finally:
        stop.set()
        runner.join(timeout=90)
    slow.refresh_from_db()
    assert slow.last_success_at is not None and slow.consecutive_errors == 0  # it finished before the stop


def test_a_hosts_polls_are_handed_out_one_at_a_time(ingest_settings, settings):
    """Politeness across workers: the scheduler counts a host's polls in flight, whoever runs them."""
    settings.GAZETTE_INGEST = dataclasses.replace(ingest_settings, polls_per_host=1)
    now = timezone.now()

    def due_for(n: int) -> timedelta:  # the earlier in the list, the longer due
        return timedelta(seconds=10 - n)

    crowded = [
        Source.objects.create(feed_url=f"http://news.example:8080/{n}.xml", next_poll_at=now - due_for(n))
        for n in range(3)
    ]
    crowded.append(
        Source.objects.create(feed_url="http://www.news.example:8080/4.xml", next_poll_at=now - due_for(3))
    )
    other = Source.objects.create(feed_url="http://other.example/feed.xml", next_poll_at=now)
    first = sources_claim_due()
    assert sorted(first) == sorted([crowded[0].pk, other.pk])
    assert sources_claim_due() == []  # news.example:8080 is being polled
    source = Source.objects.get(pk=crowded[0].pk)
    polling.source_record_success(
        source,
        result=FetchResult(url=source.feed_url, final_url=source.feed_url, status=304),
        feed=None,
        new=0,
        now=timezone.now(),
    )
    source.save()
    assert sources_claim_due() == [crowded[1].pk]
    # A claim whose poll died lapses with its lease; the host is free again.
    Source.objects.filter(pk=crowded[1].pk).update(claimed_at=timezone.now() - timedelta(hours=1))
    assert sources_claim_due() == [crowded[2].pk]


def test_a_host_may_take_several_polls_when_the_operator_allows(ingest_settings, settings):
    settings.GAZETTE_INGEST = dataclasses.replace(ingest_settings, polls_per_host=2)
    now = timezone.now()
    ids = [
        Source.objects.create(
            feed_url=f"http://h.example/{n}", next_poll_at=now - timedelta(seconds=9 - n)
        ).pk
        for n in range(3)
    ]
    assert sources_claim_due() == ids[:2]


def test_a_poll_cut_short_frees_its_host(ingest_settings):
    source = Source.objects.create(feed_url="http://127.0.0.1:9/feed.xml", next_poll_at=timezone.now())
    assert sources_claim_due() == [source.pk]
    Source.objects.filter(pk=source.pk).update(is_active=False)
    polling.source_poll(source.pk)  # switched off meanwhile: nothing polled, the claim released
    source.refresh_from_db()
    assert source.claimed_at is None


def test_a_run_that_polls_each_source_once_ends_although_a_backlog_is_due_again(ingest_settings):
    source = Source.objects.create(feed_url="http://127.0.0.1:9/huge.xml", next_poll_at=timezone.now())
    polled = set(sources_claim_due())
    assert polled == {source.pk}
    # Its poll stopped with entries left: due again at once (see polling.BACKLOG_BUDGET).
    Source.objects.filter(pk=source.pk).update(next_poll_at=timezone.now(), claimed_at=None)
    assert sources_claim_due(exclude=polled) == []  # `gazette poll` ends here
    assert sources_claim_due() == [source.pk]  # the scheduler takes it up again


def test_a_claim_lasts_the_configured_lease(ingest_settings, settings):
    import dataclasses

    settings.GAZETTE_JOBS = dataclasses.replace(settings.GAZETTE_JOBS, poll_lease=30)
    source = Source.objects.create(feed_url="http://127.0.0.1:9/feed.xml", next_poll_at=timezone.now())
    claimed_at = timezone.now()
    assert sources_claim_due() == [source.pk]
    source.refresh_from_db()
    assert claimed_at + timedelta(seconds=29) <= source.next_poll_at <= timezone.now() + timedelta(seconds=30)
