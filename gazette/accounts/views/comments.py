"""Posting, replying to, editing, deleting and reporting comments; hiding or showing one (moderators).

Every form works without JavaScript (post, then back to the page). The comment box also posts through
htmx: then the answer is the comments section alone, swapped in place, with the new comment in it.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from gazette.accounts.comments import (
    CommentForbidden,
    CommentRefused,
    ReaderSuspended,
    ReaderUnverified,
    comment_delete,
    comment_edit,
    comment_hide,
    comment_post,
    comment_report,
    comment_unhide,
)
from gazette.accounts.discussion import discussion_for
from gazette.accounts.forms import CommentEditForm, CommentForm, ModerationReasonForm, ReportForm
from gazette.accounts.models import Comment
from gazette.accounts.moderation import is_moderator
from gazette.accounts.views.access import reader
from gazette.articles.models import Article
from gazette.stories.models import Story
from gazette.web.caching import csrf_fill
from gazette.web.ratelimit import comment_rate_take
from gazette.web.templatetags.gazette_web import article_url
from gazette.web.translation import translate_offer
from gazette.web.views.articles import article_context
from gazette.web.views.stories import story_context

COMMENT_LIMITED = (
    "You have posted several comments in a short time. Please wait a few minutes before posting again."
)


def _page_url(*, article: Article | None = None, story: Story | None = None) -> str:
    if article is not None:
        return article_url(article)
    assert story is not None
    return reverse("web:story", args=[story.pk])


def comment_url(comment: Comment) -> str:
    """The comment on its page."""
    return f"{_page_url(article=comment.article, story=comment.story)}#comment-{comment.pk}"


def _private(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return csrf_fill(request, response)


def _page_again(
    request: HttpRequest, form: CommentForm, status: int, *, article: Article | None, story: Story | None
) -> HttpResponse:
    """The page (or, for htmx, its comments section) with the reader's text and what went wrong."""
    if request.headers.get("HX-Request"):
        discussion = discussion_for(viewer=request.user, article=article, story=story, form=form)
        context: dict[str, object] = {
            "discussion": discussion,
            "article": article,
            "story": story,
            "oob": True,
        }
        return _private(request, render(request, "accounts/_discussion.html", context, status=status))
    if article is not None:
        context = {**article_context(article), **translate_offer(request), "comment_form": form}
        return _private(request, render(request, "web/article.html", context, status=status))
    assert story is not None
    context = {**story_context(story), "comment_form": form}
    return _private(request, render(request, "web/story.html", context, status=status))


def _create(request: HttpRequest, *, article: Article | None, story: Story | None) -> HttpResponse:
    page = _page_url(article=article, story=story)
    if not request.user.is_authenticated:
        return redirect_to_login(f"{page}#comments")
    form = CommentForm(request.POST)
    status = 400
    if form.is_valid():
        parent = None
        if form.cleaned_data["parent"]:
            parent = Comment.objects.filter(pk=form.cleaned_data["parent"]).first()
            if parent is None:
                form.add_error(None, "The comment you replied to is gone.")
        if not form.errors and comment_rate_take(request):
            try:
                comment = comment_post(
                    author=reader(request),
                    article=article,
                    story=story,
                    parent=parent,
                    body=form.cleaned_data["body"],
                )
            except (ReaderSuspended, ReaderUnverified) as exc:
                form.add_error(None, str(exc))
                status = 403
            except CommentRefused as exc:
                form.add_error("body", str(exc))
            else:
                if request.headers.get("HX-Request"):
                    # A fresh box for the next comment; the new one is in the list.
                    response = _page_again(request, CommentForm(), 200, article=article, story=story)
                    response["HX-Trigger-After-Settle"] = f'{{"gazette:commented": {comment.pk}}}'
                    return response
                return redirect(comment_url(comment))
        elif not form.errors:
            form.add_error(None, COMMENT_LIMITED)
            status = 429
    return _page_again(request, form, status, article=article, story=story)


@require_POST
def comment_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Post a comment (or a reply) on an article."""
    article = get_object_or_404(
        Article.objects.select_related("source", "duplicate_of__source", "ai_summary"), pk=pk
    )
    return _create(request, article=article, story=None)


@require_POST
def story_comment_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Post a comment (or a reply) on a story."""
    story = get_object_or_404(Story.objects.select_related("first_article__source"), pk=pk)
    return _create(request, article=None, story=story)


def _comment(pk: int) -> Comment:
    return get_object_or_404(Comment.objects.select_related("article", "story", "author"), pk=pk)


@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit one's own comment within the edit window."""
    comment = _comment(pk)
    if not request.user.is_authenticated:
        return redirect_to_login(comment_url(comment))
    if comment.author_id != request.user.pk:
        raise PermissionDenied("You can only edit your own comments.")
    form = CommentEditForm(request.POST if request.method == "POST" else None, initial={"body": comment.body})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                comment_edit(comment=comment, editor=reader(request), body=form.cleaned_data["body"])
            except (ReaderSuspended, ReaderUnverified) as exc:
                form.add_error(None, str(exc))
                status = 403
            except CommentRefused as exc:
                form.add_error("body", str(exc))
            except CommentForbidden as exc:
                form.add_error(None, str(exc))
                status = 403
            else:
                return redirect(comment_url(comment))
    context = {
        "comment": comment,
        "form": form,
        "back": comment_url(comment),
        "edit_minutes": settings.GAZETTE_COMMENT_EDIT_MINUTES,
    }
    return _private(request, render(request, "accounts/comment_edit.html", context, status=status))


@require_POST
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete one's own comment."""
    comment = _comment(pk)
    back = f"{_page_url(article=comment.article, story=comment.story)}#comments"
    if not request.user.is_authenticated:
        return redirect_to_login(back)
    try:
        comment_delete(comment=comment, reader=reader(request))
    except CommentForbidden as exc:
        raise PermissionDenied(str(exc)) from exc
    return redirect(back)


@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, pk: int) -> HttpResponse:
    """Report a comment to the moderators, with a reason."""
    comment = _comment(pk)
    if not request.user.is_authenticated:
        return redirect_to_login(comment_url(comment))
    if comment.author_id == request.user.pk:
        raise PermissionDenied("You cannot report your own comment.")
    form = ReportForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                comment_report(
                    comment=comment,
                    reporter=reader(request),
                    reason=form.cleaned_data["reason"],
                    note=form.cleaned_data["note"],
                )
            except CommentRefused as exc:
                form.add_error(None, str(exc))
            else:
                return redirect(comment_url(comment))
    context = {"comment": comment, "form": form, "back": comment_url(comment)}
    return _private(request, render(request, "accounts/comment_report.html", context, status=status))


def _moderate(request: HttpRequest, pk: int, *, hidden: bool) -> HttpResponse:
    comment = _comment(pk)
    back = comment_url(comment)
    if not request.user.is_authenticated:
        return redirect_to_login(back)
    if not is_moderator(request.user):
        raise PermissionDenied("Only moderators can hide comments.")
    form = ModerationReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    moderate = comment_hide if hidden else comment_unhide
    moderate(comment=comment, moderator=reader(request), reason=reason)
    return redirect(back)


@require_POST
def hide(request: HttpRequest, pk: int) -> HttpResponse:
    return _moderate(request, pk, hidden=True)


@require_POST
def unhide(request: HttpRequest, pk: int) -> HttpResponse:
    return _moderate(request, pk, hidden=False)
