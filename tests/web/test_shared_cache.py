"""With GAZETTE_CACHE_URL set, rate limits count once across processes: checked against a real Redis."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest
from django.core.cache import caches
from django.test import RequestFactory, override_settings

from gazette.web.ratelimit import ask_rate_take

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

# Another process counts one question for the same reader, through the same settings.
OTHER_PROCESS = """
import django, os
os.environ["DJANGO_SETTINGS_MODULE"] = "gazette.settings"
os.environ["GAZETTE_CACHE_URL"] = "{url}"
django.setup()
from django.conf import settings
settings.CACHES["default"]["KEY_PREFIX"] = "gazette-test"
from django.test import RequestFactory
from gazette.web.ratelimit import ask_rate_take
print(ask_rate_take(RequestFactory().post("/", REMOTE_ADDR="203.0.113.9")))
"""


@pytest.fixture
def redis_cache():
    with override_settings(CACHES=REDIS_CACHES, GAZETTE_ASK_RATE_PER_MINUTE=2, GAZETTE_ASK_RATE_PER_DAY=100):
        caches["default"].clear()
        yield caches["default"]
        caches["default"].clear()


def test_a_limit_counts_questions_from_every_process(redis_cache, tmp_path):
    request = RequestFactory().post("/", REMOTE_ADDR="203.0.113.9")
    assert ask_rate_take(request)
    env = {"GAZETTE_DATA_DIR": str(tmp_path), "GAZETTE_ASK_RATE_PER_MINUTE": "2", "PATH": "/usr/bin:/bin"}
    other = subprocess.run(
        [sys.executable, "-c", OTHER_PROCESS.format(url=REDIS_URL)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=True,
    )
    assert other.stdout.strip() == "True"  # the second question of the minute, counted over there
    assert not ask_rate_take(request)  # so the third, here, is over the limit of two


def test_a_page_cached_by_one_worker_is_served_by_another(redis_cache):
    redis_cache.set("page:probe", "rendered", 30)
    # A fresh connection stands for another worker: it sees what the first stored.
    from django.core.cache.backends.redis import RedisCache

    other = RedisCache(REDIS_URL, {"KEY_PREFIX": "gazette-test"})
    assert other.get("page:probe") == "rendered"
