"""The API docs page in Chromium: Swagger UI renders every operation with no request leaving this site."""

from __future__ import annotations

import pytest

from tests.api.test_api import PATHS, READER_OPERATIONS
from tests.browser import BROWSER_MARKS

pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
pytestmark = BROWSER_MARKS


@pytest.fixture
def page(browser):
    context = browser.new_context()
    yield context.new_page()
    context.close()


def test_docs_render_offline(page, live_server):
    elsewhere: list[str] = []
    errors: list[str] = []

    def only_this_site(route) -> None:
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    page.route("**/*", only_this_site)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live_server.url + "/api/docs")
    page.wait_for_selector(".opblock-summary-path", timeout=30_000)  # a loaded machine: 20 paths
    shown = set(page.locator(".opblock-summary-path").all_inner_texts())
    assert {p.replace("\u200b", "") for p in shown} == PATHS | {path for path, _ in READER_OPERATIONS}
    expected = {(path, "get") for path in PATHS} | READER_OPERATIONS
    for method in ("get", "put", "post", "delete"):
        assert page.locator(f".opblock-{method}").count() == sum(m == method for _, m in expected), method
    assert elsewhere == [] and errors == []


def test_docs_at_phone_size_have_no_serious_accessibility_violations(browser, live_server):
    from tests.web.test_browser import run_axe

    # A phone's browser (is_mobile) lays out a page without a viewport tag 980 px wide.
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/api/docs")
        page.wait_for_selector(".opblock-summary-path", timeout=15_000)
        assert page.locator("html").get_attribute("lang") == "en"
        # The viewport tag: the page is laid out at the phone's width, not zoomed out from 980 px.
        assert page.evaluate("window.innerWidth") == 390
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        # An operation opened shows its parameters and responses, which axe checks too.
        page.locator(".opblock-summary").first.click()
        page.locator(".opblock-body").first.wait_for()
        violations = run_axe(page)
        assert [v for v in violations if v["impact"] in ("serious", "critical")] == []
    finally:
        context.close()
