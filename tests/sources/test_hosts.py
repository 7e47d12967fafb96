"""Host slots in the database: claimed up to the host's limit, started its delay apart, given back, and
lapsed when their worker died; on PostgreSQL, claims made at the same instant from many connections."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from gazette.ingest.config import IngestConfig
from gazette.sources.hosts import (
    KEPT_LEASE,
    HostBusy,
    host_lease_seconds,
    host_leases_keep,
    host_slot_claim,
    host_slot_held,
    host_slot_release,
    hosts_prune,
)
from gazette.sources.models import FetchHost, HostLease

pytestmark = pytest.mark.django_db(transaction=True)

HOST = "news.example:8080"


def claim(**kwargs):
    return host_slot_claim(**{"host": HOST, "limit": 2, "delay": 0.0, "lease": 60.0, **kwargs})


def test_a_host_gives_out_its_limit_of_slots_and_one_more_once_one_is_back():
    first, second = claim(), claim()
    assert first.granted and second.granted and first.lease != second.lease
    refused = claim()
    assert not refused.granted and refused.wait > 0
    assert HostLease.objects.count() == 2
    host_slot_release(first)
    again = claim()
    assert again.granted
    assert set(HostLease.objects.values_list("token", flat=True)) == {second.lease, again.lease}


def test_hosts_are_counted_apart():
    assert claim(limit=1).granted
    assert not claim(limit=1).granted
    assert claim(host="other.example", limit=1).granted


def test_a_host_within_its_delay_says_how_long_is_left_and_a_refusal_moves_nothing():
    now = timezone.now()
    assert claim(delay=10.0, now=now).granted
    early = claim(delay=10.0, now=now + timedelta(seconds=4))
    assert not early.granted and early.wait == pytest.approx(6.0)
    # Refused: the host's next start is where the granted claim put it, not pushed further.
    assert FetchHost.objects.get(name=HOST).next_start_at == now + timedelta(seconds=10)
    assert claim(delay=10.0, now=now + timedelta(seconds=10)).granted


def test_a_claim_refused_at_the_limit_leaves_the_next_start_where_it_was():
    now = timezone.now()
    assert claim(limit=1, delay=5.0, now=now).granted
    assert not claim(limit=1, delay=5.0, now=now + timedelta(seconds=6)).granted
    assert FetchHost.objects.get(name=HOST).next_start_at == now + timedelta(seconds=5)


def test_a_lease_never_given_back_lapses_and_its_late_release_frees_nothing_else():
    now = timezone.now()
    dead = claim(limit=1, now=now)  # its worker was killed mid-request: never released
    assert not claim(limit=1, now=now + timedelta(seconds=59)).granted
    taken = claim(limit=1, now=now + timedelta(seconds=60))
    assert taken.granted
    assert list(HostLease.objects.values_list("token", flat=True)) == [taken.lease]
    host_slot_release(dead)  # a worker that was only stalled, not dead, comes back late
    assert HostLease.objects.filter(token=taken.lease).exists()


def test_a_held_slot_is_given_back_when_its_block_fails(settings):
    settings.GAZETTE_INGEST = IngestConfig(per_host_concurrency=1, host_delay=0.0)
    with pytest.raises(TimeoutError), host_slot_held(HOST):
        assert HostLease.objects.count() == 1
        raise TimeoutError
    assert not HostLease.objects.exists()
    with host_slot_held(HOST), pytest.raises(HostBusy) as busy, host_slot_held(HOST):
        pass
    assert busy.value.host == HOST and busy.value.wait > 0
    assert not HostLease.objects.exists()


def test_a_lease_lasts_longer_than_the_slowest_fetch_the_settings_allow():
    config = IngestConfig(fetch_timeout=20.0, max_redirects=5)
    # robots.txt and the page, six hops each at most, each with its own timeout.
    assert host_lease_seconds(config) > 2 * 6 * 20.0
    assert host_lease_seconds(IngestConfig(host_lease=7.0)) == 7.0


@pytest.mark.parametrize(("delay", "granted"), [(0.0, 3), (30.0, 1)])
def test_claims_at_the_same_instant_from_many_connections_get_the_limit_exactly(delay, granted):
    if connection.vendor != "postgresql":
        pytest.skip("the tests' SQLite database is one in-memory connection shared by every thread")
    workers, limit = 12, 3
    start = threading.Barrier(workers)
    turns = []
    errors: list[BaseException] = []

    def one() -> None:
        try:
            start.wait()
            turns.append(claim(limit=limit, delay=delay))
        except BaseException as exc:  # noqa: BLE001 — shown by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=one) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert sum(t.granted for t in turns) == granted  # with a delay, the first start only
    assert HostLease.objects.count() == granted
    assert FetchHost.objects.count() == 1  # the row made once, though every claim found none


def test_hosts_idle_for_a_day_are_pruned_unless_a_lease_stands_and_a_pruned_host_is_claimed_again():
    now = timezone.now()
    day_ago = now - timedelta(days=1, seconds=1)
    assert claim(host="idle.example", now=day_ago).granted  # its lease lapsed long ago
    assert claim(host="busy.example", now=day_ago, lease=2 * 86400.0).granted  # still standing
    assert claim(host="recent.example", now=now).granted
    assert hosts_prune(now=now) == 1
    assert set(FetchHost.objects.values_list("name", flat=True)) == {"busy.example", "recent.example"}
    assert set(HostLease.objects.values_list("host__name", flat=True)) == {"busy.example", "recent.example"}
    assert claim(host="idle.example", now=now).granted
    assert FetchHost.objects.filter(name="idle.example").exists()


def test_a_worker_keeps_its_slots_alive_until_they_are_given_back(settings):
    settings.GAZETTE_INGEST = IngestConfig(per_host_concurrency=2, host_delay=0.0)
    long_term = host_lease_seconds()
    with host_leases_keep() as keeper:
        assert host_lease_seconds() == KEPT_LEASE < long_term  # renewed, so short
        with host_slot_held(HOST) as held:
            lease = HostLease.objects.get(token=held.lease)
            HostLease.objects.filter(pk=lease.pk).update(expires_at=timezone.now())  # about to lapse
            assert keeper.renew() == 1
            lease.refresh_from_db()
            assert lease.expires_at > timezone.now() + timedelta(seconds=KEPT_LEASE - 5)
        assert keeper.renew() == 0  # given back: nothing left to renew
        assert not HostLease.objects.exists()
    assert host_lease_seconds() == long_term
