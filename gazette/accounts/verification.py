"""Confirming a new reader's e-mail address (GAZETTE_EMAIL_VERIFICATION): a signed link sent at sign-up;
until it is opened the reader may read, follow and save, but not comment.

The link carries the account and the address, signed with Django's signing (the site's SECRET_KEY and a
salt of its own), so it needs no table, cannot be made for another account, and stops working when the
address changes or after VERIFICATION_MAX_AGE.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.core import signing
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from gazette.accounts.models import ReaderSettings

log = logging.getLogger(__name__)

_SALT = "gazette.accounts.email-verification"
VERIFICATION_MAX_AGE = timedelta(days=3)
UNVERIFIED_MESSAGE = (
    "Confirm your e-mail address to comment: open the link in the mail we sent to {email}. "
    "Reading, following and saving work meanwhile."
)
NO_ADDRESS_MESSAGE = "Comments need a confirmed e-mail address, and your account has none."


def verification_token(*, user: User) -> str:
    """The signed part of a reader's confirmation link."""
    return signing.dumps({"u": user.pk, "e": user.email}, salt=_SALT)


def verification_pending_start(*, user: User) -> None:
    """Hold a new account's comments until its address is confirmed (when the site asks for that)."""
    if settings.GAZETTE_EMAIL_VERIFICATION:
        ReaderSettings.objects.update_or_create(user=user, defaults={"email_unverified": True})


def verification_message(*, reader: User) -> str:
    """Why `reader` cannot comment yet, in their words; empty when nothing waits for their address."""
    if not settings.GAZETTE_EMAIL_VERIFICATION:
        return ""
    if not ReaderSettings.objects.filter(user=reader, email_unverified=True).exists():
        return ""
    return UNVERIFIED_MESSAGE.format(email=reader.email) if reader.email else NO_ADDRESS_MESSAGE


def verification_mail_send(*, user: User, link_base: str) -> bool:
    """Mail the reader their confirmation link; `link_base` is the site's address (no trailing slash).
    False when there is no address or the mail server refused it."""
    if not user.email:
        return False
    link = link_base + reverse("accounts:email_verify", args=[verification_token(user=user)])
    context = {"user": user, "link": link, "site_name": settings.GAZETTE_SITE_NAME}
    try:
        send_mail(
            subject=f"Confirm your e-mail address at {settings.GAZETTE_SITE_NAME}",
            message=render_to_string("accounts/verification_email.txt", context),
            from_email=None,
            recipient_list=[user.email],
        )
    except OSError as error:  # smtplib's errors are OSErrors: the account stands, the reader asks again
        log.warning("accounts: confirmation mail to reader %d refused (%s)", user.pk, error)
        return False
    log.info("accounts: confirmation link mailed to reader %d", user.pk)
    return True


def email_verify(*, token: str) -> User | None:
    """The reader a confirmation link is for, now confirmed; None for a link tampered with, too old, or
    made for an address the account no longer has."""
    try:
        data = signing.loads(token, salt=_SALT, max_age=VERIFICATION_MAX_AGE)
    except signing.BadSignature:  # SignatureExpired is one too
        return None
    user = User.objects.filter(pk=data.get("u"), is_active=True).first()
    if user is None or not user.email or user.email != data.get("e"):
        return None
    ReaderSettings.objects.filter(user=user).update(email_unverified=False)
    return user
