"""The API password reader apps sign in with: set by the reader, hashed at rest, never the login password."""

from __future__ import annotations

from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import User
from django.utils import timezone

from gazette.accounts.reading import reader_settings

API_PASSWORD_MIN_CHARS = 12


def api_password_set(*, user: User, raw: str) -> None:
    """Set (or replace) the reader's API password; apps signed in with the old one must sign in again."""
    found = reader_settings(user=user)
    found.api_password = make_password(raw)
    found.api_password_set_at = timezone.now()
    found.save(update_fields=["api_password", "api_password_set_at"])


def api_password_clear(*, user: User) -> None:
    """Remove the API password: no app can sign in until a new one is set."""
    found = reader_settings(user=user)
    found.api_password = ""
    found.api_password_set_at = None
    found.save(update_fields=["api_password", "api_password_set_at"])


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
