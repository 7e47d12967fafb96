"""The media proxy's fetch (gazette/web/media.py) against local servers: where it connects."""

from __future__ import annotations

import dataclasses
import socket

import pytest

from gazette.ingest import fetcher
from gazette.web import media
from gazette.web.media import media_fetch
from tests.httpserver import LocalHTTPServer

REBINDING_NAME = "images.rebinding.test"
# This machine's tests reach no public address, so one loopback address stands in for a public host:
# 127.0.0.2 passes the address check, 127.0.0.1 stays private.
STAND_IN_PUBLIC = "127.0.0.2"


@pytest.fixture
def public_only(settings, monkeypatch):
    """Private networks off, with STAND_IN_PUBLIC taken for a public address."""
    settings.GAZETTE_INGEST = dataclasses.replace(settings.GAZETTE_INGEST, allow_private_networks=False)
    checks = fetcher.is_private_address

    def is_private_address(address: str) -> bool:
        return address != STAND_IN_PUBLIC and checks(address)

    monkeypatch.setattr(fetcher, "is_private_address", is_private_address)
    monkeypatch.setattr(media, "is_private_address", is_private_address, raising=False)


@pytest.fixture
def rebinding_dns(monkeypatch):
    """A name server answering REBINDING_NAME with the stand-in public address once, then with 127.0.0.1.

    The system's resolver function is replaced, so whatever looks the name up, the check or a connection,
    sees this sequence of answers. Returns the list of lookups made."""
    resolve = socket.getaddrinfo
    lookups: list[str] = []

    def getaddrinfo(host, port, *args, **kwargs):
        if host != REBINDING_NAME:
            return resolve(host, port, *args, **kwargs)
        lookups.append(host)
        return resolve(STAND_IN_PUBLIC if len(lookups) == 1 else "127.0.0.1", port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return lookups


@pytest.fixture
def public_and_private():
    """An image server on the stand-in public address, and another on 127.0.0.1, on the same port."""
    with LocalHTTPServer("127.0.0.1") as private, LocalHTTPServer(STAND_IN_PUBLIC, private.port) as public:
        public.route("/a.png", body=b"\x89PNG public", headers={"Content-Type": "image/png"})
        private.route("/a.png", body=b"\x89PNG private", headers={"Content-Type": "image/png"})
        yield public, private


def test_the_address_checked_is_the_address_connected_to(public_only, rebinding_dns, public_and_private):
    public, private = public_and_private
    got = media_fetch(f"http://{REBINDING_NAME}:{public.port}/a.png")
    assert got.body == b"\x89PNG public"
    assert private.requests == []
    assert rebinding_dns == [REBINDING_NAME]  # one lookup, checked, then connected to
    # The name is what the server is asked for, though the connection went to the address.
    assert public.requests[0].headers["host"] == f"{REBINDING_NAME}:{public.port}"
