"""The media proxy (gazette/web/media.py) against local servers: where it connects, how long it waits,
and how many web threads it may hold."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from urllib.error import HTTPError, URLError

import pytest
from aiohttp import web
from django.core import signing
from django.test import Client

from gazette.ingest import fetcher
from gazette.web import media
from gazette.web.media import SALT, media_fetch, media_url
from tests.httpserver import LocalHTTPServer, free_port

PNG = b"\x89PNG fake"

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


class Drip:
    """An image sent one byte at a time, `interval` apart, `size` bytes in all; the rest at once when released."""

    def __init__(self, *, size: int, interval: float):
        self.size, self.interval = size, interval
        self.started = threading.Event()
        self.finished = threading.Event()
        self.release = threading.Event()

    async def handler(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "image/png", "Content-Length": str(self.size)})
        await response.prepare(request)
        self.started.set()
        for _ in range(self.size):
            await response.write(b"\0")
            if not self.release.is_set():
                await asyncio.sleep(self.interval)
        await response.write_eof()
        self.finished.set()
        return response


@pytest.fixture
def proxy_on(settings):
    """The proxy on, reaching the local servers."""
    settings.GAZETTE_INGEST = dataclasses.replace(settings.GAZETTE_INGEST, allow_private_networks=True)
    settings.GAZETTE_MEDIA_PROXY = True
    return settings


@pytest.mark.django_db
def test_a_dripping_image_is_given_up_at_the_deadline(client, http_server, proxy_on):
    proxy_on.GAZETTE_MEDIA_PROXY_TIMEOUT = 1.0
    drip = Drip(size=40, interval=0.25)  # every read gets a byte soon, the whole image takes 10 s
    http_server.route("/slow.png", handler=drip.handler)
    try:
        response = client.get(media_url(http_server.url("/slow.png")))
        assert drip.started.is_set() and not drip.finished.is_set()
    finally:
        drip.release.set()
    assert response.status_code == 504
    assert response.content.decode() == "The image did not arrive in time: no whole image within 1s.\n"


@pytest.mark.django_db
def test_past_its_share_the_proxy_answers_503_while_pages_answer(client, http_server, proxy_on):
    proxy_on.GAZETTE_MEDIA_PROXY_CONCURRENCY = 1
    proxy_on.GAZETTE_MEDIA_PROXY_TIMEOUT = 60.0
    drip = Drip(size=600, interval=0.1)
    http_server.route("/slow.png", handler=drip.handler)
    http_server.route("/a.png", body=PNG, headers={"Content-Type": "image/png"})
    held: list = []
    reader = threading.Thread(
        target=lambda: held.append(Client().get(media_url(http_server.url("/slow.png"))))
    )
    reader.start()
    try:
        assert drip.started.wait(30)
        busy = client.get(media_url(http_server.url("/a.png")))
        assert busy.status_code == 503 and busy["Retry-After"] == "60"
        assert "try again shortly" in busy.content.decode()
        assert http_server.requests_for("/a.png") == []  # refused, not queued
        assert client.get("/").status_code == 200
        assert not drip.finished.is_set()
    finally:
        drip.release.set()
        reader.join(30)
    assert held[0].status_code == 200 and len(held[0].content) == 600
    # The slot is given back when the slow image is done.
    again = client.get(media_url(http_server.url("/a.png")))
    assert again.status_code == 200 and again.content == PNG


SECRET = "media-proxy-test-" + "k" * 50
SERVER = """
import os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gazette.settings")
import django
django.setup()
from gazette.serve import _web_app
_web_app("127.0.0.1", {port}, 1).run()
"""


def get_status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=120) as response:
            response.read()
            return response.status
    except HTTPError as error:
        return error.code


@pytest.fixture
def web_server(tmp_path):
    """The site under gunicorn as `gazette web` runs it (one process, its 4 threads), proxy on."""
    port = free_port()
    env = {
        **os.environ,
        "GAZETTE_DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'gazette.sqlite3'}",
        "GAZETTE_SECRET_KEY": SECRET,
        "GAZETTE_MEDIA_PROXY": "1",
        "GAZETTE_ALLOW_PRIVATE_NETWORKS": "1",
        "GAZETTE_MEDIA_PROXY_TIMEOUT": "60",
        "GAZETTE_MEDIA_PROXY_CONCURRENCY": "2",
        "GAZETTE_LOG_LEVEL": "ERROR",
    }
    env.pop("GAZETTE_CACHE_URL", None)
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    proc = subprocess.Popen(
        [sys.executable, "-c", SERVER.format(port=port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                if get_status(base + "/metrics") == 200:
                    break
            except (URLError, ConnectionError):
                pass
            time.sleep(0.5)
        else:
            pytest.fail("the web server did not start")
        yield base
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


@pytest.mark.slow
def test_slow_images_leave_the_web_server_threads_for_pages(web_server, http_server):
    drip = Drip(size=600, interval=0.1)
    http_server.route("/slow.png", handler=drip.handler)
    proxied = web_server + media_url_signed(http_server.url("/slow.png"))
    statuses: list[int] = []
    readers = [threading.Thread(target=lambda: statuses.append(get_status(proxied))) for _ in range(4)]
    for reader in readers:
        reader.start()
    try:
        # As many readers as the server has threads: two images are fetched, two refused at once.
        for _ in range(120):
            if statuses.count(503) == 2:
                break
            time.sleep(0.25)
        assert statuses == [503, 503]
        # A page still answers, while both slow images are still coming in.
        assert get_status(web_server + "/metrics") == 200
        assert http_server.in_flight == 2 and not drip.finished.is_set()
    finally:
        drip.release.set()
        for reader in readers:
            reader.join(60)
    assert sorted(statuses) == [200, 200, 503, 503]


def media_url_signed(url: str) -> str:
    """The proxy path the web server (with SECRET as its key) gives `url`."""
    return f"/media-proxy/{signing.dumps(url, key=SECRET, salt=SALT, compress=True)}/"
