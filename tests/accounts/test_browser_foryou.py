"""A reader follows a topic, finds its articles on For you with their reason, and shows fewer like them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import User

from gazette.accounts.models import ForYouMute
from gazette.stories.models import ArticleTopic
from tests.browser import BROWSER_MARKS
from tests.web.factories import make_article, make_source, make_topic

pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")

from tests.web.test_browser import SCREENSHOTS, run_axe  # noqa: E402

pytestmark = BROWSER_MARKS

PASSWORD = "quiet-harbour-lantern-42"


@pytest.fixture
def newsroom(live_server):
    """A science topic with two articles, and a followed-looking outlet's news elsewhere."""
    science = make_topic("science", "Science")
    lab = make_source("Lumen Science Desk")
    for i, title in enumerate(["Telescope spots a comet heading inward", "Lab grows a sturdier wheat"]):
        article = make_article(lab, title=title, ago=timedelta(hours=1 + i))
        ArticleTopic.objects.create(article=article, topic=science)
    make_article(make_source("Meridian Wire"), title="Harbour bridge approved", ago=timedelta(hours=1))
    User.objects.create_user("nadia", password=PASSWORD)
    return science


@pytest.mark.parametrize("width", [1280, 390])
def test_follow_a_topic_then_show_fewer_like_it(browser, live_server, newsroom, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username").fill("nadia")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(live_server.url + "/")

    # Nothing followed yet: the page says how to make it theirs.
    page.get_by_role("navigation", name="Front page views").get_by_role("link", name="For you").click()
    page.wait_for_url("**/for-you/")
    page.get_by_role("heading", name="Make this page yours").wait_for()
    page.get_by_role("list", name="Topics to follow").get_by_role("link", name="Science").click()
    page.wait_for_url("**/topic/science/")
    page.get_by_role("button", name="Follow Science").click()
    page.get_by_role("button", name="Following Science").wait_for()

    page.locator(".account-menu summary").click()
    page.get_by_role("navigation", name="Your account").get_by_role("link", name="For you").click()
    page.wait_for_url("**/for-you/")
    items = page.locator("#foryou-items")
    assert items.get_by_role("link", name="Telescope spots a comet heading inward").is_visible()
    assert items.get_by_role("link", name="In Science, which you follow").count() == 2
    assert "Harbour bridge approved" not in items.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert run_axe(page) == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"foryou-{width}.png"), full_page=True)

    items.get_by_role("button", name="Show fewer like this").first.click()
    page.get_by_role("heading", name="Showing fewer of").wait_for()
    assert page.locator("#foryou-items").count() == 0
    assert "In Science, which you follow" not in page.locator("main").inner_text()
    assert ForYouMute.objects.filter(user__username="nadia", topic=newsroom).exists()

    page.get_by_role("button", name="show Science again").click()
    page.locator("#foryou-items").get_by_role("link", name="In Science, which you follow").first.wait_for()
    assert not ForYouMute.objects.exists()
    assert errors == []
    context.close()
