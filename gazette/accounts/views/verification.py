"""Confirming a reader's e-mail address: the link from the mail (it works signed in or out), and sending
it again."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from gazette.accounts.verification import email_verify, verification_mail_send, verification_message
from gazette.accounts.views.access import link_base, next_url, reader
from gazette.web.ratelimit import verification_rate_take

MAIL_REFUSED = "The mail could not be sent just now. Please try again in a few minutes."
RESEND_LIMITED = "You asked for several links in a short time. Please wait an hour before asking again."


@require_GET
@never_cache
def verify(request: HttpRequest, token: str) -> HttpResponse:
    """Open the link: the address is confirmed and the reader may comment."""
    user = email_verify(token=token)
    context = {"verified": user is not None}
    return render(request, "accounts/email_verify.html", context, status=200 if user else 400)


@require_POST
@login_required
def resend(request: HttpRequest) -> HttpResponse:
    """Mail the confirmation link again, a few times an hour at most."""
    me = reader(request)
    back = next_url(request, fallback="/")
    if not (verification_message(reader=me) and me.email):
        return redirect(back)
    if not verification_rate_take(request):
        return render(
            request, "accounts/email_verify.html", {"problem": RESEND_LIMITED, "back": back}, status=429
        )
    if not verification_mail_send(user=me, link_base=link_base(request)):
        context = {"problem": MAIL_REFUSED, "back": back}
        return render(request, "accounts/email_verify.html", context, status=503)
    return render(request, "accounts/email_verify.html", {"sent_to": me.email, "back": back})
