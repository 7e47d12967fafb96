"""With GAZETTE_CACHE_URL set, pages cached by one worker serve the others: checked against a real Redis.

Rate limits are counted in the database whatever the cache (tests/web/test_ratelimit.py).
"""

from __future__ import annotations

import socket

import pytest
from django.core.cache import caches
from django.test import override_settings

REDIS = ("127.0.0.1", 6379)
REDIS_URL = "redis://127.0.0.1:6379/15"  # a database of its own, emptied before each test


def _redis_running() -> bool:
    try:
        socket.create_connection(REDIS, timeout=0.5).close()
    except OSError:
        return False
    return True


pytestmark = pytest.mark.skipif(not _redis_running(), reason="no Redis on 127.0.0.1:6379")

REDIS_CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "gazette-test",
    }
}


@pytest.fixture
def redis_cache():
    with override_settings(CACHES=REDIS_CACHES):
        caches["default"].clear()
        yield caches["default"]
        caches["default"].clear()


def test_a_page_cached_by_one_worker_is_served_by_another(redis_cache):
    redis_cache.set("page:probe", "rendered", 30)
    # A fresh connection stands for another worker: it sees what the first stored.
    from django.core.cache.backends.redis import RedisCache

    other = RedisCache(REDIS_URL, {"KEY_PREFIX": "gazette-test"})
    assert other.get("page:probe") == "rendered"
