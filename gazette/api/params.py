"""Checks on query and path values that a type alone cannot make: ids in range, datetimes with a zone."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from django.utils import timezone
from ninja import Path
from ninja.errors import HttpError

# Database ids are 64-bit: a larger number can name nothing, and SQLite would refuse it.
MAX_ID = 2**63 - 1

Id = Annotated[int, Path(ge=1, le=MAX_ID)]


def aware(value: datetime | None, *, name: str) -> datetime | None:
    """The datetime in UTC; one without an offset is read in the site's time zone (GAZETTE_TIME_ZONE)."""
    if value is None:
        return None
    try:
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value.astimezone(UTC)
    except (OverflowError, ValueError):
        raise HttpError(422, f"{name}: the date is out of range") from None
