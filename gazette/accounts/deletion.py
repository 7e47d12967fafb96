"""Closing an account: the reader's data goes; their comments stay as a "deleted reader"'s, or go too."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from gazette.accounts.comments import _changed
from gazette.accounts.models import Comment

# The author of comments kept from closed accounts. The space makes it a name no one can sign up with.
DELETED_READER = "deleted reader"


def deleted_reader() -> User:
    """The placeholder author of kept comments; it cannot log in."""
    user, created = User.objects.get_or_create(username=DELETED_READER, defaults={"is_active": False})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def account_delete(*, user: User) -> None:
    """Delete the reader and all they own, keeping or removing their comments per the setting.

    Follows, saves, read state, tokens, settings, notifications, reports and suspensions go with the user
    row (CASCADE). The audit log keeps its rows and their excerpts; its link to the reader becomes empty.
    """
    if user.get_username() == DELETED_READER:
        raise ValueError("The placeholder of closed accounts cannot be deleted.")
    with transaction.atomic():
        comments = list(Comment.objects.filter(author=user))
        if settings.GAZETTE_DELETED_ACCOUNT_COMMENTS == "remove":
            _comments_remove(user=user)
        else:
            Comment.objects.filter(author=user).update(author=deleted_reader(), changed_at=timezone.now())
        user.delete()
    for comment in comments:
        _changed(comment)


def _comments_remove(*, user: User) -> None:
    # Replies first: a reply has no replies of its own (threads are one level deep), so it simply goes.
    # A top-level comment that others answered stays as "[deleted]", so their replies keep their place.
    Comment.objects.filter(author=user, parent__isnull=False).delete()
    now = timezone.now()
    answered = Comment.objects.filter(author=user, parent__isnull=True, replies__isnull=False).distinct()
    Comment.objects.filter(pk__in=list(answered.values_list("pk", flat=True))).update(
        author=deleted_reader(), body="", body_html="", deleted_at=now, changed_at=now
    )
    Comment.objects.filter(author=user).delete()
