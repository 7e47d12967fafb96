"""Every page through the Django test client, with its edge cases."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.cache import cache

from gazette.articles.selectors import card_queryset
from gazette.sources.models import Source
from gazette.web import lists
from tests.web.factories import make_article, make_category, make_source

pytestmark = pytest.mark.django_db


def h1_count(html: str) -> int:
    return len(re.findall(r"<h1[\s>]", html))


def test_front_page_empty_database(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "No articles yet" in response.content.decode()
    assert h1_count(response.content.decode()) == 1


def test_front_page_lists_top_and_latest(client):
    world = make_category("World")
    ledger = make_source("The Harbor Ledger", categories=[world])
    wire = make_source("Meridian Wire", categories=[world])
    make_article(ledger, title="Earthquake strikes Puerto Salinas port")
    make_article(wire, title="Puerto Salinas earthquake: rescuers search rubble")
    make_article(wire, title="Markets close higher on tech rally", ago=timedelta(hours=5))
    html = client.get("/").content.decode()
    assert "Top stories" in html and "Latest" in html
    assert "Covered by 2 sources" in html
    # Before any article carries a topic, sections and the navigation use the sources' categories.
    assert 'href="/category/world/"' in html
    assert html.count("Markets close higher") >= 1


def test_front_page_pagination_bounds(client):
    source = make_source()
    for i in range(25):
        make_article(source, title=f"Headline number {i}", ago=timedelta(minutes=i + 1))
    first = client.get("/").content.decode()
    assert "Page 1 of 2" in first and "Headline number 0<" in first
    second = client.get("/?page=2").content.decode()
    assert "Page 2 of 2" in second and "Headline number 24<" in second
    assert "Top stories" not in second
    for odd in ("999", "-1", "abc", "0", "1e9"):
        assert client.get(f"/?page={odd}").status_code == 200


def test_lists_page_no_deeper_than_max_pages(client, monkeypatch):
    monkeypatch.setattr(lists, "MAX_PAGES", 2)
    source = make_source()
    for i in range(45):
        make_article(source, title=f"Headline number {i}", ago=timedelta(minutes=i + 1))
    first = client.get("/").content.decode()
    assert "Page 1 of 2+" in first and "Headline number 0<" in first
    # Past the last counted page: the nearest page, which still offers no older one.
    last = client.get("/?page=3").content.decode()
    assert "Page 2 of 2+" in last and 'rel="next"' not in last
    # Latest leaves out the articles shown as top stories on page 1; its second page ends at row 40.
    top = first.split('id="top-title"')[1].split("</section>")[0]
    listed = [i for i in range(45) if f"Headline number {i}<" not in top]
    assert f"Headline number {listed[39]}<" in last and f"Headline number {listed[40]}<" not in last
    source_page = client.get(f"/source/{source.pk}/").content.decode()
    assert "Page 1 of 2+" in source_page


def test_capped_paginator_counts_exactly_below_the_cap():
    source = make_source()
    for i in range(5):
        make_article(source, title=f"Headline number {i}")
    below = lists.CappedPaginator(card_queryset(), 2, max_pages=3)
    assert (below.count, below.num_pages, below.capped) == (5, 3, False)
    at = lists.CappedPaginator(card_queryset(), 2, max_pages=2)
    assert (at.count, at.num_pages, at.capped) == (4, 2, True)
    exact = lists.CappedPaginator(card_queryset(), 5, max_pages=1)
    assert (exact.count, exact.capped) == (5, False)


def test_article_page_essentials(client):
    source = make_source("Meridian Wire", icon_url="https://wire.example/favicon.png")
    article = make_article(source, author="Lucía Ferrer", image_url="https://wire.example/lead.jpg")
    response = client.get(f"/article/{article.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert h1_count(html) == 1
    assert f'href="/source/{source.pk}/"' in html
    assert 'src="https://wire.example/favicon.png"' in html
    assert "Lucía Ferrer" in html
    assert re.search(r'<time datetime="[^"]+" title="[^"]+" data-relative>29 minutes ago</time>', html)
    assert re.search(
        r'<img src="https://wire.example/lead.jpg" alt="[^"]+" width="\d+" height="\d+" loading="lazy"', html
    )
    assert article.content_html in html
    assert f'href="{article.url}"' in html
    assert "No comments yet" in html
    assert 'id="ai-panel"' in html and "Related coverage" in html


def test_article_slug_url_and_initial_badge(client):
    article = make_article(make_source("The Harbor Ledger"))
    response = client.get(f"/article/{article.pk}/any-slug/")
    assert response.status_code == 200
    assert 'class="badge badge-' in response.content.decode()
    assert ">H</span>" in response.content.decode()


def test_missing_article_shows_friendly_404(client):
    response = client.get("/article/424242/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "couldn't find that page" in html
    assert h1_count(html) == 1


def test_unknown_url_404(client):
    assert client.get("/no/such/page/").status_code == 404


def test_excerpt_source_shows_summary_and_prominent_link(client):
    source = make_source("Civic Post", display=Source.Display.EXCERPT)
    article = make_article(
        source, body="Secret full text paragraph that must not be shown.", summary="<p>Teaser.</p>"
    )
    html = client.get(f"/article/{article.pk}/").content.decode()
    assert "Teaser." in html
    assert "Secret full text paragraph" not in html
    assert "Read the full article at Civic Post" in html


def test_title_and_author_are_escaped(client):
    evil = '<script>alert("x")</script>'
    article = make_article(title=f"Breaking {evil}", author=f"Eve {evil}", body="Plain body.")
    html = client.get(f"/article/{article.pk}/").content.decode()
    assert evil not in html
    assert "&lt;script&gt;" in html
    front = client.get("/").content.decode()
    assert evil not in front
    search = client.get("/search?q=breaking").content.decode()
    assert evil not in search


def test_related_shows_other_sources_never_full_text(client):
    ledger = make_source("The Harbor Ledger")
    wire = make_source("Meridian Wire")
    article = make_article(ledger, title="Earthquake strikes Puerto Salinas port")
    other = make_article(
        wire,
        title="Puerto Salinas earthquake: rescuers search rubble",
        summary="<p>Rescuers searched.</p>",
        body="FULLTEXT-MARKER of the other publisher " * 20,
    )
    make_article(ledger, title="Puerto Salinas earthquake: second report from the same source")
    make_article(wire, title="Unrelated cooking recipe for soup")
    html = client.get(f"/article/{article.pk}/").content.decode()
    related = html.split('id="related-title"')[1]
    assert other.title in related
    assert "Rescuers searched." in related
    assert "FULLTEXT-MARKER" not in html
    assert "second report from the same source" not in related
    assert "cooking recipe" not in related
    assert f'href="{other.url}"' in related


def test_related_ignores_old_articles(client):
    article = make_article(make_source(), title="Earthquake strikes Puerto Salinas port")
    make_article(make_source("Other"), title="Puerto Salinas earthquake anniversary", ago=timedelta(days=30))
    html = client.get(f"/article/{article.pk}/").content.decode()
    assert "anniversary" not in html
    assert "No other source has covered this yet" in html


def test_also_published_by(client):
    original = make_article(make_source("Meridian Wire"))
    copy = make_article(make_source("Pinewood Herald"), title="Copy of the wire story", duplicate_of=original)
    html = client.get(f"/article/{original.pk}/").content.decode()
    assert "Also published by" in html and "Pinewood Herald" in html
    copy_html = client.get(f"/article/{copy.pk}/").content.decode()
    assert "Also published by" in copy_html and "Meridian Wire" in copy_html
    # Copies are not listed twice on the front page.
    assert client.get("/").content.decode().count("Copy of the wire story") == 0


def test_article_conditional_get(client):
    article = make_article()
    # The first visit hands out the CSRF cookie for the ask form, so that response is private.
    assert "private" in client.get(f"/article/{article.pk}/")["Cache-Control"]
    first = client.get(f"/article/{article.pk}/")
    assert first["ETag"] and first["Last-Modified"]
    assert "public" in first["Cache-Control"] and "max-age=60" in first["Cache-Control"]
    assert "Cookie" in first["Vary"]
    again = client.get(f"/article/{article.pk}/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    client.cookies["theme"] = "dark"
    themed = client.get(f"/article/{article.pk}/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert themed.status_code == 200
    assert 'data-theme="dark"' in themed.content.decode()


def test_new_article_changes_etag(client):
    article = make_article()
    etag = client.get(f"/article/{article.pk}/")["ETag"]
    make_article(make_source("Other"))
    cache.clear()  # the newest id is remembered for two seconds
    assert client.get(f"/article/{article.pk}/", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_source_page_health_and_articles(client):
    source = make_source(
        "Failing Feed", consecutive_errors=3, last_error="HTTP 503 <b>bad</b>", articles_per_day=4.25
    )
    from django.utils import timezone

    Source.objects.filter(pk=source.pk).update(last_polled_at=timezone.now())
    make_article(source, title="Only article")
    html = client.get(f"/source/{source.pk}/").content.decode()
    assert "Failing (3 errors in a row)" in html
    assert "HTTP 503 &lt;b&gt;bad&lt;/b&gt;" in html
    assert "1 in the last 24 hours · 1.0 a day over the last day" in html
    assert "Only article" in html
    assert h1_count(html) == 1


def test_source_page_states_the_window_of_its_rate(client):
    # 19 articles in its first day: shown as 19 a day over that day, not 19 / 7 = 2.7.
    source = make_source("Burst Wire", articles_per_day=2.71)
    for hour in range(19):
        make_article(source, title=f"Item {hour}", ago=timedelta(hours=hour, minutes=5))
    html = client.get(f"/source/{source.pk}/").content.decode()
    assert "19 in the last 24 hours · 19.0 a day over the last day" in html
    assert "2.7" not in html


def test_source_page_new_source_and_404(client):
    source = make_source("Brand New")
    html = client.get(f"/source/{source.pk}/").content.decode()
    assert "Not polled yet" in html and "No articles from this source yet" in html
    assert client.get("/source/999/").status_code == 404


def test_sources_list(client):
    assert "No sources yet" in client.get("/sources/").content.decode()
    source = make_source("Meridian Wire")
    make_article(source)
    html = client.get("/sources/").content.decode()
    assert "Meridian Wire" in html and "1 article" in html


def test_category_page(client):
    science = make_category("Science")
    make_article(make_source("Lab News", categories=[science]), title="Telescope finds water")
    make_article(make_source("Sports Daily"), title="Cup final tonight")
    html = client.get("/category/science/").content.decode()
    assert "Telescope finds water" in html and "Cup final tonight" not in html
    assert client.get("/category/nothing/").status_code == 404


def test_theme_toggle_without_javascript(client):
    response = client.post("/theme/", {"theme": "dark", "next": "/sources/"})
    assert response.status_code == 302 and response["Location"] == "/sources/"
    assert response.cookies["theme"].value == "dark"
    assert 'data-theme="dark"' in client.get("/").content.decode()
    evil = client.post("/theme/", {"theme": "light", "next": "https://evil.example/"})
    assert evil["Location"] == "/"
    reset = client.post("/theme/", {"theme": "auto"})
    assert reset.cookies["theme"].value == ""
    assert client.get("/theme/").status_code == 405


def test_unknown_theme_cookie_is_ignored(client):
    client.cookies["theme"] = '"><script>x</script>'
    html = client.get("/").content.decode()
    assert "data-theme" not in html.split("<head>")[0]


def test_pwa_files(client):
    manifest = client.get("/manifest.webmanifest")
    assert manifest.status_code == 200 and manifest["Content-Type"] == "application/manifest+json"
    data = manifest.json()
    assert data["start_url"] == "/" and any(i["sizes"] == "512x512" for i in data["icons"])
    sw = client.get("/sw.js")
    assert sw.status_code == 200 and "text/javascript" in sw["Content-Type"]
    assert "/offline/" in sw.content.decode()
    assert client.get("/offline/").status_code == 200


def test_service_worker_version_follows_the_static_files(client, monkeypatch):
    from gazette.web.views import site

    def version() -> str:
        body = client.get("/sw.js").content.decode()
        return body.split('const VERSION = "', 1)[1].split('"', 1)[0]

    first = version()
    assert first == version()
    monkeypatch.setattr(site, "SW_ASSETS", (*site.SW_ASSETS, "gazette/icons/icon-192.png"))
    assert version() != first
    body = client.get("/sw.js").content.decode()
    # Logging in, signing up or out empties what the worker kept.
    for path in ("/accounts/login/", "/accounts/logout/", "/accounts/signup/"):
        assert f'"{path}"' in body


def test_pages_have_landmarks_and_skip_link(client):
    article = make_article()
    for url in ("/", f"/article/{article.pk}/", "/sources/", "/search?q=bridge"):
        html = client.get(url).content.decode()
        assert 'class="skip-link" href="#main"' in html
        assert '<main id="main"' in html and "<header" in html and "<footer" in html
        assert 'role="search"' in html
        assert h1_count(html) == 1, url
        assert "https://cdn" not in html and "//unpkg" not in html
