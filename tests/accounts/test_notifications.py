"""Notifications: a reply to a reader's comment shows under the bell until read."""

from __future__ import annotations

import pytest

from gazette.accounts.comments import comment_post
from gazette.accounts.models import Notification
from tests.web.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    return make_article(title="Harbour bridge approved")


def test_a_reply_notifies_the_author(commenter, commenter_client, reader, reader_client, article):
    top = comment_post(author=commenter, article=article, body="What about cyclists?")
    reader_client.post(f"/comments/article/{article.pk}/", {"body": "There is a lane", "parent": top.pk})
    reply = top.replies.get()
    note = Notification.objects.get()
    assert note.recipient == commenter and note.comment == reply and note.read_at is None
    front = commenter_client.get("/").content.decode()
    assert 'class="bell-count">1<' in front
    page = commenter_client.get("/notifications/")
    html = page.content.decode()
    assert page.status_code == 200 and "rita" in html and f"#comment-{reply.pk}" in html and ">New<" in html
    commenter_client.post("/notifications/read/")
    note.refresh_from_db()
    assert note.read_at is not None
    assert "bell-count" not in commenter_client.get("/").content.decode()
    # Nobody else is told.
    assert "bell-count" not in reader_client.get("/").content.decode()


def test_replying_to_oneself_notifies_nobody(commenter, article):
    top = comment_post(author=commenter, article=article, body="First")
    comment_post(author=commenter, article=article, body="Also", parent=top)
    assert not Notification.objects.exists()


def test_notifications_need_an_account(anonymous):
    response = anonymous.get("/notifications/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert anonymous.post("/notifications/read/").status_code == 302
