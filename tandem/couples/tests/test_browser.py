"""Two people, two browsers: invitation by real SMTP, consent, answering apart, the report,
the PDF, leaving, and the safety case in which the unflagged partner's view stays neutral."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from pypdf import PdfReader

from tandem.assessments.flow import check_flow
from tandem.assessments.tests.helpers import answers_for
from tandem.assessments.tests.test_browser import RENDERED_FONT_SIZES
from tandem.conftest import PASSWORD, assert_accessible, browser_login, make_user, message_text

pytestmark = pytest.mark.browser

SLUG = "couple-balance"


@pytest.fixture(autouse=True)
def _links_to_the_live_server(settings: Any, live_server: Any) -> None:
    settings.SITE_URL = live_server.url


@pytest.fixture
def second_page(browser: Any, live_server: Any) -> Iterator[Any]:
    """The partner's own browser: separate cookies, separate session."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def invite(page: Any, email: str, smtp_inbox: Any) -> str:
    page.goto("/")
    page.get_by_role("link", name="Couple check").click()
    assert_accessible(page)
    page.get_by_label("Your partner's email address").fill(email)
    page.get_by_role("button", name="Invite my partner").click()
    assert page.get_by_text("Please confirm you have read").first.is_visible()
    page.get_by_label("I have read what my partner will and will not see").check()
    page.get_by_role("button", name="Invite my partner").click()
    assert page.get_by_text(f"Your invitation to {email} is waiting to be accepted.").is_visible()
    (message,) = [m for m in smtp_inbox.wait_for(1) if email in m["X-Envelope-To"]]
    found = re.search(r"https?://\S+/couples/join/\S+/", message_text(message))
    assert found is not None
    return found.group(0)


def answer(page: Any, *, safety: bool = False, lean: str = "") -> None:
    page.get_by_role("link", name=re.compile("Start answering|Carry on answering")).click()
    answers = answers_for(SLUG, safety=safety, lean=lean)
    for flow_section in check_flow(SLUG).sections:
        for item in flow_section.items:
            page.check(f"#q-{item.id}-{item.response.values.index(answers[item.id])}")
        last = flow_section.number == len(check_flow(SLUG).sections)
        page.get_by_role("button", name="See my results" if last else "Next").click()
    assert page.get_by_text("Thank you. Your answers are saved.").is_visible()


@pytest.mark.django_db(transaction=True)
def test_a_couple_invites_consents_answers_apart_reads_the_report_and_leaves(
    page: Any, second_page: Any, smtp_inbox: Any
) -> None:
    make_user("casey@example.com", name="Casey")
    browser_login(page, "casey@example.com")
    link = invite(page, "parker@example.com", smtp_inbox)

    # Parker has no account: the link leads through sign-up, then back to consent.
    parker = second_page
    parker.goto(link)
    assert parker.get_by_role(
        "heading", name="Casey invites you to check in as a couple"
    ).is_visible()
    assert parker.get_by_text("never sees your individual answers").is_visible()
    assert_accessible(parker)
    parker.locator("main").get_by_role("link", name="Create an account").click()
    parker.get_by_label("Email address").fill("parker@example.com")
    parker.get_by_label("Choose a password").fill(PASSWORD)
    parker.get_by_label("Type the password again").fill(PASSWORD)
    parker.get_by_role("button", name="Create my account").click()
    confirm = next(m for m in smtp_inbox.wait_for(2) if "confirm" in message_text(m).lower())
    found = re.search(r"https?://\S+/accounts/confirm-email/\S+/", message_text(confirm))
    assert found is not None
    parker.goto(found.group(0))
    parker.get_by_role("button", name=re.compile("Confirm", re.I)).click()
    parker.goto(link)
    parker.get_by_label("I have read what my partner will and will not see").check()
    parker.get_by_role("button", name="Accept and join").click()
    assert parker.get_by_role("heading", name="Your couple check with Casey").is_visible()

    # Casey answers first and sees only that Parker has not.
    page.reload()
    answer(page, lean="high")
    assert page.get_by_text("Waiting for your partner.").is_visible()
    assert page.get_by_text("Your couple report is not available.").is_visible()
    assert parker.reload() is not None
    assert parker.get_by_role("link", name="Start answering").is_visible()
    assert parker.get_by_text("Waiting for your partner").count() == 0

    answer(parker, lean="high")
    assert parker.get_by_text("Both of you have answered.").is_visible()
    ready = [m for m in smtp_inbox.wait_for(5) if "couple report is ready" in m["Subject"]]
    assert sorted(m["X-Envelope-To"] for m in ready) == ["casey@example.com", "parker@example.com"]

    page.reload()
    assert page.get_by_role("heading", name="Your couple report").is_visible()
    assert page.get_by_role("img", name="Who gives more, as each of you sees it").is_visible()
    # Parker signed up without a name: the report names them by their address.
    assert page.get_by_text("parker@example.com feels they give more time.").first.is_visible()
    assert page.get_by_role("heading", name="Your shared plan").is_visible()
    assert_accessible(page)
    assert_accessible(parker)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download a PDF report").click()
    reader = PdfReader(download_info.value.path())
    text = " ".join(" ".join(sheet.extract_text() for sheet in reader.pages).split())
    assert "Your couple report with parker@example.com" in text and "Your shared plan" in text

    # Parker leaves: the report ends for both, and Casey is told only that it ended.
    parker.get_by_role("link", name="Leave the couple check").click()
    parker.get_by_role("button", name="Leave the couple check").click()
    assert parker.get_by_text("You have left the couple check.").is_visible()
    ended = [m for m in smtp_inbox.wait_for(6) if "has ended" in m["Subject"]]
    assert [m["X-Envelope-To"] for m in ended] == ["casey@example.com"]
    page.reload()
    assert (
        page.get_by_role("heading", name="Page not found").count() + page.locator("h1").count() >= 1
    )
    page.goto("/couples/")
    assert page.get_by_text("Your couple check has ended.").is_visible()


@pytest.mark.django_db(transaction=True)
def test_when_the_partner_raises_the_safety_flag_the_other_sees_only_the_neutral_state(
    page: Any, second_page: Any, smtp_inbox: Any
) -> None:
    make_user("casey@example.com", name="Casey")
    make_user("parker@example.com", name="Parker")
    browser_login(page, "casey@example.com")
    link = invite(page, "parker@example.com", smtp_inbox)
    parker = second_page
    parker.goto(link)
    parker.locator("main").get_by_role("link", name="Sign in").click()
    parker.get_by_label("Email address").fill("parker@example.com")
    parker.get_by_label("Password").fill(PASSWORD)
    parker.get_by_role("button", name="Sign in").click()
    parker.wait_for_url("**/couples/join/**")
    parker.get_by_label("I have read what my partner will and will not see").check()
    parker.get_by_role("button", name="Accept and join").click()

    page.reload()
    answer(page)
    page.reload()
    before = page.locator("main").inner_text()

    answer(parker, safety=True)
    assert parker.locator("main h2").first.inner_text() == "Your safety comes first"
    assert parker.get_by_text("Only you can see this").is_visible()
    assert parker.get_by_role("link", name="Find a couples therapist").count() == 0
    assert "couples counselling" not in parker.locator(".safety-panel").inner_text().lower()
    assert_accessible(parker)

    page.reload()
    assert page.locator("main").inner_text() == before
    assert page.get_by_text("Waiting for your partner.").is_visible()
    assert "safety" not in page.locator("main").inner_text().lower()
    assert not [m for m in smtp_inbox.wait_for(2, timeout=1) if "ready" in m["Subject"]]

    # Parker leaves quietly; Casey sees what any leaving shows.
    parker.get_by_role("link", name="leave the couple check quietly").click()
    parker.get_by_role("button", name="Leave the couple check").click()
    ended = [m for m in smtp_inbox.wait_for(2) if "has ended" in m["Subject"]]
    assert [m["X-Envelope-To"] for m in ended] == ["casey@example.com"]
    assert "safety" not in message_text(ended[0]).lower()
    page.goto("/couples/")
    assert page.get_by_text("Your couple check has ended.").is_visible()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [320, 390, 800, 1280])
def test_the_couple_charts_text_is_at_least_12_px_at_every_width(
    page: Any, live_server: Any, width: int
) -> None:
    from tandem.conftest import browser_session, client_for
    from tandem.couples.tests.helpers import active_couple, answer_all

    casey = make_user("casey@example.com", name="Casey")
    parker = make_user("parker@example.com", name="Parker")
    couple = active_couple(casey, parker)
    answer_all(client_for(casey), couple, lean="high")
    answer_all(client_for(parker), couple)
    browser_session(page, live_server, casey)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(couple.get_absolute_url())

    assert page.get_by_role("heading", name="Your couple report").is_visible()
    sizes = page.evaluate(RENDERED_FONT_SIZES)
    assert len(sizes) >= 8 and min(sizes) >= 12, sorted(sizes)[:3]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    # Nothing drawn outside the chart: every text's box is inside its drawing's box.
    outside = page.evaluate("""() => [...document.querySelectorAll('svg.chart')]
        .filter(svg => svg.getClientRects().length > 0)
        .flatMap(svg => { const frame = svg.getBoundingClientRect();
            return [...svg.querySelectorAll('text')].map(t => t.getBoundingClientRect())
                .filter(b => b.left < frame.left - 1 || b.right > frame.right + 1); })
        .length""")
    assert outside == 0
