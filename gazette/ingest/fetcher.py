"""Fetch stage: the only part of the pipeline (besides the store) that touches the network.

One `Fetcher` owns one aiohttp session. Every request is a GET that never raises for network or
HTTP problems: the outcome, good or bad, is a `FetchResult` with a one-line `error` an operator can
read. Invariants kept here:

- only http and https URLs are fetched;
- unless `allow_private` is set, no connection is made to a private, loopback, link-local,
  multicast, reserved or unspecified address, whether the URL names it literally or a DNS answer
  points at it, on the first hop and on every redirect hop; the one exception is a host (and port)
  named in `private_hosts`, each hop judged by its own host;
- at most `max_bytes` of decompressed body is ever held in memory;
- at most `per_host_limit` requests run at once against one host, started `host_delay` apart.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
import time
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from http import HTTPStatus

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from yarl import URL

log = logging.getLogger(__name__)

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# zstd is left out: aiohttp only decodes it with an optional backport installed.
ACCEPT_ENCODING = "gzip, deflate, br"
READ_CHUNK = 64 * 1024
# fetch_many keeps this many requests per allowed connection queued as tasks, so a large input
# stays lazy while requests waiting on a busy host don't starve other hosts.
FETCH_MANY_WINDOW = 10
NAT64_PREFIX = ipaddress.IPv6Network("64:ff9b::/96")


@dataclass(frozen=True)
class FetchOptions:
    user_agent: str = "Gazette/0.1 (+https://github.com/gazette-news/gazette)"
    timeout: float = 20.0  # total for one HTTP request (each redirect hop has its own)
    connect_timeout: float = 10.0
    max_bytes: int = 10 * 1024 * 1024  # cap on the decompressed body
    max_redirects: int = 5
    allow_private: bool = False
    # (host, port) pairs that may be private addresses, port None for any: a local service the operator
    # means to reach (the demo publishers), without opening every private address to every feed.
    private_hosts: frozenset[tuple[str, int | None]] = frozenset()
    per_host_limit: int = 2
    host_delay: float = 0.0  # seconds between the starts of two requests to one host
    max_connections: int = 200


@dataclass(frozen=True)
class FetchRequest:
    url: str
    etag: str | None = None
    last_modified: str | None = None
    accept: str | None = None


@dataclass
class FetchResult:
    url: str
    final_url: str
    status: int | None = None  # None when no HTTP response arrived
    headers: dict[str, str] = field(default_factory=dict)  # lower-cased names
    body: bytes = b""  # decompressed; empty when it would have exceeded max_bytes
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None
    encoding: str | None = None  # charset named by the Content-Type header
    error: str | None = None
    elapsed: float = 0.0  # seconds on the network, not counting waits for a host slot

    @property
    def ok(self) -> bool:
        return self.error is None and self.status is not None and 200 <= self.status < 300

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class AddressRefused(OSError):
    """A host resolved to, or literally is, an address the fetcher may not connect to."""

    def __init__(self, address: str, host: str | None = None):
        super().__init__(f"{address} is a private address")
        self.address = address
        self.host = host

    def describe(self) -> str:
        if self.host and self.host != self.address:
            return f"refused: {self.address} is a private address ({self.host})"
        return f"refused: {self.address} is a private address"


class _Failure(Exception):
    """Ends a fetch early with an operator-readable message."""


def is_private_address(address: str) -> bool:
    """Return True unless `address` is a globally routable unicast IP address."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return True
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip in NAT64_PREFIX:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            return is_private_address(str(embedded))
    # is_global alone lets multicast through, hence the extra checks.
    return (
        not ip.is_global
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_unspecified
    )


def private_host_allowed(allowed: frozenset[tuple[str, int | None]], host: str, port: int | None) -> bool:
    """True when host:port (port as connected to, the scheme's default included) is on the allow-list."""
    host = host.lower().rstrip(".")
    return (host, None) in allowed or (host, port) in allowed


class PublicOnlyResolver(AbstractResolver):
    """Wraps a resolver and drops private addresses from every answer; refuses when none is left.
    Hosts on `allowed` (private_host_allowed) are answered as the inner resolver answers."""

    def __init__(self, inner: AbstractResolver, allowed: frozenset[tuple[str, int | None]] = frozenset()):
        self._inner = inner
        self._allowed = allowed

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        answers = await self._inner.resolve(host, port, family)
        if self._allowed and private_host_allowed(self._allowed, host, port):
            return answers
        public = [a for a in answers if not is_private_address(a["host"])]
        if not public and answers:
            raise AddressRefused(answers[0]["host"], host)
        return public

    async def close(self) -> None:
        await self._inner.close()


class _HostSlots:
    """Concurrency cap and politeness delay for one host."""

    __slots__ = ("semaphore", "lock", "next_start", "users")

    def __init__(self, limit: int):
        self.semaphore = asyncio.Semaphore(limit)
        self.lock = asyncio.Lock()
        self.next_start = 0.0
        self.users = 0


def _size(n: int) -> str:
    mib, kib = 1024 * 1024, 1024
    if n >= mib:
        return f"{n / mib:g} MB"
    if n >= kib:
        return f"{n / kib:g} KB"
    return f"{n} bytes"


def _http_error(status: int, reason: str | None) -> str:
    if not reason:
        try:
            reason = HTTPStatus(status).phrase
        except ValueError:
            reason = ""
    return f"HTTP {status} {reason}".rstrip()


class Fetcher:
    """Async context manager that fetches URLs politely and safely through one aiohttp session."""

    def __init__(self, options: FetchOptions = FetchOptions(), *, resolver: AbstractResolver | None = None):
        self.options = options
        self._resolver = resolver
        self._session: aiohttp.ClientSession | None = None
        self._hosts: dict[str, _HostSlots] = {}
        # Our own caps are taken before a request's clock starts, so the connector's identical
        # limits never make a request wait (and time out) inside aiohttp's pool.
        self._total = asyncio.Semaphore(options.max_connections)
        self._base_headers = {"User-Agent": options.user_agent, "Accept-Encoding": ACCEPT_ENCODING}
        self._timeout_error = f"timeout after {options.timeout:g}s"
        self._too_large_error = f"response larger than {_size(options.max_bytes)}"

    async def __aenter__(self) -> Fetcher:
        opts = self.options
        resolver = self._resolver or aiohttp.DefaultResolver()
        if not opts.allow_private:
            resolver = PublicOnlyResolver(resolver, opts.private_hosts)
        connector = aiohttp.TCPConnector(
            limit=opts.max_connections,
            limit_per_host=opts.per_host_limit,
            ttl_dns_cache=300,
            resolver=resolver,
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            headers=self._base_headers,
            timeout=aiohttp.ClientTimeout(total=None, sock_connect=opts.connect_timeout),
            cookie_jar=aiohttp.DummyCookieJar(),
            trust_env=False,
        )
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str | None = None,
        method: str = "GET",
        data: dict[str, str] | None = None,
    ) -> FetchResult:
        """GET `url` (or POST `data`, e.g. to a WebSub hub), following redirects for GET only.

        Never raises for network or HTTP problems.
        """
        if self._session is None:
            raise RuntimeError("Fetcher used outside 'async with'")
        result = FetchResult(url=url, final_url=url)
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        if accept:
            headers["Accept"] = accept
        try:
            await self._follow(result, headers, method, data)
        except _Failure as failure:
            result.error = str(failure)
        if result.error:
            log.debug("fetch: %s: %s", url, result.error)
        return result

    async def fetch_many(self, requests: Iterable[FetchRequest]) -> AsyncIterator[FetchResult]:
        """Fetch many URLs concurrently, yielding results in completion order.

        Wrap it in contextlib.aclosing() when stopping early, so unfinished fetches are cancelled.
        """
        window = max(1, self.options.max_connections * FETCH_MANY_WINDOW)
        done: asyncio.Queue[asyncio.Task[FetchResult]] = asyncio.Queue()
        pending: set[asyncio.Task[FetchResult]] = set()
        source = iter(requests)

        def start_next() -> bool:
            request = next(source, None)
            if request is None:
                return False
            task = asyncio.ensure_future(
                self.fetch(
                    request.url, etag=request.etag, last_modified=request.last_modified, accept=request.accept
                )
            )
            pending.add(task)
            task.add_done_callback(done.put_nowait)
            return True

        try:
            while len(pending) < window and start_next():
                pass
            while pending:
                task = await done.get()
                pending.discard(task)
                start_next()
                yield task.result()
        finally:
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.gather(*pending, return_exceptions=True)

    async def _follow(
        self,
        result: FetchResult,
        headers: dict[str, str],
        method: str = "GET",
        data: dict[str, str] | None = None,
    ) -> None:
        seen: set[URL] = set()
        url = self._parse(result.url)
        while True:
            seen.add(url)
            location = await self._hop(result, url, headers, method, data)
            if location is None:
                return
            if method != "GET":
                raise _Failure(f"{method} answered with a redirect to {location}; not followed")
            if len(seen) > self.options.max_redirects:
                raise _Failure(f"too many redirects (>{self.options.max_redirects})")
            url = self._parse(location, base=url)
            if url in seen:
                raise _Failure(f"redirect loop at {url}")

    def _parse(self, raw: str, base: URL | None = None) -> URL:
        try:
            url = URL(raw)
            if base is not None:
                url = base.join(url)
        except (ValueError, TypeError) as exc:
            raise _Failure(f"invalid URL {raw!r}: {exc}") from None
        if url.scheme not in ("http", "https"):
            raise _Failure(f"unsupported URL scheme {url.scheme!r}" if url.scheme else f"invalid URL {raw!r}")
        if not url.host:
            raise _Failure(f"invalid URL {raw!r}: no host")
        return url

    async def _hop(
        self, result: FetchResult, url: URL, headers: dict[str, str], method: str, data: dict[str, str] | None
    ) -> str | None:
        """Do one request; fill `result` and return the redirect target, if any."""
        host = url.host or ""
        result.final_url = str(url)
        if (
            not self.options.allow_private
            and _is_ip_literal(host)
            and is_private_address(host)
            and not private_host_allowed(self.options.private_hosts, host, url.port)
        ):
            raise _Failure(AddressRefused(host).describe())
        slots = self._hosts.get(host)
        if slots is None:
            slots = self._hosts[host] = _HostSlots(self.options.per_host_limit)
        slots.users += 1
        try:
            async with slots.semaphore, self._total:
                if self.options.host_delay > 0:
                    await self._wait_turn(slots)
                started = time.monotonic()
                try:
                    async with asyncio.timeout(self.options.timeout):
                        return await self._request(result, url, headers, method, data)
                except (TimeoutError, aiohttp.ServerTimeoutError) as exc:
                    if isinstance(exc, aiohttp.ConnectionTimeoutError):
                        raise _Failure(f"connect timeout after {self.options.connect_timeout:g}s") from None
                    raise _Failure(self._timeout_error) from None
                except aiohttp.ClientError as exc:
                    raise _Failure(_describe(exc, host)) from None
                except ValueError as exc:  # e.g. a validator with a newline in it
                    raise _Failure(f"invalid request: {_first_line(exc)}") from None
                finally:
                    result.elapsed += time.monotonic() - started
        finally:
            slots.users -= 1
            if slots.users == 0 and slots.next_start <= time.monotonic():
                del self._hosts[host]

    async def _wait_turn(self, slots: _HostSlots) -> None:
        async with slots.lock:
            delay = slots.next_start - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            slots.next_start = time.monotonic() + self.options.host_delay

    async def _request(
        self, result: FetchResult, url: URL, headers: dict[str, str], method: str, data: dict[str, str] | None
    ) -> str | None:
        assert self._session is not None
        async with self._session.request(
            method, url, headers=headers, data=data, allow_redirects=False
        ) as resp:
            status = resp.status
            if status in REDIRECT_STATUSES:
                location = resp.headers.get("Location")
                if location:
                    resp.close()  # the redirect body is not wanted; don't wait for it
                    return location
            result.status = status
            resp_headers: dict[str, str] = {}
            for name, value in resp.headers.items():
                key = name.lower()
                resp_headers[key] = f"{resp_headers[key]}, {value}" if key in resp_headers else value
            result.headers = resp_headers
            result.etag = resp_headers.get("etag")
            result.last_modified = resp_headers.get("last-modified")
            if "content-type" in resp_headers:
                result.content_type = resp.content_type
                result.encoding = resp.charset
            if status == 304:
                return None
            if status in REDIRECT_STATUSES:
                raise _Failure(_http_error(status, resp.reason) + " without a Location header")
            max_bytes = self.options.max_bytes
            if resp.content_length is not None and resp.content_length > max_bytes:
                resp.close()
                raise _Failure(self._too_large_error)
            result.body = await self._read_capped(resp, max_bytes)
            if status >= 300:
                result.error = _http_error(status, resp.reason)
            return None

    async def _read_capped(self, resp: aiohttp.ClientResponse, max_bytes: int) -> bytes:
        # aiohttp decompresses as the body streams and pauses the socket while we don't read, so
        # stopping here bounds both memory and work for a decompression bomb.
        body = bytearray()
        async for chunk in resp.content.iter_chunked(READ_CHUNK):
            body += chunk
            if len(body) > max_bytes:
                resp.close()
                raise _Failure(self._too_large_error)
        return bytes(body)


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    return True


def _describe(exc: aiohttp.ClientError, host: str) -> str:
    """One line for an operator, from an aiohttp exception."""
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        if isinstance(exc.os_error, AddressRefused):
            return exc.os_error.describe()
        return f"DNS lookup failed for {host}"
    if isinstance(exc, aiohttp.ClientConnectorCertificateError):
        return f"TLS certificate error for {host}: {exc.certificate_error}"
    if isinstance(exc, aiohttp.ClientConnectorSSLError):
        return f"TLS error for {host}"
    if isinstance(exc, aiohttp.ClientConnectorError):
        if isinstance(exc.os_error, ConnectionRefusedError):
            return "connection refused"
        return f"connection failed: {exc.os_error.strerror or exc.os_error}"
    if isinstance(exc, aiohttp.ServerDisconnectedError):
        return "server closed the connection"
    if isinstance(exc, aiohttp.ClientPayloadError):
        return f"broken response body: {_first_line(exc)}"
    if isinstance(exc, aiohttp.ClientResponseError):
        return f"bad response: {exc.message}"
    if isinstance(exc, aiohttp.InvalidURL):
        return f"invalid URL {exc.url}"
    return f"{type(exc).__name__}: {_first_line(exc)}"


def _first_line(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text.splitlines()[0]
