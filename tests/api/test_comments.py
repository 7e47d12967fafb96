"""Commenting through the API: the site's workflow, its limits and its moderation."""

from __future__ import annotations

import pytest

from gazette.accounts.comments import comment_hide
from gazette.accounts.models import COMMENT_MAX_CHARS, Comment
from tests.api.conftest import bearer, token_for

pytestmark = pytest.mark.django_db


def _post(client, pk, body):
    return client.post(f"/api/articles/{pk}/comments", {"body": body}, content_type="application/json")


def test_post_a_comment_as_the_page_stores_it(reader, reader_api, corpus):
    response = _post(reader_api, corpus.original.pk, "  Stay safe, everyone.\r\n\r\n\r\n\r\nThoughts.  ")
    assert response.status_code == 201, response.content
    body = response.json()
    stored = Comment.objects.get()
    assert stored.author == reader and stored.article == corpus.original
    assert stored.body == body["body"] == "Stay safe, everyone.\n\nThoughts."
    assert body["author"] == "rita" and body["hidden"] is False and body["article"] == corpus.original.pk
    assert body["url"].endswith(f"#comment-{stored.pk}")
    # The article page shows it.
    page = reader_api.get(body["url"].removeprefix("http://testserver").split("#")[0])
    assert "Stay safe, everyone." in page.content.decode()


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({"body": "   \n  "}, 422),
        ({"body": "x" * (COMMENT_MAX_CHARS + 1)}, 422),
        ({"body": 5}, 422),
        ({}, 422),
        ({"body": None}, 422),
    ],
)
def test_bad_comments_are_refused_with_json(reader_api, corpus, payload, status):
    response = reader_api.post(
        f"/api/articles/{corpus.original.pk}/comments", payload, content_type="application/json"
    )
    assert response.status_code == status, response.content
    assert "detail" in response.json()
    assert not Comment.objects.exists()


def test_malformed_bodies_are_400_or_422_never_500(reader_api, corpus):
    path = f"/api/articles/{corpus.original.pk}/comments"
    for data, content_type in [
        ("{not json", "application/json"),
        ("body=hi", "text/plain"),
        ("[]", "application/json"),
    ]:
        response = reader_api.post(path, data, content_type=content_type)
        assert response.status_code in (400, 422), (data, response.status_code)
        assert "detail" in response.json()
    assert not Comment.objects.exists()


def test_unknown_articles_are_404(reader_api):
    response = _post(reader_api, 999999, "Hello")
    assert response.status_code == 404 and response.json() == {"detail": "Not Found"}


def test_the_sites_comment_limit_counts_api_and_page_comments_together(settings, reader, corpus):
    settings.GAZETTE_COMMENT_RATE_PER_MINUTE = 2
    client = bearer(token_for(reader))
    assert _post(client, corpus.original.pk, "one").status_code == 201
    assert _post(client, corpus.second.pk, "two").status_code == 201
    limited = _post(client, corpus.original.pk, "three")
    assert limited.status_code == 429 and "Wait a few minutes" in limited.json()["detail"]
    # Another token of the same reader is the same reader; so is their session on the page.
    assert _post(bearer(token_for(reader, "laptop")), corpus.original.pk, "four").status_code == 429
    from django.test import Client

    page = Client()
    page.force_login(reader)
    assert page.post(f"/comments/article/{corpus.original.pk}/", {"body": "five"}).status_code == 429
    assert Comment.objects.count() == 2


def test_limits_are_per_reader(settings, reader, other_reader, reader_api, other_api, corpus):
    settings.GAZETTE_COMMENT_RATE_PER_MINUTE = 1
    assert _post(reader_api, corpus.original.pk, "mine").status_code == 201
    assert _post(reader_api, corpus.original.pk, "again").status_code == 429
    assert _post(other_api, corpus.original.pk, "theirs").status_code == 201


def test_a_moderator_can_hide_a_comment_posted_through_the_api(reader, reader_api, corpus):
    from django.contrib.auth.models import User

    body = _post(reader_api, corpus.original.pk, "Something rude").json()
    moderator = User.objects.create_user("mona", is_staff=True)
    comment_hide(comment=Comment.objects.get(pk=body["id"]), moderator=moderator)
    from django.test import Client

    html = Client().get(body["url"].removeprefix("http://testserver").split("#")[0]).content.decode()
    assert "Something rude" not in html


def test_a_body_past_the_upload_limit_is_a_json_413(settings, reader_api, corpus):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = _post(reader_api, corpus.original.pk, "x" * 20_000)
    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is larger than 10000 bytes."}
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        (b'{"body": "\xff\xfe"}', 400),  # not UTF-8
        (b'{"body": "\\ud800"}', 422),  # a lone surrogate
    ],
)
def test_undecodable_text_is_refused(reader_api, corpus, raw, status):
    response = reader_api.post(
        f"/api/articles/{corpus.original.pk}/comments", raw, content_type="application/json"
    )
    assert response.status_code == status and "detail" in response.json()
    assert not Comment.objects.exists()


def test_nul_characters_are_dropped_not_stored(reader_api, corpus):
    response = reader_api.post(
        f"/api/articles/{corpus.original.pk}/comments",
        '{"body": "before\\u0000after"}',
        content_type="application/json",
    )
    assert response.status_code == 201
    assert Comment.objects.get().body == "beforeafter"


def test_a_comment_carries_the_authors_display_name_beside_the_username(reader, reader_api, corpus):
    from gazette.accounts.profile import display_name_set

    assert _post(reader_api, corpus.original.pk, "Before").json()["display_name"] == "rita"
    display_name_set(user=reader, name="Rita Moreno")
    body = _post(reader_api, corpus.original.pk, "After").json()
    assert body["author"] == "rita" and body["display_name"] == "Rita Moreno"
    assert reader_api.get("/api/me").json()["display_name"] == "Rita Moreno"
