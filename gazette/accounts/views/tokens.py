"""The API tokens page: the reader makes a token (shown once), sees their tokens and revokes one."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from gazette.accounts.forms import AccessTokenForm
from gazette.accounts.tokens import TokenRefused, access_token_create, access_token_revoke, access_tokens_list
from gazette.accounts.views.access import reader


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    """The reader's tokens, and the form to make one; after making one, the token itself, this once."""
    user = reader(request)
    form = AccessTokenForm(request.POST if request.method == "POST" else None)
    created = None
    status = 200
    if request.method == "POST":
        if not form.is_valid():
            status = 400
        else:
            try:
                token, raw = access_token_create(user=user, name=form.cleaned_data["name"])
            except TokenRefused as exc:
                form.add_error(None, str(exc))
                status = 400
            else:
                # Rendered, not redirected: the token exists in no other place, so it cannot be shown
                # again from a GET. never_cache keeps this page out of every cache.
                created = {"token": token, "raw": raw}
                form = AccessTokenForm()
    context = {"form": form, "created": created, "tokens": access_tokens_list(user=user)}
    return render(request, "accounts/tokens.html", context, status=status)


@require_POST
@login_required
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke one of the reader's tokens; another reader's token is not found."""
    if not access_token_revoke(user=reader(request), pk=pk):
        raise Http404("No such token.")
    return redirect("accounts:tokens")
