"""The scheduler and worker roles: claims, one acting scheduler, a clean stop."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.utils import timezone

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
    first, second = SchedulerLock(), SchedulerLock()
    assert first.acquire()
    assert not second.acquire()
    first.release()
    assert second.acquire()
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
