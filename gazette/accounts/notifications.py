"""On-site notifications: replies to a reader's comments, under the bell until read."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet
from django.utils import timezone

from gazette.accounts.models import Notification

NOTIFICATIONS_SHOWN = 50


def notifications_unread(*, reader: User | AnonymousUser) -> int:
    """How many of the reader's notifications are unread."""
    if not reader.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=reader, read_at__isnull=True).count()


def notifications_recent(*, reader: User) -> QuerySet[Notification]:
    """The reader's newest notifications, with the reply and its page."""
    return Notification.objects.filter(recipient=reader).select_related(
        "comment__author", "comment__author__reading", "comment__article", "comment__story"
    )[:NOTIFICATIONS_SHOWN]


def notifications_read(*, reader: User) -> int:
    """Mark all the reader's notifications read; how many were unread."""
    return Notification.objects.filter(recipient=reader, read_at__isnull=True).update(read_at=timezone.now())
