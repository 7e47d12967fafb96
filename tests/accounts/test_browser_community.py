"""Comments, replies, reports and the moderation queue in Chromium; hostile comments never run."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User

from gazette.accounts.comments import comment_post
from gazette.accounts.models import MODERATORS_GROUP, Comment, CommentReport, ModerationLog
from tests.browser import BROWSER_MARKS
from tests.web.factories import make_article, make_source, make_story

pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")

from tests.web.test_browser import run_axe  # noqa: E402

pytestmark = BROWSER_MARKS

PASSWORD = "quiet-harbour-lantern-42"

# Each would set window.__pwned, open a dialog or navigate if the page ever ran it.
PAYLOADS = [
    "<script>window.__pwned = 1; alert('script')</script>",
    "<img src=x onerror=\"window.__pwned = 2; alert('img')\">",
    "<svg onload=\"window.__pwned = 3; alert('svg')\"></svg>",
    "[click me](javascript:window.__pwned=4;alert('link'))",
    '<a href="javascript:window.__pwned=5">raw link</a>',
    '<b onmouseover="window.__pwned = 6">hover me</b>',
    "![img](javascript:alert('img2'))",
    '<iframe srcdoc="<script>parent.__pwned=7</script>"></iframe>',
]


@pytest.fixture
def article(live_server):
    return make_article(make_source("Meridian Wire"), title="Harbour bridge approved")


def watched(page) -> list[str]:
    """Everything unexpected the page does: dialogs, page errors, console errors."""
    events: list[str] = []
    page.on("dialog", lambda dialog: events.append(f"dialog: {dialog.message}") or dialog.dismiss())
    page.on("pageerror", lambda exc: events.append(f"pageerror: {exc}"))
    page.on("console", lambda m: m.type == "error" and events.append(f"console: {m.text}"))
    return events


def log_in(browser, live_server, username: str):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(live_server.url + "/")
    return context, page


def test_comment_reply_report_and_hide_from_the_queue(browser, live_server, article):
    omar = User.objects.create_user("omar", password=PASSWORD)
    mona = User.objects.create_user("mona", password=PASSWORD)
    mona.groups.add(Group.objects.get_or_create(name=MODERATORS_GROUP)[0])

    # A new reader signs up and comments; the comment appears without the page reloading.
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    events = watched(page)
    page.goto(live_server.url + "/accounts/signup/")
    page.get_by_label("Username").fill("nadia")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_url(live_server.url + "/")
    page.goto(live_server.url + f"/article/{article.pk}/")
    page.evaluate("window.__same_page = true")
    page.get_by_label("Your comment").fill(
        "The *ferry* queue is awful. Cheap watches at [shop](https://spam.example)"
    )
    page.get_by_role("button", name="Post comment").click()
    comment = page.locator(".comment-list > li.comment").first
    comment.wait_for()
    assert "The ferry queue is awful." in comment.locator(".comment-body").inner_text()
    assert comment.locator(".comment-body em").inner_text() == "ferry"
    assert comment.locator(".comment-body a").get_attribute("rel") == "nofollow ugc noopener"
    assert page.evaluate("window.__same_page") is True  # no reload
    assert page.locator(".comments-link").inner_text() == "1 comment"  # the header's count follows
    assert page.get_by_label("Your comment").input_value() == ""
    nadias = Comment.objects.get(author__username="nadia")
    assert comment.get_attribute("id") == f"comment-{nadias.pk}"

    # Another reader replies, then reports the comment.
    other_context, other = log_in(browser, live_server, "omar")
    other_events = watched(other)
    other.goto(live_server.url + f"/article/{article.pk}/")
    other.get_by_text("Reply to nadia", exact=True).click()
    other.get_by_label("Your reply to nadia").fill("Nobody wants watches.")
    other.get_by_role("button", name="Post reply").click()
    replies = other.locator(f"#comment-{nadias.pk} .comment-replies > li")
    replies.wait_for()
    assert "Nobody wants watches." in replies.inner_text()
    assert Comment.objects.get(author=omar).parent == nadias
    assert run_axe(other) == []
    other.get_by_role("link", name="Report the comment by nadia").click()
    other.wait_for_url(f"**/comments/{nadias.pk}/report/")
    other.get_by_label("Spam or advertising").check()
    other.get_by_label("Anything to add (optional)").fill("An advert for watches")
    other.get_by_role("button", name="Send report").click()
    other.wait_for_url(f"**/article/{article.pk}/**")
    assert other.get_by_text("You reported this comment.").is_visible()
    assert CommentReport.objects.get().reporter == omar

    # The commenter sees the reply under the bell.
    page.reload()
    assert page.locator(".bell-count").inner_text().startswith("1")

    # A moderator hides it from the queue; the audit log shows who, what and why.
    mod_context, mod = log_in(browser, live_server, "mona")
    mod_events = watched(mod)
    mod.locator(".account-menu summary").click()
    mod.get_by_role("link", name="Moderation").click()
    mod.wait_for_url("**/moderation/")
    item = mod.locator(f"#queue-{nadias.pk}")
    assert "omar: Spam or advertising" in item.inner_text()
    assert run_axe(mod) == []
    item.get_by_label("Reason (for the log)").fill("advertising")
    with mod.expect_navigation():
        item.get_by_role("button", name="Hide the comment by nadia").click()
    assert mod.get_by_text("Nothing to review").is_visible()
    mod.get_by_role("link", name="audit log").click()
    mod.wait_for_url("**/moderation/log/")
    row = mod.locator("table.moderation-log tbody tr").first
    cells = row.locator("td").all_inner_texts()
    assert cells[1:4] == ["mona", "Hid a comment", "nadia"] and cells[5] == "advertising"
    assert ModerationLog.objects.get().action == "hide"
    assert run_axe(mod) == []

    # Gone for everyone else.
    other.reload()
    assert "Cheap watches" not in other.locator("#comments").inner_text()
    assert events == [] and other_events == [] and mod_events == []
    for c in (context, other_context, mod_context):
        c.close()


def test_hostile_comments_never_run(browser, live_server, article):
    author = User.objects.create_user("mallory", password=PASSWORD)
    story = make_story([article])
    for payload in PAYLOADS:
        comment_post(author=author, article=article, body=payload)
        comment_post(author=author, story=story, body=payload)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    events = watched(page)
    for url in (f"/article/{article.pk}/", f"/story/{story.pk}/"):
        page.goto(live_server.url + url)
        bodies = page.locator("#comments .comment-body")
        assert bodies.count() == len(PAYLOADS)
        for i in range(bodies.count()):
            bodies.nth(i).hover()  # mouseover handlers, were there any
        assert page.evaluate("window.__pwned") is None
        assert page.locator("#comments script, #comments iframe, #comments img, #comments svg").count() == 0
        handlers = page.evaluate(
            """() => [...document.querySelectorAll('#comments *')].flatMap(
                e => [...e.attributes].map(a => a.name).filter(n => n.startsWith('on')))"""
        )
        assert handlers == []
        hrefs = page.evaluate(
            "() => [...document.querySelectorAll('#comments .comment-body a')].map(a => a.href)"
        )
        assert not [h for h in hrefs if not h.startswith(("http://", "https://"))]
        # The text is shown as typed.
        assert "<script>window.__pwned = 1" in page.locator("#comments").inner_text()
    assert events == []
    context.close()


def test_hostile_comment_posted_through_htmx_never_runs(browser, live_server, article):
    User.objects.create_user("mallory", password=PASSWORD)
    User.objects.filter(username="mallory").update(date_joined=article.published_at.replace(year=2020))
    context, page = log_in(browser, live_server, "mallory")
    events = watched(page)
    page.goto(live_server.url + f"/article/{article.pk}/")
    for payload in PAYLOADS[:3]:
        page.get_by_label("Your comment").fill(payload)
        page.get_by_role("button", name="Post comment").click()
        page.wait_for_function(
            "n => document.querySelectorAll('.comment-list > li').length === n",
            arg=PAYLOADS.index(payload) + 1,
        )
    assert page.evaluate("window.__pwned") is None
    assert page.locator("#comments script, #comments img, #comments svg").count() == 0
    assert events == []
    context.close()
