"""The reader's own account: the name on their comments, their data to download, closing the account."""

from __future__ import annotations

import json

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from gazette.accounts.deletion import account_delete
from gazette.accounts.export import account_export
from gazette.accounts.forms import DisplayNameForm
from gazette.accounts.foryou import foryou_mutes
from gazette.accounts.profile import display_name_set
from gazette.accounts.reading import reader_settings
from gazette.accounts.views.access import reader
from gazette.web.ratelimit import login_rate_check, login_rate_take


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    """The display name shown on the reader's comments, the daily digest, and the ways to take or delete
    their data."""
    found = reader_settings(user=reader(request))
    form = DisplayNameForm(
        request.POST if request.method == "POST" else None, initial={"display_name": found.display_name}
    )
    context = {"form": form, "found": found, "mutes": foryou_mutes(user=found.user)}
    if request.method == "POST":
        if form.is_valid():
            display_name_set(user=found.user, name=form.cleaned_data["display_name"])
            messages.success(request, "Saved.")
            return redirect("accounts:profile")
        return render(request, "accounts/profile.html", context, status=400)
    return render(request, "accounts/profile.html", context)


@login_required
@require_GET
def export(request: HttpRequest) -> HttpResponse:
    """The reader's data as a JSON file to download; never cached anywhere, since it is theirs alone."""
    user = reader(request)
    body = json.dumps(account_export(user=user), indent=2, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="gazette-{user.pk}.json"'
    response["Cache-Control"] = "private, no-store"
    return response


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user: User, request: HttpRequest, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user, self.request = user, request
        self.refused = False

    def clean_password(self) -> str:
        # Wrong passwords count with failed logins: a borrowed session must not become a password oracle.
        username = self.user.get_username()
        if not login_rate_check(self.request, username=username):
            self.refused = True
            raise forms.ValidationError("Too many wrong passwords. Try again in an hour.")
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            login_rate_take(self.request, username=username)
            raise forms.ValidationError("That is not your password.")
        return password


@sensitive_post_parameters("password")
@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest) -> HttpResponse:
    """Ask for the login password, then delete the account and log out."""
    user = reader(request)
    form = DeleteAccountForm(request.POST if request.method == "POST" else None, user=user, request=request)
    if request.method == "POST" and form.is_valid():
        account_delete(user=user)
        logout(request)
        return redirect("web:front")
    context = {"form": form, "keep_comments": settings.GAZETTE_DELETED_ACCOUNT_COMMENTS == "keep"}
    status = (429 if form.refused else 400) if request.method == "POST" else 200
    return render(request, "accounts/account_delete.html", context, status=status)
