"""/api/sources: the list and one source's health."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from gazette.sources.models import PollEvent
from tests.web.factories import make_article, make_category, make_source

pytestmark = pytest.mark.django_db


def test_source_list(client, db):
    world = make_category("World")
    wire = make_source("Meridian Wire", categories=[world], country="Spain", lean="centre")
    make_source("Atlas Daily", is_active=False)
    make_article(wire)
    response = client.get("/api/sources")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [s["name"] for s in body["items"]] == ["Atlas Daily", "Meridian Wire"]
    item = body["items"][1]
    assert item["url"] == f"http://testserver/source/{wire.pk}/"
    assert item["categories"] == [
        {"slug": "world", "name": "World", "url": "http://testserver/category/world/"}
    ]
    assert item["country"] == "Spain" and item["lean"] == "centre"
    assert item["article_count"] == 1 and item["health"] == "new" and item["display"] == "full"
    assert body["items"][0]["is_active"] is False
    assert [s["name"] for s in client.get("/api/sources?limit=1&offset=1").json()["items"]] == [
        "Meridian Wire"
    ]


def test_source_detail_health(client, db):
    now = timezone.now()
    source = make_source(
        "Meridian Wire",
        last_polled_at=now - timedelta(minutes=5),
        last_success_at=now - timedelta(hours=2),
        consecutive_errors=3,
        last_status=503,
        last_error="HTTP 503 Service Unavailable",
        articles_per_day=12.5,
        etag='"abc"',
        websub_secret="do-not-show",
    )
    PollEvent.objects.create(
        source=source, at=now - timedelta(hours=2), status=200, new_articles=4, elapsed_ms=310
    )
    PollEvent.objects.create(source=source, at=now - timedelta(minutes=5), status=503, error="HTTP 503")
    response = client.get(f"/api/sources/{source.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["health"] == "failing"
    assert body["consecutive_errors"] == 3 and body["last_status"] == 503
    assert body["last_error"] == "HTTP 503 Service Unavailable"
    assert body["articles_per_day"] == 12.5 and body["poll_interval"] == 1800
    assert body["last_polled"] and body["last_success"] and body["next_poll"]
    assert body["websub"] is False
    assert [(p["status"], p["new_articles"], p["error"]) for p in body["polls"]] == [
        (503, 0, "HTTP 503"),
        (200, 4, ""),
    ]
    # Polling internals and secrets stay out; so does the feed URL, which may carry a private token.
    text = response.content.decode()
    assert "do-not-show" not in text and "etag" not in text and "feed_url" not in text


def test_source_not_found(client, db):
    assert client.get("/api/sources/777").status_code == 404
    assert client.get("/api/sources/x").status_code == 422
