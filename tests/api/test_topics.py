"""/api/topics and /api/entities."""

from __future__ import annotations

import pytest

from gazette.stories.models import Topic
from tests.web.factories import make_entity

pytestmark = pytest.mark.django_db


def test_topic_list_and_detail(client, corpus):
    body = client.get("/api/topics?limit=100").json()
    assert body["count"] == Topic.objects.count()
    world = next(t for t in body["items"] if t["slug"] == "world")
    assert world == {
        "slug": "world",
        "name": "World",
        "url": "http://testserver/topic/world/",
        "article_count": 2,
    }
    assert client.get("/api/topics/world").json()["article_count"] == 2
    assert client.get("/api/topics/nothing-here").status_code == 404
    assert len(client.get("/api/topics?limit=2").json()["items"]) == 2


def test_entity_list_filters_and_detail(client, corpus):
    make_entity("Lucía Ferrer", kind="person")
    make_entity("Harbour Authority", kind="org")
    body = client.get("/api/entities").json()
    assert body["count"] == 3
    assert [e["name"] for e in body["items"]] == ["Harbour Authority", "Lucía Ferrer", "Puerto Salinas"]
    assert body["items"][2]["article_count"] == 2 and body["items"][0]["article_count"] == 0
    assert [e["slug"] for e in client.get("/api/entities?kind=person").json()["items"]] == ["lucia-ferrer"]
    assert [e["slug"] for e in client.get("/api/entities?q=harb").json()["items"]] == ["harbour-authority"]
    detail = client.get("/api/entities/puerto-salinas").json()
    assert detail["name"] == "Puerto Salinas" and detail["kind"] == "place" and detail["article_count"] == 2
    assert detail["url"] == "http://testserver/entity/puerto-salinas/"
    assert client.get("/api/entities/nobody").status_code == 404
    assert client.get("/api/entities?kind=" + "k" * 17).status_code == 422
