"""Follow and save buttons, and the comments of an article, for the reader site's templates."""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest

from gazette.accounts.comments import comments_shown
from gazette.accounts.follows import Target, follow_exists, follow_kind, target_url
from gazette.accounts.forms import CommentForm
from gazette.accounts.models import Comment
from gazette.accounts.saved import saved_article_ids
from gazette.articles.models import Article

register = template.Library()

# An article rarely has more; past this the newest are shown, with a note.
COMMENTS_SHOWN_MAX = 300
ENTITY_KINDS = {"person": "Person", "org": "Organisation", "place": "Place"}


def _viewer(context: template.Context) -> tuple[HttpRequest | None, User | AnonymousUser]:
    request = context.get("request")
    user = getattr(request, "user", None)
    return request, user if user is not None else AnonymousUser()


@register.filter(name="target_url")
def target_url_filter(target: Target) -> str:
    return target_url(target)


@register.filter
def follow_label(target: Target) -> str:
    """What kind of thing is followed, in the reader's words: Topic, Source, Person, Story…"""
    kind = follow_kind(target)
    if kind == "entity":
        return ENTITY_KINDS.get(getattr(target, "kind", ""), "Name")
    return kind.capitalize()


@register.inclusion_tag("accounts/_follow_button.html", takes_context=True)
def follow_button(context: template.Context, target: Target, following: bool | None = None) -> dict:
    """Follow/Following for a signed-in reader; for others a link to log in first.

    `following` skips the lookup when the caller already knows.
    """
    request, user = _viewer(context)
    if following is None:
        following = follow_exists(user=user, target=target)
    return {
        "target": target,
        "kind": follow_kind(target),
        "signed_in": user.is_authenticated,
        "following": following and user.is_authenticated,
        "next": request.get_full_path() if request is not None else "",
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("accounts/_save_button.html", takes_context=True)
def save_button(context: template.Context, article: Article, compact: bool = False) -> dict:
    """Save/Saved for a signed-in reader; on the article page (not on cards) a log-in link for others."""
    request, user = _viewer(context)
    saved = False
    if isinstance(user, User) and user.is_authenticated and request is not None:
        # A list shows many cards: the reader's saved ids are loaded once per request.
        ids = getattr(request, "_gazette_saved_ids", None)
        if ids is None:
            ids = saved_article_ids(user=user)
            request._gazette_saved_ids = ids  # type: ignore[attr-defined]
        saved = article.pk in ids
    return {
        "article": article,
        "saved": saved,
        "compact": compact,
        "signed_in": user.is_authenticated,
        "next": request.get_full_path() if request is not None else "",
        "csrf_token": context.get("csrf_token"),
    }


@dataclass
class ArticleComments:
    """What the comments section shows to one reader."""

    comments: list[Comment]
    count: int  # comments everyone can see
    more: int  # older comments left out
    form: CommentForm | None  # None for a signed-out reader, who is asked to log in instead
    can_moderate: bool


@register.simple_tag(takes_context=True)
def article_comments(context: template.Context, article: Article) -> ArticleComments:
    """The article's comments as the reader may see them, and the form (a bound one after an error)."""
    _, user = _viewer(context)
    readable = comments_shown(article=article, viewer=user)
    newest = list(readable.order_by("-created_at", "-id")[: COMMENTS_SHOWN_MAX + 1])
    more = 0
    count = sum(1 for c in newest if not c.hidden)
    if len(newest) > COMMENTS_SHOWN_MAX:
        newest = newest[:COMMENTS_SHOWN_MAX]
        more = readable.count() - COMMENTS_SHOWN_MAX
        count = Comment.objects.filter(article=article, hidden=False).count()
    form = context.get("comment_form") or (CommentForm() if user.is_authenticated else None)
    return ArticleComments(
        comments=newest[::-1],
        count=count,
        more=more,
        form=form,
        can_moderate=bool(getattr(user, "is_staff", False)),
    )
