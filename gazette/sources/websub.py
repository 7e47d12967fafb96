"""WebSub: subscribe to the hub a feed advertises, and take the hub's pushes.

A push only makes the source due now; the regular poll then fetches and processes the feed, so pushed
and polled content go through exactly the same pipeline and the same "already stored?" checks.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from gazette.ingest.fetcher import Fetcher
from gazette.sources.models import Source

log = logging.getLogger(__name__)

LEASE_SECONDS = 10 * 24 * 3600
# Renew this long before the lease runs out.
RENEW_MARGIN = timedelta(days=1)


def websub_callback_url(source: Source) -> str:
    return settings.PUBLIC_URL + reverse("websub-callback", args=[source.pk])


def websub_needs_subscribe(source: Source, now=None) -> bool:
    now = now or timezone.now()
    if not (settings.PUBLIC_URL and source.websub_hub):
        return False
    return not source.websub_expires_at or source.websub_expires_at - RENEW_MARGIN < now


async def websub_subscribe(source: Source, fetcher: Fetcher) -> str | None:
    """Ask the hub to push this source's topic to us; returns an error line or None."""
    if not source.websub_secret:
        source.websub_secret = secrets.token_hex(24)
    form = {
        "hub.mode": "subscribe",
        "hub.topic": source.websub_topic or source.feed_url,
        "hub.callback": websub_callback_url(source),
        "hub.secret": source.websub_secret,
        "hub.lease_seconds": str(LEASE_SECONDS),
    }
    result = await fetcher.fetch(source.websub_hub, method="POST", data=form)
    if result.status not in (202, 204):
        return f"websub: hub {source.websub_hub} refused the subscription: {result.error or result.status}"
    log.info("websub: asked %s to push %s", source.websub_hub, form["hub.topic"])
    return None


def websub_verify(source: Source, *, mode: str, topic: str, lease: str | None) -> bool:
    """Accept the hub's verification of intent only for the topic we asked for."""
    if topic not in {source.websub_topic, source.feed_url}:
        return False
    if mode == "subscribe":
        seconds = int(lease) if lease and lease.isdigit() else LEASE_SECONDS
        source.websub_expires_at = timezone.now() + timedelta(seconds=seconds)
        source.save(update_fields=["websub_expires_at"])
        return True
    if mode == "unsubscribe":
        source.websub_expires_at = None
        source.save(update_fields=["websub_expires_at"])
        return True
    return False


def websub_signature_ok(source: Source, body: bytes, header: str) -> bool:
    """Check X-Hub-Signature (sha1/sha256/sha384/sha512=HEX) against the secret we gave the hub."""
    if not source.websub_secret or "=" not in header:
        return False
    algo, _, digest = header.partition("=")
    if algo not in {"sha1", "sha256", "sha384", "sha512"}:
        return False
    expected = hmac.new(source.websub_secret.encode(), body, getattr(hashlib, algo)).hexdigest()
    return hmac.compare_digest(expected, digest.strip().lower())


def websub_push_received(source: Source) -> None:
    source.next_poll_at = timezone.now()
    source.save(update_fields=["next_poll_at"])
