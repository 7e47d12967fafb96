"""The reader's "Reading and apps" page: marking read on open, and the API password for reader apps."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from gazette.accounts.api_password import api_password_clear, api_password_set
from gazette.accounts.forms import ApiPasswordForm, ReadingSettingsForm
from gazette.accounts.reading import reader_settings
from gazette.accounts.views.access import reader


@sensitive_post_parameters("api_password")
@login_required
@never_cache
def reading(request: HttpRequest) -> HttpResponse:
    user = reader(request)
    found = reader_settings(user=user)
    settings_form = ReadingSettingsForm(initial={"mark_read_on_open": found.mark_read_on_open})
    password_form = ApiPasswordForm(user=user)
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "settings":
            settings_form = ReadingSettingsForm(request.POST)
            if settings_form.is_valid():
                found.mark_read_on_open = settings_form.cleaned_data["mark_read_on_open"]
                found.save(update_fields=["mark_read_on_open"])
                messages.success(request, "Saved.")
                return redirect("accounts:reading")
            status = 400
        elif action == "api_password":
            password_form = ApiPasswordForm(request.POST, user=user)
            if password_form.is_valid():
                api_password_set(user=user, raw=password_form.cleaned_data["api_password"])
                messages.success(request, "API password set. Your reader apps need to sign in again.")
                return redirect("accounts:reading")
            status = 400
        elif action == "api_password_clear":
            api_password_clear(user=user)
            messages.success(request, "API password removed: no reader app can sign in.")
            return redirect("accounts:reading")
        else:
            status = 400
    context = {
        "settings_form": settings_form,
        "password_form": password_form,
        "api_password_set_at": found.api_password_set_at,
        "api_url": request.build_absolute_uri("/api/greader"),
        "fever_url": request.build_absolute_uri("/api/fever/"),
        # Set before Fever apps could sign in: only setting the password again makes their key.
        "fever_needs_new_password": bool(found.api_password) and not found.fever_key,
    }
    return render(request, "accounts/reading.html", context, status=status)
