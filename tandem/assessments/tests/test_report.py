from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from tandem.assessments.models import Response
from tandem.assessments.tests.helpers import complete_check
from tandem.conftest import client_for
from tandem.instruments import library


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.mark.django_db
def test_the_pdf_report_holds_the_same_content_as_the_page(client_user):
    http = client_for(client_user)
    location = complete_check(http, value=2)
    response = Response.objects.get()
    download = http.get(location + "report.pdf")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith(
        'attachment; filename="tandem-relating-styles-'
    )
    text = " ".join(pdf_text(download.content).split())
    assert "Relating Styles Inventory: your results" in text
    assert "Your way of relating" in text
    assert "Self-worth" in text
    assert str(round(response.result["scales"]["self_worth"]["score"])) in text
    first_step = response.result["plan"][0]
    assert first_step["title"] in text
    assert library.strategies()[first_step["strategy"]].exercises[0][:40] in text
    assert "This is a tool for self-reflection, not a diagnosis." in text
    assert "safety comes first" not in text


@pytest.mark.django_db
def test_a_flagged_report_opens_with_safety_resources(anonymous, settings):
    location = complete_check(anonymous, safety=True)
    text = " ".join(pdf_text(anonymous.get(location + "report.pdf").content).split())
    assert text.index("Your safety comes first") < text.index("Your way of relating")
    assert settings.HELPLINES[0]["name"] in text
    assert library.strategies()["couples_counselling"].title not in text


@pytest.mark.django_db
def test_the_report_of_another_persons_result_is_a_404(client_user, unrelated_client_user):
    location = complete_check(client_for(client_user))
    assert client_for(unrelated_client_user).get(location + "report.pdf").status_code == 404


@pytest.mark.django_db
def test_pdf_reports_are_limited_per_person(client_user, unrelated_client_user):
    # Each PDF costs about 0.4 s of CPU: three a minute each, then a polite refusal.
    http = client_for(client_user)
    location = complete_check(http, value=2)
    statuses = [http.get(location + "report.pdf").status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    refusal = http.get(location + "report.pdf")
    assert refusal.status_code == 429
    assert "Please wait a minute" in refusal.content.decode()
    # Someone else is not held back by it.
    other = client_for(unrelated_client_user)
    other_location = complete_check(other, value=3)
    assert other.get(other_location + "report.pdf").status_code == 200


@pytest.mark.django_db
def test_an_anonymous_visitors_pdf_reports_are_limited_too(anonymous):
    location = complete_check(anonymous, value=2)
    statuses = [anonymous.get(location + "report.pdf").status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
