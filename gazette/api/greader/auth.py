"""Signing apps in: ClientLogin's Auth token, the write token T, and the decorator every endpoint wears.

The Auth token is signed, not stored: it names the reader and a fingerprint of their API password's
hash, so setting a new API password (or clearing it) signs every app out at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps

from django.contrib.auth.models import User
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.utils.crypto import constant_time_compare, salted_hmac
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from gazette.accounts.models import ReaderSettings
from gazette.api.greader.ids import ProtocolError

log = logging.getLogger(__name__)

_SALT = "gazette.greader.auth"


def _fingerprint(encoded_password: str) -> str:
    return salted_hmac(_SALT, encoded_password, algorithm="sha256").hexdigest()[:16]


def auth_token_make(*, user: User, encoded_password: str) -> str:
    """The Auth value ClientLogin hands out."""
    return signing.Signer(salt=_SALT).sign(f"{user.pk}.{_fingerprint(encoded_password)}")


def auth_token_user(token: str) -> User | None:
    """The reader an Auth token belongs to while their API password is unchanged, else None."""
    try:
        value = signing.Signer(salt=_SALT).unsign(token.strip())
    except signing.BadSignature:
        return None
    pk, _, fingerprint = value.partition(".")
    if not pk.isdigit():
        return None
    found = (
        ReaderSettings.objects.filter(user_id=int(pk), user__is_active=True).select_related("user").first()
    )
    if found is None or not found.api_password:
        return None
    if not constant_time_compare(fingerprint, _fingerprint(found.api_password)):
        return None
    return found.user


def write_token(auth: str) -> str:
    """The T token apps fetch from /token and send back with every change."""
    return salted_hmac("gazette.greader.write", auth, algorithm="sha256").hexdigest()[:57]


def _auth_header(request: HttpRequest) -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme == "GoogleLogin" and value.startswith("auth="):
        return value[len("auth=") :]
    return ""


def text(body: str, status: int = 200) -> HttpResponse:
    return HttpResponse(body, status=status, content_type="text/plain; charset=utf-8")


def unauthorized() -> HttpResponse:
    response = text("Error=BadAuthentication\n", status=401)
    response["WWW-Authenticate"] = "GoogleLogin"
    return response


def protocol_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """No CSRF cookie (apps sign requests with tokens), never cached, ProtocolError → 400."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except ProtocolError as error:
            return text(f"Error={error}\n", status=400)

    return csrf_exempt(never_cache(wrapped))


def signed_in(*, write: bool = False, methods: tuple[str, ...] = ("GET", "POST")) -> Callable:
    """The endpoint needs an Auth header; with `write`, a POST carrying the right T token too."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            token = _auth_header(request)
            user = auth_token_user(token) if token else None
            if user is None:
                return unauthorized()
            if request.method not in methods:
                return text("Error=MethodNotAllowed\n", status=405)
            if write:
                sent = request.POST.get("T", "") or request.GET.get("T", "")
                if not constant_time_compare(sent, write_token(token)):
                    response = unauthorized()
                    response["X-Reader-Google-Bad-Token"] = "true"
                    return response
            request.user = user
            return view(request, *args, **kwargs)

        return protocol_view(wrapped)

    return decorator
