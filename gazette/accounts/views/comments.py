"""Posting a comment on an article, and hiding or showing one (staff only)."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from gazette.accounts.comments import CommentRefused, comment_hide, comment_post, comment_unhide
from gazette.accounts.forms import CommentForm
from gazette.accounts.models import Comment
from gazette.accounts.views.access import reader
from gazette.articles.models import Article
from gazette.web.caching import csrf_fill
from gazette.web.ratelimit import comment_rate_take
from gazette.web.templatetags.gazette_web import article_url
from gazette.web.translation import translate_offer
from gazette.web.views.articles import article_context

COMMENT_LIMITED = (
    "You have posted several comments in a short time. Please wait a few minutes before posting again."
)


@require_POST
def comment_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Post a comment; on a problem the article page again, with the reader's text and what went wrong."""
    article = get_object_or_404(
        Article.objects.select_related("source", "duplicate_of__source", "ai_summary"), pk=pk
    )
    if not request.user.is_authenticated:
        return redirect_to_login(f"{article_url(article)}#comments")
    form = CommentForm(request.POST)
    status = 400
    if form.is_valid():
        if comment_rate_take(request):
            try:
                comment = comment_post(
                    author=reader(request), article=article, body=form.cleaned_data["body"]
                )
            except CommentRefused as exc:
                form.add_error("body", str(exc))
            else:
                return redirect(f"{article_url(article)}#comment-{comment.pk}")
        else:
            form.add_error(None, COMMENT_LIMITED)
            status = 429
    context = {**article_context(article), **translate_offer(request), "comment_form": form}
    response = render(request, "web/article.html", context, status=status)
    response["Cache-Control"] = "private, no-store"
    return csrf_fill(request, response)


def _moderate(request: HttpRequest, pk: int, *, hidden: bool) -> HttpResponse:
    comment = get_object_or_404(Comment.objects.select_related("article"), pk=pk)
    back = f"{article_url(comment.article)}#comment-{comment.pk}"
    if not request.user.is_authenticated:
        return redirect_to_login(back)
    if not request.user.is_staff:
        raise PermissionDenied("Only moderators can hide comments.")
    moderate = comment_hide if hidden else comment_unhide
    moderate(comment=comment, moderator=reader(request))
    return redirect(back)


@require_POST
def hide(request: HttpRequest, pk: int) -> HttpResponse:
    return _moderate(request, pk, hidden=True)


@require_POST
def unhide(request: HttpRequest, pk: int) -> HttpResponse:
    return _moderate(request, pk, hidden=False)
