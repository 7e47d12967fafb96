"""Rate-limit counters, kept in the database so every web worker and machine counts the same reader once."""

from __future__ import annotations

from django.db import models


class RateCount(models.Model):
    """How often one (hashed) client did one action in one time window; gone once the window ends."""

    key = models.CharField(max_length=200, primary_key=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"
