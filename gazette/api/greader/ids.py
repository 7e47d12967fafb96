"""The protocol's identifiers: item ids in their long and short forms, stream ids, continuations."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

LONG_ITEM_PREFIX = "tag:google.com,2005:reader/item/"
READING_LIST = "user/-/state/com.google/reading-list"
READ = "user/-/state/com.google/read"
STARRED = "user/-/state/com.google/starred"
KEPT_UNREAD = "user/-/state/com.google/kept-unread"
LABEL_PREFIX = "user/-/label/"
FEED_PREFIX = "feed/"
# Ids stored in 64 bits, as the protocol's long form writes them.
MAX_ITEM_ID = 2**63 - 1

_USER_PART = re.compile(r"^user/\d+/")
_CONTINUATION = re.compile(r"^(\d{1,20})_(\d{1,19})$")


class ProtocolError(ValueError):
    """A request the protocol does not allow: answered 400 with the message."""


def item_id_long(pk: int) -> str:
    return f"{LONG_ITEM_PREFIX}{pk:016x}"


def item_id_parse(raw: str) -> int:
    """An article id from the long form (hex), the short form (decimal, as some apps send it signed)."""
    raw = raw.strip()
    try:
        if raw.startswith(LONG_ITEM_PREFIX):
            value = int(raw[len(LONG_ITEM_PREFIX) :], 16)
        else:
            value = int(raw, 10)
            if value < 0:  # the short form of a 64-bit id is signed in Google's own output
                value += 2**64
    except ValueError:
        raise ProtocolError(f"not an item id: {raw[:80]!r}") from None
    if not 0 < value <= MAX_ITEM_ID:
        raise ProtocolError(f"not an item id: {raw[:80]!r}")
    return value


def stream_id_normal(raw: str) -> str:
    """'user/1234/state/…' as some apps write it becomes 'user/-/state/…'."""
    return _USER_PART.sub("user/-/", raw.strip())


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def usec(moment: datetime) -> int:
    """Microseconds since 1970, exactly (a float would shift continuations by a microsecond)."""
    return (moment - EPOCH) // timedelta(microseconds=1)


def from_seconds(raw: str, name: str) -> datetime:
    """A time given in seconds (ot, nt) or, when it is that long, micro- or milliseconds (ts)."""
    try:
        value = int(raw)
    except ValueError:
        raise ProtocolError(f"{name} must be a whole number") from None
    if value < 0:
        raise ProtocolError(f"{name} must not be negative")
    for scale in (1, 1_000, 1_000_000):
        seconds = value / scale
        if seconds < 10**11:  # later than the year 5000 in seconds: it was a finer unit
            try:
                return datetime.fromtimestamp(seconds, tz=UTC)
            except (OverflowError, OSError, ValueError):
                break
    raise ProtocolError(f"{name} is out of range")


def continuation_make(published: datetime, pk: int) -> str:
    return f"{usec(published)}_{pk}"


def continuation_parse(raw: str) -> tuple[datetime, int]:
    """(published, id) of the last item of the previous page."""
    match = _CONTINUATION.match(raw.strip())
    if match is None:
        raise ProtocolError("malformed continuation")
    try:
        published = EPOCH + timedelta(microseconds=int(match.group(1)))
    except OverflowError:
        raise ProtocolError("malformed continuation") from None
    return published, int(match.group(2))
