"""The shared cache when Redis goes away and comes back: pages render, limits hold, the operator is told."""

from __future__ import annotations

import logging

import pytest
import redis
from django.core.cache import cache
from django.test import RequestFactory, override_settings

from gazette.ops import cache as cache_module
from gazette.web.ratelimit import ask_rate_take
from tests.ops.scrape import scrape, value

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared_cache(redis_server, monkeypatch):
    monkeypatch.setattr(cache_module, "RETRY_AFTER", 0.0)  # ask Redis again at once, not in 5 s
    caches = {"default": {"BACKEND": "gazette.ops.cache.FallbackRedisCache", "LOCATION": redis_server.url}}
    with override_settings(CACHES=caches, GAZETTE_ASK_RATE_PER_MINUTE=2, GAZETTE_ASK_RATE_PER_DAY=100):
        yield redis_server
    cache_module._OUTAGES.clear()


def _cache_lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "gazette.ops.cache"]


def test_with_redis_up_the_cache_is_redis(shared_cache):
    cache.set("probe", "shared", 30)
    assert redis.Redis.from_url(shared_cache.url).exists(":1:probe")


def test_redis_gone_pages_render_limits_hold_and_the_operator_is_told(shared_cache, client, caplog):
    caplog.set_level(logging.WARNING, logger="gazette.ops.cache")
    cache.set("before", "kept in redis", 30)
    errors_before = value(scrape(client), "gazette_cache_errors_total")
    shared_cache.kill()

    assert cache.get("before") is None  # a miss, not an error
    cache.set("during", "in memory", 30)
    assert cache.get("during") == "in memory"
    assert client.get("/", HTTP_HOST="localhost").status_code == 200
    assert client.get("/", HTTP_HOST="localhost").status_code == 200  # the second from process memory
    request = RequestFactory().post("/", REMOTE_ADDR="203.0.113.9")
    assert [ask_rate_take(request) for _ in range(3)] == [True, True, False]  # counted in the database

    lines = _cache_lines(caplog)
    assert len(lines) == 1 and lines[0].startswith("cache: Redis at ") and "unreachable" in lines[0]
    assert value(scrape(client), "gazette_cache_errors_total") > errors_before

    shared_cache.start()  # the same port: Redis is back
    cache.set("after", "shared again", 30)
    assert redis.Redis.from_url(shared_cache.url).exists(":1:after")
    assert _cache_lines(caplog)[1:] == [f"cache: Redis at {shared_cache.url} answers again"]


def test_errors_that_are_not_about_reaching_redis_still_raise(shared_cache):
    with pytest.raises(ValueError):
        cache.incr("never-set")
