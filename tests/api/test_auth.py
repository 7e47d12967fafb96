"""Who may call the reader's own operations: a live token, or the site's session with its CSRF token."""

from __future__ import annotations

import pytest
from django.test import Client

from gazette.accounts.models import AccessToken, SavedArticle
from gazette.accounts.tokens import access_token_revoke
from tests.api.conftest import bearer, token_for
from tests.web.factories import make_article

pytestmark = pytest.mark.django_db


def _refused(response) -> None:
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert "Bearer" in response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_live_token_is_the_reader(reader, reader_api):
    response = reader_api.get("/api/me")
    assert response.status_code == 200
    assert response.json()["username"] == "rita"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


@pytest.mark.parametrize(
    "header",
    [
        None,
        "Bearer",
        "Bearer ",
        "Bearer gzt_not-a-token",
        "Bearer not-even-prefixed",
        "Basic cml0YTpxdWlldA==",
        "Bearer " + "gzt_" + "x" * 5000,
        "Bearer gzt_\u00e9\u00e8",
    ],
)
def test_no_wrong_or_malformed_token_answers_401(reader, header):
    client = Client(headers={"Authorization": header} if header else {})
    _refused(client.get("/api/me"))
    _refused(client.put("/api/me/saved/1"))


def test_a_revoked_token_answers_401_and_changes_nothing(reader):
    raw = token_for(reader)
    client = bearer(raw)
    article = make_article()
    assert client.put(f"/api/me/saved/{article.pk}").status_code == 200
    token = AccessToken.objects.get(user=reader)
    assert access_token_revoke(user=reader, pk=token.pk)
    _refused(client.get("/api/me"))
    _refused(client.delete(f"/api/me/saved/{article.pk}"))
    assert SavedArticle.objects.filter(user=reader, article=article).exists()


def test_an_inactive_readers_token_answers_401(reader, reader_api):
    reader.is_active = False
    reader.save()
    _refused(reader_api.get("/api/me"))


def test_the_token_notes_when_it_was_used(reader, reader_api):
    token = AccessToken.objects.get(user=reader)
    assert token.last_used_at is None
    reader_api.get("/api/me")
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    reader_api.get("/api/me")  # within the minute: no second write
    token.refresh_from_db()
    assert token.last_used_at == first


def test_a_session_reads_without_csrf_but_changes_only_with_it(reader):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)
    assert client.get("/api/me").json()["username"] == "rita"
    article = make_article()
    refused = client.put(f"/api/me/saved/{article.pk}")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    assert not SavedArticle.objects.exists()
    # The token a page has, as the site's JavaScript would send it.
    client.get("/accounts/tokens/")
    csrf = client.cookies["csrftoken"].value
    assert client.put(f"/api/me/saved/{article.pk}", headers={"X-CSRFToken": csrf}).status_code == 200
    assert SavedArticle.objects.filter(user=reader, article=article).exists()
    assert client.delete(f"/api/me/saved/{article.pk}", headers={"X-CSRFToken": csrf}).status_code == 204


def test_a_wrong_bearer_token_is_refused_even_with_a_session(reader):
    client = Client(headers={"Authorization": "Bearer gzt_wrong"})
    client.force_login(reader)
    _refused(client.get("/api/me"))


def test_a_signed_out_client_gets_401_not_a_csrf_error(db):
    client = Client(enforce_csrf_checks=True)
    _refused(client.post("/api/articles/1/comments", {"body": "hi"}, content_type="application/json"))
    _refused(client.delete("/api/me/follows/source/1"))


def test_a_proxys_basic_auth_leaves_the_session_working(reader):
    client = Client(headers={"Authorization": "Basic cml0YTpxdWlldA=="})
    client.force_login(reader)
    assert client.get("/api/me").json()["username"] == "rita"
