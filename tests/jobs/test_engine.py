"""The job engine on the application database: queued with the caller's transaction, retried, kept
when it fails for good, never looked up for revocation."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from gazette.jobs.engine import RETRIES, job, jobs_drain, queue_get
from gazette.jobs.models import JobFailure, QueuedTask

pytestmark = pytest.mark.django_db(transaction=True)

CALLS: list[str] = []


@job("ai")
def _note_job(word: str) -> None:
    CALLS.append(word)


@job("ai")
def _broken_job(word: str) -> None:
    CALLS.append(word)
    raise ValueError(f"cannot {word}")


@pytest.fixture(autouse=True)
def _calls():
    CALLS.clear()
    yield
    CALLS.clear()


def test_a_job_queued_in_a_rolled_back_transaction_is_gone_with_it():
    with pytest.raises(RuntimeError), transaction.atomic():
        _note_job("lost")
        assert QueuedTask.objects.filter(queue="ai").count() == 1
        raise RuntimeError("the rows it works on were not stored")
    assert QueuedTask.objects.filter(queue="ai").count() == 0
    with transaction.atomic():
        _note_job("kept")
    assert jobs_drain(queues=["ai"]) == 1
    assert CALLS == ["kept"]


def test_a_failing_job_is_retried_then_kept_with_its_error():
    _broken_job("parse")
    assert jobs_drain(queues=["ai"]) == RETRIES + 1
    assert CALLS == ["parse"] * (RETRIES + 1)
    failure = JobFailure.objects.get()
    assert failure.queue == "ai"
    assert failure.attempts == RETRIES + 1
    assert "ValueError: cannot parse" in failure.error
    assert "'parse'" in failure.args


def test_running_a_job_reads_no_revocation_keys():
    _note_job("quick")
    with CaptureQueriesContext(connection) as queries:
        assert jobs_drain(queues=["ai"]) == 1
    assert not [q for q in queries.captured_queries if "jobs_taskdata" in q["sql"]]


def test_revoking_is_refused_not_ignored():
    with pytest.raises(NotImplementedError):
        queue_get("ai").revoke_all(_note_job)
