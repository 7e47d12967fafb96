"""A reader signs up, follows a topic, saves an article and comments, in Chromium through Playwright."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import User

from gazette.accounts.models import Comment, Follow, SavedArticle
from gazette.stories.models import ArticleTopic
from tests.browser import BROWSER_MARKS
from tests.web.factories import make_article, make_source, make_topic

pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")

from tests.web.test_browser import SCREENSHOTS, run_axe  # noqa: E402

pytestmark = BROWSER_MARKS

PASSWORD = "quiet-harbour-lantern-42"


@pytest.fixture
def newsroom(live_server):
    """A science topic with a few articles, and news elsewhere."""
    science = make_topic("science", "Science")
    lab = make_source("Lumen Science Desk")
    lead = make_article(lab, title="Telescope spots a comet heading for the inner planets")
    ArticleTopic.objects.create(article=lead, topic=science)
    for i in range(3):
        other = make_article(lab, title=f"Lab notes number {i}", ago=timedelta(hours=2 + i))
        ArticleTopic.objects.create(article=other, topic=science)
    make_article(make_source("Meridian Wire"), title="Harbour bridge approved", ago=timedelta(hours=1))
    return lead


def test_sign_up_follow_save_and_comment(browser, live_server, newsroom):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("dialog", lambda dialog: errors.append(f"dialog: {dialog.message}") or dialog.dismiss())

    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Sign up").click()
    page.wait_for_url("**/accounts/signup/**")
    assert run_axe(page) == []
    page.get_by_label("Username").fill("nadia")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_url(live_server.url + "/")
    assert page.locator(".account-name").inner_text() == "nadia"
    user = User.objects.get(username="nadia")

    # Follow the topic: htmx swaps the button in place.
    page.get_by_role("navigation", name="Sections").get_by_role("link", name="Science").click()
    page.wait_for_url("**/topic/science/")
    page.get_by_role("button", name="Follow Science").click()
    page.get_by_role("button", name="Following Science").wait_for()
    assert Follow.objects.filter(user=user, topic__slug="science").count() == 1

    # Save the article from its page.
    page.get_by_role("link", name=newsroom.title).first.click()
    page.wait_for_url(f"**/article/{newsroom.pk}/**")
    page.locator(".article-actions").get_by_role("button", name="Save for later").click()
    page.locator(".article-actions").get_by_role("button", name="Saved").wait_for()
    assert SavedArticle.objects.filter(user=user, article=newsroom).exists()

    # Comment: markup is shown as typed, never run.
    page.get_by_label("Your comment").fill("Wonderful <script>alert('boo')</script> news!")
    page.get_by_role("button", name="Post comment").click()
    page.locator(".comment-list .comment-body").wait_for()  # swapped in by htmx, no reload
    comment = Comment.objects.get(author=user)
    shown = page.locator(f"#comment-{comment.pk} .comment-body")
    assert shown.inner_text() == "Wonderful <script>alert('boo')</script> news!"
    assert "1 comment" in page.locator(".comments-link").inner_text()
    assert run_axe(page) == []

    # The account menu leads to the reader's lists.
    page.locator(".account-menu summary").click()
    page.get_by_role("link", name="Following").click()
    page.wait_for_url("**/following/")
    assert page.locator("#following-items").get_by_role("link", name=newsroom.title).is_visible()
    assert "Harbour bridge approved" not in page.locator("#following-items").inner_text()
    assert run_axe(page) == []
    page.locator(".account-menu summary").click()
    page.get_by_role("link", name="Saved").click()
    page.wait_for_url("**/saved/")
    assert page.locator("#saved-items").get_by_role("link", name=newsroom.title).is_visible()

    page.locator(".account-menu summary").click()
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(live_server.url + "/")
    assert page.get_by_role("navigation", name="Your account").get_by_role("link", name="Log in").is_visible()
    assert errors == []
    context.close()


def test_phone_width_header_and_comments(browser, live_server, newsroom):
    User.objects.create_user("a-rather-long-reader-name", password=PASSWORD)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(live_server.url + f"/article/{newsroom.pk}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("navigation", name="Your account").get_by_role("link", name="Log in").click()
    page.get_by_label("Username").fill("a-rather-long-reader-name")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"**/article/{newsroom.pk}/**")
    assert page.locator(".avatar").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.locator("#comments").scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "article-comments-phone.png"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()
