"""Sign up, log in, log out and change password: Django's auth behind the site's own pages."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests.accounts.conftest import PASSWORD
from tests.web.factories import make_article

pytestmark = pytest.mark.django_db


def signup_data(username: str = "nadia", password: str = PASSWORD, **extra) -> dict:
    return {"username": username, "password1": password, "password2": password, **extra}


def test_signup_creates_the_account_and_signs_in(anonymous):
    article = make_article()
    response = anonymous.post("/accounts/signup/", signup_data(next=f"/article/{article.pk}/"))
    assert response.status_code == 302
    assert response["Location"] == f"/article/{article.pk}/"
    user = User.objects.get(username="nadia")
    assert user.check_password(PASSWORD) and not user.is_staff
    html = anonymous.get("/").content.decode()
    assert "nadia" in html and "Log out" in html and "Log in" not in html


def test_signup_without_next_goes_to_the_front_page(anonymous):
    response = anonymous.post("/accounts/signup/", signup_data())
    assert response.status_code == 302 and response["Location"] == "/"


def test_signup_ignores_a_next_on_another_site(anonymous):
    response = anonymous.post("/accounts/signup/", signup_data(next="https://evil.example/"))
    assert response["Location"] == "/"


def test_signup_errors_are_shown(anonymous, reader):
    mismatch = anonymous.post("/accounts/signup/", {**signup_data(), "password2": "something-else-99"})
    assert mismatch.status_code == 400
    assert "The two password fields didn" in mismatch.content.decode()
    taken = anonymous.post("/accounts/signup/", signup_data(username="rita"))
    assert taken.status_code == 400
    assert "A user with that username already exists." in taken.content.decode()
    weak = anonymous.post("/accounts/signup/", signup_data(password="password"))
    assert weak.status_code == 400 and "This password is too common." in weak.content.decode()
    assert User.objects.filter(username="nadia").count() == 0


def test_signup_page_renders_labelled_fields(anonymous):
    html = anonymous.get("/accounts/signup/").content.decode()
    assert '<label for="id_username">' in html and 'id="id_password1"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert "<h1>Create an account</h1>" in html


def test_signup_is_rate_limited_per_ip_address(anonymous, settings):
    settings.GAZETTE_SIGNUP_RATE_PER_HOUR = 2
    for name in ("first", "second"):
        Client(REMOTE_ADDR="203.0.113.9").post("/accounts/signup/", signup_data(username=name))
    limited = Client(REMOTE_ADDR="203.0.113.9").post("/accounts/signup/", signup_data(username="third"))
    assert limited.status_code == 429
    assert "Too many accounts have been created from your network" in limited.content.decode()
    assert not User.objects.filter(username="third").exists()
    # Another address is not affected.
    other = Client(REMOTE_ADDR="198.51.100.7").post("/accounts/signup/", signup_data(username="fourth"))
    assert other.status_code == 302


def test_signup_while_signed_in_goes_back(reader_client):
    assert reader_client.get("/accounts/signup/")["Location"] == "/"


def test_login_and_logout(anonymous, reader):
    article = make_article()
    response = anonymous.post(
        "/accounts/login/", {"username": "rita", "password": PASSWORD, "next": f"/article/{article.pk}/"}
    )
    assert response.status_code == 302 and response["Location"] == f"/article/{article.pk}/"
    assert "rita" in anonymous.get(f"/article/{article.pk}/").content.decode()
    # Logging out is a POST; a link someone else planted cannot do it.
    assert anonymous.get("/accounts/logout/").status_code == 405
    out = anonymous.post("/accounts/logout/")
    assert out.status_code == 302 and out["Location"] == "/"
    html = anonymous.get("/").content.decode()
    assert "rita" not in html and "Log in" in html


def test_login_with_a_wrong_password_says_so(anonymous, reader):
    response = anonymous.post("/accounts/login/", {"username": "rita", "password": "not-it"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert "_auth_user_id" not in anonymous.session


def log_in(ip: str, username: str, password: str):
    return Client(REMOTE_ADDR=ip).post("/accounts/login/", {"username": username, "password": password})


def test_login_is_refused_after_too_many_failures_without_checking_the_password(counted, reader):
    assert [log_in("203.0.113.9", "rita", "not-it").status_code for _ in range(2)] == [200, 200]
    assert counted == ["rita", "rita"]
    limited = log_in("203.0.113.9", "rita", PASSWORD)
    assert limited.status_code == 429
    html = limited.content.decode()
    assert "Too many failed attempts to log in from your network or to this account" in html
    assert 'role="alert"' in html and 'name="username"' in html
    assert counted == ["rita", "rita"]
    assert "_auth_user_id" not in limited.client.session


def test_login_limit_holds_for_the_address_and_for_the_name(counted, reader, commenter):
    log_in("203.0.113.9", "rita", "not-it")
    log_in("203.0.113.9", "nobody", "not-it")
    # The guessing address is refused for every name, even with the right password.
    assert log_in("203.0.113.9", "carlos", PASSWORD).status_code == 429
    assert log_in("198.51.100.7", "carlos", PASSWORD).status_code == 302
    log_in("198.51.100.8", "rita", "not-it")
    # The guessed name is refused from every address.
    assert log_in("192.0.2.1", "rita", PASSWORD).status_code == 429


def test_only_failed_logins_count(counted, reader):
    for _ in range(3):
        assert log_in("203.0.113.9", "rita", PASSWORD).status_code == 302
        # A blank password is a form error: no password was checked.
        assert log_in("203.0.113.9", "rita", "").status_code == 200
    assert log_in("203.0.113.9", "rita", "not-it").status_code == 200
    assert log_in("203.0.113.9", "rita", PASSWORD).status_code == 302


def test_login_without_next_goes_to_the_front_page(anonymous, reader):
    response = anonymous.post("/accounts/login/", {"username": "rita", "password": PASSWORD})
    assert response["Location"] == "/"


def test_login_page_links_to_signup_keeping_next(anonymous):
    html = anonymous.get("/accounts/login/?next=/saved/").content.decode()
    assert 'href="/accounts/signup/?next=/saved/"' in html
    assert 'name="next" value="/saved/"' in html


def test_csrf_is_enforced_on_login_and_logout(reader):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/accounts/login/", {"username": "rita", "password": PASSWORD}).status_code == 403
    strict.get("/accounts/login/")
    token = strict.cookies["csrftoken"].value
    signed = strict.post(
        "/accounts/login/", {"username": "rita", "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    assert signed.status_code == 302
    # Without the token, logging out is refused and the reader stays signed in.
    assert strict.post("/accounts/logout/").status_code == 403
    assert "rita" in strict.get("/").content.decode()
    token = strict.cookies["csrftoken"].value
    assert strict.post("/accounts/logout/", {"csrfmiddlewaretoken": token}).status_code == 302
    assert "rita" not in strict.get("/").content.decode()


def test_csrf_is_enforced_on_signup():
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/accounts/signup/", signup_data()).status_code == 403
    assert not User.objects.filter(username="nadia").exists()


def test_change_password(reader, reader_client):
    assert Client().get("/accounts/password/")["Location"].startswith("/accounts/login/?next=")
    response = reader_client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "brand-new-tide-77",
            "new_password2": "brand-new-tide-77",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/accounts/password/done/"
    assert "Password changed" in reader_client.get("/accounts/password/done/").content.decode()
    reader.refresh_from_db()
    assert reader.check_password("brand-new-tide-77")
    # Still signed in on this device.
    assert "rita" in reader_client.get("/").content.decode()


def test_change_password_needs_the_old_one(reader, reader_client):
    response = reader_client.post(
        "/accounts/password/",
        {"old_password": "wrong", "new_password1": "brand-new-tide-77", "new_password2": "brand-new-tide-77"},
    )
    assert response.status_code == 200
    assert "Your old password was entered incorrectly" in response.content.decode()


def test_header_for_signed_out_and_signed_in_readers(anonymous, reader_client):
    html = anonymous.get("/sources/").content.decode()
    assert 'href="/accounts/login/?next=/sources/"' in html
    assert 'href="/accounts/signup/?next=/sources/"' in html
    assert "Log out" not in html
    html = reader_client.get("/sources/").content.decode()
    assert "rita" in html
    for link in ('href="/following/"', 'href="/saved/"', 'action="/accounts/logout/"'):
        assert link in html
    assert "Log in" not in html


def test_login_link_keeps_the_whole_address(anonymous):
    html = anonymous.get("/search?q=harbour&page=2").content.decode()
    assert 'href="/accounts/login/?next=/search%3Fq%3Dharbour%26page%3D2"' in html


def test_offline_page_shows_no_account(reader_client):
    # The service worker keeps this page for whoever uses the device.
    html = reader_client.get("/offline/").content.decode()
    assert "rita" not in html and "Log out" not in html
