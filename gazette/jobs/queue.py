"""job_enqueue and jobs_run: a small queue on the database, claimed with a conditional UPDATE.

Handlers register by kind. A handler that raises marks its job for retry with back-off; after
MAX_ATTEMPTS the job fails with its error kept for the operator.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from gazette.jobs.models import Job

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
# A claimed job whose worker died is taken again after this long.
LEASE = timedelta(minutes=10)

Handler = Callable[[str], None]
_HANDLERS: dict[str, Handler] = {}


def job_handler(kind: str) -> Callable[[Handler], Handler]:
    """Register the function that runs jobs of this kind; it receives the job's key."""

    def register(fn: Handler) -> Handler:
        _HANDLERS[kind] = fn
        return fn

    return register


def job_enqueue(kind: str, key: str, *, delay: timedelta | None = None) -> None:
    """Queue a job unless the same one is already pending."""
    try:
        with transaction.atomic():
            Job.objects.create(kind=kind, key=key, run_after=timezone.now() + (delay or timedelta(0)))
    except IntegrityError:
        pass


def _claim(now) -> Job | None:
    candidates = (
        Job.objects.filter(state=Job.State.PENDING, run_after__lte=now, kind__in=list(_HANDLERS))
        .order_by("run_after", "id")
        .values_list("id", flat=True)[:5]
    )
    for job_id in candidates:
        claimed = Job.objects.filter(id=job_id, state=Job.State.PENDING).update(
            state=Job.State.RUNNING, locked_until=now + LEASE
        )
        if claimed:
            return Job.objects.get(id=job_id)
    return None


def jobs_requeue_stale() -> int:
    """Jobs left running by a worker that died go back to pending."""
    return Job.objects.filter(state=Job.State.RUNNING, locked_until__lt=timezone.now()).update(
        state=Job.State.PENDING, locked_until=None
    )


def jobs_run(*, limit: int = 50) -> int:
    """Run up to `limit` due jobs; returns how many ran."""
    ran = 0
    while ran < limit:
        now = timezone.now()
        job = _claim(now)
        if job is None:
            break
        ran += 1
        job.attempts += 1
        try:
            _HANDLERS[job.kind](job.key)
        except Exception as exc:  # noqa: BLE001 — kept on the job for the operator, retried with back-off
            log.exception("jobs: %s:%s failed", job.kind, job.key)
            job.error = f"{type(exc).__name__}: {exc}"[:2000]
            if job.attempts >= MAX_ATTEMPTS:
                job.state = Job.State.FAILED
                job.finished_at = timezone.now()
            else:
                job.state = Job.State.PENDING
                job.run_after = timezone.now() + timedelta(minutes=2**job.attempts)
        else:
            job.state = Job.State.DONE
            job.finished_at = timezone.now()
            job.error = ""
        job.locked_until = None
        try:
            job.save()
        except IntegrityError:
            # The same job was queued again meanwhile; that pending copy will run.
            Job.objects.filter(pk=job.pk).update(state=Job.State.DONE, finished_at=timezone.now())
    return ran


def jobs_prune(*, older_than: timedelta = timedelta(days=7)) -> int:
    deleted, _ = Job.objects.filter(
        state=Job.State.DONE, finished_at__lt=timezone.now() - older_than
    ).delete()
    return deleted
