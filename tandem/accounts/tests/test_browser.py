"""My data in a real browser: the download is a file, never a saved password page."""

import json

import pytest

from tandem.conftest import PASSWORD, assert_accessible, browser_login, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_download_my_data_asks_for_the_password_then_saves_the_file(page):
    make_user("casey@example.com", name="Casey Client")
    browser_login(page, "casey@example.com")
    page.wait_for_url("**/")
    page.goto("/my-data/")

    page.get_by_role("link", name="Download my data").click()
    page.wait_for_url("**/my-data/download/")
    assert_accessible(page)
    # A wrong password gives a message on the page, not a file.
    page.get_by_label("Your password").fill("not my password")
    page.get_by_role("button", name="Download my data").click()
    assert "That is not your password" in page.locator("#password-error").inner_text()

    page.get_by_label("Your password").fill(PASSWORD)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download my data").click()
    download = download_info.value

    assert download.suggested_filename.startswith("tandem-my-data-")
    assert download.suggested_filename.endswith(".json")
    with open(download.path(), encoding="utf-8") as saved:
        exported = json.load(saved)
    assert exported["sections"]["account"]["email"] == "casey@example.com"
    assert page.url.endswith("/my-data/download/")
