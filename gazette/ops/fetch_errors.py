"""fetch_error_kind: a fetcher error line, reduced to a short class that is safe as a metric label.

The fetcher's lines name hosts, addresses, sizes and reasons, so they cannot be labels themselves (every
host would be a new time series). The prefixes matched here are the ones gazette/ingest/fetcher.py
writes; tests/ops/test_fetch_errors.py makes the fetcher produce each of them, so a reworded message
shows up there rather than as a silent drift to "other".
"""

from __future__ import annotations

import re

FETCH_ERROR_KINDS = (
    "timeout",
    "dns",
    "refused",
    "http_4xx",
    "http_5xx",
    "too_large",
    "blocked_address",
    "other",
)

# Checked in order: "connect timeout after" must win over anything mentioning a connection.
_PREFIXES = (
    ("timeout after ", "timeout"),
    ("connect timeout after ", "timeout"),
    ("DNS lookup failed", "dns"),
    ("connection refused", "refused"),
    ("refused: ", "blocked_address"),  # AddressRefused.describe(): a private address, not a refusal
    ("response larger than ", "too_large"),
)
_HTTP_STATUS = re.compile(r"HTTP ([45])\d\d\b")


def fetch_error_kind(error: str) -> str:
    """The class of a fetcher error line, one of FETCH_ERROR_KINDS."""
    for prefix, kind in _PREFIXES:
        if error.startswith(prefix):
            return kind
    status = _HTTP_STATUS.match(error)
    if status:
        return f"http_{status.group(1)}xx"
    return "other"
