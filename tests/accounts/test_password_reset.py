"""A reader who forgot the password asks for a link by e-mail, sets a new one and logs in with it."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client

from tests.accounts.conftest import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "lighthouse-otter-meadow-77"
LINK = re.compile(r"https?://[^/\s]+(/accounts/password/reset/[^\s]+/)")


def ask(client: Client, email: str):
    return client.post("/accounts/password/reset/", {"email": email})


def test_the_login_page_links_to_the_reset(client):
    html = client.get("/accounts/login/").content.decode()
    assert 'href="/accounts/password/reset/">Forgot password?</a>' in html


def test_reset_by_mail_then_log_in_with_the_new_password(client, settings):
    assert settings.EMAIL_BACKEND.endswith("locmem.EmailBackend")  # the test runner's stand-in for SMTP
    user = User.objects.create_user("rita", email="rita@example.org", password=PASSWORD)
    response = ask(client, "RITA@example.org")
    assert response.status_code == 302 and response["Location"] == "/accounts/password/reset/sent/"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["rita@example.org"]
    assert '"rita"' in mail.outbox[0].body
    link = LINK.search(mail.outbox[0].body).group(1)
    # Django swaps the token for a session marker and redirects to a form at a fixed address.
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200 and "Choose a new password" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done.status_code == 302 and done["Location"] == "/accounts/password/reset/complete/"
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    login = Client().post("/accounts/login/", {"username": "rita", "password": NEW_PASSWORD})
    assert login.status_code == 302
    old = Client().post("/accounts/login/", {"username": "rita", "password": PASSWORD})
    assert old.status_code == 200  # the old password no longer works
    # The link works once.
    assert "This link no longer works" in client.get(link, follow=True).content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client):
    User.objects.create_user("rita", email="rita@example.org", password=PASSWORD)
    known, unknown = ask(Client(), "rita@example.org"), ask(Client(), "nobody@example.org")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert [m.to for m in mail.outbox] == [["rita@example.org"]]
    sent = Client().get(unknown["Location"]).content.decode()
    assert "If an account has that address" in sent


def test_bad_input_is_a_clear_error(client):
    response = ask(client, "not an address")
    assert response.status_code == 400 and "valid email" in response.content.decode()
    assert client.get("/accounts/password/reset/bad/bad-token/", follow=True).status_code == 200
    assert not mail.outbox


def test_reset_requests_are_limited_per_address_and_per_client(settings):
    settings.GAZETTE_PASSWORD_RESET_RATE_PER_HOUR = 2
    User.objects.create_user("rita", email="rita@example.org", password=PASSWORD)
    statuses = [ask(Client(REMOTE_ADDR=f"198.51.100.{n}"), "rita@example.org").status_code for n in range(3)]
    assert statuses == [302, 302, 429]  # many addresses, one mailbox
    one = Client(REMOTE_ADDR="203.0.113.9")
    statuses = [ask(one, f"someone{n}@example.org").status_code for n in range(3)]
    assert statuses == [302, 302, 429]  # one address, many mailboxes
    assert len(mail.outbox) == 2


def test_signing_up_with_an_address_makes_it_resettable(client):
    response = client.post(
        "/accounts/signup/",
        {"username": "nadia", "email": "nadia@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    assert User.objects.get(username="nadia").email == "nadia@example.org"
    ask(Client(), "nadia@example.org")
    assert [m.to for m in mail.outbox] == [["nadia@example.org"]]
