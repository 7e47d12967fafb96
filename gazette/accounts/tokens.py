"""Personal access tokens for the JSON API: made and revoked by the reader, kept only as a hash.

A token is 32 random bytes (secrets.token_urlsafe), so a plain SHA-256 is enough to keep it safe at
rest: there is nothing to guess that a slow password hash would protect. Looking one up is then a
single indexed equality on the digest, with no per-row comparison to time.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import timedelta

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet
from django.utils import timezone

from gazette.accounts.models import AccessToken

log = logging.getLogger(__name__)

# Marks the string as a Gazette token, so secret scanners and people can tell what leaked.
TOKEN_PREFIX = "gzt_"  # noqa: S105 - a label, not a secret
# The prefix and this many characters after it stay visible on the tokens page.
VISIBLE_CHARS = 8
# A reader with this many live tokens revokes one before making another.
TOKENS_MAX = 20
# last_used_at is written at most this often per token: a write per API request would be a write per read.
LAST_USED_EVERY = timedelta(minutes=1)


class TokenRefused(ValueError):
    """No token can be made now (too many live tokens)."""


def token_digest(raw: str) -> str:
    """The hex SHA-256 that is stored for a token."""
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def access_tokens_live(*, user: User) -> QuerySet[AccessToken]:
    """The reader's tokens that still work, newest first."""
    return AccessToken.objects.filter(user=user, revoked_at__isnull=True)


def access_tokens_list(*, user: User) -> QuerySet[AccessToken]:
    """All the reader's tokens, revoked ones too, newest first."""
    return AccessToken.objects.filter(user=user)


def access_token_create(*, user: User, name: str) -> tuple[AccessToken, str]:
    """Make a token for the reader; returns the row and the token itself, which is never stored."""
    if access_tokens_live(user=user).count() >= TOKENS_MAX:
        raise TokenRefused(f"You have {TOKENS_MAX} tokens already; revoke one you no longer use first.")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = AccessToken.objects.create(
        user=user,
        name=name.strip(),
        prefix=raw[: len(TOKEN_PREFIX) + VISIBLE_CHARS],
        digest=token_digest(raw),
    )
    log.info("tokens: %s made token %s", user.pk, token.pk)
    return token, raw


def access_token_revoke(*, user: User, pk: int) -> bool:
    """Revoke one of the reader's own tokens; False when they have no live token with this id."""
    revoked = access_tokens_live(user=user).filter(pk=pk).update(revoked_at=timezone.now())
    if revoked:
        log.info("tokens: %s revoked token %s", user.pk, pk)
    return bool(revoked)


def access_token_user(*, raw: str) -> User | None:
    """The active reader a live token belongs to, else None; notes when the token was used."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        AccessToken.objects.filter(digest=token_digest(raw), revoked_at__isnull=True, user__is_active=True)
        .select_related("user")
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    # Conditional, so concurrent requests with one token write at most once a minute between them.
    AccessToken.objects.filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_EVERY), pk=token.pk
    ).update(last_used_at=now)
    return token.user
