"""Taking a check in Chromium, as a visitor would: keyboard, screen-reader structure, PDF."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from pypdf import PdfReader

from tandem.accounts.models import User
from tandem.assessments.flow import check_flow
from tandem.assessments.models import Response
from tandem.assessments.tests.helpers import answers_for
from tandem.conftest import PASSWORD, assert_accessible

pytestmark = pytest.mark.browser

SLUG = "relating-styles"


def answer_section(page, flow_section, answers):
    for item in flow_section.items:
        position = item.response.values.index(answers[item.id])
        page.check(f"#q-{item.id}-{position}")


@pytest.mark.django_db(transaction=True)
def test_a_new_visitor_takes_the_inventory_downloads_the_pdf_signs_up_and_keeps_it(page):
    mail.outbox.clear()
    page.goto("/")
    page.get_by_role("link", name="Checks", exact=True).click()
    assert_accessible(page)
    page.get_by_role("link", name="Start the Relating Styles Inventory").click()
    assert page.url.endswith(f"/checks/{SLUG}/")
    assert_accessible(page)
    page.get_by_role("link", name="Start the check").click()

    flow = check_flow(SLUG)
    answers = answers_for(SLUG, value=2)
    # Next with nothing answered: an error summary linking to each question.
    page.get_by_role("button", name="Next").click()
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    assert_accessible(page)
    page.locator(".error-summary a").first.click()
    assert page.evaluate("document.activeElement.id") == "q-sr1-0"

    for flow_section in flow.sections:
        progress = f"Section {flow_section.number} of {len(flow.sections)}"
        assert page.get_by_role("progressbar", name=progress).is_visible()
        answer_section(page, flow_section, answers)
        if flow_section.number == 2:
            # Back keeps this page's answers, and Next brings them back.
            page.get_by_role("button", name="Back").click()
            assert page.is_checked("#q-sr1-1")
            page.get_by_role("button", name="Next").click()
            assert page.is_checked("#q-os1-1")
        if flow_section.is_companion:
            assert page.get_by_text("never shown to a partner").is_visible()
            assert_accessible(page)
            page.get_by_role("button", name="See my results").click()
        else:
            page.get_by_role("button", name="Next").click()

    assert "/checks/results/" in page.url
    result_url = page.url
    assert page.get_by_role("heading", name="Your way of relating").is_visible()
    assert page.get_by_role("img", name=re.compile("Your scores")).is_visible()
    assert page.get_by_role("heading", name="Your plan").is_visible()
    assert page.get_by_text("This is a tool for self-reflection, not a diagnosis.").is_visible()
    assert page.locator(".safety-panel").count() == 0
    assert_accessible(page)

    # WeasyPrint takes seconds on a busy machine; the download itself is what is tested.
    with page.expect_download(timeout=30_000) as download_info:
        page.get_by_role("link", name="Download a PDF report").click()
    pdf = download_info.value
    assert pdf.suggested_filename.startswith(f"tandem-{SLUG}-")
    reader = PdfReader(pdf.path())
    text = " ".join(" ".join(sheet.extract_text() for sheet in reader.pages).split())
    assert "Relating Styles Inventory: your results" in text
    assert "Your plan" in text

    page.get_by_role("button", name="Create an account to keep this result").click()
    assert_accessible(page)
    page.get_by_label("Email address").fill("new.visitor@example.com")
    page.get_by_label("Choose a password").fill(PASSWORD)
    page.get_by_label("Type the password again").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    assert page.get_by_role("heading", name="Check your email").is_visible()
    (message,) = mail.outbox
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Confirm").click()

    # Confirming the address signs the person in and brings them back to the result, kept.
    page.wait_for_url(result_url)
    assert page.get_by_text("This result is now kept in your history.").is_visible()
    assert page.get_by_role("button", name="Keep this result in my history").count() == 0
    assert_accessible(page)
    response = Response.objects.get()
    assert response.owner == User.objects.get(email="new.visitor@example.com")
    page.goto("/checks/mine/")
    assert page.get_by_text("You have no results yet").count() == 0
    page.goto(result_url)

    page.get_by_role("link", name="See how your results change over time").click()
    assert page.get_by_role("heading", name=re.compile("your results over time")).is_visible()
    assert_accessible(page)
    page.goto("/checks/mine/")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("See the result")).click()
    assert page.url == result_url
    page.get_by_role("link", name="Find a therapist for this").click()
    assert page.get_by_role("heading", name="Therapists who fit your results").is_visible()
    assert_accessible(page)


@pytest.mark.django_db(transaction=True)
def test_a_visitor_who_raises_the_safety_flag_sees_safety_first_and_no_couples_counselling(page):
    slug = "healthy-relationship"
    flow = check_flow(slug)
    answers = answers_for(slug, value=3)
    page.goto(f"/checks/{slug}/")
    page.get_by_role("link", name="Start the check").click()
    for flow_section in flow.sections:
        if flow_section.is_companion:
            # With the keyboard alone: arrows choose an answer, Tab moves on, Enter sends.
            page.focus(f"#q-{flow_section.items[0].id}-skip")
            page.keyboard.press("ArrowUp")  # from "rather not say" back to "Yes"
            assert page.is_checked(f"#q-{flow_section.items[0].id}-1")
            # Tab moves through each question's group once, then reaches the button.
            for _ in range(len(flow_section.items) + 1):
                if page.evaluate("document.activeElement.textContent") == "See my results":
                    break
                page.keyboard.press("Tab")
            assert page.evaluate("document.activeElement.textContent") == "See my results"
            page.keyboard.press("Enter")
            page.wait_for_url("**/checks/results/**")
        else:
            answer_section(page, flow_section, answers)
            page.get_by_role("button", name="Next").click()
    assert "/checks/results/" in page.url
    main = page.locator("main")
    first_heading = main.locator("h2").first
    assert first_heading.inner_text() == "Your safety comes first"
    assert page.locator(".safety-panel").get_by_role("link", name="999").is_visible()
    assert "couples counsellor" not in main.inner_text().lower()
    assert page.get_by_role("button", name=re.compile("email|share", re.I)).count() == 0
    assert_accessible(page)
    assert mail.outbox == []


RENDERED_FONT_SIZES = """() => [...document.querySelectorAll('svg.chart text')]
    .filter(text => text.getClientRects().length > 0)
    .map(text => parseFloat(text.getAttribute('font-size'))
        * text.ownerSVGElement.getScreenCTM().a)"""


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [320, 390, 800, 1280])
def test_on_every_width_each_figure_keeps_its_label_and_chart_text_is_legible(page, width):
    from tandem.assessments.tests.helpers import answers_for as every_answer

    page.set_viewport_size({"width": width, "height": 900})
    flow = check_flow(SLUG)
    answers = every_answer(SLUG, value=2)
    page.goto(f"/checks/{SLUG}/")
    page.get_by_role("link", name="Start the check").click()
    for flow_section in flow.sections:
        answer_section(page, flow_section, answers)
        page.get_by_role("button", name=re.compile("^(Next|See my results)$")).click()
    assert "/checks/results/" in page.url

    sizes = page.evaluate(RENDERED_FONT_SIZES)
    assert sizes and min(sizes) >= 12, sorted(sizes)[:3]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    row = page.locator(".scales-table tbody tr").first
    score_cell = row.locator("td").first
    if width <= 640:
        # The column headings are out of sight, so every figure says what it is.
        assert score_cell.inner_text().startswith("Score:")
        assert row.locator("td").nth(1).inner_text().startswith("Likely range:")
        assert row.locator("td").nth(2).inner_text().startswith("Band:")
    else:
        assert page.get_by_role("columnheader", name="Score").first.is_visible()
        assert not score_cell.inner_text().startswith("Score")
    assert_accessible(page)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [390, 1280])
def test_the_match_page_starts_from_the_saved_result_and_can_change_it(page, live_server, width):
    from datetime import UTC, datetime

    from tandem.assessments.tests.helpers import complete_check
    from tandem.conftest import browser_session, client_for, make_user
    from tandem.directory.tests.helpers import make_profile

    make_profile(name="Fay Fitting", specialties=("codependency", "dependency", "self_esteem"))
    casey = make_user("casey@example.com", name="Casey Client")
    complete_check(client_for(casey), value=2)
    Response.objects.update(completed_at=datetime(2026, 11, 3, 12, tzinfo=UTC))
    browser_session(page, live_server, casey)
    page.set_viewport_size({"width": width, "height": 900})

    page.goto("/therapists/match/")
    basis = page.locator(".match-basis")
    assert basis.inner_text().startswith("Matched on your result of 3 Nov 2026")
    assert page.get_by_role("heading", name="Fay Fitting").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(page)

    basis.get_by_role("link", name="change what we match on").click()
    assert page.url.endswith("#id_use")
    page.get_by_label("Start from").select_option(label="None: only my preferences")
    page.get_by_role("button", name="Suggest therapists").click()
    assert (
        page.locator(".match-basis")
        .inner_text()
        .startswith("Matched on the preferences you set, not on a saved result")
    )
