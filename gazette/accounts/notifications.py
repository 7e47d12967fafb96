"""On-site notifications, under the bell until read: replies to a reader's comments, and new articles in
the stories they follow."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from gazette.accounts.models import Follow, Notification
from gazette.stories.models import StoryMember

NOTIFICATIONS_SHOWN = 50


def notifications_unread(*, reader: User | AnonymousUser) -> int:
    """How many of the reader's notifications are unread."""
    if not reader.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=reader, read_at__isnull=True).count()


def notifications_recent(*, reader: User) -> QuerySet[Notification]:
    """The reader's newest notifications, with the reply or the story and its page."""
    return Notification.objects.filter(recipient=reader).select_related(
        "comment__author", "comment__author__reading", "comment__article", "comment__story", "story"
    )[:NOTIFICATIONS_SHOWN]


def notifications_read(*, reader: User) -> int:
    """Mark all the reader's notifications read; how many were unread."""
    return Notification.objects.filter(recipient=reader, read_at__isnull=True).update(read_at=timezone.now())


def story_followers_notify(*, article_ids: Collection[int]) -> int:
    """Tell the followers of the stories these just-assigned articles joined how many joined (copies of
    an article not counted): each reader's unread notification of a story grows, or one is made.
    Called inside the story batch's transaction (jobs/stages.py), so a batch is counted once however
    often its job runs; returns how many notifications were made or grown."""
    joined = dict(
        StoryMember.objects.filter(
            article_id__in=article_ids,
            # A syndicated copy repeats an article the story has: nothing new to read.
            article__duplicate_of__isnull=True,
            story__hidden=False,
            story__merged_into__isnull=True,
        )
        .values("story_id")
        .annotate(n=Count("pk"))
        .values_list("story_id", "n")
    )
    if not joined:
        return 0
    # A follow of a story merged into another leads to the survivor (as on the Following page).
    followers: dict[int, set[int]] = defaultdict(set)
    for user_id, story_id, into_id in Follow.objects.filter(
        Q(story_id__in=joined) | Q(story__merged_into_id__in=joined)
    ).values_list("user_id", "story_id", "story__merged_into_id"):
        target = story_id if story_id in joined else into_id
        if target is not None:
            followers[target].add(user_id)
    now = timezone.now()
    touched = 0
    for story_id, readers in followers.items():
        waiting = Notification.objects.filter(
            story_id=story_id, recipient_id__in=readers, read_at__isnull=True
        )
        grown = set(waiting.values_list("recipient_id", flat=True))
        waiting.update(count=F("count") + joined[story_id], updated_at=now)
        Notification.objects.bulk_create(
            Notification(
                recipient_id=user_id,
                kind="story",
                story_id=story_id,
                count=joined[story_id],
                created_at=now,
                updated_at=now,
            )
            for user_id in readers - grown
        )
        touched += len(readers)
    return touched
