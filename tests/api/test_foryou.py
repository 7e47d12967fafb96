"""The reader's For you cards through the API."""

from __future__ import annotations

import pytest

from gazette.accounts.follows import follow_add
from gazette.accounts.foryou import foryou_mute_add
from gazette.accounts.reading import article_mark_read
from gazette.accounts.saved import saved_article_add
from tests.api.conftest import TAIL

pytestmark = pytest.mark.django_db


def test_cards_with_their_reasons(reader, reader_api, other_api, corpus):
    follow_add(user=reader, target=corpus.entity)
    follow_add(user=reader, target=corpus.ledger)
    article_mark_read(user=reader, article=corpus.second)
    response = reader_api.get("/api/me/for-you")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    items = response.json()["items"]
    # The story once, by its unread original; then the ledger's other article.
    assert [(i["id"], i["read"], i["story"], i["more"]) for i in items] == [
        (corpus.original.pk, False, corpus.story.pk, 1),
        (corpus.other.pk, False, None, 0),
    ]
    assert items[0]["reason"] == {
        "kind": "entity",
        "text": "Because you follow Puerto Salinas",
        "target_kind": "entity",
        "target_id": None,
        "target_slug": "puerto-salinas",
        "target_name": "Puerto Salinas",
        "target_url": "http://testserver/entity/puerto-salinas/",
    }
    assert items[1]["reason"]["text"] == "From The Harbor Ledger, which you follow"
    assert items[1]["reason"]["target_id"] == corpus.ledger.pk
    assert TAIL not in str(items)
    assert reader_api.get("/api/me/for-you?limit=1").json()["items"][0]["id"] == corpus.original.pk
    assert reader_api.get("/api/me/for-you?limit=0").status_code == 422
    # Another reader's follows and mutes are theirs.
    assert other_api.get("/api/me/for-you").json()["items"] == []
    foryou_mute_add(user=reader, target=corpus.entity)
    assert [i["id"] for i in reader_api.get("/api/me/for-you").json()["items"]] == [corpus.other.pk]


def test_a_saved_article_brings_its_story(reader, reader_api, corpus):
    saved_article_add(user=reader, article=corpus.second)
    [item] = reader_api.get("/api/me/for-you").json()["items"]
    assert item["reason"]["kind"] == "saved" and item["reason"]["target_id"] == corpus.story.pk


def test_needs_a_token(client, corpus):
    assert client.get("/api/me/for-you").status_code == 401
