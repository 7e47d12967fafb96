"""Offline reading in Chromium: the service worker keeps the front page, read and saved articles, per reader."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from gazette.web.views import site
from tests.browser import BROWSER_MARKS
from tests.web.factories import make_article, make_source

pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
pytestmark = BROWSER_MARKS

PASSWORD = "quiet-harbour-lantern-42"
STATIC = Path(site.__file__).parents[1] / "static" / "gazette"


@pytest.fixture
def newsroom(live_server):
    wire = make_source("Meridian Wire")
    image = live_server.url + "/static/gazette/icons/icon-512.png"
    return [
        make_article(
            wire,
            title="Harbour bridge approved after a year of debate",
            content_html="<p>The council voted nine to two for the new harbour bridge.</p>",
            content_text="The council voted nine to two for the new harbour bridge.",
            image_url=image,
        ),
        make_article(wire, title="Ferry timetable changes from Monday", ago=timedelta(hours=1)),
        make_article(wire, title="Storm warning for the northern coast", ago=timedelta(hours=2)),
    ]


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    yield context
    context.close()


def worker_ready(page, live_server) -> None:
    """Open the front page, wait until the service worker controls it, and open it again through it."""
    page.goto(live_server.url + "/")
    eventually(page, CONTROLLED)
    page.goto(live_server.url + "/")


CONTROLLED = "() => !!navigator.serviceWorker && navigator.serviceWorker.controller !== null"
KEPT = """async (path) => {
    for (const name of await caches.keys()) {
        if (!/-(pages|saved)$/.test(name)) continue;
        if (await (await caches.open(name)).match(new URL(path, location.origin).href, {ignoreVary: true})) return true;
    }
    return false;
}"""


def keeps(page, path: str) -> bool:
    """Whether a page cache of the worker holds `path`."""
    return page.evaluate(KEPT, path)


def eventually(page, script: str, arg=None, tries: int = 100) -> None:
    """Wait for an async check in the page to hold: the worker keeps pages after it has answered."""
    for _ in range(tries):
        if page.evaluate(script, arg):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"never true: {script[:80]} {arg}")


def wait_kept(page, path: str) -> None:
    eventually(page, KEPT, path)


def log_in(page, live_server, username: str) -> None:
    User.objects.create_user(username, password=PASSWORD)
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(live_server.url + "/")


def test_front_page_and_a_read_article_are_readable_offline(context, live_server, newsroom):
    read, _, unread = newsroom
    page = context.new_page()
    worker_ready(page, live_server)
    wait_kept(page, "/")
    page.goto(live_server.url + f"/article/{read.pk}/")
    assert page.locator(".lead-image img").evaluate("img => img.complete && img.naturalWidth > 0")
    wait_kept(page, f"/article/{read.pk}/")

    context.set_offline(True)
    # An article never opened: the network is really gone for the worker too, so the offline page.
    page.goto(live_server.url + f"/article/{unread.pk}/")
    assert page.locator("h1").inner_text() == "You're offline"
    listed = page.locator("[data-offline-pages] li a")
    listed.first.wait_for()
    assert set(listed.all_inner_texts()) == {"Front page", read.title}
    assert page.locator("[data-offline-saved]").is_hidden()

    page.goto(live_server.url + "/")
    assert page.get_by_role("heading", name="Top stories").is_visible()
    assert page.get_by_role("link", name=read.title).first.is_visible()
    # The article read, by either of its addresses, with its small image and the site's styles.
    page.goto(live_server.url + f"/article/{read.pk}/any-slug/")
    assert page.locator("h1").inner_text() == read.title
    assert "nine to two" in page.locator(".story-body").inner_text()
    image = page.locator(".lead-image img")
    image.wait_for()
    eventually(page, "() => document.querySelector('.lead-image img').complete")
    assert image.evaluate("img => img.naturalWidth") > 0
    assert page.evaluate("getComputedStyle(document.querySelector('.site-header')).position") == "sticky"
    # With a query an article is still that article; the front page's second page is not its first.
    page.goto(live_server.url + f"/article/{read.pk}/?utm_source=feed")
    assert page.locator("h1").inner_text() == read.title
    page.goto(live_server.url + "/?page=2")
    assert page.locator("h1").inner_text() == "You're offline"


def test_a_saved_article_is_kept_and_an_unsaved_one_dropped(context, live_server, newsroom):
    first, second, _ = newsroom
    page = context.new_page()
    log_in(page, live_server, "nadia")
    eventually(page, CONTROLLED)
    # Saved from a card on the front page, without opening the article.
    page.get_by_role("button", name=f"Save for later: {second.title}").click()
    page.get_by_role("button", name=f"Remove from saved: {second.title}").wait_for()
    wait_kept(page, f"/article/{second.pk}/")
    page.get_by_role("button", name=f"Save for later: {first.title}").click()
    page.get_by_role("button", name=f"Remove from saved: {first.title}").wait_for()
    wait_kept(page, f"/article/{first.pk}/")
    page.get_by_role("button", name=f"Remove from saved: {first.title}").click()
    page.get_by_role("button", name=f"Save for later: {first.title}").wait_for()
    eventually(page, f"async (path) => !(await ({KEPT})(path))", f"/article/{first.pk}/")

    context.set_offline(True)
    page.goto(live_server.url + f"/article/{second.pk}/")
    assert page.locator("h1").inner_text() == second.title
    # What is kept is the page a signed-out reader sees: no one's name in it.
    assert page.locator(".account-name").count() == 0
    assert "nadia" not in page.content()
    page.goto(live_server.url + f"/article/{first.pk}/")
    assert page.locator("h1").inner_text() == "You're offline"
    saved = page.locator("[data-offline-saved] li a")
    saved.first.wait_for()
    assert saved.all_inner_texts() == [second.title]


def test_logging_out_empties_the_kept_pages(context, live_server, newsroom):
    read = newsroom[0]
    page = context.new_page()
    log_in(page, live_server, "omar")
    eventually(page, CONTROLLED)
    page.goto(live_server.url + f"/article/{read.pk}/")
    page.get_by_role("button", name="Save for later").click()
    page.get_by_role("button", name="Saved").wait_for()
    wait_kept(page, f"/article/{read.pk}/")
    page.locator(".account-menu summary").click()
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(live_server.url + "/")
    assert page.get_by_role("link", name="Log in").is_visible()
    assert not keeps(page, f"/article/{read.pk}/")

    context.set_offline(True)
    page.goto(live_server.url + f"/article/{read.pk}/")
    assert page.locator("h1").inner_text() == "You're offline"
    # Only the front page, seen signed out after the redirect, is kept again.
    listed = page.locator("[data-offline-list] li a")
    listed.first.wait_for()
    assert listed.all_inner_texts() == ["Front page"]


def test_a_new_version_fetches_the_kept_pages_again_and_drops_old_caches(
    context, live_server, newsroom, monkeypatch
):
    read = newsroom[0]
    page = context.new_page()
    worker_ready(page, live_server)
    page.goto(live_server.url + f"/article/{read.pk}/")
    wait_kept(page, f"/article/{read.pk}/")
    old = page.evaluate(
        """async () => {
            const name = (await caches.keys()).find((n) => n.endsWith('-pages'));
            await (await caches.open(name)).put(new URL('/article/999999/', location.origin).href, new Response('<h1>Gone</h1>'));
            return name;
        }"""
    )
    # A deploy: another static file's name changes the worker's version.
    monkeypatch.setattr(site, "SW_ASSETS", (*site.SW_ASSETS, "gazette/icons/icon-192.png"))
    page.evaluate("async () => (await navigator.serviceWorker.getRegistration()).update()")
    eventually(
        page,
        "async (old) => { const keys = await caches.keys(); return !keys.includes(old) && keys.some((n) => n.endsWith('-pages')); }",
        old,
    )
    assert keeps(page, f"/article/{read.pk}/")
    assert not keeps(page, "/article/999999/")  # the server says 404 now: dropped
    assert all(name.startswith(old.removesuffix("pages")) is False for name in page.evaluate("caches.keys()"))


def test_small_images_are_kept_and_large_ones_not(context, live_server, http_server, settings):
    """Publishers' images through the media proxy: same-origin, so the worker can see their size."""
    settings.GAZETTE_INGEST = dataclasses.replace(settings.GAZETTE_INGEST, allow_private_networks=True)
    settings.GAZETTE_MEDIA_PROXY = True
    png = (STATIC / "icons" / "icon-192.png").read_bytes()
    # A valid PNG padded past the cap with a trailing chunk the decoder ignores.
    large = png + b"\0" * (site.SW_IMAGE_MAX_BYTES + 1)
    http_server.route("/small.png", body=png, headers={"Content-Type": "image/png"})
    http_server.route("/large.png", body=large, headers={"Content-Type": "image/png"})
    wire = make_source("Meridian Wire")
    small_one = make_article(wire, title="Small picture", image_url=http_server.url("/small.png"))
    large_one = make_article(wire, title="Large picture", image_url=http_server.url("/large.png"))
    page = context.new_page()
    worker_ready(page, live_server)
    images = {}
    for article in (small_one, large_one):
        page.goto(live_server.url + f"/article/{article.pk}/")
        image = page.locator(".lead-image img")
        assert "/media-proxy/" in image.get_attribute("src")
        eventually(page, "() => document.querySelector('.lead-image img').complete")
        assert image.evaluate("img => img.naturalWidth") > 0
        images[article.pk] = image.evaluate("img => img.src")
        wait_kept(page, f"/article/{article.pk}/")
    kept = """async (url) => {
        const name = (await caches.keys()).find((n) => n.endsWith('-images'));
        return !!name && !!(await (await caches.open(name)).match(url));
    }"""
    eventually(page, kept, images[small_one.pk])
    assert page.evaluate(kept, images[large_one.pk]) is False

    context.set_offline(True)
    page.goto(live_server.url + f"/article/{small_one.pk}/")
    assert page.locator("h1").inner_text() == small_one.title
    eventually(page, "() => document.querySelector('.lead-image img').complete")
    assert page.locator(".lead-image img").evaluate("img => img.naturalWidth") > 0
