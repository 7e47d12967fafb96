"""Signed media proxy: third-party images are fetched by the server, so readers' addresses don't leak.

Only URLs this site signed are fetched, which limits the proxy to images that stored articles point to;
private and loopback addresses are refused unless GAZETTE_ALLOW_PRIVATE_NETWORKS is set or the host is
in GAZETTE_ALLOW_PRIVATE_HOSTS.
"""

from __future__ import annotations

import logging
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.urls import reverse

from gazette.ingest.fetcher import is_private_address, private_host_allowed

log = logging.getLogger(__name__)

SALT = "gazette.web.media-proxy"
MAX_REDIRECTS = 3
TIMEOUT_SECONDS = 10


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


def _check_host(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise MediaRefused(f"not an http(s) URL: {url[:100]}")
    config = settings.GAZETTE_INGEST
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise MediaRefused(f"bad port in {url[:100]}") from None
    listed = private_host_allowed(config.allow_private_hosts, parts.hostname, port)
    if config.allow_private_networks or listed:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or None, proto=socket.IPPROTO_TCP)
    except OSError as exc:
        raise MediaRefused(f"cannot resolve {parts.hostname}: {exc}") from None
    for info in infos:
        if is_private_address(str(info[4][0])):
            raise MediaRefused(f"{parts.hostname} resolves to a private address")


class _CheckedRedirects(urllib.request.HTTPRedirectHandler):
    max_redirections = MAX_REDIRECTS

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        _check_host(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def media_fetch(url: str) -> Media:
    """Fetch an image, refusing non-images, private hosts and bodies over the size limit."""
    _check_host(url)
    opener = urllib.request.build_opener(_CheckedRedirects)
    agent = settings.GAZETTE_INGEST.user_agent
    request = urllib.request.Request(url, headers={"User-Agent": agent})  # noqa: S310 - http(s) checked above
    limit = settings.GAZETTE_MEDIA_PROXY_MAX_BYTES
    try:
        with opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            content_type = response.headers.get_content_type()
            if not content_type.startswith("image/"):
                raise MediaRefused(f"not an image: {content_type}")
            body = response.read(limit + 1)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise MediaRefused(f"fetch failed: {exc}") from None
    if len(body) > limit:
        raise MediaRefused(f"larger than {limit} bytes")
    return Media(content_type=content_type, body=body)
