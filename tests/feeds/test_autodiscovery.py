"""The pages name their feeds in <link rel="alternate">, so feed readers find them from the page's URL."""

from __future__ import annotations

import html
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


def test_search_page_links_the_feeds_of_its_query(client, corpus):
    page = f"/search?q=puerto&source={corpus.wire.pk}&topic=&from=&page=2"
    links = alternates(client.get(page).content.decode())
    # The words and the filters set; not the empty filters, not the page number.
    query = f"q=puerto&source={corpus.wire.pk}"
    assert html.unescape(links["application/rss+xml"]) == f"/feeds/search.rss?{query}"
    assert html.unescape(links["application/atom+xml"]) == f"/feeds/search.atom?{query}"
    feed = client.get(f"/feeds/search.rss?{query}")
    assert feed.status_code == 200
    assert "Quake strikes Puerto Salinas" in feed.content.decode()
    assert "Rescuers dig through rubble" not in feed.content.decode()


def test_search_feed_links_keep_the_query_intact(client, corpus):
    page = client.get("/search?q=%22salinas%22+%26+rubble&from=2020-01-01&to=2099-12-31").content.decode()
    rss = html.unescape(alternates(page)["application/rss+xml"])
    assert rss == "/feeds/search.rss?q=%22salinas%22+%26+rubble&from=2020-01-01&to=2099-12-31"
    assert 'title="Search: &quot;salinas&quot; &amp; rubble (RSS)"' in page


def test_search_page_without_a_query_links_no_feed(client, corpus):
    for page in ("/search", "/search?q=", "/search?q=+++&source=1"):
        assert alternates(client.get(page).content.decode()) == {}, page
