"""Signed media proxy: third-party images are fetched by the server, so readers' addresses don't leak.

Only URLs this site signed are fetched, which limits the proxy to images that stored articles point to.
They are fetched through the feed fetcher's client (gazette/ingest/fetcher.py), so the proxy keeps its
invariants: http and https only; unless GAZETTE_ALLOW_PRIVATE_NETWORKS is set or the host is in
GAZETTE_ALLOW_PRIVATE_HOSTS, no connection to a private or loopback address, on any redirect hop, judged
on the very addresses the connection is made to (a name cannot answer a public address to a check and a
private one to the connection); the Host header and the TLS server name stay the URL's name; the body is
capped while it streams.

A web thread waits for its image, so the proxy is bounded twice: each fetch has one deadline for all of
it (GAZETTE_MEDIA_PROXY_TIMEOUT, however slowly the image drips in), and a process runs at most
GAZETTE_MEDIA_PROXY_CONCURRENCY fetches at once, refusing the next rather than queueing it, so slow
images hold only that share of the web threads and pages keep the rest.
"""

from __future__ import annotations

import asyncio
import logging
import math
import threading
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
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
ACCEPT = "image/avif,image/webp,image/png,image/svg+xml,image/*;q=0.8"

T = TypeVar("T")


class MediaRefused(Exception):
    """The proxy will not fetch or serve this URL."""


class MediaTimedOut(MediaRefused):
    """The image did not arrive, whole, within the deadline."""


class MediaBusy(Exception):
    """This process is already fetching as many images as it may; the reader's browser may ask again later."""


class _Slots:
    """The fetches running in this process, counted against a limit read when each one starts."""

    # Not a threading.Semaphore: its size is fixed when it is made, and the limit is a setting.
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._used = 0

    @contextmanager
    def hold(self, limit: int) -> Iterator[None]:
        with self._lock:
            if self._used >= limit:
                raise MediaBusy(f"{self._used} images are being fetched already (limit {limit})")
            self._used += 1
        try:
            yield
        finally:
            with self._lock:
                self._used -= 1


_SLOTS = _Slots()


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
    """Fetch an image within the deadline; MediaBusy when this process's share of fetches is taken.

    Refuses non-images, private hosts and bodies over the size limit with MediaRefused.
    """
    deadline = settings.GAZETTE_MEDIA_PROXY_TIMEOUT
    options = fetch_options(
        settings.GAZETTE_INGEST,
        timeout=deadline,
        max_bytes=settings.GAZETTE_MEDIA_PROXY_MAX_BYTES,
        max_redirects=MAX_REDIRECTS,
        host_delay=0.0,
    )
    with _SLOTS.hold(settings.GAZETTE_MEDIA_PROXY_CONCURRENCY):
        try:
            result = _run(_fetch(url, options, deadline))
        except TimeoutError:
            raise MediaTimedOut(f"no whole image within {deadline:g}s") from None
    if result.error:
        raise MediaRefused(f"fetch failed: {result.error}")
    content_type = result.content_type or ""
    if not result.ok or not content_type.startswith("image/"):
        raise MediaRefused(f"not an image: {content_type or f'HTTP {result.status} without a type'}")
    return Media(content_type=content_type, body=result.body)


def media_retry_after() -> int:
    """Seconds after which a refused reader may ask again: by then every running fetch has ended."""
    return math.ceil(settings.GAZETTE_MEDIA_PROXY_TIMEOUT)


async def _fetch(url: str, options: FetchOptions, deadline: float) -> FetchResult:
    # The fetcher's own timeout is per redirect hop; this one is for the lot.
    async with asyncio.timeout(deadline), Fetcher(options) as fetcher:
        return await fetcher.fetch(url, accept=ACCEPT)


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    # A loop of the calling (web server) thread's own, closed without waiting for its resolver threads,
    # unlike asyncio.run: a name server that never answers must not hold the thread past the deadline.
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(coroutine)
    finally:
        loop.close()
