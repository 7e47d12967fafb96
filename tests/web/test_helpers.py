"""Pure helpers: headline keywords, top-story ranking, relative times, teasers, the media proxy."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from gazette.web.keywords import headline_keywords
from gazette.web.media import MediaRefused, media_fetch, media_unsign, media_url
from gazette.web.ranking import Candidate, top_stories_rank, top_stories_score
from gazette.web.templatetags.gazette_web import ago, exact, teaser
from tests.web.factories import make_article, make_source

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def test_headline_keywords_drop_stopwords_and_duplicates():
    assert headline_keywords("The bridge: what we know about the Bridge vote in 2026") == [
        "bridge",
        "know",
        "vote",
        "2026",
    ]
    assert headline_keywords("") == []


def test_headline_keywords_fold_accents_and_typographic_quotes():
    assert headline_keywords("Floods hit São Paulo’s poorest") == headline_keywords(
        "Floods hit Sao Paulo's poorest"
    )
    assert headline_keywords("Floods hit Sao Paulo's poorest") == ["floods", "hit", "sao", "paulo", "poorest"]


def test_score_rewards_coverage_and_punishes_age():
    assert top_stories_score(age_hours=1, coverage=3) > top_stories_score(age_hours=1, coverage=0)
    assert top_stories_score(age_hours=1, coverage=0) > top_stories_score(age_hours=10, coverage=0)


def _cand(i, source, title, hours):
    return Candidate(i, source, title, NOW - timedelta(hours=hours))


def test_rank_prefers_widely_covered_and_folds_duplicates():
    candidates = [
        _cand(1, 1, "Cat show opens downtown", 0.5),
        _cand(2, 2, "Earthquake hits Puerto Salinas", 3),
        _cand(3, 3, "Puerto Salinas earthquake toll rises", 2.5),
        _cand(4, 4, "Rescuers in Puerto Salinas after earthquake", 2),
        _cand(5, 5, "Markets calm", 30),
    ]
    ranked = top_stories_rank(candidates, now=NOW, limit=5)
    assert ranked[0].article_id in {2, 3, 4}
    assert ranked[0].coverage == 2
    ids = [s.article_id for s in ranked]
    assert len({2, 3, 4} & set(ids)) == 1
    assert ids.index(1) < ids.index(5)


def test_rank_counts_sources_not_articles():
    candidates = [
        _cand(1, 1, "Harbour bridge vote passes", 1),
        _cand(2, 1, "Harbour bridge vote: reactions", 1),
    ]
    assert top_stories_rank(candidates, now=NOW)[0].coverage == 0


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
