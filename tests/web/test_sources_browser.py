"""The sources table on a phone, in Chromium: the page never scrolls sideways; a wide table scrolls in
its own box instead."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from gazette.sources.models import Source
from tests.browser import BROWSER_MARKS
from tests.web.factories import make_article, make_source

pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")

from tests.web.test_browser import SCREENSHOTS  # noqa: E402

pytestmark = BROWSER_MARKS

PHONE = {"width": 390, "height": 844}
PASSWORD = "x-admin-password-1"
LONG_URL = "https://feeds.example-publisher-with-a-long-name.com/rss/world/europe/politics/latest-news.xml"


@pytest.fixture
def sources(live_server):
    User.objects.create_superuser("admin", password=PASSWORD)
    for n in range(3):
        source = make_source(
            f"Publisher {n} with a rather long name",
            feed_url=f"{LONG_URL}?n={n}",
            site_url=f"{LONG_URL.removesuffix('.xml')}-and-its-front-page-address/{n}",
        )
        make_article(source, title=f"Headline {n}")
    Source.objects.update(
        last_polled_at=timezone.now(),
        consecutive_errors=2,
        last_error="HTTPSConnectionPool(host='feeds.example.com',port=443):Max_retries_exceeded_with_url:"
        "/rss/world/europe/politics/latest-news.xml(Caused_by_NameResolutionError)",
    )
    return list(Source.objects.all())


def _overflow(page) -> int:
    """How far the page is wider than the window (0 when nothing sticks out)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_the_sources_table_fits_a_phone(browser, live_server, sources):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(live_server.url + "/admin/login/?next=/admin/sources/source/")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/sources/source/")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "admin-sources-phone.png", full_page=True)
    assert _overflow(page) <= 0
    box = page.locator("#result_list").evaluate(
        "t => { const s = t.closest('.results'); return [s.scrollWidth, s.clientWidth, getComputedStyle(s).overflowX] }"
    )
    assert box[2] == "auto"  # the table scrolls inside its box
    page.set_viewport_size({"width": 1280, "height": 900})
    page.reload()
    page.screenshot(path=SCREENSHOTS / "admin-sources-desktop.png", full_page=True)
    assert _overflow(page) <= 0
    # Long addresses and errors wrap in their cells rather than stretching the table.
    widths = page.locator("td.field-feed_url, td.field-short_error").evaluate_all(
        "cs => cs.map(c => c.offsetWidth)"
    )
    assert len(widths) == 6 and max(widths) < 200
    page.set_viewport_size(PHONE)
    for path in ("/sources/", f"/source/{sources[0].pk}/"):
        page.goto(live_server.url + path)
        page.screenshot(path=SCREENSHOTS / f"{path.strip('/').replace('/', '-')}-phone.png", full_page=True)
        assert _overflow(page) <= 0, path
    context.close()
