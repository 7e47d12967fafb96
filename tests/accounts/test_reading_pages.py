"""The site's side of read state: opening an article marks it read, the Following page counts unread,
and the Reading and apps page sets the API password and the setting."""

from __future__ import annotations

from django.contrib.auth.hashers import check_password

from gazette.accounts.follows import follow_add
from gazette.accounts.models import ReaderSettings, ReadState
from gazette.accounts.reading import reader_settings, unread_counts
from tests.accounts.conftest import PASSWORD
from tests.web.factories import make_article, make_source


def test_opening_an_article_marks_it_read_for_the_signed_in_reader_only(reader, reader_client, anonymous):
    source = make_source()
    follow_add(user=reader, target=source)
    article = make_article(source)
    assert anonymous.get(f"/article/{article.pk}/").status_code == 200
    assert not ReadState.objects.exists()
    assert reader_client.get(f"/article/{article.pk}/").status_code == 200
    assert ReadState.objects.filter(user=reader, article=article, is_read=True).exists()
    assert unread_counts(user=reader) == {}


def test_the_setting_turns_marking_on_open_off(reader, reader_client):
    article = make_article()
    response = reader_client.post("/accounts/reading/", {"action": "settings"})  # the box unticked
    assert response.status_code == 302
    assert reader_settings(user=reader).mark_read_on_open is False
    reader_client.get(f"/article/{article.pk}/")
    assert not ReadState.objects.exists()


def test_the_following_page_shows_unread_counts(reader, reader_client):
    source = make_source("Meridian Wire")
    follow_add(user=reader, target=source)
    for _ in range(3):
        make_article(source)
    page = reader_client.get("/following/").content.decode()
    assert "3 unread" in page


def test_setting_the_api_password(reader, reader_client):
    page = reader_client.get("/accounts/reading/").content.decode()
    assert "No API password yet" in page and "/api/greader" in page
    same = reader_client.post("/accounts/reading/", {"action": "api_password", "api_password": PASSWORD})
    assert same.status_code == 400 and "different from your login password" in same.content.decode()
    short = reader_client.post("/accounts/reading/", {"action": "api_password", "api_password": "short"})
    assert short.status_code == 400
    ok = reader_client.post(
        "/accounts/reading/", {"action": "api_password", "api_password": "app-only-river-stone-77"}
    )
    assert ok.status_code == 302
    assert check_password("app-only-river-stone-77", reader_settings(user=reader).api_password)
    assert "An API password is set" in reader_client.get("/accounts/reading/").content.decode()
    reader_client.post("/accounts/reading/", {"action": "api_password_clear"})
    assert reader_settings(user=reader).api_password == ""


def test_the_page_wants_a_signed_in_reader(anonymous):
    assert anonymous.get("/accounts/reading/").status_code == 302


def test_the_page_gives_the_fever_server_and_asks_older_passwords_to_be_set_again(reader, reader_client):
    page = reader_client.get("/accounts/reading/").content.decode()
    assert "http://testserver/api/fever/" in page and "Fever apps cannot sign in" not in page
    reader_client.post(
        "/accounts/reading/", {"action": "api_password", "api_password": "app-only-river-stone-77"}
    )
    assert "Fever apps cannot sign in" not in reader_client.get("/accounts/reading/").content.decode()
    # As an API password set before Fever was served has it: no key digest.
    ReaderSettings.objects.filter(user=reader).update(fever_key="")
    assert "Fever apps cannot sign in" in reader_client.get("/accounts/reading/").content.decode()
