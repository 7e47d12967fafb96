"""The long-running poller loop: it stops when told, and takes its extraction processes with it."""

from __future__ import annotations

import threading

import pytest

from gazette.sources import polling
from gazette.sources.scheduler import scheduler_run

pytestmark = pytest.mark.django_db(transaction=True)


def test_once_returns_when_nothing_is_due_and_stops_the_extraction_pool(ingest_settings):
    polling._cpu_pool()  # started, as the first poll with pages to extract would
    assert polling._CPU_POOL is not None
    scheduler_run(once=True)
    assert polling._CPU_POOL is None


def test_a_stop_from_another_thread_ends_the_loop(ingest_settings):
    stop = threading.Event()
    runner = threading.Thread(target=scheduler_run, kwargs={"stop": stop})
    runner.start()
    stop.set()
    runner.join(timeout=30)
    assert not runner.is_alive()
    assert polling._CPU_POOL is None
