"""Comments: posting (plain text, escaped, limited), moderation, and what each persona sees."""

from __future__ import annotations

from datetime import timedelta

import lxml.html
import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from gazette.accounts.comments import (
    CommentForbidden,
    CommentRefused,
    comment_edit,
    comment_hide,
    comment_post,
    comments_shown,
)
from gazette.accounts.models import COMMENT_MAX_CHARS, Comment
from tests.accounts.conftest import signed_in
from tests.web.factories import make_article, make_story

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


def test_comment_markup_is_escaped_and_formatting_rendered(commenter_client, anonymous, article):
    body = (
        '<script>alert("x")</script> <b onmouseover="alert(1)">bold</b> [bad](javascript:evil()) '
        "*fine* [site](https://example.org/a)\r\nsecond line"
    )
    post(commenter_client, article, body)
    comment = Comment.objects.get()
    assert comment.body == body.replace("\r\n", "\n")  # what was typed is kept, for editing
    html = anonymous.get(f"/article/{article.pk}/").content.decode()
    shown = lxml.html.fromstring(html).get_element_by_id(f"comment-{comment.pk}")
    body_el = shown.find_class("comment-body")[0]
    assert body_el.xpath(".//script") == [] and body_el.xpath(".//b") == []
    assert not [e for e in body_el.iter() if any(a.startswith("on") for a in e.attrib)]
    assert [a.get("href") for a in body_el.iter("a")] == ["https://example.org/a"]
    assert body_el.find(".//a").get("rel") == "nofollow ugc noopener"
    assert body_el.find(".//em").text == "fine"
    text = body_el.text_content()
    assert '<script>alert("x")</script>' in text and "[bad](javascript:evil())" in text
    assert body_el.xpath(".//br")  # the line break kept


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


def test_only_moderators_may_moderate(commenter, commenter_client, reader_client, anonymous, article):
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


def _age(comment: Comment, **delta) -> None:
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(**delta))
    comment.refresh_from_db()


def _old_account(user: User) -> None:
    User.objects.filter(pk=user.pk).update(date_joined=timezone.now() - timedelta(days=30))
    user.refresh_from_db()


def test_reply_is_shown_under_its_comment(commenter, commenter_client, reader_client, anonymous, article):
    top = comment_post(author=commenter, article=article, body="Top comment")
    response = reader_client.post(
        f"/comments/article/{article.pk}/", {"body": "A reply to you", "parent": top.pk}
    )
    reply = Comment.objects.get(parent=top)
    assert response.status_code == 302 and response["Location"].endswith(f"#comment-{reply.pk}")
    html = anonymous.get(f"/article/{article.pk}/").content.decode()
    thread = lxml.html.fromstring(html).get_element_by_id(f"comment-{top.pk}")
    replies = thread.find_class("comment-replies")[0]
    assert [li.get("id") for li in replies.findall("li")] == [f"comment-{reply.pk}"]
    assert "2 comments<" in html


def test_a_reply_to_a_reply_joins_the_same_thread(commenter, reader, article):
    top = comment_post(author=commenter, article=article, body="Top")
    first = comment_post(author=reader, article=article, body="Reply", parent=top)
    second = comment_post(author=commenter, article=article, body="Reply to the reply", parent=first)
    assert second.parent == top


def test_reply_on_another_page_is_refused(commenter, reader_client, article):
    other = make_article(title="Another article")
    top = comment_post(author=commenter, article=other, body="Elsewhere")
    response = reader_client.post(f"/comments/article/{article.pk}/", {"body": "Hi", "parent": top.pk})
    assert response.status_code == 400
    assert "That comment belongs to another page." in response.content.decode()
    assert not Comment.objects.filter(parent=top).exists()


def test_reply_to_a_missing_comment_is_refused(reader_client, article):
    response = reader_client.post(f"/comments/article/{article.pk}/", {"body": "Hi", "parent": 99999})
    assert response.status_code == 400 and "The comment you replied to is gone." in response.content.decode()
    response = reader_client.post(f"/comments/article/{article.pk}/", {"body": "Hi", "parent": "x"})
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_edit_within_the_window_is_marked_edited(commenter, commenter_client, anonymous, article):
    comment = comment_post(author=commenter, article=article, body="Teh bridge")
    page = commenter_client.get(f"/article/{article.pk}/").content.decode()
    assert f'href="/comments/{comment.pk}/edit/"' in page
    form = commenter_client.get(f"/comments/{comment.pk}/edit/")
    assert form.status_code == 200 and "Teh bridge" in form.content.decode()
    response = commenter_client.post(f"/comments/{comment.pk}/edit/", {"body": "The *bridge*"})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.body == "The *bridge*" and comment.edited_at is not None
    html = anonymous.get(f"/article/{article.pk}/").content.decode()
    assert "<em>bridge</em>" in html and 'class="comment-edited"' in html


def test_edit_after_the_window_is_refused(commenter, commenter_client, article, settings):
    comment = comment_post(author=commenter, article=article, body="Original")
    _age(comment, minutes=settings.GAZETTE_COMMENT_EDIT_MINUTES + 1)
    assert (
        f'href="/comments/{comment.pk}/edit/"'
        not in commenter_client.get(f"/article/{article.pk}/").content.decode()
    )
    response = commenter_client.post(f"/comments/{comment.pk}/edit/", {"body": "Changed"})
    assert response.status_code == 403
    assert "within 15 minutes" in response.content.decode()
    comment.refresh_from_db()
    assert comment.body == "Original" and comment.edited_at is None


def test_edit_too_long_is_refused_with_a_message(commenter, commenter_client, article):
    comment = comment_post(author=commenter, article=article, body="Short")
    response = commenter_client.post(f"/comments/{comment.pk}/edit/", {"body": "x" * (COMMENT_MAX_CHARS + 1)})
    assert response.status_code == 400
    assert f"Comments can be at most {COMMENT_MAX_CHARS} characters long" in response.content.decode()
    comment.refresh_from_db()
    assert comment.body == "Short"


def test_a_reader_cannot_edit_or_delete_anothers_comment(commenter, reader_client, moderator_client, article):
    comment = comment_post(author=commenter, article=article, body="Mine alone")
    assert reader_client.get(f"/comments/{comment.pk}/edit/").status_code == 403
    assert reader_client.post(f"/comments/{comment.pk}/edit/", {"body": "Hacked"}).status_code == 403
    assert reader_client.post(f"/comments/{comment.pk}/delete/").status_code == 403
    # Moderators hide; they do not rewrite or delete readers' words either.
    assert moderator_client.post(f"/comments/{comment.pk}/edit/", {"body": "Hacked"}).status_code == 403
    assert moderator_client.post(f"/comments/{comment.pk}/delete/").status_code == 403
    comment.refresh_from_db()
    assert comment.body == "Mine alone" and not comment.deleted
    with pytest.raises(CommentForbidden):
        comment_edit(comment=comment, editor=User.objects.get(username="rita"), body="no")
    html = reader_client.get(f"/article/{article.pk}/").content.decode()
    assert f"/comments/{comment.pk}/edit/" not in html and f"/comments/{comment.pk}/delete/" not in html


def test_delete_own_comment_without_replies_removes_it(commenter, commenter_client, anonymous, article):
    comment = comment_post(author=commenter, article=article, body="Regret this")
    response = commenter_client.post(f"/comments/{comment.pk}/delete/")
    assert response.status_code == 302 and response["Location"].endswith("#comments")
    assert not Comment.objects.exists()
    assert "Regret this" not in anonymous.get(f"/article/{article.pk}/").content.decode()


def test_delete_own_comment_with_replies_leaves_deleted(
    commenter, commenter_client, reader, anonymous, article
):
    comment = comment_post(author=commenter, article=article, body="Regret this")
    comment_post(author=reader, article=article, body="I agree with you", parent=comment)
    commenter_client.post(f"/comments/{comment.pk}/delete/")
    comment.refresh_from_db()
    assert comment.deleted and comment.body == "" and comment.body_html == ""
    html = anonymous.get(f"/article/{article.pk}/").content.decode()
    assert "Regret this" not in html and "[deleted]" in html and "I agree with you" in html
    assert "1 comment<" in html  # the deleted one is not counted


def test_honeypot_refuses_the_comment(commenter_client, article):
    response = commenter_client.post(
        f"/comments/article/{article.pk}/", {"body": "Great article", "website": "http://spam.example"}
    )
    assert response.status_code == 400
    assert "looks automated" in response.content.decode()
    assert not Comment.objects.exists()


def test_page_has_an_empty_honeypot(commenter_client, article):
    html = commenter_client.get(f"/article/{article.pk}/").content.decode()
    form = lxml.html.fromstring(html).get_element_by_id("comment-form")
    assert form.xpath('.//input[@name="website"]')[0].get("value") == ""


def test_new_accounts_are_limited_in_links(commenter, commenter_client, article, settings):
    settings.GAZETTE_COMMENT_NEW_ACCOUNT_LINKS = 1
    two = "See [one](https://a.example) and <https://b.example>"
    response = post(commenter_client, article, two)
    assert response.status_code == 400
    assert "New accounts can put at most 1 link in a comment" in response.content.decode()
    assert not Comment.objects.exists()
    assert post(commenter_client, article, "Only [one](https://a.example)").status_code == 302
    _old_account(commenter)
    assert post(commenter_client, article, two).status_code == 302
    assert Comment.objects.count() == 2


def test_oversized_comment_via_the_workflow_is_refused(commenter, article):
    with pytest.raises(CommentRefused, match="at most"):
        comment_post(author=commenter, article=article, body="y" * (COMMENT_MAX_CHARS + 1))
    assert not Comment.objects.exists()


def test_comments_on_a_story_page(commenter, commenter_client, anonymous, article):
    story = make_story([article], title="Harbour bridge")
    page = f"/story/{story.pk}/"
    anonymous.get(page)
    first = anonymous.get(page)
    assert "No comments yet." in first.content.decode()
    html = commenter_client.get(page).content.decode()
    assert f'action="/comments/story/{story.pk}/#comment-form"' in html
    response = commenter_client.post(f"/comments/story/{story.pk}/", {"body": "Story-wide thought"})
    comment = Comment.objects.get()
    assert comment.story == story and comment.article is None
    assert response["Location"] == f"/story/{story.pk}/#comment-{comment.pk}"
    again = anonymous.get(page, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200 and "Story-wide thought" in again.content.decode()
    # An error on the story page shows the story page again, with the text.
    bad = commenter_client.post(f"/comments/story/{story.pk}/", {"body": "x" * (COMMENT_MAX_CHARS + 1)})
    assert bad.status_code == 400 and "Full coverage" in bad.content.decode()


def test_htmx_post_answers_the_comments_section(commenter_client, article):
    response = commenter_client.post(
        f"/comments/article/{article.pk}/", {"body": "Without a reload"}, HTTP_HX_REQUEST="true"
    )
    comment = Comment.objects.get()
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith("<section") and "<html" not in html
    assert f'id="comment-{comment.pk}"' in html and "Without a reload" in html
    assert 'name="csrfmiddlewaretoken"' in html  # the fresh box can post again
    assert str(comment.pk) in response["HX-Trigger-After-Settle"]
    assert 'id="comments-link" href="#comments" hx-swap-oob="true">1 comment<' in html
    refused = commenter_client.post(f"/comments/article/{article.pk}/", {"body": " "}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 400 and "Your comment was not posted." in refused.content.decode()


def test_every_comment_post_needs_csrf(commenter, reader, article):
    comment = comment_post(author=commenter, article=article, body="Protected")
    story = make_story([article])
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(reader)
    for url, data in [
        (f"/comments/article/{article.pk}/", {"body": "x"}),
        (f"/comments/story/{story.pk}/", {"body": "x"}),
        (f"/comments/article/{article.pk}/", {"body": "x", "parent": comment.pk}),
        (f"/comments/{comment.pk}/report/", {"reason": "spam"}),
    ]:
        assert strict.post(url, data).status_code == 403, url
    own = Client(enforce_csrf_checks=True)
    own.force_login(commenter)
    assert own.post(f"/comments/{comment.pk}/edit/", {"body": "changed"}).status_code == 403
    assert own.post(f"/comments/{comment.pk}/delete/").status_code == 403
    comment.refresh_from_db()
    assert Comment.objects.count() == 1 and comment.body == "Protected" and not comment.reports.exists()


def test_operator_sees_and_moderates_like_a_moderator(commenter, operator_client, article):
    comment = comment_post(author=commenter, article=article, body="Off topic")
    html = operator_client.get(f"/article/{article.pk}/").content.decode()
    assert f'action="/comments/{comment.pk}/hide/"' in html
    operator_client.post(f"/comments/{comment.pk}/hide/", {"reason": "off topic"})
    comment.refresh_from_db()
    assert comment.hidden
