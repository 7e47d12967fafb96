"""The shared cache (GAZETTE_CACHE_URL) when Redis stops answering: the site goes on without it.

Django's RedisCache raises on a refused or timed-out connection, so every cached page would answer
500 while Redis is down. `FallbackRedisCache` is Django's backend with one change: on a connection
error it logs once (`cache: …`), counts gazette_cache_errors_total, and serves from this process's own
memory until Redis answers again, which it asks again every few seconds.

Pages are kept under their ETag (web/caching.py), so a page from process memory is never stale.
Rate limits are not in the cache but in the database (web/ratelimit.py), so an outage neither switches
off the guards on sign-ups, questions, comments and password guessing nor multiplies them by process.

Chosen over django-redis's IGNORE_EXCEPTIONS: that makes every error a miss, so each page would be
rendered afresh for every request while Redis is down, and it is a second Redis client and a
dependency for what is a few lines over Django's own."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from gazette.ops.metrics import metrics_cache_error

log = logging.getLogger(__name__)
T = TypeVar("T")

# Seconds between tries while Redis is down: a refused connection costs little, a hung one a timeout.
RETRY_AFTER = 5.0
# A Redis that hangs rather than refuses holds a request no longer than this (seconds).
SOCKET_TIMEOUT = 0.5
_UNREACHABLE = (RedisConnectionError, RedisTimeoutError)


class _Outage:
    """Whether one Redis location is down, shared by the process's cache instances (one a thread)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.down = False
        self.retry_at = 0.0

    def skipping(self) -> bool:
        return self.down and time.monotonic() < self.retry_at

    def failed(self, location: str, exc: Exception) -> None:
        metrics_cache_error()
        with self.lock:
            first = not self.down
            self.down, self.retry_at = True, time.monotonic() + RETRY_AFTER
        if first:
            log.warning(
                "cache: Redis at %s unreachable (%s); serving from this process's memory until it answers",
                location, exc,
            )  # fmt: skip

    def answered(self, location: str) -> None:
        if self.down:
            with self.lock:
                back, self.down = self.down, False
            if back:
                log.warning("cache: Redis at %s answers again", location)


_OUTAGES: dict[str, _Outage] = {}
_OUTAGES_LOCK = threading.Lock()


class FallbackRedisCache(RedisCache):  # type: ignore[misc]
    """Django's RedisCache that falls back to process memory while Redis is unreachable."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = dict(params.get("OPTIONS") or {})
        options.setdefault("socket_connect_timeout", SOCKET_TIMEOUT)
        options.setdefault("socket_timeout", SOCKET_TIMEOUT)
        super().__init__(server, {**params, "OPTIONS": options})
        self._location = server if isinstance(server, str) else ",".join(server)
        with _OUTAGES_LOCK:
            self._outage = _OUTAGES.setdefault(self._location, _Outage())
        self._local = LocMemCache(f"gazette-fallback-{self._location}", params)

    def _either(self, shared: Callable[[], T], local: Callable[[], T]) -> T:
        if self._outage.skipping():
            return local()
        try:
            value = shared()
        except _UNREACHABLE as exc:
            self._outage.failed(self._location, exc)
            return local()
        self._outage.answered(self._location)
        return value

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._either(
            lambda: super(FallbackRedisCache, self).add(key, value, timeout, version),
            lambda: self._local.add(key, value, timeout, version),
        )

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._either(
            lambda: super(FallbackRedisCache, self).get(key, default, version),
            lambda: self._local.get(key, default, version),
        )

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        self._either(
            lambda: super(FallbackRedisCache, self).set(key, value, timeout, version),
            lambda: self._local.set(key, value, timeout, version),
        )

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._either(
            lambda: super(FallbackRedisCache, self).touch(key, timeout, version),
            lambda: self._local.touch(key, timeout, version),
        )

    def delete(self, key: Any, version: int | None = None) -> bool:
        return self._either(
            lambda: super(FallbackRedisCache, self).delete(key, version),
            lambda: self._local.delete(key, version),
        )

    def get_many(self, keys: Any, version: int | None = None) -> dict[Any, Any]:
        return self._either(
            lambda: super(FallbackRedisCache, self).get_many(keys, version),
            lambda: self._local.get_many(keys, version),
        )

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return self._either(
            lambda: super(FallbackRedisCache, self).has_key(key, version),
            lambda: self._local.has_key(key, version),
        )

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        return self._either(
            lambda: super(FallbackRedisCache, self).incr(key, delta, version),
            lambda: self._local.incr(key, delta, version),
        )

    def set_many(
        self, data: dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> list[Any]:
        return self._either(
            lambda: super(FallbackRedisCache, self).set_many(data, timeout, version),
            lambda: self._local.set_many(data, timeout, version),
        )

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        self._either(
            lambda: super(FallbackRedisCache, self).delete_many(keys, version),
            lambda: self._local.delete_many(keys, version),
        )

    def clear(self) -> None:
        self._local.clear()
        self._either(lambda: super(FallbackRedisCache, self).clear(), lambda: None)
