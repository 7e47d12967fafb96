"""Who is asking: a personal access token (Authorization: Bearer), or the site's own session with CSRF.

A request that carries a Bearer token is judged by that token alone, so a wrong or revoked token
answers 401 even from a browser that is also signed in. The session is for the site's own pages;
like every form of the site, an unsafe method with it needs the CSRF token (X-CSRFToken header).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.http import HttpRequest
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
        # No CSRF answer to give a client that sent a token or has no session: they get the 401. Other
        # schemes pass (a proxy's Basic auth in front of the whole site is not a token of ours).
        sent = request.headers.get("Authorization", "")
        if sent.lower().startswith("bearer") or not request.user.is_authenticated:
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
