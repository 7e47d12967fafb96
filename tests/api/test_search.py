"""/api/search: the reader site's search as JSON."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.api.conftest import TAIL

pytestmark = pytest.mark.django_db


def test_search_hits_with_highlights(client, corpus):
    response = client.get("/api/search?q=rubble")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    hit = body["items"][0]
    assert hit["article"]["id"] == corpus.second.pk
    assert hit["article"]["source"]["name"] == "The Harbor Ledger"
    assert "<mark>" in hit["title_html"] or "<mark>" in hit["snippet_html"]
    assert isinstance(hit["rank"], float)


def test_search_leaves_copies_out_and_filters(client, corpus):
    found = [h["article"]["id"] for h in client.get("/api/search?q=puerto").json()["items"]]
    assert sorted(found) == sorted([corpus.original.pk, corpus.second.pk])
    by_source = client.get(f"/api/search?q=puerto&source={corpus.wire.pk}").json()["items"]
    assert [h["article"]["id"] for h in by_source] == [corpus.original.pk]
    assert client.get("/api/search?q=puerto&topic=world").json()["count"] == 2
    assert client.get("/api/search?q=puerto&topic=no-such-topic").json()["count"] == 0
    assert client.get("/api/search?q=puerto&category=no-such-category").json()["count"] == 0
    since = (timezone.now() - timedelta(hours=2, minutes=30)).isoformat()
    assert client.get("/api/search", {"q": "puerto", "since": since}).json()["count"] == 1
    paged = client.get("/api/search?q=puerto&limit=1").json()
    assert paged["count"] == 2 and len(paged["items"]) == 1 and paged["next"].endswith("offset=1")


def test_search_snippets_never_carry_the_whole_text(client, corpus):
    response = client.get("/api/search?q=levee")
    assert "content_html" not in response.content.decode()
    for hit in response.json()["items"]:
        # A few words around the match, as on the search page: never the article from start to end.
        snippet = hit["snippet_html"].replace("<mark>", "").replace("</mark>", "")
        assert len(snippet) < len(TAIL) * 4
        assert "Paragraph 0 " not in snippet


@pytest.mark.parametrize(
    "query", ["", "q=", "q=" + "x" * 301, "q=a&limit=0", "q=a&since=soon", "q=a&source=no"]
)
def test_search_malformed(client, db, query):
    response = client.get(f"/api/search?{query}")
    assert response.status_code == 422
    assert response.json()["detail"]


def test_search_query_without_words(client, corpus):
    assert client.get("/api/search?q=***").json() == {
        "count": 0,
        "limit": 20,
        "offset": 0,
        "next": None,
        "previous": None,
        "items": [],
        "suggestion": None,
    }


def test_search_suggests_a_correction(client, corpus):
    body = client.get("/api/search?q=rubbel").json()
    assert body["items"] == []
    assert body["suggestion"] == "rubble"
    assert client.get("/api/search?q=rubble").json()["suggestion"] is None
