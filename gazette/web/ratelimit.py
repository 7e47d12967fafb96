"""Limits on questions, sign-ups, comments and failed logins, counted in the database (web.RateCount).

The database is the one store every web worker and machine already shares, so a reader's limits count
once across the site whatever the cache is; a count per process (Django's default cache) would give a
site of four workers four times the limits. Not Django's database cache: its incr() is a read then a
write, so two requests at once count once, and a burst of parallel requests would pass the limit by as
many. Here one UPDATE adds to the count, under the row's lock, so every request is counted. The actions
counted are people posting (questions, sign-ups, comments, failed logins): a few small writes, never a
write per page view.
"""

from __future__ import annotations

import hashlib
import ipaddress
from datetime import UTC, datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from gazette.web.models import RateCount

MINUTE = 60
HOUR = 3600
DAY = 24 * 3600
# Confirmation links a reader may ask to be sent again in an hour: enough for a lost mail, too few to spam.
VERIFICATION_MAILS_PER_HOUR = 3


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


def _count_add(key: str, expires_at: datetime) -> int:
    """Add one to the window's count and return it; the window's row is made on its first use."""
    with transaction.atomic():
        if not RateCount.objects.filter(key=key).update(count=F("count") + 1):
            try:
                with transaction.atomic():
                    RateCount.objects.create(key=key, count=1, expires_at=expires_at)
            except IntegrityError:  # another worker made it in the meantime
                RateCount.objects.filter(key=key).update(count=F("count") + 1)
            # A new window is a moment to drop the windows that have ended, which nothing reads again.
            RateCount.objects.filter(expires_at__lt=timezone.now()).delete()
        # The UPDATE holds the row's lock until the commit, so this is the count it made.
        return RateCount.objects.values_list("count", flat=True).get(key=key)


def _count(key: str) -> int:
    return RateCount.objects.filter(key=key).values_list("count", flat=True).first() or 0


def _window(name: str, seconds: int) -> tuple[str, datetime]:
    """The current window of this length: a key suffix naming it, and when it ends."""
    number = int(timezone.now().timestamp()) // seconds
    return f"{name}:{number}", datetime.fromtimestamp((number + 1) * seconds, UTC)


def _take(key: str, limit: int, seconds: int) -> bool:
    window, ends = _window(key, seconds)
    return _count_add(window, ends) <= limit


def _take_windows(action: str, who: str, windows: tuple[tuple[str, int, int], ...]) -> bool:
    """Count one action in each (name, limit, seconds) window in turn; False at the first one over."""
    return all(_take(f"web:{action}:{name}:{who}", limit, seconds) for name, limit, seconds in windows)


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
    """Count one comment for the signed-in reader and their address; False when over any of the limits."""
    who = _hashed(f"user:{request.user.pk}")
    windows = (
        ("m", settings.GAZETTE_COMMENT_RATE_PER_MINUTE, MINUTE),
        ("d", settings.GAZETTE_COMMENT_RATE_PER_DAY, DAY),
    )
    if not _take_windows("comment", who, windows):
        return False
    # Also per address: one network signing up account after account gets the per-reader limit anew each time.
    address = (("h", settings.GAZETTE_COMMENT_RATE_PER_ADDRESS_PER_HOUR, HOUR),)
    return _take_windows("comment-ip", _ip_key(request), address)


def password_reset_rate_take(request: HttpRequest, *, email: str) -> bool:
    """Count one reset mail asked for from the client's IP address and to `email`; False when either is
    over the hour's limit. Counted whether or not an account has the address, so the answer tells no one
    which addresses have accounts."""
    limit = settings.GAZETTE_PASSWORD_RESET_RATE_PER_HOUR
    who = (_ip_key(request), _hashed(f"email:{email.strip().casefold()}"))
    # A list, not a generator: both counters must count even when the first is already over.
    return all([_take(f"web:reset:h:{w}", limit, HOUR) for w in who])


def verification_rate_take(request: HttpRequest) -> bool:
    """Count one confirmation mail asked for again by the signed-in reader; False past a few an hour."""
    return _take(f"web:verify:h:{_hashed(f'user:{request.user.pk}')}", VERIFICATION_MAILS_PER_HOUR, HOUR)


# Failed logins are counted here rather than by django-axes: axes would replace these three functions
# only, and bring an authentication backend that refuses every authenticate() call made without a
# request, a middleware and tables of its own, while these counters share the client address (behind
# GAZETTE_TRUSTED_PROXIES), the cache and the windows of the limits above. The site's and the admin's
# login forms both count here (accounts/forms.py).
def _login_keys(request: HttpRequest, username: str) -> tuple[str, ...]:
    # Two counters: one address guessing many accounts' passwords, and many addresses guessing one's.
    # The name is case-folded so "Rita" and "RITA" count as "rita" whatever the database's collation.
    who = (_ip_key(request), _hashed(f"username:{username.casefold()}"))
    return tuple(f"web:login:h:{w}" for w in who)


def login_rate_check(request: HttpRequest, *, username: str) -> bool:
    """True while neither the client's IP address nor `username` has used up this hour's failed logins."""
    limit = settings.GAZETTE_LOGIN_FAILURES_PER_HOUR
    return all(_count(_window(key, HOUR)[0]) < limit for key in _login_keys(request, username))


def login_rate_take(request: HttpRequest, *, username: str) -> bool:
    """Count one failed login for the client's IP address and for `username`; False when either is over."""
    limit = settings.GAZETTE_LOGIN_FAILURES_PER_HOUR
    # A list, not a generator: both counters must count even when the first is already over.
    return all([_take(key, limit, HOUR) for key in _login_keys(request, username)])


def address_login_rate_check(request: HttpRequest) -> bool:
    """True while the client's IP address has failed logins left this hour; for sign-ins that name no
    account (a Fever app's api_key), which count with the address's failed logins at the forms."""
    limit = settings.GAZETTE_LOGIN_FAILURES_PER_HOUR
    return _count(_window(f"web:login:h:{_ip_key(request)}", HOUR)[0]) < limit


def address_login_rate_take(request: HttpRequest) -> bool:
    """Count one failed sign-in for the client's IP address; False when it is over the hour's limit."""
    return _take(f"web:login:h:{_ip_key(request)}", settings.GAZETTE_LOGIN_FAILURES_PER_HOUR, HOUR)
