"""Signed media proxy: third-party images are fetched by the server, so readers' addresses don't leak.

Only URLs this site signed are fetched, which limits the proxy to images that stored articles point to.
They are fetched through the feed fetcher's client (gazette/ingest/fetcher.py), so the proxy keeps its
invariants: http and https only; unless GAZETTE_ALLOW_PRIVATE_NETWORKS is set, no connection to a
private or loopback address, on any redirect hop, judged on the very addresses the connection is made
to (a name cannot answer a public address to a check and a private one to the connection); the Host
header and the TLS server name stay the URL's name; the body is capped while it streams.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.core import signing
from django.urls import reverse

from gazette.ingest.config import fetch_options
from gazette.ingest.fetcher import Fetcher, FetchOptions, FetchResult

log = logging.getLogger(__name__)

SALT = "gazette.web.media-proxy"
MAX_REDIRECTS = 3
TIMEOUT_SECONDS = 10
ACCEPT = "image/avif,image/webp,image/png,image/svg+xml,image/*;q=0.8"

T = TypeVar("T")


class MediaRefused(Exception):
    """The proxy will not fetch or serve this URL."""


@dataclass(frozen=True)
class Media:
    content_type: str
    body: bytes


def media_url(url: str) -> str:
    """The URL a page should use for a third-party image: proxied when the proxy is on."""
    if not url or not settings.GAZETTE_MEDIA_PROXY:
        return url
    return reverse("web:media_proxy", args=[signing.dumps(url, salt=SALT, compress=True)])


def media_unsign(signed: str) -> str:
    """The original URL of a proxy path, or MediaRefused when the signature is wrong."""
    try:
        url = signing.loads(signed, salt=SALT)
    except signing.BadSignature:
        raise MediaRefused("bad signature") from None
    if not isinstance(url, str):
        raise MediaRefused("bad payload")
    return url


def media_fetch(url: str) -> Media:
    """Fetch an image, refusing non-images, private hosts and bodies over the size limit."""
    options = fetch_options(
        settings.GAZETTE_INGEST,
        timeout=float(TIMEOUT_SECONDS),
        max_bytes=settings.GAZETTE_MEDIA_PROXY_MAX_BYTES,
        max_redirects=MAX_REDIRECTS,
        host_delay=0.0,
    )
    result = _run(_fetch(url, options))
    if result.error:
        raise MediaRefused(f"fetch failed: {result.error}")
    content_type = result.content_type or ""
    if not result.ok or not content_type.startswith("image/"):
        raise MediaRefused(f"not an image: {content_type or f'HTTP {result.status} without a type'}")
    return Media(content_type=content_type, body=result.body)


async def _fetch(url: str, options: FetchOptions) -> FetchResult:
    async with Fetcher(options) as fetcher:
        return await fetcher.fetch(url, accept=ACCEPT)


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    # A loop of the calling (web server) thread's own, closed without waiting for its resolver threads,
    # unlike asyncio.run: a name server that never answers must not hold the thread once the fetch is over.
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(coroutine)
    finally:
        loop.close()
