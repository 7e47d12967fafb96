"""gazette_request_seconds is labelled by the URL's name, never by the path a client asked for."""

from __future__ import annotations

import pytest

from tests.ops.scrape import scrape, value

pytestmark = pytest.mark.django_db


def count(samples, method: str, route: str) -> float:
    return value(samples, "gazette_request_seconds_count", method=method, route=route)


def test_requests_are_labelled_by_route_name(client):
    before = scrape(client)
    client.get("/healthz")
    client.get("/healthz")
    client.head("/healthz")
    after = scrape(client)
    assert count(after, "GET", "ops:healthz") - count(before, "GET", "ops:healthz") == 2
    assert count(after, "HEAD", "ops:healthz") - count(before, "HEAD", "ops:healthz") == 1


def test_pages_with_arguments_share_one_series(client):
    before = scrape(client)
    for pk in (101, 102, 103):
        client.get(f"/source/{pk}/")  # 404s, but the URL still resolved to its pattern
    after = scrape(client)
    assert count(after, "GET", "web:source") - count(before, "GET", "web:source") == 3
    assert not any("/source/" in str(labels) for _, labels in after)


def test_unknown_paths_and_methods_do_not_make_new_series(client):
    before = scrape(client)
    client.get("/no/such/page/a")
    client.get("/no/such/page/b")
    client.generic("BREW", "/healthz")
    after = scrape(client)
    assert count(after, "GET", "unresolved") - count(before, "GET", "unresolved") == 2
    assert count(after, "other", "ops:healthz") - count(before, "other", "ops:healthz") == 1
    assert not any("/no/such" in str(labels) for _, labels in after)
