"""robots.txt rules per host, fetched through the Fetcher and cached."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.robotparser import RobotFileParser

from yarl import URL

from gazette.ingest.fetcher import Fetcher

log = logging.getLogger(__name__)

# RFC 9309 2.5: crawlers must parse at least the first 500 KiB; anything past it is ignored.
MAX_ROBOTS_BYTES = 500 * 1024


@dataclass
class _Entry:
    parser: RobotFileParser | None  # None means every path is allowed
    expires: float
    user_agent: str | None = None  # the agent last asked about, for crawl_delay()


def host_key(url: str | URL) -> str:
    """The cache key for a URL or bare host name: host, plus the port when it is not the default."""
    if isinstance(url, str):
        url = URL(url if "://" in url else f"http://{url}")
    return url.host_port_subcomponent or ""


class RobotsCache:
    """Per-host robots.txt rules, fetched on first use and kept for `ttl` seconds."""

    def __init__(
        self,
        *,
        ttl: float = 24 * 3600.0,
        error_ttl: float = 600.0,
        max_hosts: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.ttl = ttl
        self.error_ttl = error_ttl
        self.max_hosts = max_hosts
        self._clock = clock
        self._entries: dict[str, _Entry] = {}
        self._loading: dict[str, asyncio.Task[_Entry]] = {}

    async def allowed(self, fetcher: Fetcher, url: str, user_agent: str) -> bool:
        """Whether robots.txt of the URL's host lets `user_agent` fetch `url`."""
        parsed = URL(url)
        if parsed.scheme not in ("http", "https") or not parsed.host:
            return True  # nothing to ask; the fetcher refuses such URLs itself
        entry = await self._entry(fetcher, parsed)
        entry.user_agent = user_agent
        return entry.parser is None or entry.parser.can_fetch(user_agent, url)

    def crawl_delay(self, host: str, user_agent: str | None = None) -> float | None:
        """Seconds between requests that the host's cached robots.txt asks for, if any."""
        entry = self._entries.get(host_key(host))
        if entry is None or entry.parser is None:
            return None
        agent = user_agent or entry.user_agent or "*"
        delays = []
        if (delay := entry.parser.crawl_delay(agent)) is not None:
            delays.append(float(delay))
        if (rate := entry.parser.request_rate(agent)) is not None and rate.requests > 0:
            delays.append(rate.seconds / rate.requests)
        return max(delays) if delays else None

    async def _entry(self, fetcher: Fetcher, url: URL) -> _Entry:
        key = host_key(url)
        entry = self._entries.get(key)
        if entry is not None and entry.expires > self._clock():
            return entry
        task = self._loading.get(key)
        if task is None:
            task = asyncio.ensure_future(self._load(fetcher, url, stale=entry))
            self._loading[key] = task
            task.add_done_callback(lambda _: self._loading.pop(key, None))
        # Shielded: one caller giving up must not cancel the fetch others are waiting for.
        entry = await asyncio.shield(task)
        self._store(key, entry)
        return entry

    async def _load(self, fetcher: Fetcher, url: URL, stale: _Entry | None) -> _Entry:
        robots_url = str(url.origin().with_path("/robots.txt"))
        result = await fetcher.fetch(robots_url, accept="text/plain")
        now = self._clock()
        if result.ok:
            text = result.body[:MAX_ROBOTS_BYTES].decode("utf-8", errors="replace").lstrip("\ufeff")
            parser = RobotFileParser(robots_url)
            parser.parse(text.splitlines())
            parser.modified()  # can_fetch() refuses everything until a check time is set
            return _Entry(parser, now + self.ttl)
        if result.status is not None and 400 <= result.status < 500:
            # RFC 9309 2.3.1.3: an unavailable robots.txt (including 401/403) means no rules.
            return _Entry(None, now + self.ttl)
        # 5xx, timeouts and other failures. RFC 9309 would have a crawler assume "disallow all";
        # we don't: a feed reader polls a few URLs a publisher chose to publish, at a low rate, and
        # a CDN erroring on /robots.txt is common enough that disallowing would silently freeze
        # healthy feeds. Rules fetched before are kept (RFC 9309 2.4 allows a cached copy), and
        # the short TTL makes a robots.txt that comes back take effect within minutes.
        log.info(
            "robots: %s: %s; %s for now",
            robots_url,
            result.error,
            "keeping old rules" if stale else "allowing",
        )
        return _Entry(stale.parser if stale else None, now + self.error_ttl)

    def _store(self, key: str, entry: _Entry) -> None:
        self._entries[key] = entry
        if len(self._entries) <= self.max_hosts:
            return
        now = self._clock()
        for old_key in [k for k, e in self._entries.items() if e.expires <= now]:
            del self._entries[old_key]
        while len(self._entries) > self.max_hosts:
            del self._entries[next(iter(self._entries))]
