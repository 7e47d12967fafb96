"""The moderators' pages: the queue of reported comments, suspensions, and the audit log."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.models import User
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from gazette.accounts.comments import comment_hide, comment_unhide
from gazette.accounts.forms import ModerationReasonForm, SuspendForm
from gazette.accounts.models import Comment
from gazette.accounts.moderation import (
    is_moderator,
    moderation_log_recent,
    moderation_queue,
    reader_suspend,
    reader_unsuspend,
    reports_dismiss,
)
from gazette.accounts.views.access import reader


def moderator_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed-out readers log in first; signed-in readers who do not moderate are refused."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(reverse("accounts:moderation_queue"))
        if not is_moderator(request.user):
            raise PermissionDenied("Only moderators can see this page.")
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "private, no-store"
        return response

    return wrapped


def _queue_page(request: HttpRequest, *, error: str = "", status: int = 200) -> HttpResponse:
    context = {"items": moderation_queue(), "error": error, "suspend_form": SuspendForm()}
    return render(request, "accounts/moderation_queue.html", context, status=status)


@require_GET
@moderator_required
def queue(request: HttpRequest) -> HttpResponse:
    """Reported comments waiting for a moderator, most reported first."""
    return _queue_page(request)


ACTIONS = {"hide": comment_hide, "restore": comment_unhide, "dismiss": reports_dismiss}


@require_POST
@moderator_required
def comment_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Hide, restore, or dismiss the reports of a comment in the queue."""
    comment = get_object_or_404(Comment.objects.select_related("author"), pk=pk)
    act = ACTIONS.get(action)
    if act is None:
        return _queue_page(request, error="Unknown action.", status=400)
    form = ModerationReasonForm(request.POST)
    if not form.is_valid():
        return _queue_page(request, error="The reason is at most 500 characters long.", status=400)
    act(comment=comment, moderator=reader(request), reason=form.cleaned_data["reason"])
    return redirect("accounts:moderation_queue")


@require_POST
@moderator_required
def suspend(request: HttpRequest, pk: int) -> HttpResponse:
    """Suspend a reader from posting for some days, or for good."""
    target = get_object_or_404(User, pk=pk)
    form = SuspendForm(request.POST)
    if not form.is_valid():
        errors = " ".join(str(e) for errs in form.errors.values() for e in errs)
        return _queue_page(request, error=f"The reader was not suspended: {errors}", status=400)
    if is_moderator(target):
        return _queue_page(request, error="Moderators cannot be suspended here.", status=400)
    reader_suspend(
        reader=target,
        moderator=reader(request),
        reason=form.cleaned_data["reason"],
        days=form.cleaned_data["days"],
    )
    return redirect("accounts:moderation_queue")


@require_POST
@moderator_required
def unsuspend(request: HttpRequest, pk: int) -> HttpResponse:
    """Lift a reader's suspension."""
    target = get_object_or_404(User, pk=pk)
    form = ModerationReasonForm(request.POST)
    reader_unsuspend(
        reader=target,
        moderator=reader(request),
        reason=form.cleaned_data["reason"] if form.is_valid() else "",
    )
    return redirect("accounts:moderation_queue")


@require_GET
@moderator_required
def audit_log(request: HttpRequest) -> HttpResponse:
    """Every moderation action: who, what, why and when, newest first."""
    return render(request, "accounts/moderation_log.html", {"entries": moderation_log_recent()})
