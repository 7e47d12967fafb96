"""The daily e-mail digest a reader may ask for on their profile: the newest articles in what they follow
and their unread notifications, sent once a day from GAZETTE_DIGEST_HOUR (GAZETTE_TIME_ZONE).

Once a day means once: each reader's row is claimed for the day (`digest_sent_on`) by a conditional
UPDATE before their mail is built, so a job run twice, two jobs queued by a restarted scheduler, or two
workers never send a second mail. A mail the server refused gives the day back, so the next run tries
again; a worker killed mid-send may lose that reader's mail for the day, never send it twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.core import signing
from django.core.mail import EmailMessage
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from gazette.accounts.follows import following_articles
from gazette.accounts.models import Notification, ReaderSettings
from gazette.articles.models import Article

log = logging.getLogger(__name__)

_SALT = "gazette.digest.unsubscribe"
DIGEST_ARTICLES = 20  # the newest shown; the mail says how many more there were
DIGEST_NOTIFICATIONS = 20
DIGEST_BATCH = 200  # readers one job claims; the scheduler queues another while some are due
# Where links point when GAZETTE_PUBLIC_URL is not set: the address `gazette serve` answers on.
LOCAL_ADDRESS = "http://127.0.0.1:8000"


@dataclass(frozen=True)
class Digest:
    articles: list[Article]
    more_articles: int
    notifications: list[Notification]


def digest_day(now: datetime | None = None) -> date:
    """The day a digest belongs to, in the site's time zone."""
    return timezone.localdate(now or timezone.now())


def _due(day: date) -> QuerySet[ReaderSettings]:
    return (
        ReaderSettings.objects.filter(email_digest=True, user__is_active=True)
        .exclude(user__email="")
        .filter(Q(digest_sent_on__isnull=True) | Q(digest_sent_on__lt=day))
    )


def digests_due(*, now: datetime | None = None) -> bool:
    """Whether some reader's digest of today is waiting (from GAZETTE_DIGEST_HOUR on)."""
    now = now or timezone.now()
    if timezone.localtime(now).hour < settings.GAZETTE_DIGEST_HOUR:
        return False
    return _due(digest_day(now)).exists()


def unsubscribe_token(*, user: User) -> str:
    """The signed part of a digest's unsubscribe link; it does not expire, as old mails keep it."""
    return signing.dumps(user.pk, salt=_SALT)


def unsubscribe_reader(*, token: str) -> User | None:
    """The reader an unsubscribe link was made for; None for a link tampered with."""
    try:
        user_id = signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        return None
    return User.objects.filter(pk=user_id).first()


def unsubscribe(*, token: str) -> User | None:
    """Stop the digest of the reader the link was made for; None for a link tampered with."""
    user = unsubscribe_reader(token=token)
    if user is not None:
        ReaderSettings.objects.filter(user=user).update(email_digest=False)
    return user


def digest_for(*, user: User, now: datetime) -> Digest:
    """What the reader's digest holds: articles that arrived in the last day, unread notifications."""
    fresh = following_articles(user=user).filter(fetched_at__gte=now - timedelta(days=1))
    articles = list(fresh[:DIGEST_ARTICLES])
    more = fresh.count() - len(articles) if len(articles) == DIGEST_ARTICLES else 0
    notifications = list(
        Notification.objects.filter(recipient=user, read_at__isnull=True).select_related(
            "story", "comment__author", "comment__author__reading", "comment__article", "comment__story"
        )[:DIGEST_NOTIFICATIONS]
    )
    return Digest(articles=articles, more_articles=more, notifications=notifications)


def _message(*, user: User, digest: Digest, day: date) -> EmailMessage:
    base = settings.PUBLIC_URL or LOCAL_ADDRESS
    unsubscribe_url = base + reverse("accounts:digest_unsubscribe", args=[unsubscribe_token(user=user)])
    context = {
        "user": user,
        "digest": digest,
        "day": day,
        "base": base,
        "unsubscribe_url": unsubscribe_url,
        "site_name": settings.GAZETTE_SITE_NAME,
    }
    return EmailMessage(
        subject=f"Your {settings.GAZETTE_SITE_NAME} digest for {day:%-d %B}",
        body=render_to_string("accounts/digest_email.txt", context),
        to=[user.email],
        # RFC 8058: mail programs offer their own unsubscribe button, which posts to the link.
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def digests_send(*, now: datetime | None = None) -> int:
    """Send today's digest to every reader who asked for one and has not had it; returns how many were
    sent. A reader with nothing new and nothing unread gets no mail that day."""
    now = now or timezone.now()
    day = digest_day(now)
    sent = 0
    for row_id, before in _due(day).values_list("pk", "digest_sent_on")[:DIGEST_BATCH]:
        if not _due(day).filter(pk=row_id).update(digest_sent_on=day):
            continue  # another job claimed it
        user = User.objects.get(reading__pk=row_id)
        digest = digest_for(user=user, now=now)
        if not digest.articles and not digest.notifications:
            continue
        try:
            _message(user=user, digest=digest, day=day).send()
        except OSError as error:  # smtplib's errors are OSErrors too
            log.warning(
                "digest: mail to reader %d refused (%s); trying again on the next run", user.pk, error
            )
            ReaderSettings.objects.filter(pk=row_id, digest_sent_on=day).update(digest_sent_on=before)
            continue
        sent += 1
    if sent:
        log.info("digest: %d mail(s) sent for %s", sent, day)
    return sent
