"""Checks on query and path values that a type alone cannot make: ids in range, datetimes with a zone."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from django.utils import timezone
from ninja import Path
from ninja.errors import HttpError
from pydantic import BeforeValidator, WithJsonSchema

# Database ids are 64-bit: a larger number can name nothing, and SQLite would refuse it.
MAX_ID = 2**63 - 1

Id = Annotated[int, Path(ge=1, le=MAX_ID)]

# pydantic reads any number as a Unix time, in seconds or, past 2e10, milliseconds: "22406" became
# 06:13 on 1 January 1970 and "20260101" a day in August 1970. A number is taken as Unix seconds only
# where an article can be: from 2000-01-01 to a day from now; anything else numeric is refused.
UNIX_EARLIEST = 946_684_800  # 2000-01-01T00:00:00Z
UNIX_AHEAD = timedelta(days=1)
_NUMBER = re.compile(r"\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*")
_SECONDS = re.compile(r"\d{1,12}(\.\d{1,9})?")
WHEN_HELP = (
    "an ISO 8601 date-time or date (2026-05-01T08:00:00Z, 2026-05-01; without an offset, in the site's "
    f"time zone), or Unix seconds from {UNIX_EARLIEST} (2000-01-01) to a day from now"
)


def _plausible_time(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return value
    text = str(value)
    if isinstance(value, str) and not _NUMBER.fullmatch(text):
        return value  # not a number: an ISO 8601 string, parsed (or refused) by pydantic
    latest = timezone.now() + UNIX_AHEAD
    if not _SECONDS.fullmatch(text) or not UNIX_EARLIEST <= float(text) <= latest.timestamp():
        raise ValueError(f"{text!r} is not a plausible time: give {WHEN_HELP}")
    return datetime.fromtimestamp(float(text), UTC)


# The schema says what is accepted; the upper bound moves with the clock, so only the text can name it.
When = Annotated[
    datetime,
    BeforeValidator(_plausible_time),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "format": "date-time"},
                {"type": "string", "format": "date"},
                {"type": "number", "minimum": UNIX_EARLIEST},
            ]
        }
    ),
]


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
