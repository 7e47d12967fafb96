"""The accounts models in the Django admin, moderation from its list, and its login's limits."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from gazette.accounts.comments import comment_post
from gazette.accounts.models import Comment
from tests.accounts.conftest import PASSWORD, signed_in
from tests.web.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client():
    return signed_in(User.objects.create_superuser("admin", password="x-admin-password-1"))


def test_models_are_registered(admin_client):
    for model in ("comment", "follow", "foryoumute", "savedarticle"):
        path = f"/admin/accounts/{model}/"
        assert admin_client.get(path).status_code == 200, path


def test_hide_and_unhide_actions(admin_client, commenter):
    comment = comment_post(author=commenter, article=make_article(), body="Spam, spam, spam")
    html = admin_client.get("/admin/accounts/comment/").content.decode()
    assert "Spam, spam, spam" in html
    admin_client.post("/admin/accounts/comment/", {"action": "hide", "_selected_action": [comment.pk]})
    comment.refresh_from_db()
    assert comment.hidden and comment.hidden_by.username == "admin"
    admin_client.post("/admin/accounts/comment/", {"action": "unhide", "_selected_action": [comment.pk]})
    comment.refresh_from_db()
    assert not comment.hidden


def test_comments_are_not_added_in_the_admin(admin_client):
    assert admin_client.get("/admin/accounts/comment/add/").status_code == 403
    assert not Comment.objects.exists()


ADMIN_PASSWORD = "x-admin-password-1"


@pytest.fixture
def admin_user():
    return User.objects.create_superuser("admin", password=ADMIN_PASSWORD)


def admin_log_in(ip: str, username: str, password: str):
    data = {"username": username, "password": password, "next": "/admin/"}
    return Client(REMOTE_ADDR=ip).post("/admin/login/", data)


def site_log_in(ip: str, username: str, password: str):
    return Client(REMOTE_ADDR=ip).post("/accounts/login/", {"username": username, "password": password})


def test_admin_login_is_refused_after_too_many_failures_without_checking_the_password(
    counted, admin_user, reader
):
    # A reader's right password is refused for not being staff, and is not a failed guess.
    for _ in range(3):
        not_staff = admin_log_in("203.0.113.9", "rita", PASSWORD)
        assert not_staff.status_code == 200 and "staff account" in not_staff.content.decode()
    assert [admin_log_in("203.0.113.9", "admin", "not-it").status_code for _ in range(2)] == [200, 200]
    checked = list(counted)
    limited = admin_log_in("203.0.113.9", "admin", ADMIN_PASSWORD)
    assert limited.status_code == 429
    html = limited.content.decode()
    assert "Too many failed attempts to log in from your network or to this account" in html
    assert 'name="username"' in html
    assert counted == checked  # the right password was not even checked
    assert "_auth_user_id" not in limited.client.session
    # Another address may still log in as another person.
    assert admin_log_in("198.51.100.7", "rita", PASSWORD).status_code == 200


def test_failures_at_either_login_count_towards_one_limit_per_name(counted, admin_user):
    assert site_log_in("203.0.113.1", "admin", "not-it").status_code == 200
    assert admin_log_in("203.0.113.2", "admin", "not-it").status_code == 200
    # Two failures for the name, one at each form: both forms now refuse it, from any address.
    assert admin_log_in("192.0.2.1", "admin", ADMIN_PASSWORD).status_code == 429
    assert site_log_in("192.0.2.2", "ADMIN", ADMIN_PASSWORD).status_code == 429


def test_failures_at_either_login_count_towards_one_limit_per_address(counted, admin_user, reader):
    assert admin_log_in("203.0.113.9", "nobody", "not-it").status_code == 200
    assert site_log_in("203.0.113.9", "someone", "not-it").status_code == 200
    # Two failures from the address: neither form checks another password from it.
    assert site_log_in("203.0.113.9", "rita", PASSWORD).status_code == 429
    assert admin_log_in("203.0.113.9", "admin", ADMIN_PASSWORD).status_code == 429
    assert admin_log_in("198.51.100.7", "admin", ADMIN_PASSWORD).status_code == 302


def test_the_placeholder_of_closed_accounts_cannot_be_deleted_or_changed_in_the_admin(
    admin_client, commenter
):
    from gazette.accounts.deletion import account_delete, deleted_reader

    comment_post(author=commenter, article=make_article(), body="Kept after I leave")
    account_delete(user=commenter)
    placeholder = deleted_reader()
    assert admin_client.get(f"/admin/auth/user/{placeholder.pk}/delete/").status_code == 403
    page = admin_client.get(f"/admin/auth/user/{placeholder.pk}/change/")
    assert page.status_code == 200 and b'name="is_staff"' not in page.content  # shown read-only
    refused = admin_client.post(
        f"/admin/auth/user/{placeholder.pk}/change/", {"username": "someone", "is_active": "on"}
    )
    assert refused.status_code == 403
    bulk = admin_client.post(
        "/admin/auth/user/",
        {"action": "delete_selected", "_selected_action": [placeholder.pk], "post": "yes"},
    )
    assert bulk.status_code in (200, 302, 403)
    placeholder.refresh_from_db()
    assert placeholder.username == "deleted reader" and not placeholder.is_active
    assert Comment.objects.get(body="Kept after I leave").author == placeholder
    # Other readers are as Django's admin has them.
    assert (
        admin_client.get(f"/admin/auth/user/{User.objects.get(username='admin').pk}/change/").status_code
        == 200
    )
