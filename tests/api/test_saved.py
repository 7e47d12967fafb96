"""The reader's saved articles through the API."""

from __future__ import annotations

import pytest

from gazette.accounts.models import SavedArticle
from gazette.accounts.saved import saved_article_add
from tests.api.conftest import TAIL

pytestmark = pytest.mark.django_db


def test_save_list_and_unsave(reader, reader_api, corpus):
    response = reader_api.put(f"/api/me/saved/{corpus.original.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == corpus.original.pk and body["title"] == "Quake strikes Puerto Salinas"
    assert body["saved"] and body["source"]["name"] == "Meridian Wire"
    first = body["saved"]
    assert reader_api.put(f"/api/me/saved/{corpus.original.pk}").json()["saved"] == first
    # A copy can be saved too: the reader chose it.
    assert reader_api.put(f"/api/me/saved/{corpus.copy.pk}").status_code == 200
    listed = reader_api.get("/api/me/saved").json()
    assert listed["count"] == 2
    assert [a["id"] for a in listed["items"]] == [corpus.copy.pk, corpus.original.pk]
    assert TAIL not in str(listed)  # cards, never the text
    assert reader_api.delete(f"/api/me/saved/{corpus.copy.pk}").status_code == 204
    assert reader_api.delete(f"/api/me/saved/{corpus.copy.pk}").status_code == 204
    assert [a["id"] for a in reader_api.get("/api/me/saved").json()["items"]] == [corpus.original.pk]


@pytest.mark.parametrize(("pk", "status"), [("999999", 404), ("0", 422), ("abc", 422), ("9" * 30, 422)])
def test_bad_article_ids_answer_json_errors(reader_api, corpus, pk, status):
    for method in (reader_api.put, reader_api.delete):
        response = method(f"/api/me/saved/{pk}")
        assert response.status_code == status
        assert "detail" in response.json()
    assert not SavedArticle.objects.exists()


def test_a_reader_neither_sees_nor_changes_anothers_saved(
    reader, other_reader, reader_api, other_api, corpus
):
    saved_article_add(user=other_reader, article=corpus.second)
    assert reader_api.get("/api/me/saved").json() == {
        "count": 0,
        "limit": 20,
        "offset": 0,
        "next": None,
        "previous": None,
        "items": [],
    }
    assert reader_api.delete(f"/api/me/saved/{corpus.second.pk}").status_code == 204
    assert SavedArticle.objects.filter(user=other_reader, article=corpus.second).exists()
    assert [a["id"] for a in other_api.get("/api/me/saved").json()["items"]] == [corpus.second.pk]


def test_saved_answers_are_never_cached(reader_api, corpus):
    response = reader_api.get("/api/me/saved")
    assert "no-store" in response["Cache-Control"] and "public" not in response["Cache-Control"]
    assert "ETag" not in response
