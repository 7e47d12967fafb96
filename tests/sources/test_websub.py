"""WebSub: we subscribe to the advertised hub, answer its verification, and take signed pushes."""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta
from urllib.parse import parse_qs

import pytest
from aiohttp import web
from django.utils import timezone

from gazette.sources.models import Source
from gazette.sources.polling import sources_poll

pytestmark = pytest.mark.django_db(transaction=True)

FEED = """<?xml version="1.0"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>
<title>Hubbed</title><link>http://example.test/</link>
<atom:link rel="hub" href="{hub}"/><atom:link rel="self" href="{self}"/>
</channel></rss>"""


@pytest.fixture
def hubbed(http_server, ingest_settings, settings):
    settings.PUBLIC_URL = "https://gazette.example.org"
    received: list[dict] = []

    async def hub(request: web.Request) -> web.Response:
        received.append({k: v[0] for k, v in parse_qs(await request.text()).items()})
        return web.Response(status=202)

    http_server.route("/hub", handler=hub)
    http_server.route(
        "/feed.xml", FEED.format(hub=http_server.url("/hub"), self=http_server.url("/feed.xml"))
    )
    source = Source.objects.create(feed_url=http_server.url("/feed.xml"))
    return source, received


def test_poll_subscribes_to_advertised_hub(hubbed):
    source, received = hubbed
    sources_poll([source])
    source.refresh_from_db()
    assert len(received) == 1
    form = received[0]
    assert form["hub.mode"] == "subscribe" and form["hub.topic"] == source.feed_url
    assert form["hub.callback"] == f"https://gazette.example.org/websub/{source.pk}/"
    assert form["hub.secret"] == source.websub_secret and len(source.websub_secret) >= 32


def test_verification_and_signed_push(hubbed, client):
    source, _ = hubbed
    sources_poll([source])
    source.refresh_from_db()
    url = f"/websub/{source.pk}/"
    bad = client.get(url, {"hub.mode": "subscribe", "hub.topic": "http://evil.test/", "hub.challenge": "x"})
    assert bad.status_code == 404
    ok = client.get(
        url,
        {
            "hub.mode": "subscribe",
            "hub.topic": source.feed_url,
            "hub.challenge": "c123",
            "hub.lease_seconds": "3600",
        },
    )
    assert ok.status_code == 200 and ok.content == b"c123"
    source.refresh_from_db()
    assert source.websub_active()

    Source.objects.filter(pk=source.pk).update(next_poll_at=timezone.now() + timedelta(hours=1))
    body = b"<rss/>"
    forged = client.post(url, body, content_type="application/rss+xml", HTTP_X_HUB_SIGNATURE="sha256=00")
    assert forged.status_code == 202
    source.refresh_from_db()
    assert source.next_poll_at > timezone.now()  # ignored

    signature = hmac.new(source.websub_secret.encode(), body, hashlib.sha256).hexdigest()
    pushed = client.post(
        url, body, content_type="application/rss+xml", HTTP_X_HUB_SIGNATURE=f"sha256={signature}"
    )
    assert pushed.status_code == 202
    source.refresh_from_db()
    assert source.next_poll_at <= timezone.now()


def test_no_subscription_without_public_url(hubbed, settings):
    source, received = hubbed
    settings.PUBLIC_URL = ""
    sources_poll([source])
    assert received == []
