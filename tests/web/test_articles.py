"""The article page's header: the story line, the printed time, the publisher's badge."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from tests.web.factories import make_article, make_source, make_story

pytestmark = pytest.mark.django_db


def story_line(html: str) -> str:
    return re.search(r'<p class="story-link">(.*?)</p>', html, re.S).group(1)


def test_the_story_line_leaves_out_a_title_that_repeats_the_headline(client):
    first = make_article(title="Quake strikes Puerto Salinas", ago=timedelta(hours=2))
    second = make_article(make_source("Meridian Wire"), title="Rescuers dig through the rubble")
    story = make_story([first, second], title="Quake strikes  Puerto Salinas")
    line = story_line(client.get(f"/article/{first.pk}/").content.decode())
    assert "Part of a story" in line and "Quake strikes" not in line
    assert f'href="/story/{story.pk}/"' in line and "2 outlets" in line
    line = story_line(client.get(f"/article/{second.pk}/").content.decode())
    assert "Part of story: Quake strikes  Puerto Salinas" in line


def test_the_exact_time_is_printed_beside_the_relative_one(client, settings):
    settings.TIME_ZONE = "UTC"
    published = datetime(2026, 12, 7, 14, 5, tzinfo=UTC)
    article = make_article(published_at=published)
    html = client.get(f"/article/{article.pk}/").content.decode()
    byline = re.search(r'<p class="byline">(.*?)</p>', html, re.S).group(1)
    assert (
        '<time class="published" datetime="2026-12-07T14:05:00+00:00">7 Dec 2026, 14:05 UTC</time>' in byline
    )
    assert re.search(r"<time [^>]*data-relative>[^<]+</time>", byline)


def test_the_time_is_printed_in_the_sites_time_zone(client, settings):
    settings.TIME_ZONE = "Europe/Madrid"
    article = make_article(published_at=datetime(2026, 7, 1, 22, 30, tzinfo=UTC))
    with timezone.override("Europe/Madrid"):
        html = client.get(f"/article/{article.pk}/").content.decode()
    assert ">2 Jul 2026, 00:30 CEST</time>" in html


def test_a_favicon_sits_over_the_publishers_initial(client):
    source = make_source("The Harbor Ledger", icon_url="https://ledger.example/favicon.ico")
    article = make_article(source)
    html = client.get(f"/article/{article.pk}/").content.decode()
    badge = re.search(r'<p class="publisher">(.*?)</p>', html, re.S).group(1)
    assert re.search(
        r'<span class="badge badge-\d badge-with-icon" aria-hidden="true">H<img class="badge-icon"', badge
    )
    assert 'src="https://ledger.example/favicon.ico"' in badge
