"""The site shell in a real browser: quick exit, history, layout at 320 px, accessibility."""

import pytest
from django.urls import reverse

from tandem.conftest import PASSWORD, assert_accessible, browser_login, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEUTRAL = "https://www.bbc.co.uk/weather"


@pytest.fixture
def neutral_site(page):
    """The neutral site is outside this machine's reach; Chromium is given a stand-in page."""
    page.route(
        "https://www.bbc.co.uk/**",
        lambda route: route.fulfill(
            status=200, content_type="text/html", body="<title>Weather</title><h1>Weather</h1>"
        ),
    )
    return page


def test_quick_exit_leaves_at_once_and_replaces_the_page_in_history(neutral_site):
    page = neutral_site
    page.goto("/")
    page.goto("/help/")
    length_before = page.evaluate("history.length")

    page.get_by_role("link", name="Exit this page").click()
    page.wait_for_url(NEUTRAL)

    assert page.evaluate("history.length") == length_before
    page.go_back()
    # Back goes to the page before the one left, never to the page the person exited from.
    assert page.url.endswith("/") and not page.url.endswith("/help/")


def test_pressing_escape_three_times_exits(neutral_site):
    page = neutral_site
    page.goto("/help/")
    page.locator("body").click()

    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    assert page.url.endswith("/help/")  # two presses are not enough
    page.keyboard.press("Escape")
    page.wait_for_url(NEUTRAL)


def test_quick_exit_works_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    page.route("https://www.bbc.co.uk/**", lambda r: r.fulfill(status=200, body="Weather"))
    page.goto("/")
    page.get_by_role("link", name="Exit this page").click()
    page.wait_for_url(NEUTRAL)
    context.close()


@pytest.mark.parametrize("width", [320, 1280])
def test_quick_exit_stays_on_screen_and_uncovered_when_scrolled(page, width):
    page.set_viewport_size({"width": width, "height": 640})
    page.goto("/")
    page.mouse.wheel(0, 2000)
    page.wait_for_timeout(100)

    button = page.get_by_role("link", name="Exit this page")
    box = button.bounding_box()
    assert box is not None and box["y"] >= 0 and box["x"] + box["width"] <= width
    # Whatever is painted at the button's centre is the button itself, not something over it.
    on_top = page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y).closest('[data-quick-exit]') !== null",
        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
    )
    assert on_top
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_the_skip_link_moves_focus_to_the_main_content(page):
    page.goto("/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/help/",
        "/for-therapists/",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
    ],
)
def test_public_pages_pass_the_accessibility_check(page, path):
    page.goto(path)
    assert_accessible(page)


def test_signed_in_pages_pass_the_accessibility_check(page):
    make_user("casey@example.com")
    browser_login(page, "casey@example.com")
    page.wait_for_url("**/")
    for path in ("/my-data/", "/accounts/email/", "/accounts/password/change/", "/accounts/2fa/"):
        page.goto(path)
        assert_accessible(page)


def test_a_new_therapist_is_walked_through_mfa_in_the_browser(page):
    import time

    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    make_user("theo@example.com", role="therapist")
    browser_login(page, "theo@example.com")
    page.goto("/my-data/")
    # Sent to set up MFA; allauth asks for the password first.
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/accounts/2fa/totp/activate/")
    assert_accessible(page)
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label("Authenticator code").fill(
        format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    )
    page.get_by_role("button", name="Turn on two-step verification").click()

    page.goto("/my-data/")
    assert page.get_by_role("heading", name="My data").is_visible()


def test_the_delete_form_errors_are_read_out_and_tied_to_the_field(page):
    make_user("casey@example.com")
    browser_login(page, "casey@example.com")
    page.wait_for_url("**/")
    page.goto(reverse("my_data"))
    page.get_by_label("Your password").fill("wrong password")
    page.get_by_label("I understand").check()
    page.get_by_role("button", name="Delete my account").click()

    field = page.get_by_label("Your password")
    assert field.get_attribute("aria-invalid") == "true"
    assert "That is not your password" in page.locator("#password-error").inner_text()
    assert_accessible(page)
