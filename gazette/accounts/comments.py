"""Posting and moderating comments, and which comments a reader sees."""

from __future__ import annotations

import logging
import re

from django.contrib.auth.models import AnonymousUser, User
from django.core.cache import cache
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from gazette.accounts.models import COMMENT_MAX_CHARS, Comment
from gazette.articles.models import Article

log = logging.getLogger(__name__)

# Other web processes keep their own cache, so they may show the old comments this long.
VERSION_SECONDS = 2
_BLANK_LINES = re.compile(r"\n{3,}")


class CommentRefused(ValueError):
    """The comment cannot be stored as written (empty or too long)."""


def comment_body_clean(body: str) -> str:
    """The text as it is stored: plain, trimmed, Unix line ends, at most one blank line in a row."""
    text = body.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "").strip()
    return _BLANK_LINES.sub("\n\n", text)


def comment_post(*, author: User, article: Article, body: str) -> Comment:
    """Store a reader's comment on an article as plain text."""
    text = comment_body_clean(body)
    if not text:
        raise CommentRefused("Write something first.")
    if len(text) > COMMENT_MAX_CHARS:
        raise CommentRefused(f"Comments can be at most {COMMENT_MAX_CHARS} characters long.")
    comment = Comment.objects.create(author=author, article=article, body=text)
    cache.delete(_version_key(article.pk))
    return comment


def comment_hide(*, comment: Comment, moderator: User) -> None:
    """Hide a comment from everyone but its author and the moderators."""
    _moderate(comment, moderator, hidden=True)


def comment_unhide(*, comment: Comment, moderator: User) -> None:
    """Show a hidden comment again."""
    _moderate(comment, moderator, hidden=False)


def _moderate(comment: Comment, moderator: User, *, hidden: bool) -> None:
    comment.hidden = hidden
    comment.hidden_by = moderator if hidden else None
    comment.changed_at = timezone.now()
    comment.save(update_fields=["hidden", "hidden_by", "changed_at"])
    cache.delete(_version_key(comment.article_id))
    log.info("comments: %s hid=%s comment %s", moderator.pk, hidden, comment.pk)


def comments_shown(*, article: Article, viewer: User | AnonymousUser) -> QuerySet[Comment]:
    """The comments `viewer` may read: visible ones, plus hidden ones for staff and for their own author."""
    comments = Comment.objects.filter(article=article).select_related("author")
    if getattr(viewer, "is_staff", False):
        return comments
    if viewer.is_authenticated:
        return comments.filter(Q(hidden=False) | Q(author=viewer))
    return comments.filter(hidden=False)


def _version_key(article_id: int) -> str:
    return f"accounts:comments-version:{article_id}"


def comments_version(*, article_id: int) -> str:
    """Changes whenever the article's comments change as anyone can see them; for ETags and page caches."""
    key = _version_key(article_id)
    version = cache.get(key)
    if version is None:
        row = Comment.objects.filter(article_id=article_id).aggregate(
            n=Count("id"), changed=Max("changed_at")
        )
        version = f"{row['n']}:{row['changed'].isoformat() if row['changed'] else ''}"
        cache.set(key, version, VERSION_SECONDS)
    return version
