"""Limits on questions, sign-ups, comments and failed logins, counted in Django's cache (no table needed)."""

from __future__ import annotations

import hashlib
import ipaddress

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone

MINUTE = 60
HOUR = 3600
DAY = 24 * 3600


def _hashed(raw: str) -> str:
    return hashlib.blake2b(raw.encode(), digest_size=12).hexdigest()


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or, when that is a trusted proxy, the nearest address in
    X-Forwarded-For that no trusted proxy added (anything further left the client could have forged)."""
    address = request.META.get("REMOTE_ADDR", "")
    proxies = settings.GAZETTE_TRUSTED_PROXIES
    if not proxies or not _trusted(address, proxies):
        return address
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, proxies):
            return hop
    return hops[0] if hops else address


def _trusted(address: str, proxies: list[ipaddress.IPv4Network | ipaddress.IPv6Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in proxies)


def _ip_key(request: HttpRequest) -> str:
    return _hashed(f"ip:{client_ip(request)}")


def reader_key(request: HttpRequest) -> str:
    """Who is asking: the session when the reader has one, else the client's IP address (hashed)."""
    session = getattr(request, "session", None)
    if session is not None and session.session_key:
        return _hashed(f"session:{session.session_key}")
    return _ip_key(request)


def _take(key: str, limit: int, seconds: int) -> bool:
    # add() creates the counter with its expiry only if missing; incr() is atomic on the shared backends.
    cache.add(key, 0, seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, seconds)
        count = 1
    return count <= limit


def _take_windows(action: str, who: str, windows: tuple[tuple[str, int, int], ...]) -> bool:
    """Count one action in each (name, limit, seconds) window in turn; False at the first one over."""
    now = int(timezone.now().timestamp())
    return all(
        _take(f"web:{action}:{name}:{who}:{now // seconds}", limit, seconds)
        for name, limit, seconds in windows
    )


def ask_rate_take(request: HttpRequest) -> bool:
    """Count one question for this reader; False when over the per-minute or per-day limit."""
    windows = (
        ("m", settings.GAZETTE_ASK_RATE_PER_MINUTE, MINUTE),
        ("d", settings.GAZETTE_ASK_RATE_PER_DAY, DAY),
    )
    return _take_windows("ask", reader_key(request), windows)


def signup_rate_take(request: HttpRequest) -> bool:
    """Count one new account for the client's IP address; False when over the per-hour or per-day limit."""
    # Not the session: a script creating accounts simply drops its cookies.
    who = _ip_key(request)
    windows = (
        ("h", settings.GAZETTE_SIGNUP_RATE_PER_HOUR, HOUR),
        ("d", settings.GAZETTE_SIGNUP_RATE_PER_DAY, DAY),
    )
    return _take_windows("signup", who, windows)


def comment_rate_take(request: HttpRequest) -> bool:
    """Count one comment for the signed-in reader; False when over the per-minute or per-day limit."""
    who = _hashed(f"user:{request.user.pk}")
    windows = (
        ("m", settings.GAZETTE_COMMENT_RATE_PER_MINUTE, MINUTE),
        ("d", settings.GAZETTE_COMMENT_RATE_PER_DAY, DAY),
    )
    return _take_windows("comment", who, windows)


# Failed logins are counted here rather than by django-axes: axes would replace these three functions
# only, and bring an authentication backend that refuses every authenticate() call made without a
# request, a middleware and tables of its own, while these counters share the client address (behind
# GAZETTE_TRUSTED_PROXIES), the cache and the windows of the limits above. The site's and the admin's
# login forms both count here (accounts/forms.py).
def _login_keys(request: HttpRequest, username: str) -> tuple[str, ...]:
    # Two counters: one address guessing many accounts' passwords, and many addresses guessing one's.
    # The name is case-folded so "Rita" and "RITA" count as "rita" whatever the database's collation.
    hour = int(timezone.now().timestamp()) // HOUR
    who = (_ip_key(request), _hashed(f"username:{username.casefold()}"))
    return tuple(f"web:login:h:{w}:{hour}" for w in who)


def login_rate_check(request: HttpRequest, *, username: str) -> bool:
    """True while neither the client's IP address nor `username` has used up this hour's failed logins."""
    limit = settings.GAZETTE_LOGIN_FAILURES_PER_HOUR
    return all(cache.get(key, 0) < limit for key in _login_keys(request, username))


def login_rate_take(request: HttpRequest, *, username: str) -> bool:
    """Count one failed login for the client's IP address and for `username`; False when either is over."""
    limit = settings.GAZETTE_LOGIN_FAILURES_PER_HOUR
    # A list, not a generator: both counters must count even when the first is already over.
    return all([_take(key, limit, HOUR) for key in _login_keys(request, username)])
