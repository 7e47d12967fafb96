"""The job engine's tables (Huey's queue, schedule and key-value store) and the record of failed jobs.

The queue lives in the application's own database, SQLite or PostgreSQL, so a job is queued in the same
transaction as the rows it works on: a crash either keeps both or neither.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class QueuedTask(models.Model):
    """A serialised Huey task waiting for a worker of its queue."""

    queue = models.CharField(max_length=40)
    data = models.BinaryField()
    priority = models.FloatField(default=0.0)

    class Meta:
        indexes = [models.Index(fields=["queue", "-priority", "id"], name="queued_task_next")]

    def __str__(self) -> str:
        return f"{self.queue} task {self.pk}"


class ScheduledTask(models.Model):
    """A task to run later (a retry after back-off, or a delayed job); moved to the queue when due."""

    queue = models.CharField(max_length=40)
    data = models.BinaryField()
    timestamp = models.FloatField(help_text="when it is due, seconds since the epoch (UTC)")

    class Meta:
        indexes = [models.Index(fields=["queue", "timestamp"], name="scheduled_task_due")]

    def __str__(self) -> str:
        return f"{self.queue} task {self.pk} due at {self.timestamp}"


class TaskData(models.Model):
    """Huey's key-value store: revocations and locks (results are not kept)."""

    queue = models.CharField(max_length=40)
    key = models.CharField(max_length=255)
    value = models.BinaryField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["queue", "key"], name="task_data_unique")]

    def __str__(self) -> str:
        return f"{self.queue}:{self.key}"


class JobFailure(models.Model):
    """A job that failed on its last try, kept with its error for the operator (admin, `gazette jobs`)."""

    queue = models.CharField(max_length=40)
    task = models.CharField(max_length=100)
    args = models.TextField(blank=True, default="", help_text="the job's arguments, as text")
    error = models.TextField()
    attempts = models.PositiveSmallIntegerField(default=1)
    failed_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-failed_at"]

    def __str__(self) -> str:
        return f"{self.queue}:{self.task}({self.args})"
