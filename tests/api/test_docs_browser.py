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
