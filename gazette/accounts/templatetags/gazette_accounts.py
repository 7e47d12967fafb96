"""Follow and save buttons, and the comments of an article, for the reader site's templates."""

from __future__ import annotations

from django import template
from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest

from gazette.accounts.discussion import Discussion, discussion_for
from gazette.accounts.follows import Target, follow_exists, follow_kind, target_url
from gazette.accounts.models import ReaderSettings
from gazette.accounts.moderation import is_moderator
from gazette.accounts.notifications import notifications_unread
from gazette.accounts.saved import saved_article_ids
from gazette.articles.models import Article
from gazette.stories.models import Story

register = template.Library()

ENTITY_KINDS = {"person": "Person", "org": "Organisation", "place": "Place"}


def _viewer(context: template.Context) -> tuple[HttpRequest | None, User | AnonymousUser]:
    request = context.get("request")
    user = getattr(request, "user", None)
    return request, user if user is not None else AnonymousUser()


@register.filter
def reader_name(user: User) -> str:
    """The name a reader goes by on comments: their display name, else their username."""
    # Comment queries select the settings row with the author (author__reading); None when it is missing.
    try:
        display = user.reading.display_name
    except ReaderSettings.DoesNotExist:
        display = ""
    return display or user.get_username()


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


@register.simple_tag(takes_context=True)
def article_comments(context: template.Context, article: Article) -> Discussion:
    """The article's comments as the reader may see them, and the form (a bound one after an error)."""
    _, user = _viewer(context)
    return discussion_for(viewer=user, article=article, form=context.get("comment_form"))


@register.simple_tag(takes_context=True)
def story_comments(context: template.Context, story: Story) -> Discussion:
    """The story's comments as the reader may see them, and the form (a bound one after an error)."""
    _, user = _viewer(context)
    return discussion_for(viewer=user, story=story, form=context.get("comment_form"))


@register.simple_tag(takes_context=True)
def unread_notifications(context: template.Context) -> int:
    """How many notifications the signed-in reader has not read (the bell's count)."""
    _, user = _viewer(context)
    return notifications_unread(reader=user) if isinstance(user, User) else 0


@register.filter
def moderates(user: User | AnonymousUser) -> bool:
    """Whether the user works the moderation queue."""
    return is_moderator(user)
