"""The ingestion settings table: every GAZETTE_* variable of polling and fetching, typed and validated."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from gazette.conf import ConfigError, env_bool, env_float, env_int, env_list, env_str
from gazette.ingest.fetcher import FetchOptions

FEED_ACCEPT = (
    "application/feed+json, application/atom+xml, application/rss+xml, application/rdf+xml, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
PAGE_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"
DEFAULT_USER_AGENT = "Gazette/0.1 (+https://github.com/gazette-news/gazette; self-hosted news reader)"


@dataclass(frozen=True)
class IngestConfig:
    allow_private_networks: bool = False
    # Hosts that may be private addresses although allow_private_networks is off: (host, port or None).
    allow_private_hosts: frozenset[tuple[str, int | None]] = frozenset()
    user_agent: str = DEFAULT_USER_AGENT
    fetch_timeout: float = 20.0
    max_response_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    per_host_concurrency: int = 2
    host_delay: float = 1.0
    # Polls of one host's feeds that run at once across every worker on every machine. At 1, a
    # host is polled by one process at a time, so that process's per-host limits above are the
    # limits the host sees from the whole deployment.
    polls_per_host: int = 1
    # Seconds a worker's claim on a host slot lasts (sources/hosts.py) before it lapses, so a worker
    # killed mid-request never holds a slot for good; 0: long enough for the slowest page fetch the
    # timeout and redirect settings allow.
    host_lease: float = 0.0
    max_connections: int = 200
    poll_min_interval: int = 5 * 60
    poll_max_interval: int = 24 * 3600
    poll_default_interval: int = 30 * 60
    max_backoff: int = 24 * 3600
    respect_robots: bool = True
    fetch_article_pages: bool = True
    extract_processes: int = 0  # 0: one per core


def private_hosts_parse(name: str, entries: list[str]) -> frozenset[tuple[str, int | None]]:
    """`host` or `host:port` entries ([::1]:8080 for IPv6) as (host, port or None); ConfigError if bad."""
    hosts = set()
    for entry in entries:
        parts = urlsplit(f"//{entry}")
        try:
            port = parts.port
        except ValueError:
            raise ConfigError(f"{name}: {entry!r} has a bad port") from None
        extra = parts.path or parts.query or parts.fragment or "@" in parts.netloc
        if not parts.hostname or port == 0 or extra:
            raise ConfigError(f"{name}: {entry!r} is not a host or host:port")
        hosts.add((parts.hostname.rstrip("."), port))
    return frozenset(hosts)


def ingest_config_from_env() -> IngestConfig:
    """Read the table from the environment; raises ConfigError on a bad value."""
    d = IngestConfig()
    return IngestConfig(
        allow_private_networks=env_bool("GAZETTE_ALLOW_PRIVATE_NETWORKS", d.allow_private_networks),
        allow_private_hosts=private_hosts_parse(
            "GAZETTE_ALLOW_PRIVATE_HOSTS", env_list("GAZETTE_ALLOW_PRIVATE_HOSTS")
        ),
        user_agent=env_str("GAZETTE_USER_AGENT", d.user_agent),
        fetch_timeout=env_float("GAZETTE_FETCH_TIMEOUT", d.fetch_timeout, minimum=0.1),
        max_response_bytes=env_int("GAZETTE_MAX_RESPONSE_BYTES", d.max_response_bytes, minimum=1024),
        max_redirects=env_int("GAZETTE_MAX_REDIRECTS", d.max_redirects, minimum=0),
        per_host_concurrency=env_int("GAZETTE_PER_HOST_CONCURRENCY", d.per_host_concurrency, minimum=1),
        host_delay=env_float("GAZETTE_HOST_DELAY", d.host_delay, minimum=0.0),
        polls_per_host=env_int("GAZETTE_POLLS_PER_HOST", d.polls_per_host, minimum=1),
        host_lease=env_float("GAZETTE_HOST_LEASE", d.host_lease, minimum=0.0),
        max_connections=env_int("GAZETTE_MAX_CONNECTIONS", d.max_connections, minimum=1),
        poll_min_interval=env_int("GAZETTE_POLL_MIN_INTERVAL", d.poll_min_interval, minimum=1),
        poll_max_interval=env_int("GAZETTE_POLL_MAX_INTERVAL", d.poll_max_interval, minimum=60),
        poll_default_interval=env_int("GAZETTE_POLL_DEFAULT_INTERVAL", d.poll_default_interval, minimum=1),
        max_backoff=env_int("GAZETTE_MAX_BACKOFF", d.max_backoff, minimum=60),
        respect_robots=env_bool("GAZETTE_RESPECT_ROBOTS", d.respect_robots),
        fetch_article_pages=env_bool("GAZETTE_FETCH_ARTICLE_PAGES", d.fetch_article_pages),
        extract_processes=env_int("GAZETTE_EXTRACT_PROCESSES", d.extract_processes, minimum=0),
    )


def fetch_options(config: IngestConfig, **overrides: Any) -> FetchOptions:
    """FetchOptions from the ingestion settings."""
    values: dict[str, Any] = {
        "user_agent": config.user_agent,
        "timeout": config.fetch_timeout,
        "max_bytes": config.max_response_bytes,
        "max_redirects": config.max_redirects,
        "allow_private": config.allow_private_networks,
        "private_hosts": config.allow_private_hosts,
        "per_host_limit": config.per_host_concurrency,
        "host_delay": config.host_delay,
        "max_connections": config.max_connections,
    }
    values.update(overrides)
    return FetchOptions(**values)
