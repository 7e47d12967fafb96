"""The reader's follows through the API: listing, following and unfollowing, each reader their own."""

from __future__ import annotations

import pytest

from gazette.accounts.follows import follow_add, follow_exists
from gazette.accounts.models import Follow

pytestmark = pytest.mark.django_db


def test_follow_each_kind_and_list_them(reader, reader_api, corpus):
    targets = {
        "source": (str(corpus.wire.pk), corpus.wire),
        "story": (str(corpus.story.pk), corpus.story),
        "topic": (corpus.topic.slug, corpus.topic),
        "entity": (corpus.entity.slug, corpus.entity),
    }
    for kind, (key, target) in targets.items():
        response = reader_api.put(f"/api/me/follows/{kind}/{key}")
        assert response.status_code == 200, (kind, response.content)
        body = response.json()
        assert body["kind"] == kind
        assert follow_exists(user=reader, target=target)
    listed = reader_api.get("/api/me/follows").json()
    assert listed["count"] == 4
    by_kind = {f["kind"]: f for f in listed["items"]}
    assert by_kind["source"]["id"] == corpus.wire.pk and by_kind["source"]["slug"] is None
    assert by_kind["source"]["name"] == "Meridian Wire"
    assert by_kind["source"]["url"] == f"http://testserver/source/{corpus.wire.pk}/"
    assert by_kind["topic"]["slug"] == "world" and by_kind["topic"]["id"] is None
    assert by_kind["story"]["name"] == "Quake strikes Puerto Salinas"
    only = reader_api.get("/api/me/follows?kind=entity").json()
    assert [f["name"] for f in only["items"]] == ["Puerto Salinas"] and only["count"] == 1
    paged = reader_api.get("/api/me/follows?limit=3").json()
    assert len(paged["items"]) == 3 and paged["next"].endswith("?limit=3&offset=3")


def test_following_twice_keeps_one_and_unfollow_removes_it(reader, reader_api, corpus):
    path = f"/api/me/follows/source/{corpus.ledger.pk}"
    assert reader_api.put(path).status_code == 200
    assert reader_api.put(path).status_code == 200
    assert Follow.objects.filter(user=reader).count() == 1
    response = reader_api.delete(path)
    assert response.status_code == 204 and response.content == b""
    assert not Follow.objects.filter(user=reader).exists()
    assert reader_api.delete(path).status_code == 204  # not following: nothing to do


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/me/follows/source/999999", 404),
        ("/api/me/follows/topic/no-such-topic", 404),
        ("/api/me/follows/entity/no-such-entity", 404),
        ("/api/me/follows/source/abc", 422),
        ("/api/me/follows/story/0", 422),
        ("/api/me/follows/story/-3", 422),
        ("/api/me/follows/source/99999999999999999999", 422),
        ("/api/me/follows/source/%D9%A3", 422),  # an Arabic-Indic digit three: a digit, not an id
        ("/api/me/follows/publisher/1", 422),
        ("/api/me/follows/source/" + "9" * 201, 422),
    ],
)
def test_bad_targets_answer_json_errors(reader_api, corpus, path, status):
    for method in (reader_api.put, reader_api.delete):
        response = method(path)
        assert response.status_code == status, (path, response.content)
        assert "detail" in response.json()
    assert not Follow.objects.exists()


def test_a_reader_neither_sees_nor_changes_anothers_follows(
    reader, other_reader, reader_api, other_api, corpus
):
    follow_add(user=other_reader, target=corpus.wire)
    assert reader_api.get("/api/me/follows").json()["count"] == 0
    assert reader_api.delete(f"/api/me/follows/source/{corpus.wire.pk}").status_code == 204
    assert follow_exists(user=other_reader, target=corpus.wire)
    reader_api.put(f"/api/me/follows/topic/{corpus.topic.slug}")
    assert [f["kind"] for f in other_api.get("/api/me/follows").json()["items"]] == ["source"]


def test_unfollowing_a_story_drops_the_stories_merged_into_it(reader, reader_api, corpus):
    from tests.web.factories import make_story

    merged = make_story([corpus.other], title="An early report")
    merged.merged_into = corpus.story
    merged.save()
    follow_add(user=reader, target=merged)
    assert reader_api.delete(f"/api/me/follows/story/{corpus.story.pk}").status_code == 204
    assert not Follow.objects.filter(user=reader).exists()
