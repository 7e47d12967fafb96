"""Moderation: reports, the queue and its actions, suspensions, the audit log, and who may do what."""

from __future__ import annotations

from datetime import timedelta

import lxml.html
import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.utils import timezone

from gazette.accounts.comments import CommentRefused, comment_post, comment_report
from gazette.accounts.models import MODERATORS_GROUP, Comment, CommentReport, ModerationLog, Suspension
from gazette.accounts.moderation import is_moderator, reader_suspend
from tests.accounts.conftest import PASSWORD, signed_in
from tests.web.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    return make_article(title="Harbour bridge approved")


@pytest.fixture
def comment(commenter, article):
    return comment_post(author=commenter, article=article, body="Buy watches at spam.example")


def readers(n: int) -> list[User]:
    return [User.objects.create_user(f"reporter{i}", password=PASSWORD) for i in range(n)]


def test_the_migration_made_the_moderators_group():
    assert Group.objects.filter(name=MODERATORS_GROUP).exists()


def test_who_moderates(reader, moderator, operator):
    from django.contrib.auth.models import AnonymousUser

    assert is_moderator(moderator) and is_moderator(operator)
    assert not is_moderator(reader) and not is_moderator(AnonymousUser())


def test_report_a_comment_with_a_reason(comment, reader_client, article):
    page = reader_client.get(f"/article/{article.pk}/").content.decode()
    assert f'href="/comments/{comment.pk}/report/"' in page
    form = reader_client.get(f"/comments/{comment.pk}/report/")
    assert form.status_code == 200 and "spam.example" in form.content.decode()
    response = reader_client.post(f"/comments/{comment.pk}/report/", {"reason": "spam", "note": "an advert"})
    assert response.status_code == 302 and response["Location"].endswith(f"#comment-{comment.pk}")
    report = CommentReport.objects.get()
    assert (report.reason, report.note, report.reporter.username) == ("spam", "an advert", "rita")
    page = reader_client.get(f"/article/{article.pk}/").content.decode()
    assert "You reported this comment." in page and f'href="/comments/{comment.pk}/report/"' not in page


def test_report_needs_a_known_reason(comment, reader_client):
    for data in ({}, {"reason": "because"}):
        response = reader_client.post(f"/comments/{comment.pk}/report/", data)
        assert response.status_code == 400 and "Your report was not sent." in response.content.decode()
    assert not CommentReport.objects.exists()


def test_reporting_twice_counts_once(comment, reader):
    comment_report(comment=comment, reporter=reader, reason="spam")
    comment_report(comment=comment, reporter=reader, reason="abuse")
    assert CommentReport.objects.get().reason == "spam"


def test_own_comment_cannot_be_reported(comment, commenter, commenter_client):
    assert commenter_client.post(f"/comments/{comment.pk}/report/", {"reason": "spam"}).status_code == 403
    with pytest.raises(CommentRefused):
        comment_report(comment=comment, reporter=commenter, reason="spam")
    assert not CommentReport.objects.exists()


def test_anonymous_is_sent_to_log_in_to_report(comment, anonymous):
    response = anonymous.post(f"/comments/{comment.pk}/report/", {"reason": "spam"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not CommentReport.objects.exists()


def test_enough_reports_hide_pending_review(comment, anonymous, article, settings):
    settings.GAZETTE_COMMENT_REPORTS_TO_HIDE = 3
    first, second, third = readers(3)
    comment_report(comment=comment, reporter=first, reason="spam")
    comment_report(comment=comment, reporter=second, reason="spam")
    comment.refresh_from_db()
    assert not comment.hidden
    assert "spam.example" in anonymous.get(f"/article/{article.pk}/").content.decode()
    comment_report(comment=comment, reporter=third, reason="abuse")
    comment.refresh_from_db()
    assert comment.hidden and comment.hidden_by is None
    assert "spam.example" not in anonymous.get(f"/article/{article.pk}/").content.decode()
    entry = ModerationLog.objects.get()
    assert entry.action == "auto_hide" and entry.moderator is None and "3 readers" in entry.reason
    own = signed_in(comment.author).get(f"/article/{article.pk}/").content.decode()
    assert "hidden until a moderator looks at it" in own


def test_queue_lists_reported_comments_for_moderators(comment, moderator_client, reader):
    comment_report(comment=comment, reporter=reader, reason="spam", note="advert")
    response = moderator_client.get("/moderation/")
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    item = lxml.html.fromstring(response.content).get_element_by_id(f"queue-{comment.pk}")
    text = item.text_content()
    assert "spam.example" in text and "rita: Spam or advertising" in text and "advert" in text
    # Only reported comments are in the queue, the most reported first.
    quiet = comment_post(author=reader, article=comment.article, body="Nobody minds this one")
    twice = comment_post(author=reader, article=comment.article, body="Two people mind this one")
    for r in readers(2):
        comment_report(comment=twice, reporter=r, reason="abuse")
    page = lxml.html.fromstring(moderator_client.get("/moderation/").content)
    assert [li.get("id") for li in page.find_class("queue-item")] == [
        f"queue-{twice.pk}",
        f"queue-{comment.pk}",
    ]
    assert f"queue-{quiet.pk}" not in lxml.html.tostring(page).decode()


def test_queue_is_for_moderators_only(comment, reader_client, commenter_client, anonymous, operator_client):
    assert reader_client.get("/moderation/").status_code == 403
    assert commenter_client.get("/moderation/log/").status_code == 403
    assert reader_client.post(f"/moderation/comments/{comment.pk}/hide/").status_code == 403
    assert (
        reader_client.post(f"/moderation/readers/{comment.author_id}/suspend/", {"reason": "x"}).status_code
        == 403
    )
    response = anonymous.get("/moderation/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert operator_client.get("/moderation/").status_code == 200
    comment.refresh_from_db()
    assert not comment.hidden and not Suspension.objects.exists() and not ModerationLog.objects.exists()


def test_hide_from_the_queue_resolves_and_logs(
    comment, moderator, moderator_client, reader, anonymous, article
):
    comment_report(comment=comment, reporter=reader, reason="spam")
    response = moderator_client.post(f"/moderation/comments/{comment.pk}/hide/", {"reason": "advertising"})
    assert response.status_code == 302 and response["Location"] == "/moderation/"
    comment.refresh_from_db()
    assert comment.hidden and comment.hidden_by == moderator
    assert CommentReport.objects.get().resolved_at is not None
    assert f"queue-{comment.pk}" not in moderator_client.get("/moderation/").content.decode()
    assert "spam.example" not in anonymous.get(f"/article/{article.pk}/").content.decode()
    entry = ModerationLog.objects.get()
    assert (entry.moderator, entry.action, entry.comment, entry.reason) == (
        moderator,
        "hide",
        comment,
        "advertising",
    )
    log_page = moderator_client.get("/moderation/log/").content.decode()
    row = lxml.html.fromstring(log_page).xpath("//table[@class='moderation-log']/tbody/tr")[0]
    cells = [td.text_content().strip() for td in row.findall("td")]
    assert cells[1:] == ["mona", "Hid a comment", "carlos", "Buy watches at spam.example", "advertising"]


def test_restore_and_dismiss(comment, moderator_client, settings, anonymous, article):
    settings.GAZETTE_COMMENT_REPORTS_TO_HIDE = 2
    for r in readers(2):
        comment_report(comment=comment, reporter=r, reason="abuse")
    comment.refresh_from_db()
    assert comment.hidden
    moderator_client.post(f"/moderation/comments/{comment.pk}/restore/", {"reason": "fair comment"})
    comment.refresh_from_db()
    assert not comment.hidden
    assert "spam.example" in anonymous.get(f"/article/{article.pk}/").content.decode()
    assert not CommentReport.objects.filter(resolved_at__isnull=True).exists()
    # A new report brings it back; dismissing leaves it shown and out of the queue.
    comment_report(comment=comment, reporter=User.objects.create_user("late"), reason="spam")
    assert f"queue-{comment.pk}" in moderator_client.get("/moderation/").content.decode()
    moderator_client.post(f"/moderation/comments/{comment.pk}/dismiss/", {"reason": "not spam"})
    comment.refresh_from_db()
    assert not comment.hidden
    assert f"queue-{comment.pk}" not in moderator_client.get("/moderation/").content.decode()
    actions = list(ModerationLog.objects.order_by("created_at", "id").values_list("action", flat=True))
    assert actions == ["auto_hide", "restore", "dismiss"]


def test_unknown_action_and_long_reason_are_refused(comment, moderator_client):
    assert moderator_client.post(f"/moderation/comments/{comment.pk}/delete/").status_code == 400
    response = moderator_client.post(f"/moderation/comments/{comment.pk}/hide/", {"reason": "x" * 501})
    assert response.status_code == 400
    comment.refresh_from_db()
    assert not comment.hidden and not ModerationLog.objects.exists()


def test_suspend_for_days_then_the_reader_cannot_post(comment, commenter, moderator_client, article):
    response = moderator_client.post(
        f"/moderation/readers/{commenter.pk}/suspend/", {"days": "7", "reason": "repeated spam"}
    )
    assert response.status_code == 302
    suspension = Suspension.objects.get()
    assert suspension.reader == commenter and suspension.ends_at > timezone.now() + timedelta(days=6)
    client = signed_in(commenter)
    page = client.get(f"/article/{article.pk}/").content.decode()
    assert "suspended from commenting until" in page and "repeated spam" in page
    assert 'id="comment-form"' not in page
    refused = client.post(f"/comments/article/{article.pk}/", {"body": "let me"})
    assert refused.status_code == 403 and "repeated spam" in refused.content.decode()
    assert client.post(f"/comments/{comment.pk}/edit/", {"body": "changed"}).status_code == 403
    assert Comment.objects.count() == 1 and Comment.objects.get().body.startswith("Buy")
    entry = ModerationLog.objects.get()
    assert entry.action == "suspend" and entry.reader == commenter and entry.reason == "7 days: repeated spam"


def test_suspend_for_good_and_lift(commenter, moderator, moderator_client, article):
    moderator_client.post(f"/moderation/readers/{commenter.pk}/suspend/", {"days": "", "reason": "abuse"})
    assert Suspension.objects.get().ends_at is None
    with pytest.raises(CommentRefused, match="for good"):
        comment_post(author=commenter, article=article, body="hello")
    moderator_client.post(f"/moderation/readers/{commenter.pk}/unsuspend/", {"reason": "appeal accepted"})
    assert comment_post(author=commenter, article=article, body="hello").pk
    assert list(ModerationLog.objects.order_by("id").values_list("action", flat=True)) == [
        "suspend",
        "unsuspend",
    ]


def test_a_suspension_ends(commenter, moderator, article):
    reader_suspend(reader=commenter, moderator=moderator, reason="cool off", days=1)
    Suspension.objects.update(ends_at=timezone.now() - timedelta(minutes=1))
    assert comment_post(author=commenter, article=article, body="back").pk


def test_suspend_needs_a_reason_and_sane_days(commenter, moderator_client):
    for data in ({"days": "3"}, {"days": "-1", "reason": "x"}, {"days": "lots", "reason": "x"}):
        response = moderator_client.post(f"/moderation/readers/{commenter.pk}/suspend/", data)
        assert response.status_code == 400 and "was not suspended" in response.content.decode()
    assert not Suspension.objects.exists()


def test_moderators_cannot_be_suspended_from_the_queue(operator, moderator_client):
    response = moderator_client.post(f"/moderation/readers/{operator.pk}/suspend/", {"reason": "x"})
    assert response.status_code == 400 and not Suspension.objects.exists()


def test_moderation_posts_need_csrf(comment, moderator):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(moderator)
    assert strict.post(f"/moderation/comments/{comment.pk}/hide/").status_code == 403
    assert (
        strict.post(f"/moderation/readers/{comment.author_id}/suspend/", {"reason": "x"}).status_code == 403
    )
    assert strict.post(f"/comments/{comment.pk}/hide/").status_code == 403
    comment.refresh_from_db()
    assert not comment.hidden and not Suspension.objects.exists()


def test_moderator_sees_the_queue_link(moderator_client, reader_client):
    assert 'href="/moderation/"' in moderator_client.get("/").content.decode()
    assert 'href="/moderation/"' not in reader_client.get("/").content.decode()
