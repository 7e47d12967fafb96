"""The accounts models in the Django admin, and moderation from its list."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from gazette.accounts.comments import comment_post
from gazette.accounts.models import Comment
from tests.accounts.conftest import signed_in
from tests.web.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client():
    return signed_in(User.objects.create_superuser("admin", password="x-admin-password-1"))


def test_models_are_registered(admin_client):
    for path in ("/admin/accounts/comment/", "/admin/accounts/follow/", "/admin/accounts/savedarticle/"):
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
