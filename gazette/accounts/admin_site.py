"""The admin site: Django's, logged into through the same failed-login limits as the reader site."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse

from gazette.accounts.forms import AdminLoginForm, login_refused


class AdminSite(admin.AdminSite):
    """Django's admin site, whose login answers 429 once the address or the username has failed too often."""

    login_form = AdminLoginForm

    @login_not_required
    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        response = super().login(request, extra_context)
        form = (getattr(response, "context_data", None) or {}).get("form")
        if form is not None and login_refused(form):
            response.status_code = 429
        return response
