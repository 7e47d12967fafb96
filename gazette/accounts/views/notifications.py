"""The reader's notifications: replies to their comments."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from gazette.accounts.notifications import notifications_read, notifications_recent, notifications_unread
from gazette.accounts.views.access import reader


@require_GET
@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    """The newest notifications, unread ones marked."""
    me = reader(request)
    context = {
        "notifications": list(notifications_recent(reader=me)),
        "unread": notifications_unread(reader=me),
    }
    response = render(request, "accounts/notifications.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@login_required
def read_all(request: HttpRequest) -> HttpResponse:
    """Mark every notification read."""
    notifications_read(reader=reader(request))
    return redirect("accounts:notifications")
