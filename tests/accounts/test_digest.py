"""The daily e-mail digest: asked for on the profile, sent once a day by the scheduler's job, stopped by
the signed link in every mail."""

from __future__ import annotations

import re
import threading
from datetime import datetime, timedelta

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.utils import timezone

from gazette.accounts.daily_digest import digests_due, digests_send
from gazette.accounts.follows import follow_add
from gazette.accounts.models import Notification, ReaderSettings
from gazette.jobs.engine import jobs_drain
from gazette.jobs.roles import scheduler_run
from gazette.jobs.stages import reader_digests_job
from tests.accounts.conftest import signed_in
from tests.web.factories import make_article, make_source, make_story

pytestmark = pytest.mark.django_db


@pytest.fixture
def digest_settings(settings):
    settings.GAZETTE_DIGEST_HOUR = 0  # due at any hour: the tests say which day it is, never the clock
    settings.PUBLIC_URL = "https://news.example"
    return settings


@pytest.fixture
def readers(digest_settings):
    """Two readers following one source with a fresh article: Dana asked for the digest, Olga did not."""
    source = make_source("The Harbor Ledger", next_poll_at=timezone.now() + timedelta(days=1))
    make_article(source, title="Harbour bridge approved")
    story = make_story([make_article(source, title="Ferry strike ends")], title="Ferry strike")
    dana = User.objects.create_user("dana", email="dana@example.org")
    olga = User.objects.create_user("olga", email="olga@example.org")
    for user in (dana, olga):
        follow_add(user=user, target=source)
        Notification.objects.create(recipient=user, kind="story", story=story, count=2)
    ReaderSettings.objects.create(user=dana, email_digest=True)
    ReaderSettings.objects.create(user=olga, email_digest=False)
    return dana, olga


def unsubscribe_path(message) -> str:
    match = re.search(r"https://news\.example(/accounts/digest/unsubscribe/\S+/)", message.body)
    assert match, message.body
    return match[1]


def test_the_digest_goes_once_a_day_to_readers_who_asked_only(readers):
    dana, _ = readers
    now = timezone.now()
    assert digests_send(now=now) == 1
    (message,) = mail.outbox
    assert message.to == ["dana@example.org"]
    assert "Harbour bridge approved" in message.body and '2 new articles in "Ferry strike"' in message.body
    assert "https://news.example/article/" in message.body
    assert message.extra_headers["List-Unsubscribe"] == f"<https://news.example{unsubscribe_path(message)}>"
    # The job again (a retry, a second scheduler's job, a restart): nothing more that day.
    reader_digests_job.call_local()
    assert digests_send(now=now) == 0 and len(mail.outbox) == 1
    assert ReaderSettings.objects.get(user=dana).digest_sent_on == timezone.localdate(now)
    # The next day, the next digest.
    assert digests_send(now=now + timedelta(days=1)) == 1 and len(mail.outbox) == 2


def test_nothing_is_due_before_the_hour_or_once_sent(readers, digest_settings):
    digest_settings.GAZETTE_DIGEST_HOUR = 7
    morning = timezone.make_aware(datetime(2026, 3, 2, 6, 59))
    assert not digests_due(now=morning)
    assert digests_due(now=morning + timedelta(minutes=1))
    digests_send(now=morning + timedelta(minutes=1))
    assert not digests_due(now=morning + timedelta(hours=2))


def test_a_reader_with_nothing_new_gets_no_mail(digest_settings):
    quiet = User.objects.create_user("quiet", email="quiet@example.org")
    ReaderSettings.objects.create(user=quiet, email_digest=True)
    assert digests_send() == 0 and not mail.outbox


def test_the_unsubscribe_link_works_signed_out_and_a_tampered_one_is_refused(readers):
    dana, _ = readers
    digests_send()
    path = unsubscribe_path(mail.outbox[0])
    stranger = Client(enforce_csrf_checks=True)
    tampered = path[:-2] + ("A" if path[-2] != "A" else "B") + "/"
    for method in (stranger.get, stranger.post):
        assert method(tampered).status_code == 400
    assert ReaderSettings.objects.get(user=dana).email_digest
    asked = stranger.get(path)
    assert asked.status_code == 200 and "Unsubscribe</button>" in asked.content.decode()
    assert ReaderSettings.objects.get(user=dana).email_digest  # opening the link alone changes nothing
    done = stranger.post(path)  # as a mail program's one-click button does: no session, no CSRF token
    assert done.status_code == 200 and "no more daily digests" in done.content.decode()
    assert not ReaderSettings.objects.get(user=dana).email_digest
    assert digests_send(now=timezone.now() + timedelta(days=1)) == 0


def test_the_profile_turns_the_digest_on_and_off(db):
    rita = User.objects.create_user("rita", email="rita@example.org")
    client = signed_in(rita)
    assert "E-mail me once a day" in client.get("/accounts/profile/").content.decode()
    assert client.post("/accounts/profile/digest/", {"email_digest": "on"}).status_code == 302
    assert ReaderSettings.objects.get(user=rita).email_digest
    assert " checked" in client.get("/accounts/profile/").content.decode()
    client.post("/accounts/profile/digest/", {})
    assert not ReaderSettings.objects.get(user=rita).email_digest
    # No address, no digest.
    nomail = User.objects.create_user("nomail")
    signed_in(nomail).post("/accounts/profile/digest/", {"email_digest": "on"})
    assert not ReaderSettings.objects.filter(user=nomail, email_digest=True).exists()


@pytest.mark.django_db(transaction=True)
def test_the_scheduler_queues_the_digest_job_which_a_worker_runs_once(readers):
    scheduler_run(stop=threading.Event(), once=True)
    assert jobs_drain(queues=["poll"]) == 1
    assert [m.to for m in mail.outbox] == [["dana@example.org"]]
    # Another tick (a restarted or second scheduler): nothing is due, nothing is queued or sent.
    scheduler_run(stop=threading.Event(), once=True)
    assert jobs_drain(queues=["poll"]) == 0 and len(mail.outbox) == 1


def test_a_digest_the_mail_server_refused_is_tried_again(readers, digest_settings):
    dana, _ = readers
    digest_settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    digest_settings.EMAIL_HOST, digest_settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens
    digest_settings.EMAIL_USE_TLS, digest_settings.EMAIL_TIMEOUT = False, 2
    assert digests_send() == 0
    assert ReaderSettings.objects.get(user=dana).digest_sent_on is None  # the day given back
    digest_settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert digests_send() == 1 and len(mail.outbox) == 1
