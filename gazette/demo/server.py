"""A local HTTP server for the demo outlets, answering conditional requests the way real feed hosts do."""

from __future__ import annotations

import gzip
import hashlib
import logging
import threading
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from gazette.demo.site import DemoSite

logger = logging.getLogger(__name__)

# Bodies smaller than this are sent uncompressed, as most CDNs do.
GZIP_MIN_BYTES = 1024


class DemoServer:
    """Serves a DemoSite from a daemon thread; start() returns the base URL."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, now: datetime | None = None):
        self.host, self.port, self.now = host, port, now
        self.site: DemoSite | None = None
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("demo server is not running")
        return f"http://{self.host}:{self._httpd.server_port}"

    def start(self) -> str:
        """Bind, start serving in the background and return the base URL."""
        if self._httpd is not None:
            return self.base_url
        self._httpd = ThreadingHTTPServer((self.host, self.port), _Handler)
        self._httpd.daemon_threads = True
        self.site = DemoSite(self.base_url, now=self.now)
        self._httpd.site = self.site  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="demo-server", daemon=True)
        self._thread.start()
        logger.info("demo: serving %d outlets at %s", len(self.site.outlets()), self.base_url)
        return self.base_url

    def stop(self) -> None:
        """Stop serving and release the port."""
        if self._httpd is None:
            return
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = self._thread = None

    def serve_forever(self) -> None:
        """Serve in the foreground until interrupted (for `gazette serve --demo` style use)."""
        self.start()
        assert self._thread is not None
        try:
            while self._thread.is_alive():
                self._thread.join(timeout=0.5)
        finally:
            self.stop()

    def __enter__(self) -> DemoServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class _Handler(BaseHTTPRequestHandler):
    server_version = "DemoNewsHTTP/1.0"
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def _respond(self, *, send_body: bool) -> None:
        site: DemoSite = self.server.site  # type: ignore[attr-defined]
        result = site.render(self.path)
        if result is None:
            self._send(404, "text/html; charset=utf-8", b"<h1>404 Not Found</h1>", {}, send_body)
            return
        status, content_type, body = result
        etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
        modified = site.last_modified(self.path) or site.now
        headers = {
            "ETag": etag,
            "Last-Modified": format_datetime(modified, usegmt=True),
            "Cache-Control": "public, max-age=300",
            "Vary": "Accept-Encoding",
        }
        if self._not_modified(etag, modified):
            self._send(304, None, b"", headers, send_body=False)
            return
        if "gzip" in self.headers.get("Accept-Encoding", "") and len(body) >= GZIP_MIN_BYTES:
            body = gzip.compress(body, mtime=0)
            headers["Content-Encoding"] = "gzip"
        self._send(status, content_type, body, headers, send_body)

    def _not_modified(self, etag: str, modified: datetime) -> bool:
        # If-None-Match wins over If-Modified-Since when both are sent (RFC 9110, 13.2.2).
        inm = self.headers.get("If-None-Match")
        if inm is not None:
            return inm.strip() == "*" or etag in [t.strip().removeprefix("W/") for t in inm.split(",")]
        ims = self.headers.get("If-Modified-Since")
        if ims:
            try:
                return modified.replace(microsecond=0) <= parsedate_to_datetime(ims)
            except (TypeError, ValueError):
                return False
        return False

    def _send(
        self, status: int, content_type: str | None, body: bytes, headers: dict[str, str], send_body: bool
    ) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in headers.items():
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body and status != 304:
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        logger.debug("demo: %s %s", self.address_string(), format % args)
