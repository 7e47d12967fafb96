"""GET /api/me and the reader's tokens through the API."""

from __future__ import annotations

import pytest

from gazette.accounts.follows import follow_add
from gazette.accounts.models import AccessToken
from gazette.accounts.saved import saved_article_add
from tests.api.conftest import bearer, token_for

pytestmark = pytest.mark.django_db


def test_me_describes_the_reader(reader, reader_api, corpus):
    follow_add(user=reader, target=corpus.wire)
    saved_article_add(user=reader, article=corpus.original)
    saved_article_add(user=reader, article=corpus.other)
    body = reader_api.get("/api/me").json()
    assert body["id"] == reader.pk and body["username"] == "rita"
    assert body["moderator"] is False
    assert (body["follows"], body["saved"]) == (1, 2)
    assert body["tokens_page"] == "http://testserver/accounts/tokens/"


def test_tokens_list_shows_only_the_readers_own_and_never_the_secret(reader, other_reader):
    raw = token_for(reader, "phone")
    token_for(reader, "laptop")
    other_raw = token_for(other_reader, "omar's")
    response = bearer(raw).get("/api/me/tokens")
    assert response.status_code == 200
    names = [t["name"] for t in response.json()["items"]]
    assert names == ["laptop", "phone"]
    assert raw not in response.content.decode() and other_raw[:12] not in response.content.decode()
    assert all(t["prefix"].startswith("gzt_") and len(t["prefix"]) == 12 for t in response.json()["items"])


def test_a_reader_cannot_revoke_anothers_token(reader, other_reader):
    client = bearer(token_for(reader))
    other_raw = token_for(other_reader)
    theirs = AccessToken.objects.get(user=other_reader)
    response = client.delete(f"/api/me/tokens/{theirs.pk}")
    assert response.status_code == 404 and response.json() == {"detail": "Not Found"}
    assert bearer(other_raw).get("/api/me").status_code == 200


def test_a_client_can_revoke_the_token_it_uses(reader):
    raw = token_for(reader)
    client = bearer(raw)
    mine = AccessToken.objects.get(user=reader)
    assert client.delete(f"/api/me/tokens/{mine.pk}").status_code == 204
    assert client.get("/api/me").status_code == 401
    assert client.delete(f"/api/me/tokens/{mine.pk}").status_code == 401
    assert bearer(token_for(reader)).delete(f"/api/me/tokens/{mine.pk}").status_code == 404
