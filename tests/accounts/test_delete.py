"""Closing an account: the right password, then the reader's data goes and their comments stay or go."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from gazette.accounts.comments import comment_hide, comment_post
from gazette.accounts.deletion import DELETED_READER, account_delete
from gazette.accounts.follows import follow_add
from gazette.accounts.models import (
    AccessToken,
    Comment,
    Follow,
    ModerationLog,
    Notification,
    ReaderSettings,
    ReadState,
    ReadWatermark,
    SavedArticle,
)
from gazette.accounts.reading import articles_mark_all_read, articles_mark_read, reader_settings
from gazette.accounts.saved import saved_article_add
from gazette.accounts.tokens import access_token_create
from tests.accounts.conftest import PASSWORD
from tests.web.factories import make_article, make_source

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread(reader, commenter, moderator):
    """Rita and Carlos both comment, reply to each other, follow, save, read and hold tokens."""
    source = make_source("The Harbor Ledger")
    article = make_article(source, title="Harbour bridge approved")
    other = make_article(make_source("Valley Courier"), title="Valley road reopens")
    answered = comment_post(author=reader, article=article, body="Rita starts a thread")
    reply = comment_post(author=commenter, article=article, body="Carlos answers Rita", parent=answered)
    lonely = comment_post(author=reader, article=article, body="Rita alone")
    carlos_top = comment_post(author=commenter, article=article, body="Carlos starts one")
    rita_reply = comment_post(author=reader, article=article, body="Rita answers Carlos", parent=carlos_top)
    comment_hide(comment=lonely, moderator=moderator, reason="off topic")
    for user in (reader, commenter):
        follow_add(user=user, target=source)
        saved_article_add(user=user, article=article)
        articles_mark_read(user=user, article_ids=[other.pk])
        articles_mark_all_read(user=user, sources=[source])
        access_token_create(user=user, name="phone")
        reader_settings(user=user)
    return {
        "answered": answered,
        "reply": reply,
        "lonely": lonely,
        "carlos_top": carlos_top,
        "rita_reply": rita_reply,
    }


def _owned(user_id: int) -> list[int]:
    return [
        model.objects.filter(user_id=user_id).count()
        for model in (Follow, SavedArticle, ReadState, ReadWatermark, AccessToken, ReaderSettings)
    ]


def test_deletion_needs_the_right_password(reader, reader_client, thread):
    response = reader_client.post("/accounts/delete/", {"password": "not-it"})
    assert response.status_code == 400
    assert "That is not your password." in response.content.decode()
    assert User.objects.filter(pk=reader.pk).exists()
    assert all(_owned(reader.pk))


def test_wrong_passwords_count_with_failed_logins(settings, reader, reader_client, thread):
    settings.GAZETTE_LOGIN_FAILURES_PER_HOUR = 2
    for _ in range(2):
        assert reader_client.post("/accounts/delete/", {"password": "guess"}).status_code == 400
    # Past the limit even the right password is not checked.
    response = reader_client.post("/accounts/delete/", {"password": PASSWORD})
    assert response.status_code == 429
    assert User.objects.filter(pk=reader.pk).exists()


def test_deletion_needs_csrf(reader, thread):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)
    response = client.post("/accounts/delete/", {"password": PASSWORD})
    assert response.status_code == 403
    assert User.objects.filter(pk=reader.pk).exists()


def test_the_page_asks_for_the_password(reader_client, anonymous):
    html = reader_client.get("/accounts/delete/").content.decode()
    assert 'type="password"' in html and "csrfmiddlewaretoken" in html
    assert anonymous.get("/accounts/delete/").status_code == 302


def test_deletion_keeps_comments_as_deleted_reader_by_default(reader, commenter, reader_client, thread):
    pk = reader.pk
    response = reader_client.post("/accounts/delete/", {"password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert not User.objects.filter(pk=pk).exists()
    assert _owned(pk) == [0, 0, 0, 0, 0, 0]
    placeholder = User.objects.get(username=DELETED_READER)
    assert not placeholder.is_active and not placeholder.has_usable_password()
    kept = Comment.objects.filter(author=placeholder)
    assert {c.body for c in kept} == {"Rita starts a thread", "Rita alone", "Rita answers Carlos"}
    assert Comment.objects.get(pk=thread["lonely"].pk).hidden  # moderation state is kept too
    reply = Comment.objects.get(pk=thread["reply"].pk)
    assert reply.parent_id == thread["answered"].pk and reply.author == commenter
    html = Client().get(f"/article/{thread['answered'].article_id}/").content.decode()
    assert DELETED_READER in html and "Rita starts a thread" in html and ">rita<" not in html
    # Carlos keeps everything of his.
    assert _owned(commenter.pk) == [1, 1, 1, 1, 1, 1]
    assert Comment.objects.filter(author=commenter).count() == 2
    # The audit log keeps the row and its excerpt.
    entry = ModerationLog.objects.get(action="hide")
    assert entry.reader_id is None and entry.excerpt.startswith("Rita alone")


def test_deletion_logs_out_and_the_reader_can_no_longer_log_in(reader_client, thread):
    reader_client.post("/accounts/delete/", {"password": PASSWORD})
    assert reader_client.get("/accounts/reading/").status_code == 302
    fresh = Client()
    response = fresh.post("/accounts/login/", {"username": "rita", "password": PASSWORD})
    assert response.status_code == 200  # the form again, with its error
    assert "_auth_user_id" not in fresh.session
    assert not fresh.login(username=DELETED_READER, password="")


def test_remove_setting_removes_comments_but_keeps_others_replies(settings, reader, commenter, thread):
    settings.GAZETTE_DELETED_ACCOUNT_COMMENTS = "remove"
    account_delete(user=reader)
    remaining = Comment.objects.all()
    assert not any(c.body.startswith("Rita") for c in remaining)
    # The thread others answered stays, emptied, so Carlos's reply keeps its place.
    answered = Comment.objects.get(pk=thread["answered"].pk)
    assert answered.deleted and answered.body == "" and answered.body_html == ""
    assert Comment.objects.get(pk=thread["reply"].pk).parent_id == answered.pk
    assert not Comment.objects.filter(pk__in=[thread["lonely"].pk, thread["rita_reply"].pk]).exists()
    assert Comment.objects.filter(author=commenter).count() == 2
    html = Client().get(f"/article/{answered.article_id}/").content.decode()
    assert "[deleted]" in html and "Carlos answers Rita" in html
    assert "Rita starts a thread" not in html and "Rita alone" not in html and "Rita answers" not in html


def test_notifications_of_the_deleted_reader_go_and_others_stay(reader, commenter, thread):
    assert Notification.objects.filter(recipient=reader).exists()
    assert Notification.objects.filter(recipient=commenter).exists()
    account_delete(user=reader)
    assert not Notification.objects.filter(recipient_id=reader.pk).exists()
    assert Notification.objects.filter(recipient=commenter).exists()
