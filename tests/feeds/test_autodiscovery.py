"""The pages name their feeds in <link rel="alternate">, so feed readers find them from the page's URL."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


def alternates(html: str) -> dict[str, str]:
    """type → href of each feed link in the page's head."""
    head = html.split("</head>", 1)[0]
    links = re.findall(
        r'<link rel="alternate" type="(application/(?:rss|atom)\+xml)" title="[^"]+" href="([^"]+)">', head
    )
    found: dict[str, list[str]] = {}
    for kind, href in links:
        found.setdefault(kind, []).append(href)
    return {kind: " ".join(hrefs) for kind, hrefs in found.items()}


def test_pages_link_their_feeds(client, corpus):
    pages = {
        "/": ("/feeds/top", "/feeds/latest"),
        "/topic/world/": ("/feeds/topic/world",),
        f"/source/{corpus.wire.pk}/": (f"/feeds/source/{corpus.wire.pk}",),
        "/entity/puerto-salinas/": ("/feeds/entity/puerto-salinas",),
        f"/story/{corpus.story.pk}/": (f"/feeds/story/{corpus.story.pk}",),
    }
    for page, feeds in pages.items():
        response = client.get(page)
        assert response.status_code == 200, page
        links = alternates(response.content.decode())
        for feed in feeds:
            assert f"{feed}.rss" in links["application/rss+xml"].split(), page
            assert f"{feed}.atom" in links["application/atom+xml"].split(), page
            assert client.get(f"{feed}.rss").status_code == 200


def test_feed_link_titles_name_the_page(client, corpus):
    html = client.get(f"/story/{corpus.story.pk}/").content.decode()
    assert 'title="Quake strikes Puerto Salinas (RSS)"' in html
    assert 'title="Quake strikes Puerto Salinas (Atom)"' in html
