"""Pure helpers: relative times, teasers, the media proxy."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from gazette.web.media import MediaRefused, media_fetch, media_unsign, media_url
from gazette.web.templatetags.gazette_web import ago, exact, teaser
from tests.web.factories import make_article, make_source

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(seconds=10), "just now"),
        (timedelta(minutes=1), "1 minute ago"),
        (timedelta(minutes=29), "29 minutes ago"),
        (timedelta(hours=1, minutes=5), "1 hour ago"),
        (timedelta(hours=23), "23 hours ago"),
        (timedelta(hours=30), "yesterday"),
        (timedelta(days=3), "3 days ago"),
        (timedelta(days=40), "17 Oct 2026"),
        (timedelta(minutes=-2), "just now"),
    ],
)
def test_ago(delta, text):
    assert ago(NOW - delta, NOW) == text


def test_exact_and_none():
    assert exact(NOW) == "Thursday 26 November 2026, 12:00 UTC"
    assert ago(None) == "" and exact(None) == ""


def test_teaser_is_plain_and_short():
    article = SimpleNamespace(
        summary="<p>Big &amp; <b>bold</b> news " + "word " * 100 + "</p>", content_text=""
    )
    text = teaser(article, 60)
    assert text.startswith("Big & bold news") and len(text) <= 60 and "<" not in text
    fallback = SimpleNamespace(summary="", content_text="Only text here.")
    assert teaser(fallback, 60) == "Only text here."


def test_media_url_off_by_default(settings):
    assert media_url("https://img.example/a.jpg") == "https://img.example/a.jpg"


def test_media_url_signed_round_trip(settings):
    settings.GAZETTE_MEDIA_PROXY = True
    url = media_url("https://img.example/a.jpg")
    assert url.startswith("/media-proxy/") and "img.example" not in url
    assert media_unsign(url.split("/")[2]) == "https://img.example/a.jpg"
    with pytest.raises(MediaRefused):
        media_unsign(url.split("/")[2] + "x")


def test_media_fetch_refuses_private_addresses(settings):
    with pytest.raises(MediaRefused, match="private"):
        media_fetch("http://127.0.0.1:9/a.png")
    with pytest.raises(MediaRefused):
        media_fetch("file:///etc/passwd")


def test_media_fetch_reaches_a_listed_private_host_only(settings, http_server):
    http_server.route("/a.png", body=b"\x89PNG demo", headers={"Content-Type": "image/png"})
    settings.GAZETTE_INGEST = dataclasses.replace(
        settings.GAZETTE_INGEST, allow_private_hosts=frozenset({("127.0.0.1", http_server.port)})
    )
    assert media_fetch(http_server.url("/a.png")).body == b"\x89PNG demo"
    with pytest.raises(MediaRefused, match="private"):
        media_fetch(f"http://127.0.0.1:{http_server.port + 1}/a.png")
    with pytest.raises(MediaRefused, match="private"):
        media_fetch(f"http://localhost:{http_server.port}/a.png")


@pytest.fixture
def private_ok(settings):
    settings.GAZETTE_INGEST = dataclasses.replace(settings.GAZETTE_INGEST, allow_private_networks=True)
    settings.GAZETTE_MEDIA_PROXY = True
    return settings


@pytest.mark.django_db
def test_media_proxy_serves_signed_images_only(client, http_server, private_ok):
    http_server.route("/a.png", body=b"\x89PNG fake", headers={"Content-Type": "image/png"})
    http_server.route("/page.html", body=b"<html>", headers={"Content-Type": "text/html"})
    source = make_source()
    article = make_article(source, image_url=http_server.url("/a.png"))
    html = client.get(f"/article/{article.pk}/").content.decode()
    assert http_server.url("/a.png") not in html
    proxied = html.split('<img src="/media-proxy/')[1].split('"')[0]
    response = client.get("/media-proxy/" + proxied)
    assert response.status_code == 200 and response.content == b"\x89PNG fake"
    assert response["Content-Type"] == "image/png"
    assert "sandbox" in response["Content-Security-Policy"]
    assert client.get("/media-proxy/forged:sig/").status_code == 404
    not_image = media_url(http_server.url("/page.html"))
    assert client.get(not_image).status_code == 502


@pytest.mark.django_db
def test_media_proxy_off_is_404(client):
    assert client.get("/media-proxy/anything/").status_code == 404
