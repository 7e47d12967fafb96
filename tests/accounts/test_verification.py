"""E-mail verification (GAZETTE_EMAIL_VERIFICATION): a new account comments once its signed link is opened."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.signing import TimestampSigner
from django.test import Client

from gazette.accounts.models import Comment
from gazette.accounts.verification import verification_token
from tests.accounts.conftest import PASSWORD
from tests.web.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def verifying(settings):
    settings.GAZETTE_EMAIL_VERIFICATION = True
    return settings


def sign_up(client: Client, *, email: str = "nadia@example.org"):
    data = {"username": "nadia", "password1": PASSWORD, "password2": PASSWORD, "email": email}
    return client.post("/accounts/signup/", data)


def mailed_link() -> str:
    (message,) = mail.outbox
    match = re.search(r"http://testserver(/accounts/verify/\S+/)", message.body)
    assert match, message.body
    return match[1]


def comment(client: Client, article):
    return client.post(f"/comments/article/{article.pk}/", {"body": "The ferry queue is awful."})


def test_a_new_account_comments_only_after_opening_the_link(verifying):
    article = make_article(title="Harbour bridge approved")
    client = Client()
    assert sign_up(client).status_code == 302
    assert mail.outbox[0].to == ["nadia@example.org"]
    link = mailed_link()

    refused = comment(client, article)
    assert refused.status_code == 403 and not Comment.objects.exists()
    assert "Confirm your e-mail address to comment" in refused.content.decode()
    page = client.get(f"/article/{article.pk}/").content.decode()
    assert "nadia@example.org" in page and "Send the link again" in page and 'id="comment-form"' not in page

    # Opened signed out too (another device): the link alone is enough.
    opened = Client().get(link)
    assert opened.status_code == 200 and "your address is confirmed" in opened.content.decode()
    assert comment(client, article).status_code == 302 and Comment.objects.count() == 1


def test_a_tampered_or_foreign_link_is_refused(verifying):
    article = make_article()
    client = Client()
    sign_up(client)
    link = mailed_link()
    token = link.removeprefix("/accounts/verify/").removesuffix("/")
    changed = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert client.get(f"/accounts/verify/{changed}/").status_code == 400
    # Signed by the site, but not for this purpose (another salt): refused too.
    other = TimestampSigner(salt="gazette.digest.unsubscribe").sign_object({"u": 1, "e": "nadia@example.org"})
    assert client.get(f"/accounts/verify/{other}/").status_code == 400
    # A link for an address the account no longer has.
    user = User.objects.get(username="nadia")
    stale = verification_token(user=user)
    user.email = "elsewhere@example.org"
    user.save()
    assert client.get(f"/accounts/verify/{stale}/").status_code == 400
    assert comment(client, article).status_code == 403


def test_the_link_can_be_sent_again_a_few_times(verifying):
    client = Client()
    sign_up(client)
    sent = [client.post("/accounts/verify-again/", {"next": "/"}).status_code for _ in range(4)]
    assert sent == [200, 200, 200, 429] and len(mail.outbox) == 4


def test_without_the_setting_nothing_is_asked(settings):
    settings.GAZETTE_EMAIL_VERIFICATION = False
    client = Client()
    sign_up(client, email="")
    assert not mail.outbox
    assert comment(client, make_article()).status_code == 302


def test_with_the_setting_sign_up_needs_an_address(verifying):
    response = sign_up(Client(), email="")
    assert response.status_code == 400 and not User.objects.exists()


def test_accounts_from_before_the_setting_keep_commenting(verifying, commenter_client):
    assert comment(commenter_client, make_article()).status_code == 302


def test_a_mail_server_that_refuses_leaves_the_account_and_says_so(verifying):
    client = Client()
    verifying.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    verifying.EMAIL_HOST, verifying.EMAIL_PORT, verifying.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens
    assert sign_up(client).status_code == 302 and User.objects.filter(username="nadia").exists()
    again = client.post("/accounts/verify-again/", {"next": "/"})
    assert again.status_code == 503 and "could not be sent" in again.content.decode()
