"""Background work kept in the database: the embedded default needs no broker."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class Job(models.Model):
    """One unit of work; claimed by a worker with a conditional UPDATE so two workers never share it."""

    class State(models.TextChoices):
        PENDING = "pending"
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"

    kind = models.CharField(max_length=40)
    key = models.CharField(max_length=200, help_text="what the job is about, e.g. an article id")
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    run_after = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["state", "run_after"], name="job_due")]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "key"], condition=models.Q(state="pending"), name="job_pending_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key} ({self.state})"
