"""ask_rate_take: per-reader limits on questions, counted in Django's cache (no table, no extra service)."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone

MINUTE = 60
DAY = 24 * 3600


def reader_key(request: HttpRequest) -> str:
    """Who is asking: the session when the reader has one, else the client's IP address (hashed)."""
    session = getattr(request, "session", None)
    if session is not None and session.session_key:
        raw = f"session:{session.session_key}"
    else:
        raw = f"ip:{request.META.get('REMOTE_ADDR', '')}"
    return hashlib.blake2b(raw.encode(), digest_size=12).hexdigest()


def _take(key: str, limit: int, seconds: int) -> bool:
    # add() creates the counter with its expiry only if missing; incr() is atomic on the shared backends.
    cache.add(key, 0, seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, seconds)
        count = 1
    return count <= limit


def ask_rate_take(request: HttpRequest) -> bool:
    """Count one question for this reader; False when over the per-minute or per-day limit."""
    who = reader_key(request)
    now = int(timezone.now().timestamp())
    minute_ok = _take(f"web:ask:m:{who}:{now // MINUTE}", settings.GAZETTE_ASK_RATE_PER_MINUTE, MINUTE)
    if not minute_ok:
        return False
    return _take(f"web:ask:d:{who}:{now // DAY}", settings.GAZETTE_ASK_RATE_PER_DAY, DAY)
