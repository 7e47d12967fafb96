"""What the comments section of an article or a story page shows to one reader: threads, forms, rights."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser, User
from django.urls import reverse

from gazette.accounts.comments import comment_can_edit, comments_shown, suspension_message
from gazette.accounts.forms import CommentForm
from gazette.accounts.models import COMMENT_MAX_CHARS, Comment, CommentReport
from gazette.accounts.moderation import is_moderator
from gazette.accounts.verification import verification_message
from gazette.articles.models import Article
from gazette.stories.models import Story

# A page rarely has more; past this the newest are shown, with a note.
COMMENTS_SHOWN_MAX = 300


@dataclass
class ShownComment:
    """One comment as this reader sees it, with what they may do to it."""

    comment: Comment
    mine: bool
    can_edit: bool
    reported: bool
    replies: list[ShownComment] = field(default_factory=list)


@dataclass
class Discussion:
    """The comments section for one reader."""

    threads: list[ShownComment]
    count: int  # comments everyone can see
    more: int  # older comments left out
    form: CommentForm | None  # None for a signed-out or suspended reader
    reply_to: int | None  # the thread whose reply box holds `reply_form` (bound, after an error)
    reply_form: CommentForm | None
    post_url: str
    can_moderate: bool
    signed_in: bool
    suspended: str  # why the reader cannot post, when suspended
    unverified: str  # why the reader cannot post yet, while their e-mail address waits to be confirmed
    max_chars: int = COMMENT_MAX_CHARS


def discussion_for(
    *,
    viewer: User | AnonymousUser,
    article: Article | None = None,
    story: Story | None = None,
    form: CommentForm | None = None,
) -> Discussion:
    """The page's comments as `viewer` may see them, and the form (a bound one after an error)."""
    readable = comments_shown(article=article, story=story, viewer=viewer)
    newest = list(readable.order_by("-created_at", "-id")[: COMMENTS_SHOWN_MAX + 1])
    more = 0
    if len(newest) > COMMENTS_SHOWN_MAX:
        newest = newest[:COMMENTS_SHOWN_MAX]
        more = readable.count() - COMMENTS_SHOWN_MAX
    reported: set[int] = set()
    if viewer.is_authenticated:
        reported = set(
            CommentReport.objects.filter(reporter=viewer, comment__in=[c.pk for c in newest]).values_list(
                "comment_id", flat=True
            )
        )
    shown = {
        c.pk: ShownComment(
            comment=c,
            mine=viewer.is_authenticated and c.author_id == viewer.pk,
            can_edit=comment_can_edit(comment=c, reader=viewer),
            reported=c.pk in reported,
        )
        for c in reversed(newest)
    }
    threads = []
    for item in shown.values():
        parent_id = item.comment.parent_id
        if parent_id is None:
            threads.append(item)
        elif parent_id in shown:  # a reply whose comment is hidden (or left out) is not shown alone
            shown[parent_id].replies.append(item)
    count = sum(1 for c in newest if not c.hidden and not c.deleted)
    if more:
        target = {"article": article} if article is not None else {"story": story}
        count = Comment.objects.filter(**target, hidden=False, deleted_at__isnull=True).count()
    suspended = suspension_message(reader=viewer) if isinstance(viewer, User) else ""
    unverified = verification_message(reader=viewer) if isinstance(viewer, User) else ""
    if not viewer.is_authenticated or suspended or unverified:
        form = None
    elif form is None:
        form = CommentForm()
    reply_to, reply_form = None, None
    if form is not None and form.is_bound:
        parent = str(form.data.get("parent") or "")
        # Back in the reply box it came from, if that is on the page; else in the main box, errors shown.
        thread_ids = {t.comment.pk for t in threads if not t.comment.hidden and not t.comment.deleted}
        if parent.isdigit() and int(parent) in thread_ids:
            reply_to, reply_form, form = int(parent), form, CommentForm()
    post_url = (
        reverse("accounts:comment_create", args=[article.pk])
        if article is not None
        else reverse("accounts:story_comment_create", args=[story.pk if story else 0])
    )
    return Discussion(
        threads=threads,
        count=count,
        more=more,
        form=form,
        reply_to=reply_to,
        reply_form=reply_form,
        post_url=post_url,
        can_moderate=is_moderator(viewer),
        signed_in=viewer.is_authenticated,
        suspended=suspended,
        unverified=unverified,
    )
