"""Who is asking: a personal access token (Authorization: Bearer), or the site's own session with CSRF.

A request that carries an Authorization header is judged by that header alone, so a wrong or revoked
token answers 401 even from a browser that is also signed in. The session is for the site's own pages;
like every form of the site, an unsafe method with it needs the CSRF token (X-CSRFToken header).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.security import APIKeyCookie, HttpBearer

from gazette.accounts.tokens import access_token_user


class TokenAuth(HttpBearer):
    """A live personal access token; the request then acts as its reader."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = access_token_user(raw=token.strip())
        if user is not None:
            # As the session would: the rate limits and workflows read the reader from request.user.
            request.user = user
        return user


class ReaderSession(APIKeyCookie):
    """The signed-in reader's session; ninja checks CSRF on unsafe methods (403 without it)."""

    param_name = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest) -> Any:
        # No CSRF answer to give a client that sent a token or has no session: they get the 401.
        if "Authorization" in request.headers or not request.user.is_authenticated:
            return None
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return request.user if request.user.is_authenticated else None


READER_AUTH = [TokenAuth(), ReaderSession()]


def reader(request: HttpRequest) -> User:
    """The reader an operation behind READER_AUTH acts for."""
    user = request.auth  # type: ignore[attr-defined]  # set by ninja from the auth class that passed
    if not isinstance(user, User):
        raise AuthenticationError()
    return user


def unauthorized(api: NinjaAPI) -> None:
    """Answer a missing, wrong or revoked token with 401, saying how to authenticate (RFC 6750)."""

    @api.exception_handler(AuthenticationError)
    def _handler(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = api.create_response(
            request, {"detail": "Give a valid access token: Authorization: Bearer <token>."}, status=401
        )
        response["WWW-Authenticate"] = 'Bearer realm="gazette"'
        return response
