"""Prometheus metrics: what the poller, the jobs and the web server count, and the text a scrape gets.

Others call metrics_poll_observe, metrics_fetch_error, metrics_job_observe and metrics_cache_error; the
request timer lives in gazette/ops/middleware.py. Every label takes values from a short, fixed set
(outcomes, error kinds, queue and task names, URL names), never from URLs, hosts or error text, so the
number of series stays bounded however many feeds are followed.

Several processes (gunicorn's web workers, the scheduler, the workers) each count their own. With
PROMETHEUS_MULTIPROC_DIR set, prometheus_client keeps every process's values in files in that folder and
a scrape adds them up; unset, a scrape sees only the process that answers it.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Iterator

from django.conf import settings
from prometheus_client import (
    CONTENT_TYPE_PLAIN_0_0_4,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
    values,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from gazette.ops.fetch_errors import fetch_error_kind
from gazette.ops.health import queue_depths

log = logging.getLogger(__name__)

POLL_OUTCOMES = ("ok", "not_modified", "error")
HTTP_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# Jobs run from milliseconds (a digest of a small story) to minutes (an LLM summary on a slow machine).
JOB_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, float("inf"))


def _multiprocess_files_named_by_host() -> None:
    """In multiprocess mode, name each process's files by host name and pid, not pid alone.

    Containers that share the folder (compose.yaml) each run their command as pid 1, and two processes
    writing one file corrupt each other's counts. Must run before the first metric value is made.
    """
    if values.ValueClass is values.MutexValue:  # PROMETHEUS_MULTIPROC_DIR unset: one process, no files
        return
    # The collector splits file names on "_" to find the metric type, so the name may hold none.
    host = socket.gethostname().replace("_", "-")
    values.ValueClass = values.MultiProcessValue(lambda: f"{host}-{os.getpid()}")


_multiprocess_files_named_by_host()

# Not prometheus_client's global registry: it also holds the library's process collectors, which in
# multiprocess mode would describe only the process answering the scrape.
REGISTRY = CollectorRegistry()

POLLS = Counter("gazette_polls", "Feed polls by outcome.", ["outcome"], registry=REGISTRY)
FETCH_ERRORS = Counter(
    "gazette_fetch_errors", "Failed fetches of feeds and article pages, by kind of error.", ["kind"],
    registry=REGISTRY,
)  # fmt: skip
JOB_SECONDS = Histogram(
    "gazette_job_seconds", "Time spent running one background job.", ["queue", "task"],
    buckets=JOB_BUCKETS, registry=REGISTRY,
)  # fmt: skip
CACHE_ERRORS = Counter(
    "gazette_cache_errors", "Calls to the shared cache (Redis) that could not reach it.", registry=REGISTRY
)
REQUEST_SECONDS = Histogram(
    "gazette_request_seconds", "Time to answer a web request, by method and URL name.", ["method", "route"],
    registry=REGISTRY,
)  # fmt: skip


def metrics_poll_observe(outcome: str) -> None:
    """Count one feed poll: outcome is "ok", "not_modified" or "error"."""
    if outcome not in POLL_OUTCOMES:
        raise ValueError(f"unknown poll outcome {outcome!r}; expected one of {POLL_OUTCOMES}")
    POLLS.labels(outcome=outcome).inc()


def metrics_fetch_error(error_text: str) -> None:
    """Count one failed fetch, by the kind read from the fetcher's error line."""
    FETCH_ERRORS.labels(kind=fetch_error_kind(error_text)).inc()


def metrics_job_observe(queue: str, task: str, seconds: float) -> None:
    """Record how long one job took; queue and task are names from code, never job arguments."""
    JOB_SECONDS.labels(queue=queue, task=task).observe(seconds)


def metrics_cache_error() -> None:
    """Count one call to the shared cache that failed to reach it (gazette/ops/cache.py)."""
    CACHE_ERRORS.inc()


def metrics_request_observe(method: str, route: str, seconds: float) -> None:
    """Record how long one web request took; route is the URL's name (see middleware.py)."""
    method = method if method in HTTP_METHODS else "other"
    REQUEST_SECONDS.labels(method=method, route=route).observe(seconds)


class QueueDepthCollector(Collector):
    """gazette_queue_depth, asked of the registered provider at scrape time (nothing is stored)."""

    def collect(self) -> Iterator[Metric]:
        gauge = GaugeMetricFamily("gazette_queue_depth", "Jobs waiting, per queue.", labels=["queue"])
        try:
            depths = queue_depths()
        except Exception:  # a scrape still reports the counters when the queue backend is down
            log.exception("metrics: queue depth provider failed")
            depths = {}
        for queue, depth in sorted(depths.items()):
            gauge.add_metric([queue], depth)
        yield gauge


def metrics_render() -> tuple[bytes, str]:
    """The Prometheus text exposition of every metric (all processes' in multiprocess mode), and its type."""
    registry = CollectorRegistry()
    if settings.PROMETHEUS_MULTIPROC_DIR:
        multiprocess.MultiProcessCollector(registry, path=settings.PROMETHEUS_MULTIPROC_DIR)
    else:
        registry.register(REGISTRY)
    registry.register(QueueDepthCollector())
    return generate_latest(registry), CONTENT_TYPE_PLAIN_0_0_4
