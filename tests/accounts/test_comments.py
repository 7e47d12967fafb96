"""Comments: posting (plain text, escaped, limited), moderation, and what each persona sees."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from gazette.accounts.comments import CommentRefused, comment_hide, comment_post, comments_shown
from gazette.accounts.models import COMMENT_MAX_CHARS, Comment
from tests.accounts.conftest import signed_in
from tests.web.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    return make_article(title="Harbour bridge approved")


def post(client: Client, article, body: str):
    return client.post(f"/comments/article/{article.pk}/", {"body": body})


def test_post_a_comment(commenter, commenter_client, anonymous, article):
    response = post(commenter_client, article, "Finally! The ferry queue is awful.")
    comment = Comment.objects.get()
    assert comment.author == commenter and comment.article == article and not comment.hidden
    assert response.status_code == 302
    assert response["Location"] == f"/article/{article.pk}/harbour-bridge-approved/#comment-{comment.pk}"
    for client in (commenter_client, anonymous):
        html = client.get(f"/article/{article.pk}/").content.decode()
        assert "Finally! The ferry queue is awful." in html
        assert f'id="comment-{comment.pk}"' in html
        assert '<span class="count">(1)</span>' in html and "1 comment<" in html
        assert "No comments yet" not in html


def test_comment_html_is_escaped_and_stored_as_text(commenter_client, anonymous, article):
    body = '<script>alert("x")</script> <b>bold</b> <a href="javascript:evil()">link</a>\r\nsecond line'
    post(commenter_client, article, body)
    stored = Comment.objects.get().body
    assert stored == body.replace("\r\n", "\n")  # exactly what was typed, never turned into HTML
    html = anonymous.get(f"/article/{article.pk}/").content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html
    assert '<script>alert("x")' not in html and "<b>bold</b>" not in html
    assert 'href="javascript:evil()"' not in html
    assert "&lt;/a&gt;<br>second line" in html


def test_too_long_comment_is_refused_with_the_text_kept(commenter_client, article):
    body = "word " * (COMMENT_MAX_CHARS // 5) + "over"
    response = post(commenter_client, article, body)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Your comment was not posted." in html
    assert f"Comments can be at most {COMMENT_MAX_CHARS} characters long" in html
    assert "word word word" in html  # the reader's text is still in the box
    assert 'aria-invalid="true"' in html
    assert response["Cache-Control"] == "private, no-store"
    assert not Comment.objects.exists()


def test_empty_comment_is_refused(commenter_client, article):
    response = post(commenter_client, article, "   \n  ")
    assert response.status_code == 400
    assert "Write something first." in response.content.decode()
    assert not Comment.objects.exists()


def test_comment_at_the_limit_is_accepted(commenter_client, article):
    post(commenter_client, article, "x" * COMMENT_MAX_CHARS)
    assert len(Comment.objects.get().body) == COMMENT_MAX_CHARS


def test_comments_are_rate_limited_per_minute(commenter, commenter_client, reader_client, article, settings):
    settings.GAZETTE_COMMENT_RATE_PER_MINUTE = 2
    assert post(commenter_client, article, "one").status_code == 302
    assert post(commenter_client, article, "two").status_code == 302
    limited = post(commenter_client, article, "three")
    assert limited.status_code == 429
    html = limited.content.decode()
    assert "You have posted several comments in a short time" in html and "three" in html
    assert Comment.objects.filter(author=commenter).count() == 2
    # The limit is per reader.
    assert post(reader_client, article, "mine").status_code == 302


def test_comments_are_rate_limited_per_day(commenter_client, article, settings):
    settings.GAZETTE_COMMENT_RATE_PER_MINUTE = 100
    settings.GAZETTE_COMMENT_RATE_PER_DAY = 3
    statuses = [post(commenter_client, article, f"comment {i}").status_code for i in range(4)]
    assert statuses == [302, 302, 302, 429]


def test_the_limit_follows_the_reader_not_the_session(commenter, article, settings):
    settings.GAZETTE_COMMENT_RATE_PER_MINUTE = 1
    assert post(signed_in(commenter), article, "one").status_code == 302
    assert post(signed_in(commenter), article, "two").status_code == 429


def test_anonymous_is_sent_to_log_in(anonymous, article):
    html = anonymous.get(f"/article/{article.pk}/").content.decode()
    assert 'class="comment-form"' not in html
    assert f'href="/accounts/login/?next=/article/{article.pk}/%23comments"' in html
    response = post(anonymous, article, "Let me in")
    assert response.status_code == 302
    assert response["Location"] == (
        f"/accounts/login/?next=/article/{article.pk}/harbour-bridge-approved/%23comments"
    )
    assert not Comment.objects.exists()


def test_signed_in_reader_sees_the_form(reader_client, article):
    html = reader_client.get(f"/article/{article.pk}/").content.decode()
    assert f'action="/comments/article/{article.pk}/#comment-form"' in html
    assert f'maxlength="{COMMENT_MAX_CHARS}"' in html
    assert "No comments yet." in html


def test_comment_needs_csrf(commenter, article):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(commenter)
    assert post(strict, article, "no token").status_code == 403
    assert not Comment.objects.exists()
    strict.get(f"/article/{article.pk}/")
    token = strict.cookies["csrftoken"].value
    response = strict.post(
        f"/comments/article/{article.pk}/", {"body": "with token", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302 and Comment.objects.get().body == "with token"


def test_comment_on_missing_article_is_404(commenter_client):
    assert commenter_client.post("/comments/article/999/", {"body": "hi"}).status_code == 404


def test_moderator_hides_and_unhides(
    commenter, commenter_client, moderator, moderator_client, reader_client, anonymous, article
):
    comment = comment_post(author=commenter, article=article, body="Buy cheap watches at spam.example")
    page = f"/article/{article.pk}/"
    html = moderator_client.get(page).content.decode()
    assert f'action="/comments/{comment.pk}/hide/"' in html
    response = moderator_client.post(f"/comments/{comment.pk}/hide/")
    assert response.status_code == 302
    assert response["Location"] == f"/article/{article.pk}/harbour-bridge-approved/#comment-{comment.pk}"
    comment.refresh_from_db()
    assert comment.hidden and comment.hidden_by == moderator

    for client in (anonymous, reader_client):
        html = client.get(page).content.decode()
        assert "spam.example" not in html and "No comments yet." in html
    own = commenter_client.get(page).content.decode()
    assert "spam.example" in own and "only you can see it" in own
    staff = moderator_client.get(page).content.decode()
    assert "spam.example" in staff and ">Hidden<" in staff
    assert f'action="/comments/{comment.pk}/unhide/"' in staff

    moderator_client.post(f"/comments/{comment.pk}/unhide/")
    comment.refresh_from_db()
    assert not comment.hidden and comment.hidden_by is None
    assert "spam.example" in anonymous.get(page).content.decode()


def test_only_staff_may_moderate(commenter, commenter_client, reader_client, anonymous, article):
    comment = comment_post(author=commenter, article=article, body="A fair point")
    assert reader_client.post(f"/comments/{comment.pk}/hide/").status_code == 403
    assert commenter_client.post(f"/comments/{comment.pk}/hide/").status_code == 403
    response = anonymous.post(f"/comments/{comment.pk}/hide/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")
    assert reader_client.get(f"/comments/{comment.pk}/hide/").status_code == 405
    comment.refresh_from_db()
    assert not comment.hidden
    html = reader_client.get(f"/article/{article.pk}/").content.decode()
    assert "/hide/" not in html


def test_new_comment_reaches_the_shared_page(commenter, anonymous, article):
    page = f"/article/{article.pk}/"
    anonymous.get(page)  # the CSRF cookie for the ask form arrives with the first visit
    first = anonymous.get(page)
    assert first.status_code == 200 and "public" in first["Cache-Control"]
    comment_post(author=commenter, article=article, body="First!")
    again = anonymous.get(page, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200 and "First!" in again.content.decode()
    hidden = Comment.objects.get()
    comment_hide(comment=hidden, moderator=User.objects.create_user("mod2", is_staff=True))
    after = anonymous.get(page, HTTP_IF_NONE_MATCH=again["ETag"])
    assert after.status_code == 200 and "First!" not in after.content.decode()


def test_comments_show_oldest_first(commenter, reader, anonymous, article):
    comment_post(author=commenter, article=article, body="first comment")
    comment_post(author=reader, article=article, body="second comment")
    html = anonymous.get(f"/article/{article.pk}/").content.decode()
    assert html.index("first comment") < html.index("second comment")
    assert "2 comments<" in html


def test_comment_post_cleans_the_text(commenter, article):
    comment = comment_post(author=commenter, article=article, body="  line one\r\n\r\n\r\n\r\nline two\x00  ")
    assert comment.body == "line one\n\nline two"
    with pytest.raises(CommentRefused):
        comment_post(author=commenter, article=article, body=" \n ")
    with pytest.raises(CommentRefused):
        comment_post(author=commenter, article=article, body="x" * (COMMENT_MAX_CHARS + 1))


def test_comments_shown_to_each_persona(commenter, reader, moderator, article):
    from django.contrib.auth.models import AnonymousUser

    visible = comment_post(author=commenter, article=article, body="visible")
    mine = comment_post(author=commenter, article=article, body="hidden")
    comment_hide(comment=mine, moderator=moderator)
    assert list(comments_shown(article=article, viewer=AnonymousUser())) == [visible]
    assert list(comments_shown(article=article, viewer=reader)) == [visible]
    assert list(comments_shown(article=article, viewer=commenter)) == [visible, mine]
    assert list(comments_shown(article=article, viewer=moderator)) == [visible, mine]
