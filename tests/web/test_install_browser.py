"""Installing the web app in Chromium: the button where the browser offers it, the hint on iOS Safari."""

from __future__ import annotations

import pytest

from tests.browser import BROWSER_MARKS
from tests.web.factories import make_article

pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")

from tests.web.test_browser import SCREENSHOTS, run_axe  # noqa: E402

pytestmark = BROWSER_MARKS

IPHONE_SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)
# What Chromium fires when the site may be installed; prompt() and userChoice as the browser gives them.
OFFER = """(outcome) => {
    window.prompted = 0;
    const event = new Event('beforeinstallprompt', {cancelable: true});
    event.prompt = () => { window.prompted += 1; return Promise.resolve(); };
    event.userChoice = Promise.resolve({outcome, platform: 'web'});
    window.dispatchEvent(event);
    return event.defaultPrevented;
}"""


@pytest.fixture
def context(browser, live_server):
    make_article(title="Harbour bridge approved after a year of debate")
    context = browser.new_context(viewport={"width": 390, "height": 844})
    yield context
    context.close()


def test_the_install_button_calls_the_browsers_prompt(context, live_server):
    page = context.new_page()
    page.goto(live_server.url + "/")
    banner = page.get_by_role("complementary", name="Install the app")
    assert banner.is_hidden()
    assert page.evaluate(OFFER, "accepted") is True  # the browser's own infobar is held back
    button = page.get_by_role("button", name="Install the app")
    assert button.is_visible()
    assert page.get_by_text("Add to Home Screen").is_hidden()
    assert [v for v in run_axe(page) if v["impact"] in ("serious", "critical")] == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "install-phone-light.png"))
    button.click()
    assert page.evaluate("window.prompted") == 1
    banner.wait_for(state="hidden")
    # Accepted is not a dismissal: nothing is remembered, the installed app simply runs standalone.
    assert page.evaluate("localStorage.getItem('gazette-install-dismissed')") is None


def test_not_now_and_a_declined_prompt_are_remembered(context, live_server):
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.evaluate(OFFER, "accepted")
    page.get_by_role("button", name="Not now").click()
    assert page.get_by_role("complementary", name="Install the app").is_hidden()
    page.reload()
    page.evaluate(OFFER, "accepted")
    assert page.get_by_role("button", name="Install the app").is_hidden()

    page.evaluate("localStorage.clear()")
    page.reload()
    page.evaluate(OFFER, "dismissed")
    page.get_by_role("button", name="Install the app").click()
    page.get_by_role("complementary", name="Install the app").wait_for(state="hidden")
    assert page.evaluate("localStorage.getItem('gazette-install-dismissed')") == "1"
    assert page.evaluate("window.prompted") == 1


def test_installed_app_offers_nothing(browser, live_server, context):
    page = context.new_page()
    page.add_init_script("window.matchMedia = (q) => ({ matches: q === '(display-mode: standalone)' })")
    page.goto(live_server.url + "/")
    page.evaluate(OFFER, "accepted")
    assert page.get_by_role("button", name="Install the app").is_hidden()


def test_ios_safari_gets_the_add_to_home_screen_hint(browser, live_server, context):
    iphone = browser.new_context(viewport={"width": 390, "height": 844}, user_agent=IPHONE_SAFARI)
    try:
        page = iphone.new_page()
        page.goto(live_server.url + "/")
        hint = page.get_by_text("Add to Home Screen")
        assert hint.is_visible()
        assert page.get_by_role("button", name="Install the app").is_hidden()
        assert [v for v in run_axe(page) if v["impact"] in ("serious", "critical")] == []
        page.get_by_role("button", name="Not now").click()
        assert hint.is_hidden()
        page.reload()
        assert page.get_by_role("complementary", name="Install the app").is_hidden()

        # Opened from the home screen (navigator.standalone), the hint is not shown.
        installed = iphone.new_page()
        installed.add_init_script("Object.defineProperty(navigator, 'standalone', { get: () => true })")
        installed.goto(live_server.url + "/")
        installed.evaluate("localStorage.clear()")
        installed.reload()
        assert installed.get_by_text("Add to Home Screen").is_hidden()
    finally:
        iphone.close()


def test_other_browsers_without_an_offer_show_nothing(context, live_server):
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.wait_for_load_state("load")
    assert page.get_by_role("complementary", name="Install the app").is_hidden()
