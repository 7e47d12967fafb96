"""Per-address limits see the reader's address, also behind a trusted reverse proxy."""

from __future__ import annotations

import ipaddress

import pytest
from django.test import RequestFactory

from gazette.web.ratelimit import client_ip, signup_rate_take


def _request(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().post("/", **extra)


@pytest.fixture
def behind_proxy(settings):
    settings.GAZETTE_TRUSTED_PROXIES = [ipaddress.ip_network("10.0.0.0/8"), ipaddress.ip_network("::1/128")]


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.GAZETTE_TRUSTED_PROXIES = []
    assert client_ip(_request("10.0.0.2", "198.51.100.7")) == "10.0.0.2"


def test_behind_a_trusted_proxy_the_forwarded_address_counts(behind_proxy):
    assert client_ip(_request("10.0.0.2", "198.51.100.7")) == "198.51.100.7"
    assert client_ip(_request("::1", "2001:db8::5")) == "2001:db8::5"


def test_a_forged_left_hop_is_not_believed(behind_proxy):
    # The client sent "X-Forwarded-For: 192.0.2.1"; the proxy appended the address it saw.
    assert client_ip(_request("10.0.0.2", "192.0.2.1, 198.51.100.7")) == "198.51.100.7"
    # Two trusted proxies in a row: the first untrusted hop from the right is the client.
    assert client_ip(_request("10.0.0.2", "192.0.2.1, 198.51.100.7, 10.0.0.9")) == "198.51.100.7"


def test_a_request_not_from_a_proxy_cannot_pick_its_address(behind_proxy):
    assert client_ip(_request("203.0.113.4", "198.51.100.7")) == "203.0.113.4"
    assert client_ip(_request("10.0.0.2", "not an address")) == "not an address"
    assert client_ip(_request("10.0.0.2")) == "10.0.0.2"


@pytest.mark.django_db  # the counts are rows
def test_readers_behind_one_proxy_have_limits_of_their_own(behind_proxy, settings):
    settings.GAZETTE_SIGNUP_RATE_PER_HOUR = 1
    assert signup_rate_take(_request("10.0.0.2", "198.51.100.7"))
    assert not signup_rate_take(_request("10.0.0.2", "198.51.100.7"))
    assert signup_rate_take(_request("10.0.0.2", "198.51.100.8"))  # another reader, same proxy
