"""The fetch-error classes, read from the lines the real fetcher writes for each failure."""

from __future__ import annotations

import asyncio
import socket

import pytest
from aiohttp.abc import AbstractResolver

from gazette.ingest.fetcher import Fetcher, FetchOptions
from gazette.ops.fetch_errors import FETCH_ERROR_KINDS, fetch_error_kind
from tests.httpserver import free_port

LOCAL = FetchOptions(allow_private=True, timeout=0.5)


class NoSuchHost(AbstractResolver):
    """Answers every lookup the way a resolver answers a name that does not exist."""

    async def resolve(self, host, port=0, family=socket.AF_INET):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    async def close(self):
        pass


def fetch_error(url: str, options: FetchOptions = LOCAL, resolver: AbstractResolver | None = None) -> str:
    async def run():
        async with Fetcher(options, resolver=resolver) as fetcher:
            return await fetcher.fetch(url)

    result = asyncio.run(run())
    assert result.error, result
    return result.error


def test_timeout(http_server):
    http_server.route("/slow", b"late", delay=3)
    error = fetch_error(http_server.url("/slow"))
    assert fetch_error_kind(error) == "timeout", error


def test_dns():
    error = fetch_error("http://nowhere.invalid/feed", resolver=NoSuchHost())
    assert fetch_error_kind(error) == "dns", error


def test_connection_refused():
    error = fetch_error(f"http://127.0.0.1:{free_port()}/feed")
    assert fetch_error_kind(error) == "refused", error


@pytest.mark.parametrize(
    ("status", "kind"), [(403, "http_4xx"), (404, "http_4xx"), (500, "http_5xx"), (503, "http_5xx")]
)
def test_http_status(http_server, status, kind):
    http_server.route("/feed", b"no", status=status)
    error = fetch_error(http_server.url("/feed"))
    assert fetch_error_kind(error) == kind, error


def test_too_large(http_server):
    http_server.route("/big", stream_size=200_000)
    error = fetch_error(http_server.url("/big"), FetchOptions(allow_private=True, max_bytes=50_000))
    assert fetch_error_kind(error) == "too_large", error


def test_private_address_is_blocked_not_refused(http_server):
    http_server.route("/feed", b"<rss/>")
    error = fetch_error(http_server.url("/feed"), FetchOptions())  # private networks not allowed
    assert error.startswith("refused: ")  # the fetcher's wording, which must not count as "refused"
    assert fetch_error_kind(error) == "blocked_address", error


def test_anything_else_is_other(http_server):
    http_server.redirect("/a", "/b")
    http_server.redirect("/b", "/a")
    assert fetch_error_kind(fetch_error(http_server.url("/a"))) == "other"
    assert fetch_error_kind(fetch_error("ftp://example.com/feed")) == "other"
    assert fetch_error_kind("empty response body") == "other"
    # A 3xx without Location is an HTTP error line too, but neither a client's nor a server's fault.
    assert fetch_error_kind("HTTP 302 Found without a Location header") == "other"


def test_every_kind_is_a_short_label():
    assert all(kind.isidentifier() and len(kind) <= 16 for kind in FETCH_ERROR_KINDS)
