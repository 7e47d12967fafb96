"""The reader site in a real browser: Debian's Chromium driven by Playwright against live_server."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from gazette.ai.models import StoryDigest
from gazette.sources.models import Source
from tests.browser import BROWSER_MARKS
from tests.web.factories import make_article, make_category, make_source, make_story, make_summary

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"

pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
pytestmark = BROWSER_MARKS

PARAGRAPHS = [
    "A magnitude 6.4 earthquake struck off the coast before dawn, killing at least four people in the port "
    "city of Puerto Salinas and cutting power to tens of thousands of homes, officials said.",
    "The quake hit at 3:52 a.m. local time at a depth of 29 kilometres. A tsunami precaution was issued for "
    "a 300-kilometre stretch of coastline and lifted a little over an hour later.",
    '"We are still going street by street, house by house," the mayor said outside the municipal building.',
]


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    page.on("pageerror", lambda exc: page.console_errors.append(str(exc)))
    yield page
    context.close()


@pytest.fixture
def newsroom(live_server):
    """A few publishers covering the same event, plus unrelated news."""
    world = make_category("World")
    business = make_category("Business")
    wire = make_source("Meridian Wire", categories=[world])
    ledger = make_source("The Harbor Ledger", categories=[world], display=Source.Display.EXCERPT)
    lumen = make_source("Lumen Business Daily", categories=[business])
    image = live_server.url + "/static/gazette/icons/icon-512.png"
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    lead = make_article(
        wire,
        title="Magnitude 6.4 earthquake strikes near Puerto Salinas, at least four dead",
        author="Lucía Ferrer",
        content_html=body,
        content_text=" ".join(PARAGRAPHS),
        summary=f"<p>{PARAGRAPHS[0]}</p>",
        image_url=image,
    )
    make_article(
        ledger, title="Puerto Salinas earthquake: rescuers dig through rubble", ago=timedelta(hours=2)
    )
    make_article(
        lumen, title="Novalink slips as analysts question foldable price tag", ago=timedelta(hours=3)
    )
    for i in range(6):
        make_article(lumen, title=f"Markets update number {i}", ago=timedelta(hours=4 + i))
    return lead


def run_axe(page) -> list[dict]:
    # Evaluated through the DevTools protocol: a <script> tag would be refused by the site's CSP.
    page.evaluate(f"() => {{ {AXE.read_text()}\n; window.axe = axe; }}")
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]}
        for v in result["violations"]
    ]


def test_front_page_article_and_accessibility(page, live_server, newsroom):
    page.goto(live_server.url + "/")
    assert page.locator("h1").count() == 1
    assert page.get_by_role("heading", name="Top stories").is_visible()
    assert run_axe(page) == []
    page.get_by_role("link", name=newsroom.title).first.click()
    page.wait_for_url(f"**/article/{newsroom.pk}/**")
    assert page.locator("h1").inner_text() == newsroom.title
    assert page.locator("time[datetime]").first.is_visible()
    assert page.get_by_role("heading", name="Related coverage").is_visible()
    assert "rescuers dig through rubble" in page.locator(".related").inner_text()
    assert page.get_by_text("No comments yet").is_visible()
    assert run_axe(page) == []
    assert page.console_errors == []


def test_ask_highlights_the_cited_sentence(page, live_server, newsroom):
    make_summary(
        newsroom,
        sentences=["A magnitude 6.4 earthquake killed at least four people in Puerto Salinas."],
        keypoints=["At least four dead", "Tsunami precaution lifted"],
    )
    page.goto(live_server.url + f"/article/{newsroom.pk}/")
    assert page.get_by_role("heading", name="Key points").is_visible()
    # Listen is offered when the browser can speak; the control is always in the page.
    assert page.locator("[data-listen-toggle]").count() == 1
    if page.evaluate("'speechSynthesis' in window"):
        assert page.locator("[data-listen-toggle]").is_visible()
    page.locator("#ask-question").fill("How many people were killed?")
    page.get_by_role("button", name="Ask").click()
    page.locator(".ask-answer .citations a").first.wait_for()
    assert "Best matching sentences from the article" in page.locator("#ask-result").inner_text()
    mark = page.locator(".story-body mark#cite-1")
    assert mark.is_visible() and "killing at least four people" in mark.inner_text()
    page.locator(".ask-answer .citations a").first.click()
    page.wait_for_function("location.hash === '#cite-1'")
    # Still one page: htmx swapped the answer in.
    assert page.locator("h1").count() == 1
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SCREENSHOTS / "article-answer-desktop-light.png"))
    assert run_axe(page) == []
    assert page.console_errors == []


def test_ask_without_javascript(browser, live_server, newsroom):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + f"/article/{newsroom.pk}/")
    assert not page.locator("[data-listen]").is_visible()
    page.locator("#ask-question").fill("Who said they were going street by street?")
    page.get_by_role("button", name="Ask").click()
    page.wait_for_url("**/ask/#ask")
    assert page.locator(".story-body mark.cite").count() >= 1
    assert "the mayor said" in page.locator(".story-body mark#cite-1").inner_text()
    context.close()


def test_story_page_in_the_browser(page, live_server, newsroom):
    from gazette.articles.models import Article

    others = list(Article.objects.exclude(pk=newsroom.pk).filter(title__contains="Puerto Salinas"))
    story = make_story([newsroom, *others])
    StoryDigest.objects.create(
        story=story,
        article_count=story.article_count,
        method="extractive-overlap",
        data={
            "first": {"article_id": newsroom.pk, "source": "Meridian Wire", "sentence": PARAGRAPHS[0]},
            "agreed": [
                {
                    "text": PARAGRAPHS[0],
                    "citations": [
                        {"article_id": newsroom.pk, "source": "Meridian Wire", "sentence": PARAGRAPHS[0]},
                        {
                            "article_id": others[0].pk,
                            "source": "The Harbor Ledger",
                            "sentence": "Rescuers dug.",
                        },
                    ],
                }
            ],
            "differences": [
                {
                    "about": "dead",
                    "figures": [
                        {"value": "4", "sources": ["Meridian Wire"], "article_ids": [newsroom.pk]},
                        {"value": "7", "sources": ["The Harbor Ledger"], "article_ids": [others[0].pk]},
                    ],
                }
            ],
            "outlets": 2,
        },
    )
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Full coverage").first.click()
    page.wait_for_url(f"**/story/{story.pk}/")
    assert page.locator("h1").inner_text() == story.title
    assert "4 (Meridian Wire) · 7 (The Harbor Ledger)" in page.locator(".digest").inner_text()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "story-desktop-light.png"), full_page=True)
    assert run_axe(page) == []
    assert page.console_errors == []


def test_search_from_the_header(page, live_server, newsroom):
    page.goto(live_server.url + "/")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "site-search"
    page.keyboard.type("earthquake")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?q=earthquake")
    assert "2 results" in page.locator("#results-title").inner_text()
    assert page.locator("mark").first.inner_text().lower() == "earthquake"
    assert run_axe(page) == []
    assert page.console_errors == []


def test_theme_toggle_sticks_across_pages(page, live_server, newsroom):
    page.emulate_media(color_scheme="light")
    page.goto(live_server.url + "/")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    page.locator(".theme-toggle").click()
    assert page.locator("html").get_attribute("data-theme") == "dark"
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") != background
    page.goto(live_server.url + "/sources/")
    # Rendered dark by the server from the cookie, before any script runs.
    assert page.locator("html").get_attribute("data-theme") == "dark"
    assert page.evaluate("localStorage.getItem('gazette-theme')") == "dark"
    assert run_axe(page) == []
    page.locator(".theme-toggle").click()
    assert page.locator("html").get_attribute("data-theme") == "light"
    assert page.console_errors == []


def test_keyboard_navigation_and_help(page, live_server, newsroom):
    page.goto(live_server.url + "/")
    page.keyboard.press("j")
    first = page.evaluate("document.activeElement.textContent")
    page.keyboard.press("j")
    second = page.evaluate("document.activeElement.textContent")
    assert first != second
    page.keyboard.press("k")
    assert page.evaluate("document.activeElement.textContent") == first
    assert page.locator(".card.is-current").count() == 1
    page.keyboard.press("Enter")
    page.wait_for_url("**/article/**")
    assert page.locator("h1").inner_text() == first.strip()
    page.keyboard.press("?")
    assert page.locator("dialog#help").is_visible()
    page.keyboard.press("Escape")
    assert not page.locator("dialog#help").is_visible()
    assert page.console_errors == []


def test_skip_link_is_first_tab_stop(page, live_server, newsroom):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert page.locator(".skip-link").is_visible()


def test_readable_without_javascript(browser, live_server, newsroom):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + f"/article/{newsroom.pk}/")
    assert page.locator("h1").inner_text() == newsroom.title
    assert "street by street" in page.locator(".story-body").inner_text()
    page.goto(live_server.url + "/")
    page.locator(".theme-toggle").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("data-theme") == "dark"
    context.close()


@pytest.mark.parametrize(("label", "width", "height"), [("phone", 390, 844), ("desktop", 1280, 900)])
def test_article_screenshots(browser, live_server, newsroom, label, width, height):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for scheme in ("light", "dark"):
        context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme)
        page = context.new_page()
        page.goto(live_server.url + f"/article/{newsroom.pk}/")
        page.locator(".lead-image img").scroll_into_view_if_needed()
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(SCREENSHOTS / f"article-{label}-{scheme}.png"))
        if label == "phone":
            # Nothing may overflow sideways on a phone.
            assert page.evaluate("document.documentElement.scrollWidth") <= width
        context.close()
    assert (SCREENSHOTS / f"article-{label}-light.png").stat().st_size > 5000


def test_listen_says_when_the_browser_has_no_voice(page, live_server, newsroom):
    """Headless Chromium has speechSynthesis but no voice: the button would say Pause and stay silent."""
    page.goto(live_server.url + f"/article/{newsroom.pk}/")
    voices = page.evaluate("'speechSynthesis' in window ? speechSynthesis.getVoices().length : 0")
    if voices:
        pytest.skip("this Chromium has a voice; the case under test is a browser without one")
    toggle = page.locator("[data-listen-toggle]")
    assert toggle.is_visible() and toggle.is_disabled()
    note = page.locator("[data-listen-note]")
    assert note.is_visible() and note.inner_text() == "Listening needs a voice on this device"
    assert toggle.get_attribute("aria-describedby") == "listen-note"
    toggle.click(force=True)  # a disabled button does nothing, whatever the reader tries
    assert toggle.inner_text().strip().endswith("Listen")
    assert page.evaluate("speechSynthesis.speaking || speechSynthesis.pending") is False
    assert run_axe(page) == []
    assert page.console_errors == []


def test_a_favicon_that_does_not_load_leaves_the_publishers_initial(page, live_server, newsroom):
    Source.objects.filter(pk=newsroom.source_id).update(
        icon_url=live_server.url + "/static/gazette/icons/no-such-favicon.png"
    )
    page.goto(live_server.url + f"/article/{newsroom.pk}/")
    page.wait_for_load_state("load")
    badge = page.locator(".publisher .badge")
    badge.wait_for()
    page.wait_for_function("document.querySelectorAll('.publisher img.badge-icon').length === 0")
    assert badge.inner_text() == "M" and badge.is_visible()
    box = badge.bounding_box()
    assert box["width"] > 10 and box["height"] > 10


def test_pages_at_phone_size_have_no_accessibility_violations(browser, live_server, newsroom):
    from gazette.articles.models import Article

    story = make_story(list(Article.objects.filter(title__contains="Puerto Salinas")))
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        for path in ("/", f"/article/{newsroom.pk}/", f"/story/{story.pk}/", "/search?q=earthquake"):
            response = page.goto(live_server.url + path)
            assert response is not None and response.ok, path
            # The header's logo link keeps its name when the site name beside it is hidden.
            assert page.get_by_role("link", name="Gazette front page").is_visible()
            assert run_axe(page) == [], path
    finally:
        context.close()
