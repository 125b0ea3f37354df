"""One client's page: chart with its band, sessions on the timeline, the full result."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse

from tandem.accounts.models import AccessKind, AccessLog
from tandem.booking.models import BookingStatus
from tandem.conftest import client_for
from tandem.practice.models import MeasureSchedule
from tandem.practice.services import consent_save
from tandem.practice.tests.conftest import CHECK, NOW, result, session_on

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


@pytest.fixture
def history(consent: Any, client_user: Any, bookable: Any) -> list[Any]:
    session_on(bookable, client_user, NOW - timedelta(weeks=6), BookingStatus.CANCELLED)
    session_on(bookable, client_user, NOW + timedelta(days=5), BookingStatus.CONFIRMED)
    return [
        result(client_user, 30, NOW - timedelta(weeks=10)),
        result(client_user, 70, NOW - timedelta(weeks=2), flagged=True),
    ]


def test_the_page_draws_progress_with_its_band_and_the_sessions(
    consent: Any, therapist_user: Any, history: list[Any]
) -> None:
    page = client_for(therapist_user).get(reverse("practice:client", args=[consent.pk]))
    html = page.content.decode()
    assert "<polygon points=" in html  # the band of uncertainty
    assert "Recovered" in html
    for label in ("Session attended", "Session cancelled", "Session booked"):
        assert label in html
    log = AccessLog.objects.get()
    assert (log.kind, log.consent_id, log.subject_id) == (
        AccessKind.HISTORY,
        consent.pk,
        consent.client_id,
    )


def test_without_the_safety_yes_the_result_shows_no_flag_and_no_plan(
    consent: Any, therapist_user: Any, history: list[Any]
) -> None:
    url = reverse("practice:result", args=[consent.pk, history[1].public_id])
    html = client_for(therapist_user).get(url).content.decode()
    assert "Safety flag" not in html
    assert "The plan is shared only when the client also shares their safety answers" in html
    assert AccessLog.objects.get().kind == AccessKind.RESULT


def test_with_the_safety_yes_the_flag_and_the_plan_show(
    consent: Any, client_user: Any, therapist_user: Any, history: list[Any]
) -> None:
    consent_save(
        client=client_user,
        therapist=therapist_user,
        instruments=[CHECK],
        share_from=consent.share_from,
        auto_share=True,
        share_safety=True,
    )
    url = reverse("practice:result", args=[consent.pk, history[1].public_id])
    html = client_for(therapist_user).get(url).content.decode()
    assert "Safety flag" in html
    assert 'class="plan"' in html


def test_a_result_outside_the_consent_is_not_found(
    consent: Any, client_user: Any, therapist_user: Any
) -> None:
    before = result(client_user, 50, NOW - timedelta(weeks=60))  # before share_from
    other = result(client_user, 50, NOW - timedelta(days=1))
    other.instrument_slug = "relating-styles"
    other.save()
    http = client_for(therapist_user)
    for response in (before, other):
        url = reverse("practice:result", args=[consent.pk, response.public_id])
        assert http.get(url).status_code == 404
    assert not AccessLog.objects.exists()


def test_one_client_downloads_as_csv(consent: Any, therapist_user: Any, history: list[Any]) -> None:
    answer = client_for(therapist_user).get(reverse("practice:client_csv", args=[consent.pk]))
    rows = list(csv.DictReader(io.StringIO(answer.content.decode())))
    assert {row["check"] for row in rows} == {CHECK}
    assert len({row["completed_at"] for row in rows}) == 2
    assert AccessLog.objects.get().kind == AccessKind.EXPORT


def test_the_therapist_sets_and_stops_a_schedule(consent: Any, therapist_user: Any) -> None:
    http = client_for(therapist_user)
    url = reverse("practice:schedule_add", args=[consent.pk])
    answer = http.post(url, {"instrument": CHECK, "kind": "every_sessions", "every": "6"})
    assert answer.status_code == 302
    schedule = MeasureSchedule.objects.get()
    assert (schedule.kind, schedule.every) == ("every_sessions", 6)
    http.post(reverse("practice:schedule_stop", args=[consent.pk, schedule.pk]))
    schedule.refresh_from_db()
    assert not schedule.is_active


@pytest.mark.parametrize(
    "data",
    [
        {"instrument": CHECK, "kind": "every_weeks"},  # how often is missing
        {"instrument": "relating-styles", "kind": "once"},  # not shared
        {"instrument": CHECK, "kind": "sometimes"},
    ],
)
def test_a_bad_schedule_is_refused_with_a_message(
    consent: Any, therapist_user: Any, data: dict[str, str]
) -> None:
    http = client_for(therapist_user)
    answer = http.post(reverse("practice:schedule_add", args=[consent.pk]), data, follow=True)
    assert answer.status_code == 200
    assert "message--error" in answer.content.decode()
    assert not MeasureSchedule.objects.exists()
    assert http.get(reverse("practice:schedule_add", args=[consent.pk])).status_code == 405
