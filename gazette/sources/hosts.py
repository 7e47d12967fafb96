"""host_slot_claim / host_slot_release: per-host politeness held across every worker on every machine.

A process's HTTP client keeps a host to GAZETTE_PER_HOST_CONCURRENCY requests at once, started
GAZETTE_HOST_DELAY apart, but only among that process's own requests: two worker processes would
send a host twice as much. A request that any process may make (an article page: stage 2) claims a
slot on its host in the database first and gives it back when it ends, so the two limits hold for
the whole deployment. A claim is one short transaction:

1. a conditional UPDATE moves the host's next start ahead by the delay where that start has come;
   no row updated means the host is within its delay: the caller is told how long is left. On
   PostgreSQL the UPDATE locks the host's row until the transaction ends, so claims on one host are
   made one after another and the count below cannot be raced (SQLite writes one transaction at a
   time anyway);
2. the host's lapsed leases are deleted and the live ones counted; at the limit the transaction is
   rolled back (the next start stays where it was) and the caller is told to come back shortly;
3. otherwise a lease row is inserted that lapses after `host_lease_seconds`, so a worker killed
   mid-request (SIGKILL, a lost machine) holds its slot for that long at most, never for good.

A worker process keeps its slots alive while their requests run (`HostLeaseKeeper`, started by the
worker role): its leases are short (GAZETTE_HOST_LEASE, 30 s by default) and renewed every third of
that, so a killed worker's slots lapse within one term however long a fetch may take. Code that
fetches outside a worker (the tests, a one-off command) has no keeper; its leases last the longest a
fetch may take.

A claim never waits: the caller hands its job back to the queue for the time it was told, so a slow
or busy host never holds a worker thread that other hosts' pages could use. Times are the workers'
clocks (as for the scheduler's claims): machines are expected to keep them in step (NTP).
"""

from __future__ import annotations

import logging
import random
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection, transaction
from django.utils import timezone

from gazette.ingest.config import IngestConfig
from gazette.sources.models import FetchHost, HostLease

log = logging.getLogger(__name__)

# How long a claim refused at the host's limit is told to wait (jittered, so the refused jobs of many
# workers do not all come back in the same instant). A slot frees when a request ends, which no row
# announces; the consumers' scheduler moves delayed jobs to the queue about once a second anyway.
BUSY_WAIT = 1.0
# A lapsed lease is one whose request should long have ended: this is added to the longest a fetch
# may take by the timeout settings (a slow database, extraction pool start-up).
LEASE_MARGIN = 30.0
# How long a lease renewed by a worker's keeper lasts, unless GAZETTE_HOST_LEASE says otherwise.
KEPT_LEASE = 30.0


@dataclass(frozen=True)
class HostTurn:
    """The answer to a claim: a lease to give back, or how many seconds to wait before asking again."""

    host: str
    lease: uuid.UUID | None
    wait: float = 0.0

    @property
    def granted(self) -> bool:
        return self.lease is not None


class HostBusy(Exception):
    """A host is at its limit, or within its delay, for the deployment: try again in `wait` seconds."""

    def __init__(self, host: str, wait: float) -> None:
        super().__init__(f"{host} is busy; again in {wait:.1f}s")
        self.host = host
        self.wait = wait


class _AtLimit(Exception):
    """Rolls back a claim that found every slot taken."""


def host_lease_seconds(config: IngestConfig | None = None) -> float:
    """How long a lease lasts: the setting; else, while this process's keeper renews its leases,
    KEPT_LEASE; else the longest a page fetch may take (robots.txt and the page, each hop of each with
    its own timeout) and a margin."""
    config = config or settings.GAZETTE_INGEST
    if config.host_lease > 0:
        return config.host_lease
    if _KEEPER is not None:
        return KEPT_LEASE
    return 2 * (config.max_redirects + 1) * config.fetch_timeout + LEASE_MARGIN


class HostLeaseKeeper:
    """Renews this process's leases, every third of their term, until they are given back; one per
    worker process (`host_leases_keep`). A renewal that fails (the database away) is tried again at
    the next turn; a lease that lapsed meanwhile and was taken by another claim is simply gone."""

    def __init__(self) -> None:
        self._held: set[uuid.UUID] = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="gazette-host-leases", daemon=True)

    def hold(self, token: uuid.UUID) -> None:
        with self._lock:
            self._held.add(token)

    def drop(self, token: uuid.UUID) -> None:
        with self._lock:
            self._held.discard(token)

    def renew(self) -> int:
        """Move the held leases' end a term ahead; how many were still there."""
        with self._lock:
            tokens = list(self._held)
        if not tokens:
            return 0
        until = timezone.now() + timedelta(seconds=host_lease_seconds())
        return HostLease.objects.filter(token__in=tokens).update(expires_at=until)

    def _run(self) -> None:
        try:
            while not self._stop.wait(host_lease_seconds() / 3):
                try:
                    self.renew()
                except DatabaseError as exc:
                    log.warning("hosts: leases not renewed (%s); trying again", exc)
                    close_old_connections()
        finally:
            connection.close()  # this thread's own

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)


_KEEPER: HostLeaseKeeper | None = None


@contextmanager
def host_leases_keep() -> Iterator[HostLeaseKeeper]:
    """Renew the leases this process claims while the block runs (a worker role's lifetime)."""
    global _KEEPER
    keeper = HostLeaseKeeper()
    keeper.start()
    _KEEPER = keeper
    try:
        yield keeper
    finally:
        _KEEPER = None
        keeper.stop()


def host_slot_claim(
    *,
    host: str,
    limit: int | None = None,
    delay: float | None = None,
    lease: float | None = None,
    now: datetime | None = None,
) -> HostTurn:
    """Claim one of `host`'s slots (limit and delay from the settings unless given); never waits."""
    config = settings.GAZETTE_INGEST
    limit = config.per_host_concurrency if limit is None else limit
    delay = config.host_delay if delay is None else delay
    seconds = host_lease_seconds(config) if lease is None else lease
    now = now or timezone.now()
    try:
        with transaction.atomic():
            rows = FetchHost.objects.filter(name=host)
            # With no delay the UPDATE is unconditional: it is there for the row lock alone.
            turn = rows if delay <= 0 else rows.filter(next_start_at__lte=now)
            if not turn.update(next_start_at=now + timedelta(seconds=delay)):
                # A host seen for the first time has no row: made here (or by the claim that made it
                # at the same moment, whose commit this waits for), then asked again.
                FetchHost.objects.get_or_create(name=host, defaults={"next_start_at": now})
                if not turn.update(next_start_at=now + timedelta(seconds=delay)):
                    wait = (rows.values_list("next_start_at", flat=True).get() - now).total_seconds()
                    return HostTurn(host, None, wait=wait if wait > 0 else _busy_wait())
            host_id = rows.values_list("pk", flat=True).get()
            HostLease.objects.filter(host_id=host_id, expires_at__lte=now).delete()
            if HostLease.objects.filter(host_id=host_id).count() >= limit:
                raise _AtLimit
            token = uuid.uuid4()
            HostLease.objects.create(
                host_id=host_id, token=token, expires_at=now + timedelta(seconds=seconds)
            )
    except _AtLimit:
        return HostTurn(host, None, wait=_busy_wait())
    return HostTurn(host, token)


def host_slot_release(turn: HostTurn) -> None:
    """Give a claimed slot back (a refused claim has none). A lease that lapsed and was deleted by
    another claim is simply gone."""
    if turn.lease is not None:
        HostLease.objects.filter(token=turn.lease).delete()


@contextmanager
def host_slot_held(host: str) -> Iterator[HostTurn]:
    """Hold one of `host`'s slots for the block, given back however the block ends; raises HostBusy,
    before the block runs, when none may be had now."""
    keeper = _KEEPER
    turn = host_slot_claim(host=host)
    if not turn.granted:
        raise HostBusy(host, turn.wait)
    assert turn.lease is not None
    if keeper is not None:
        keeper.hold(turn.lease)
    try:
        yield turn
    finally:
        if keeper is not None:
            keeper.drop(turn.lease)
        host_slot_release(turn)


def hosts_prune(*, idle_for: timedelta = timedelta(days=1), now: datetime | None = None) -> int:
    """Delete the rows of hosts no request has started on for `idle_for`, and leases that lapsed long
    ago (a claim deletes its own host's lapsed leases, but a host nobody asks again keeps them); how
    many hosts went. Every host seen once has a row, so without this the table grows with every link
    ever followed. A claim on a pruned host makes its row again (host_slot_claim), and a host with a
    lease still standing is kept."""
    now = now or timezone.now()
    HostLease.objects.filter(expires_at__lte=now - idle_for).delete()
    idle = FetchHost.objects.filter(next_start_at__lte=now - idle_for).exclude(leases__expires_at__gt=now)
    deleted, by_model = idle.delete()
    return by_model.get(FetchHost._meta.label, 0)


def _busy_wait() -> float:
    return BUSY_WAIT * random.uniform(0.5, 1.5)  # noqa: S311 — spreading retries, not a secret
