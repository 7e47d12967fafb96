"""The daily digest: turning it on or off on the profile, and the unsubscribe link of its mails, which
works without logging in (the signed token says whose digest it stops)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from gazette.accounts.daily_digest import unsubscribe, unsubscribe_reader
from gazette.accounts.models import ReaderSettings
from gazette.accounts.views.access import reader


@require_POST
@login_required
def digest_set(request: HttpRequest) -> HttpResponse:
    """The profile's digest checkbox; it needs an e-mail address on the account."""
    me = reader(request)
    wanted = request.POST.get("email_digest") == "on"
    if wanted and not me.email:
        messages.error(request, "The digest needs an e-mail address on your account.")
        return redirect("accounts:profile")
    ReaderSettings.objects.update_or_create(user=me, defaults={"email_digest": wanted})
    messages.success(request, "Daily digest on." if wanted else "Daily digest off.")
    return redirect("accounts:profile")


# The token, not a cookie, is what authorises: mail programs post here themselves (RFC 8058 one-click),
# without a session or a CSRF token, and a forged request would need the token anyway.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def digest_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks to confirm (mail scanners open links), POST stops the digest."""
    user = unsubscribe(token=token) if request.method == "POST" else unsubscribe_reader(token=token)
    context = {"user_found": user is not None, "done": request.method == "POST", "token": token}
    return render(request, "accounts/digest_unsubscribe.html", context, status=200 if user else 400)
