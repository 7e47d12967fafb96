"""/healthz: the database, the newest successful poll, the queues; never cached; 503 when down."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import OperationalError, connections
from django.utils import timezone

from gazette.ops.health import queue_depth_provider_set, queue_depths
from gazette.sources.models import Source

pytestmark = pytest.mark.django_db


def test_healthy_site_without_sources(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "last_successful_poll": None,
        "last_poll_age_seconds": None,
        "queues": {},
    }
    assert "no-store" in response["Cache-Control"]


def test_age_of_the_newest_success_among_active_sources(client):
    now = timezone.now()
    Source.objects.create(feed_url="http://a.example/feed", last_success_at=now - timedelta(minutes=10))
    newest = now - timedelta(minutes=2)
    Source.objects.create(feed_url="http://b.example/feed", last_success_at=newest)
    # A paused source's success says nothing about whether polling works now.
    Source.objects.create(feed_url="http://c.example/feed", last_success_at=now, is_active=False)
    body = client.get("/healthz").json()
    assert body["status"] == "ok"
    assert body["last_successful_poll"] == newest.isoformat()
    assert 115 <= body["last_poll_age_seconds"] <= 180


def test_no_success_for_longer_than_the_longest_interval_is_degraded(client, settings):
    stale = timezone.now() - timedelta(seconds=settings.GAZETTE_INGEST.poll_max_interval + 60)
    Source.objects.create(feed_url="http://a.example/feed", last_success_at=stale)
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["status"] == "degraded"


def test_active_sources_never_polled_successfully_are_degraded(client):
    Source.objects.create(feed_url="http://a.example/feed")
    assert client.get("/healthz").json()["status"] == "degraded"


def test_broken_database_is_down_with_503(client, monkeypatch):
    def broken(*args, **kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(connections["default"], "cursor", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "down" and response.json()["database"] == "error"
    assert b"could not connect" not in response.content  # driver messages can name hosts and users


def test_queues_come_from_the_registered_provider(client):
    calls = []

    def provider():
        calls.append(1)
        return {"default": 3, "ai": 0}

    queue_depth_provider_set(provider)
    assert client.get("/healthz").json()["queues"] == {"default": 3, "ai": 0}
    client.get("/healthz")
    assert len(calls) == 2  # asked on every request, never cached


def test_failing_provider_degrades_but_answers(client):
    def provider():
        raise ConnectionError("redis is down")

    queue_depth_provider_set(provider)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded" and response.json()["queues"] == {}


def test_no_provider_means_no_queues():
    assert queue_depths() == {}


def test_healthz_needs_no_login_and_is_not_page_cached(client):
    # Two requests with a state change between them: a cached page would repeat the first answer.
    assert client.get("/healthz").json()["status"] == "ok"
    Source.objects.create(feed_url="http://a.example/feed")
    assert client.get("/healthz").json()["status"] == "degraded"
