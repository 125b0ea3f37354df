"""The site header on a 390 px phone: a folded menu that opens without JavaScript."""

import pytest

from tandem.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("javascript", [True, False])
def test_on_a_phone_the_header_is_one_row_and_its_menu_opens(browser, live_server, javascript):
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, java_script_enabled=javascript
    )
    page = context.new_page()
    page.goto("/")
    journal = page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Journal", exact=True
    )

    header = page.locator(".site-header").bounding_box()
    assert header is not None and header["height"] <= 80
    assert not journal.is_visible()

    page.get_by_text("Menu", exact=True).click()

    assert journal.is_visible()
    assert page.get_by_role("link", name="Sign in").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    journal.click()
    page.wait_for_url("**/journal/")
    context.close()


def test_on_a_phone_the_open_menu_passes_the_accessibility_check(page):
    page.set_viewport_size(PHONE)
    page.goto("/")
    page.get_by_text("Menu", exact=True).click()
    assert_accessible(page)


def test_on_a_wide_screen_the_links_show_without_a_menu_button(page):
    page.goto("/")

    assert (
        page.get_by_role("navigation", name="Main")
        .get_by_role("link", name="Journal", exact=True)
        .is_visible()
    )
    assert not page.get_by_text("Menu", exact=True).is_visible()


@pytest.mark.parametrize("width", [390, 1280])
def test_everything_on_the_page_is_inside_a_landmark(page, width):
    from axe_playwright_python.sync_playwright import Axe

    page.set_viewport_size({"width": width, "height": 844})
    page.goto("/")

    results = Axe().run(page, options={"runOnly": {"type": "rule", "values": ["region"]}})

    assert results.response["violations"] == []
    exit_link = page.get_by_role("complementary", name="Quick exit").get_by_role(
        "link", name="Exit this page"
    )
    assert exit_link.is_visible()


@pytest.mark.parametrize("role", ["client", "therapist", "verifier", "editor"])
def test_at_1280_px_a_signed_in_persons_header_is_one_line(page, live_server, role):
    from tandem.conftest import browser_session, make_user

    person = make_user(f"{role}@example.com", role=role, name=f"Casey {role.title()}", mfa=True)
    browser_session(page, live_server, person)
    page.goto("/")

    brand = page.locator(".site-header .brand").bounding_box()
    links = page.locator(".site-header .site-nav li")
    assert brand is not None and links.count() >= 8
    boxes = [links.nth(index).bounding_box() for index in range(links.count())]
    tops = {round(box["y"]) for box in boxes}
    # One line: every item of the menu sits on the brand's row.
    assert max(tops) - min(tops) <= 4, tops
    assert abs(min(tops) - brand["y"]) <= brand["height"]
    assert page.locator(".site-header").bounding_box()["height"] <= 72
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
