"""Posting, replying to, editing, deleting, reporting and hiding comments, and which comments a reader sees."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format

from gazette.accounts.markup import comment_html, comment_link_count
from gazette.accounts.models import COMMENT_MAX_CHARS, Comment, CommentReport, Notification
from gazette.accounts.moderation import (
    is_moderator,
    moderation_log_write,
    reader_suspension,
    reports_resolve,
)
from gazette.accounts.verification import verification_message
from gazette.articles.models import Article
from gazette.stories.models import Story

log = logging.getLogger(__name__)

# Other web processes keep their own cache, so they may show the old comments this long.
VERSION_SECONDS = 2
_BLANK_LINES = re.compile(r"\n{3,}")
REPORT_NOTE_MAX_CHARS = 500


class CommentRefused(ValueError):
    """The comment cannot be stored as written (empty, too long, too many links, reader suspended…)."""


class ReaderSuspended(CommentRefused):
    """The reader is suspended from posting; the message says until when and why."""


class ReaderUnverified(CommentRefused):
    """The reader has not confirmed their e-mail address yet (GAZETTE_EMAIL_VERIFICATION)."""


class CommentForbidden(PermissionError):
    """The reader may not do this to this comment (not theirs, too late to edit…)."""


def comment_body_clean(body: str) -> str:
    """The text as it is stored: trimmed, Unix line ends, at most one blank line in a row."""
    text = body.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "").strip()
    return _BLANK_LINES.sub("\n\n", text)


def suspension_message(*, reader: User) -> str:
    """Why `reader` cannot post now, in their words; empty when they can."""
    suspension = reader_suspension(reader=reader)
    if suspension is None:
        return ""
    until = (
        f"until {date_format(timezone.localtime(suspension.ends_at), 'j F Y, H:i')}"
        if suspension.ends_at
        else "for good"
    )
    return f"Your account is suspended from commenting {until}. The moderators' reason: {suspension.reason}"


def _checked_body(*, author: User, body: str) -> tuple[str, str]:
    """(text, html) for a comment `author` may store; CommentRefused otherwise."""
    refusal = suspension_message(reader=author)
    if refusal:
        raise ReaderSuspended(refusal)
    refusal = verification_message(reader=author)
    if refusal:
        raise ReaderUnverified(refusal)
    text = comment_body_clean(body)
    if not text:
        raise CommentRefused("Write something first.")
    if len(text) > COMMENT_MAX_CHARS:
        raise CommentRefused(f"Comments can be at most {COMMENT_MAX_CHARS} characters long.")
    html = comment_html(text)
    young = timezone.now() - author.date_joined < timedelta(hours=settings.GAZETTE_COMMENT_NEW_ACCOUNT_HOURS)
    allowed = settings.GAZETTE_COMMENT_NEW_ACCOUNT_LINKS
    # Spam arrives from fresh accounts; a day later a reader may link as they like.
    if young and comment_link_count(html) > allowed:
        raise CommentRefused(
            f"New accounts can put at most {allowed} link{'s' if allowed != 1 else ''} in a comment "
            "during their first day."
        )
    return text, html


def comment_post(
    *,
    author: User,
    article: Article | None = None,
    body: str,
    story: Story | None = None,
    parent: Comment | None = None,
) -> Comment:
    """Store a reader's comment on an article or a story, or a reply to `parent` (on the same page)."""
    if parent is not None:
        if parent.parent_id is not None:  # one level of replies: a reply to a reply joins the same thread
            parent = parent.parent
        assert parent is not None
        if (article is not None and parent.article_id != article.pk) or (
            story is not None and parent.story_id != story.pk
        ):
            raise CommentRefused("That comment belongs to another page.")
        if parent.deleted or parent.hidden:
            raise CommentRefused("That comment can no longer be replied to.")
        article, story = parent.article, parent.story
    if (article is None) == (story is None):
        raise ValueError("a comment is on exactly one article or story")
    text, html = _checked_body(author=author, body=body)
    with transaction.atomic():
        comment = Comment.objects.create(
            author=author, article=article, story=story, parent=parent, body=text, body_html=html
        )
        if parent is not None and parent.author_id != author.pk:
            Notification.objects.create(recipient_id=parent.author_id, comment=comment)
    _changed(comment)
    return comment


def comment_can_edit(*, comment: Comment, reader: User | AnonymousUser) -> bool:
    """Whether `reader` may still edit the comment: their own, not deleted, within the edit window."""
    window = timedelta(minutes=settings.GAZETTE_COMMENT_EDIT_MINUTES)
    return (
        reader.is_authenticated
        and comment.author_id == reader.pk
        and not comment.deleted
        and timezone.now() - comment.created_at <= window
    )


def comment_edit(*, comment: Comment, editor: User, body: str) -> Comment:
    """Change the text of the editor's own comment within the edit window; it is marked edited."""
    if not comment_can_edit(comment=comment, reader=editor):
        raise CommentForbidden(
            f"Comments can be edited by their author only, within {settings.GAZETTE_COMMENT_EDIT_MINUTES} "
            "minutes of posting."
        )
    text, html = _checked_body(author=editor, body=body)
    if text == comment.body:
        return comment
    now = timezone.now()
    comment.body, comment.body_html, comment.edited_at, comment.changed_at = text, html, now, now
    comment.save(update_fields=["body", "body_html", "edited_at", "changed_at"])
    _changed(comment)
    return comment


def comment_delete(*, comment: Comment, reader: User) -> None:
    """Delete the reader's own comment; one with replies stays as "[deleted]" so the replies keep their place."""
    if comment.author_id != reader.pk:
        raise CommentForbidden("Only its author can delete a comment.")
    if comment.deleted:
        return
    if comment.replies.exists():
        now = timezone.now()
        comment.body, comment.body_html, comment.deleted_at, comment.changed_at = "", "", now, now
        comment.save(update_fields=["body", "body_html", "deleted_at", "changed_at"])
    else:
        comment.delete()
    _changed(comment)


def comment_report(*, comment: Comment, reporter: User, reason: str, note: str = "") -> CommentReport:
    """Record a reader's report; enough different readers hide the comment until a moderator looks."""
    if comment.author_id == reporter.pk:
        raise CommentRefused("You cannot report your own comment.")
    if reason not in dict(CommentReport.REASONS):
        raise CommentRefused("Choose a reason for the report.")
    try:
        with transaction.atomic():
            report = CommentReport.objects.create(
                comment=comment, reporter=reporter, reason=reason, note=note.strip()[:REPORT_NOTE_MAX_CHARS]
            )
    except IntegrityError:  # reported before: the first report stands
        return CommentReport.objects.get(comment=comment, reporter=reporter)
    reporters = CommentReport.objects.filter(comment=comment, resolved_at__isnull=True).count()
    if not comment.hidden and reporters >= settings.GAZETTE_COMMENT_REPORTS_TO_HIDE:
        _set_hidden(comment, None, hidden=True)
        moderation_log_write(
            moderator=None, action="auto_hide", comment=comment, reason=f"{reporters} readers reported it"
        )
    return report


def comment_hide(*, comment: Comment, moderator: User, reason: str = "") -> None:
    """Hide a comment from everyone but its author and the moderators; its reports leave the queue."""
    _set_hidden(comment, moderator, hidden=True)
    reports_resolve(comment=comment)
    moderation_log_write(moderator=moderator, action="hide", comment=comment, reason=reason)


def comment_unhide(*, comment: Comment, moderator: User, reason: str = "") -> None:
    """Show a hidden comment again; its reports leave the queue."""
    _set_hidden(comment, moderator, hidden=False)
    reports_resolve(comment=comment)
    moderation_log_write(moderator=moderator, action="restore", comment=comment, reason=reason)


def _set_hidden(comment: Comment, moderator: User | None, *, hidden: bool) -> None:
    comment.hidden = hidden
    comment.hidden_by = moderator if hidden else None
    comment.changed_at = timezone.now()
    comment.save(update_fields=["hidden", "hidden_by", "changed_at"])
    _changed(comment)


def comments_shown(
    *, article: Article | None = None, viewer: User | AnonymousUser, story: Story | None = None
) -> QuerySet[Comment]:
    """The comments `viewer` may read: visible ones, plus hidden ones for moderators and for their own author."""
    target = Q(article=article) if article is not None else Q(story=story)
    comments = Comment.objects.filter(target).select_related("author", "author__reading")
    if is_moderator(viewer):
        return comments
    if viewer.is_authenticated:
        return comments.filter(Q(hidden=False) | Q(author=viewer))
    return comments.filter(hidden=False)


def _version_key(kind: str, pk: int) -> str:
    return f"accounts:comments-version:{kind}:{pk}"


def _changed(comment: Comment) -> None:
    if comment.article_id is not None:
        cache.delete(_version_key("article", comment.article_id))
    if comment.story_id is not None:
        cache.delete(_version_key("story", comment.story_id))


def comments_author_changed(*, author: User) -> None:
    """Something shown on all of `author`'s comments changed (their name): the pages they are on change too."""
    mine = Comment.objects.filter(author=author)
    pages = set(mine.values_list("article_id", "story_id"))
    mine.update(changed_at=timezone.now())
    for article_id, story_id in pages:
        _changed(Comment(article_id=article_id, story_id=story_id))


def comments_version(*, article_id: int | None = None, story_id: int | None = None) -> str:
    """Changes whenever the page's comments change as anyone can see them; for ETags and page caches."""
    kind, pk = ("article", article_id) if article_id is not None else ("story", story_id)
    assert pk is not None
    key = _version_key(kind, pk)
    version = cache.get(key)
    if version is None:
        row = Comment.objects.filter(**{f"{kind}_id": pk}).aggregate(n=Count("id"), changed=Max("changed_at"))
        version = f"{row['n']}:{row['changed'].isoformat() if row['changed'] else ''}"
        cache.set(key, version, VERSION_SECONDS)
    return version
