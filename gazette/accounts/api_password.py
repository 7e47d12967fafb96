"""The API password reader apps sign in with: set by the reader, hashed at rest, never the login password.

Fever apps never send the password: they send md5("username:password") as `api_key` with every call,
so that value is what has to be checked. MD5 is the protocol's choice, not ours, and a bare MD5 of a
password can be reversed by guessing. What is kept is an HMAC-SHA256 of the key under the site's secret
key: a copy of the database alone neither signs in as the reader nor lets anyone guess the password
offline. Setting the API password sets it; clearing the password clears it; changing the username or
the secret key (beyond SECRET_KEY_FALLBACKS) means setting the API password again for Fever apps.
"""

from __future__ import annotations

import hashlib
import re

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import User
from django.utils import timezone
from django.utils.crypto import salted_hmac

from gazette.accounts.models import ReaderSettings
from gazette.accounts.reading import reader_settings

API_PASSWORD_MIN_CHARS = 12

_FEVER_SALT = "gazette.fever.api_key"
_FEVER_KEY = re.compile(r"[0-9a-f]{32}")


def fever_api_key(*, username: str, raw: str) -> str:
    """The api_key a Fever app computes from what the reader types: md5("username:password") in hex."""
    return hashlib.md5(f"{username}:{raw}".encode(), usedforsecurity=False).hexdigest()


def _fever_digest(api_key: str, secret: str | bytes) -> str:
    return salted_hmac(_FEVER_SALT, api_key, secret=secret, algorithm="sha256").hexdigest()


def api_password_set(*, user: User, raw: str) -> None:
    """Set (or replace) the reader's API password; apps signed in with the old one must sign in again."""
    found = reader_settings(user=user)
    found.api_password = make_password(raw)
    found.api_password_set_at = timezone.now()
    found.fever_key = _fever_digest(fever_api_key(username=user.get_username(), raw=raw), settings.SECRET_KEY)
    found.save(update_fields=["api_password", "api_password_set_at", "fever_key"])


def api_password_clear(*, user: User) -> None:
    """Remove the API password: no app can sign in until a new one is set."""
    found = reader_settings(user=user)
    found.api_password = ""
    found.api_password_set_at = None
    found.fever_key = ""
    found.save(update_fields=["api_password", "api_password_set_at", "fever_key"])


def api_password_check(*, login: str, raw: str) -> User | None:
    """The active reader whose username or email is `login` and whose API password is `raw`, else None."""
    login = login.strip()
    user = None
    if login and raw:
        active = User.objects.filter(is_active=True).select_related("reading")
        user = active.filter(username=login).first() or active.filter(email__iexact=login).first()
    encoded = getattr(getattr(user, "reading", None), "api_password", "") if user else ""
    if not encoded:
        make_password(raw)  # as slow as a real check, so timing does not tell which names exist
        return None
    return user if check_password(raw, encoded) else None


def fever_key_user(api_key: str) -> User | None:
    """The active reader whose Fever api_key this is, else None (also for anything not an MD5 in hex)."""
    key = api_key.strip().lower()
    if not _FEVER_KEY.fullmatch(key):
        return None
    # Keys kept under a retired secret key still sign in while it is listed in SECRET_KEY_FALLBACKS.
    digests = [_fever_digest(key, secret) for secret in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]]
    found = (
        ReaderSettings.objects.filter(fever_key__in=digests, user__is_active=True)
        .exclude(api_password="")
        .select_related("user")
        .first()
    )
    return found.user if found is not None else None
