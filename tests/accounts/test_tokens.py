"""The API tokens page and the token workflow: made once, kept as a hash, revoked by their reader only."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.db import connection
from django.test import Client

from gazette.accounts.models import AccessToken
from gazette.accounts.tokens import (
    TOKENS_MAX,
    TokenRefused,
    access_token_create,
    access_token_revoke,
    access_token_user,
)

pytestmark = pytest.mark.django_db

PAGE = "/accounts/tokens/"


def _shown_token(html: str) -> str:
    match = re.search(r'id="new-token" type="text" readonly value="([^"]+)"', html)
    assert match, html
    return match.group(1)


def test_make_a_token_see_it_once_and_use_it(reader, reader_client):
    response = reader_client.post(PAGE, {"name": "phone"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    raw = _shown_token(response.content.decode())
    assert raw.startswith("gzt_") and len(raw) > 40
    assert access_token_user(raw=raw) == reader
    # The list shows its name and prefix, never the token again.
    again = reader_client.get(PAGE).content.decode()
    assert "phone" in again and raw[:12] in again and raw not in again
    assert 'id="new-token"' not in again
    assert Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/me").json()["username"] == "rita"


def test_the_token_is_kept_only_as_its_sha256(reader):
    token, raw = access_token_create(user=reader, name="backup script")
    assert token.digest == hashlib.sha256(raw.encode()).hexdigest()
    assert raw[12:] not in token.prefix
    # Nothing in the row, read straight from the database, holds the token itself.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {AccessToken._meta.db_table} WHERE id = %s", [token.pk])
        row = cursor.fetchone()
    assert not any(isinstance(value, str) and raw[8:] in value for value in row)
    assert row.count(token.digest) == 1


def test_two_tokens_differ(reader):
    first = access_token_create(user=reader, name="a")[1]
    second = access_token_create(user=reader, name="a")[1]
    assert first != second and first[:12] != second[:12]


def test_a_blank_name_is_refused(reader_client):
    response = reader_client.post(PAGE, {"name": "   "})
    assert response.status_code == 400
    assert "Give the token a name." in response.content.decode()
    assert not AccessToken.objects.exists()


def test_a_reader_has_at_most_tokens_max_live_tokens(reader, reader_client):
    for i in range(TOKENS_MAX):
        access_token_create(user=reader, name=f"t{i}")
    with pytest.raises(TokenRefused):
        access_token_create(user=reader, name="one more")
    response = reader_client.post(PAGE, {"name": "one more"})
    assert response.status_code == 400 and "revoke one" in response.content.decode()
    access_token_revoke(user=reader, pk=AccessToken.objects.filter(user=reader).first().pk)
    assert reader_client.post(PAGE, {"name": "one more"}).status_code == 200


def test_revoke_from_the_page(reader, reader_client):
    token, raw = access_token_create(user=reader, name="old laptop")
    response = reader_client.post(f"/accounts/tokens/{token.pk}/revoke/")
    assert response.status_code == 302 and response["Location"] == PAGE
    assert access_token_user(raw=raw) is None
    html = reader_client.get(PAGE).content.decode()
    assert "old laptop" in html and "revoked" in html
    assert f'action="/accounts/tokens/{token.pk}/revoke/"' not in html
    assert reader_client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404


def test_a_reader_neither_sees_nor_revokes_anothers_tokens(reader, commenter, reader_client):
    theirs, raw = access_token_create(user=commenter, name="carlos's phone")
    html = reader_client.get(PAGE).content.decode()
    assert "carlos" not in html and theirs.prefix not in html
    assert reader_client.post(f"/accounts/tokens/{theirs.pk}/revoke/").status_code == 404
    assert access_token_user(raw=raw) == commenter


def test_the_page_needs_a_signed_in_reader(anonymous, reader):
    response = anonymous.get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert anonymous.post(PAGE, {"name": "x"}).status_code == 302
    token, raw = access_token_create(user=reader, name="phone")
    assert anonymous.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 302
    assert access_token_user(raw=raw) == reader
    assert not AccessToken.objects.filter(name="x").exists()


def test_making_and_revoking_need_the_csrf_token(reader):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)
    assert client.post(PAGE, {"name": "phone"}).status_code == 403
    assert not AccessToken.objects.exists()
    html = client.get(PAGE).content.decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    assert client.post(PAGE, {"name": "phone", "csrfmiddlewaretoken": csrf}).status_code == 200
    token = AccessToken.objects.get()
    assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 403
    assert not AccessToken.objects.get().revoked


def test_the_account_menu_links_the_page(reader_client):
    assert f'href="{PAGE}"' in reader_client.get("/").content.decode()
