"""The display name: set on the profile page, validated, shown (escaped) on comments instead of the username."""

from __future__ import annotations

import lxml.html
import pytest
from django.test import Client

from gazette.accounts.comments import comment_post
from gazette.accounts.models import ReaderSettings
from tests.web.factories import make_article

pytestmark = pytest.mark.django_db


def _set(client: Client, name: str):
    return client.post("/accounts/profile/", {"display_name": name})


def test_display_name_is_saved_stripped(reader, reader_client):
    response = _set(reader_client, "  Rita Moreno  ")
    assert response.status_code == 302 and response["Location"] == "/accounts/profile/"
    assert ReaderSettings.objects.get(user=reader).display_name == "Rita Moreno"
    assert 'value="Rita Moreno"' in reader_client.get("/accounts/profile/").content.decode()


@pytest.mark.parametrize("name", ["x" * 51, "Rita\u202eonaM", "Rita\x00", "Ri\u200dta", "Rita\nMona"])
def test_bad_display_names_are_refused(reader, reader_client, name):
    response = _set(reader_client, name)
    assert response.status_code == 400
    assert ReaderSettings.objects.filter(user=reader, display_name__gt="").count() == 0


def test_clearing_the_display_name_shows_the_username_again(reader, reader_client, anonymous):
    article = make_article(title="Harbour bridge approved")
    comment = comment_post(author=reader, article=article, body="Finally.")
    _set(reader_client, "Rita Moreno")
    _set(reader_client, "")
    html = anonymous.get(f"/article/{article.pk}/").content.decode()
    byline = lxml.html.fromstring(html).get_element_by_id(f"comment-{comment.pk}")
    assert byline.find_class("comment-author")[0].text_content() == "rita"


def test_display_name_shows_on_comments_escaped(reader, commenter, reader_client, anonymous):
    article = make_article(title="Harbour bridge approved")
    comment = comment_post(author=reader, article=article, body="Finally.")
    other = comment_post(author=commenter, article=article, body="Agreed.")
    assert _set(reader_client, '<b onclick="x()">Rita</b> & co').status_code == 302
    html = anonymous.get(f"/article/{article.pk}/").content.decode()
    assert "&lt;b onclick=&quot;x()&quot;&gt;Rita&lt;/b&gt; &amp; co" in html
    assert '<b onclick="x()">' not in html
    page = lxml.html.fromstring(html)
    author = page.get_element_by_id(f"comment-{comment.pk}").find_class("comment-author")[0]
    assert author.text_content() == '<b onclick="x()">Rita</b> & co'
    assert (
        page.get_element_by_id(f"comment-{other.pk}").find_class("comment-author")[0].text_content()
        == "carlos"
    )


def test_display_name_on_reply_notifications(reader, commenter, reader_client):
    article = make_article(title="Harbour bridge approved")
    mine = comment_post(author=reader, article=article, body="Finally.")
    comment_post(author=commenter, article=article, body="Agreed.", parent=mine)
    commenter_settings = ReaderSettings.objects.get_or_create(user=commenter)[0]
    commenter_settings.display_name = "Carlos Ruiz"
    commenter_settings.save()
    html = reader_client.get("/notifications/").content.decode()
    assert "<strong>Carlos Ruiz</strong> replied" in html


def test_profile_page_needs_a_signed_in_reader(anonymous):
    assert anonymous.get("/accounts/profile/").status_code == 302
    assert anonymous.post("/accounts/profile/", {"display_name": "x"}).status_code == 302


def test_a_new_display_name_reaches_pages_already_cached(reader, reader_client, anonymous):
    article = make_article(title="Harbour bridge approved")
    comment_post(author=reader, article=article, body="Finally.")
    first = anonymous.get(f"/article/{article.pk}/")
    assert ">rita<" in first.content.decode()
    _set(reader_client, "Rita Moreno")
    again = anonymous.get(f"/article/{article.pk}/", HTTP_IF_NONE_MATCH=first.get("ETag", "*"))
    assert again.status_code == 200 and "Rita Moreno" in again.content.decode()
