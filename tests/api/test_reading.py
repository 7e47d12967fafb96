"""The reader's read state through the API: unread lists and counts, read and unread, mark all read."""

from __future__ import annotations

from datetime import timedelta

import pytest

from gazette.accounts.follows import follow_add
from gazette.accounts.models import ReadState, ReadWatermark
from gazette.accounts.reading import article_mark_read, unread_counts

pytestmark = pytest.mark.django_db


@pytest.fixture
def following(reader, other_reader, corpus):
    """Both readers follow the wire and the ledger (not the herald)."""
    for user in (reader, other_reader):
        for source in (corpus.wire, corpus.ledger):
            follow_add(user=user, target=source)
    return corpus


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [a["id"] for a in response.json()["items"]]


def test_unread_lists_followed_sources_newest_first_and_read_marks_take_them_out(reader_api, following):
    c = following
    assert ids(reader_api.get("/api/me/unread")) == [c.second.pk, c.original.pk, c.other.pk]
    counts = reader_api.get("/api/me/unread-counts").json()
    assert counts["total"] == 3
    assert {s["source"]: s["count"] for s in counts["sources"]} == {c.wire.pk: 1, c.ledger.pk: 2}

    assert reader_api.put(f"/api/me/read/{c.second.pk}").json() == {"article": c.second.pk, "read": True}
    assert ids(reader_api.get("/api/me/unread")) == [c.original.pk, c.other.pk]
    assert reader_api.get("/api/me/unread-counts").json()["total"] == 2
    assert reader_api.delete(f"/api/me/read/{c.second.pk}").json() == {"article": c.second.pk, "read": False}
    assert ids(reader_api.get("/api/me/unread")) == [c.second.pk, c.original.pk, c.other.pk]


def test_mark_all_read_by_source_story_time_and_everything(reader, reader_api, following):
    c = following
    assert (
        reader_api.post("/api/me/read", {"source": c.ledger.pk}, content_type="application/json").status_code
        == 204
    )
    assert ReadWatermark.objects.filter(user=reader, source=c.ledger).exists()
    assert ids(reader_api.get("/api/me/unread")) == [c.original.pk]

    assert reader_api.delete(f"/api/me/read/{c.second.pk}").status_code == 200  # kept unread below the mark
    story = reader_api.post("/api/me/read", {"story": c.story.pk}, content_type="application/json")
    assert story.status_code == 204
    assert ids(reader_api.get("/api/me/unread")) == []

    ReadState.objects.all().delete()
    ReadWatermark.objects.all().delete()
    # Only what was published at or before the time: the other article is two days old, the rest hours.
    before = (c.other.published_at + timedelta(seconds=1)).isoformat()
    assert (
        reader_api.post("/api/me/read", {"before": before}, content_type="application/json").status_code
        == 204
    )
    assert ids(reader_api.get("/api/me/unread")) == [c.second.pk, c.original.pk]
    assert reader_api.post("/api/me/read", {}, content_type="application/json").status_code == 204
    assert ids(reader_api.get("/api/me/unread")) == []


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"source": 999999}, 404),
        ({"story": 999999}, 404),
        ({"source": 1, "story": 1}, 422),
        ({"before": "yesterday"}, 422),
        ({"source": "abc"}, 422),
    ],
)
def test_bad_mark_all_requests_answer_json_errors_and_change_nothing(reader_api, following, body, status):
    response = reader_api.post("/api/me/read", body, content_type="application/json")
    assert response.status_code == status
    assert "detail" in response.json()
    assert not ReadState.objects.exists() and not ReadWatermark.objects.exists()


@pytest.mark.parametrize(("pk", "status"), [("999999", 404), ("0", 422), ("abc", 422)])
def test_bad_article_ids_answer_json_errors(reader_api, following, pk, status):
    for method in (reader_api.put, reader_api.delete):
        response = method(f"/api/me/read/{pk}")
        assert response.status_code == status
        assert "detail" in response.json()
    assert not ReadState.objects.exists()


def test_one_readers_marks_never_touch_anothers(reader, other_reader, reader_api, other_api, following):
    c = following
    article_mark_read(user=other_reader, article=c.original)
    assert c.original.pk in ids(reader_api.get("/api/me/unread"))
    assert reader_api.post("/api/me/read", {}, content_type="application/json").status_code == 204
    assert ids(reader_api.get("/api/me/unread")) == []
    assert ids(other_api.get("/api/me/unread")) == [c.second.pk, c.other.pk]
    assert sum(n.count for n in unread_counts(user=other_reader).values()) == 2


def test_read_state_needs_a_reader_and_is_never_cached(client, reader_api, following):
    for method, path in (
        ("get", "/api/me/unread"),
        ("get", "/api/me/unread-counts"),
        ("put", "/api/me/read/1"),
    ):
        assert getattr(client, method)(path).status_code == 401
    response = reader_api.get("/api/me/unread")
    assert "no-store" in response["Cache-Control"] and not response.has_header("ETag")
