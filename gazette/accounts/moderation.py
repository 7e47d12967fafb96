"""Who moderates, suspensions, the report queue and the audit log every moderator action is written to."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, F, Max, Q, QuerySet
from django.utils import timezone

from gazette.accounts.models import MODERATORS_GROUP, Comment, CommentReport, ModerationLog, Suspension

log = logging.getLogger(__name__)

EXCERPT_CHARS = 200


def is_moderator(user: User | AnonymousUser) -> bool:
    """Staff, or a member of the moderators group: they work the report queue and see hidden comments."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    cached = getattr(user, "_gazette_moderator", None)
    if cached is None:
        cached = user.groups.filter(name=MODERATORS_GROUP).exists()
        user._gazette_moderator = cached  # type: ignore[union-attr,attr-defined]
    return cached


def moderation_log_write(
    *,
    moderator: User | None,
    action: str,
    comment: Comment | None = None,
    reader: User | None = None,
    reason: str = "",
) -> ModerationLog:
    """Add one row to the audit log (`moderator` None: the site itself, as when reports hide a comment)."""
    entry = ModerationLog.objects.create(
        moderator=moderator,
        action=action,
        comment=comment,
        reader=reader if reader is not None else (comment.author if comment is not None else None),
        excerpt=comment.body[:EXCERPT_CHARS] if comment is not None else "",
        reason=reason.strip()[:500],
    )
    log.info(
        "moderation: %s %s comment=%s reader=%s",
        moderator.pk if moderator else "site",
        action,
        entry.comment_id,
        entry.reader_id,
    )
    return entry


def reader_suspension(*, reader: User) -> Suspension | None:
    """The reader's suspension in force now, if any (the one lasting longest)."""
    now = timezone.now()
    current = Suspension.objects.filter(reader=reader, lifted_at__isnull=True).filter(
        Q(ends_at__isnull=True) | Q(ends_at__gt=now)
    )
    # For good first, then the latest end.
    return current.order_by(F("ends_at").desc(nulls_first=True)).first()


def reader_suspend(*, reader: User, moderator: User, reason: str, days: int | None) -> Suspension:
    """Bar `reader` from posting for `days` days, or for good when `days` is None."""
    ends_at = timezone.now() + timedelta(days=days) if days is not None else None
    suspension = Suspension.objects.create(
        reader=reader, moderator=moderator, reason=reason.strip(), ends_at=ends_at
    )
    moderation_log_write(
        moderator=moderator,
        action="suspend",
        reader=reader,
        reason=f"{f'{days} days' if days is not None else 'for good'}: {reason.strip()}",
    )
    return suspension


def reader_unsuspend(*, reader: User, moderator: User, reason: str = "") -> int:
    """Lift every suspension of `reader` in force; how many were lifted."""
    now = timezone.now()
    lifted = (
        Suspension.objects.filter(reader=reader, lifted_at__isnull=True)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .update(lifted_at=now)
    )
    if lifted:
        moderation_log_write(moderator=moderator, action="unsuspend", reader=reader, reason=reason)
    return lifted


def reports_dismiss(*, comment: Comment, moderator: User, reason: str = "") -> int:
    """Close the comment's open reports without hiding it; how many were closed."""
    closed = reports_resolve(comment=comment)
    moderation_log_write(moderator=moderator, action="dismiss", comment=comment, reason=reason)
    return closed


def reports_resolve(*, comment: Comment) -> int:
    """Take the comment's open reports out of the queue (a moderator acted on it)."""
    return CommentReport.objects.filter(comment=comment, resolved_at__isnull=True).update(
        resolved_at=timezone.now()
    )


@dataclass
class QueueItem:
    """A reported comment in the queue, with its open reports."""

    comment: Comment
    reports: list[CommentReport]
    suspension: Suspension | None


def moderation_queue() -> list[QueueItem]:
    """Comments with open reports, or hidden by reports and not yet reviewed; most reported first."""
    ids = (
        Comment.objects.annotate(
            open_reports=Count("reports", filter=Q(reports__resolved_at__isnull=True)),
            last_report=Max("reports__created_at"),
        )
        .filter(Q(open_reports__gt=0) | Q(hidden=True, hidden_by__isnull=True))
        .order_by("-open_reports", "-last_report", "-id")
        .values_list("id", flat=True)
    )
    ordered = list(dict.fromkeys(ids))
    comments = Comment.objects.select_related("author", "article", "story").in_bulk(ordered)
    reports: dict[int, list[CommentReport]] = {}
    for report in CommentReport.objects.filter(
        comment_id__in=ordered, resolved_at__isnull=True
    ).select_related("reporter"):
        reports.setdefault(report.comment_id, []).append(report)
    return [
        QueueItem(comments[i], reports.get(i, []), reader_suspension(reader=comments[i].author))
        for i in ordered
        if i in comments
    ]


def moderation_log_recent(*, limit: int = 200) -> QuerySet[ModerationLog]:
    """The newest audit log rows, for the moderators' log page."""
    return ModerationLog.objects.select_related("moderator", "reader", "comment")[:limit]
