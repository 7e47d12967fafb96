"""Where a form sends the reader back to, and what happens when a signed-out reader posts one."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.http import url_has_allowed_host_and_scheme


def next_url(request: HttpRequest, *, fallback: str) -> str:
    """The form's `next` (POST, else GET) when it is a page of this site; else `fallback`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def signin_required(fallback: Callable[..., str]) -> Callable:
    """Send a signed-out reader to log in, then back to the form's page (else `fallback(**kwargs)`).

    Unlike login_required, the way back is the page, not this POST-only address.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.user.is_authenticated:
                return view(request, *args, **kwargs)
            page = next_url(request, fallback=fallback(**kwargs))
            response = redirect_to_login(page)
            if request.headers.get("HX-Request"):
                # htmx would swap the login page into the button; make it load the page instead.
                redirect = HttpResponse(status=204)
                redirect["HX-Redirect"] = response["Location"]
                return redirect
            return response

        return wrapped

    return decorator


def reader(request: HttpRequest) -> User:
    """The signed-in reader; views call it behind login_required or signin_required."""
    if not isinstance(request.user, User) or not request.user.is_authenticated:
        raise PermissionDenied("Log in first.")
    return request.user


def link_base(request: HttpRequest) -> str:
    """The site's address for links in mail: GAZETTE_PUBLIC_URL, else the address this request came to."""
    return settings.PUBLIC_URL or request.build_absolute_uri("/").rstrip("/")
