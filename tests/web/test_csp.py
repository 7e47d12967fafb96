"""The Content-Security-Policy in a real browser: every page works under it, an injected inline script
does not run."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model

from tests.browser import BROWSER_MARKS
from tests.web.factories import make_article, make_category, make_source, make_story, make_summary

pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
pytestmark = BROWSER_MARKS


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.violations = []
    page.on("console", lambda m: "Content Security Policy" in m.text and page.violations.append(m.text))
    yield page
    context.close()


@pytest.fixture
def pages(live_server):
    world = make_category("World")
    wire = make_source("Meridian Wire", categories=[world], country="Spain")
    ledger = make_source("The Harbor Ledger", categories=[world], country="Chile")
    first = make_article(
        wire,
        title="Quake strikes Puerto Salinas",
        content_html="<p>A magnitude 6.4 earthquake struck before dawn, officials said.</p>",
        content_text="A magnitude 6.4 earthquake struck before dawn, officials said.",
    )
    second = make_article(ledger, title="Rescuers dig through rubble", ago=timedelta(hours=1))
    make_summary(first)
    story = make_story([first, second])
    get_user_model().objects.create_superuser("editor", "editor@example.test", "a long pass phrase")
    return [
        "/",
        f"/article/{first.pk}/",
        f"/story/{story.pk}/",
        "/stories/",
        "/sources/",
        f"/source/{wire.pk}/",
        "/category/world/",
        "/search?q=quake",
        "/accounts/login/",
        "/accounts/signup/",
        "/offline/",
        "/admin/login/",
        "/api/docs",
    ]


def test_every_page_works_under_the_policy(page, live_server, pages):
    for path in pages:
        response = page.goto(live_server.url + path)
        assert response is not None and response.status == 200, path
        policy = response.headers.get("content-security-policy", "")
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy, path
        page.wait_for_load_state("networkidle")
        assert page.violations == [], f"{path}: {page.violations}"
    # The Swagger page drew its interface from the site's own files.
    page.goto(live_server.url + "/api/docs")
    page.wait_for_selector(".swagger-ui .info", timeout=15_000)
    assert page.violations == []


def test_an_injected_inline_script_does_not_run(page, live_server, pages):
    page.goto(live_server.url + pages[1])
    page.evaluate(
        """() => {
            const s = document.createElement("script");
            s.textContent = "window.injected = true";
            document.body.appendChild(s);
        }"""
    )
    assert page.evaluate("() => window.injected === true") is False
    assert any("inline script" in v for v in page.violations)
