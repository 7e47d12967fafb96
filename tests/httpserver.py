"""A local HTTP server for tests, running in its own thread so sync and async tests can both use it.

    with LocalHTTPServer() as server:
        server.route("/feed.xml", body=b"<rss/>", etag='"v1"')
        fetch(server.url("/feed.xml"))
        assert server.requests[0].headers.get("if-none-match") is None

Routes answer 304 to a matching If-None-Match / If-Modified-Since, can redirect, sleep, compress,
stream large bodies, or serve a gzip bomb. Every request is logged with server-side timestamps, and
the server counts how many requests were in flight at once.
"""

from __future__ import annotations

import asyncio
import functools
import gzip
import socket
import threading
import time
import zlib
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field

import brotli
import pytest
from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
STREAM_CHUNK = 64 * 1024


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    delay: float = 0.0  # seconds to sleep before answering
    stream_size: int | None = None  # stream this many zero bytes, chunked, instead of `body`
    chunk_delay: float = 0.0  # seconds between streamed chunks
    handler: Handler | None = None  # full control: overrides everything above


@dataclass
class LoggedRequest:
    method: str
    path: str
    query: str
    headers: dict[str, str]  # lower-cased names
    started: float  # time.monotonic() when the server began handling it
    finished: float = 0.0


@functools.cache
def gzip_zeros(size: int) -> bytes:
    """Gzip of `size` zero bytes, built in slices so building it never holds `size` bytes."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = bytes(1024 * 1024)
    parts = []
    remaining = size
    while remaining:
        piece = block[: min(remaining, len(block))]
        parts.append(compressor.compress(piece))
        remaining -= len(piece)
    parts.append(compressor.flush())
    return b"".join(parts)


def compress(body: bytes, encoding: str) -> bytes:
    """Encode `body` for a Content-Encoding of gzip, deflate (zlib-wrapped, per RFC 9110) or br."""
    if encoding == "gzip":
        return gzip.compress(body)
    if encoding == "deflate":
        return zlib.compress(body)
    if encoding == "br":
        return brotli.compress(body)
    raise ValueError(f"unknown encoding {encoding!r}")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (for "connection refused" tests)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LocalHTTPServer:
    """An aiohttp.web server on `port` (a random one by default) of `host`, driven from the calling thread."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        self.host = host
        self.port = port
        self.routes: dict[str, Route] = {}
        self.requests: list[LoggedRequest] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None

    # -- registering routes -------------------------------------------------------------------

    def route(self, path: str, body: bytes | str = b"", *, encoding: str | None = None, **kwargs) -> Route:
        """Serve `path` (path and query, or path alone for any query); `encoding` compresses the body."""
        if isinstance(body, str):
            body = body.encode()
        route = Route(body=body, **kwargs)
        if encoding:
            route.body = compress(route.body, encoding)
            route.headers = {**route.headers, "Content-Encoding": encoding}
        self.routes[path] = route
        return route

    def redirect(self, path: str, location: str, status: int = 302) -> Route:
        return self.route(path, status=status, headers={"Location": location})

    def gzip_bomb(self, path: str, size: int = 200 * 1024 * 1024) -> Route:
        """Serve a small gzip body that inflates to `size` zero bytes."""
        return self.route(
            path, gzip_zeros(size), headers={"Content-Encoding": "gzip", "Content-Type": "text/xml"}
        )

    def url(self, path: str = "/") -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}{path}"

    def requests_for(self, path: str) -> list[LoggedRequest]:
        return [r for r in self.requests if r.path == path]

    def reset_log(self) -> None:
        self.requests.clear()
        self.max_in_flight = 0

    # -- lifecycle ----------------------------------------------------------------------------

    def start(self) -> LocalHTTPServer:
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self._start())
            except BaseException as exc:
                failure.append(exc)
                ready.set()
                return
            ready.set()
            loop.run_forever()
            loop.close()

        self._thread = threading.Thread(target=run, name=f"httpserver-{self.host}", daemon=True)
        self._thread.start()
        ready.wait()
        if failure:
            raise failure[0]
        return self

    def stop(self) -> None:
        if self._loop is None or self._thread is None:
            return
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop = self._thread = self._runner = None

    def __enter__(self) -> LocalHTTPServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    async def _start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        # Cancel handlers whose client went away, so slow routes don't hold up shutdown.
        self._runner = web.AppRunner(app, access_log=None, handler_cancellation=True, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]

    # -- serving ------------------------------------------------------------------------------

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        logged = LoggedRequest(
            method=request.method,
            path=request.path,
            query=request.query_string,
            headers={k.lower(): v for k, v in request.headers.items()},
            started=time.monotonic(),
        )
        self.requests.append(logged)
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            route = self.routes.get(request.path_qs) or self.routes.get(request.path)
            if route is None:
                return web.Response(status=404, text="not found")
            return await self._answer(request, route)
        finally:
            self.in_flight -= 1
            logged.finished = time.monotonic()

    async def _answer(self, request: web.Request, route: Route) -> web.StreamResponse:
        if route.handler is not None:
            return await route.handler(request)
        if route.delay:
            await asyncio.sleep(route.delay)
        headers = dict(route.headers)
        if route.etag:
            headers["ETag"] = route.etag
        if route.last_modified:
            headers["Last-Modified"] = route.last_modified
        if _not_modified(request, route):
            return web.Response(status=304, headers=headers)
        if route.stream_size is None:
            return web.Response(status=route.status, body=route.body, headers=headers)
        response = web.StreamResponse(status=route.status, headers=headers)
        response.enable_chunked_encoding()
        await response.prepare(request)
        chunk = bytes(STREAM_CHUNK)
        remaining = route.stream_size
        try:
            while remaining > 0:
                await response.write(chunk[: min(remaining, STREAM_CHUNK)])
                remaining -= STREAM_CHUNK
                if route.chunk_delay:
                    await asyncio.sleep(route.chunk_delay)
            await response.write_eof()
        except (ConnectionError, RuntimeError):
            pass  # the client stopped reading, which is what cap tests expect
        return response


def _not_modified(request: web.Request, route: Route) -> bool:
    # As in RFC 9110 13.2.2: If-None-Match, when sent, decides and If-Modified-Since is ignored.
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        tags = {t.strip() for t in if_none_match.split(",")}
        return route.etag is not None and (route.etag in tags or "*" in tags)
    if_modified_since = request.headers.get("If-Modified-Since")
    return route.last_modified is not None and if_modified_since == route.last_modified


@pytest.fixture
def http_server() -> Iterator[LocalHTTPServer]:
    """A fresh LocalHTTPServer on 127.0.0.1 for one test."""
    with LocalHTTPServer() as server:
        yield server
