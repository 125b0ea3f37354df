from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.test import Client

from tandem.booking.models import Booking, BookingStatus
from tandem.booking.tests.helpers import make_bookable
from tandem.conftest import api_client_for, post_json

pytestmark = pytest.mark.django_db

NOW = datetime(2027, 3, 22, 8, tzinfo=UTC)
START = "2027-03-29T09:00:00Z"


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def test_slots_come_in_the_asked_zone_with_reasons_for_empty_days(anonymous: Any) -> None:
    profile, session = make_bookable(weekdays=(0, 1, 2, 3, 4))
    response = anonymous.get(
        f"/api/v1/therapists/{profile.slug}/slots",
        {"start": "2027-03-27", "end": "2027-03-30", "tz": "America/New_York"},
    )
    assert response.status_code == 200
    data = response.json()
    assert data["session_type"] == session.pk and data["time_zone"] == "America/New_York"
    assert data["slots"][0] == {
        "start": "2027-03-29T08:00:00Z",
        "end": "2027-03-29T08:50:00Z",
        "local_start": "2027-03-29T04:00:00-04:00",
    }
    assert data["days_without_slots"] == {
        "2027-03-27": "no hours that day",
        "2027-03-28": "no hours that day",
    }


def test_slots_refuse_bad_input_and_unknown_therapists(anonymous: Any) -> None:
    profile, _session = make_bookable()
    url = f"/api/v1/therapists/{profile.slug}/slots"
    assert anonymous.get(url, {"tz": "Nowhere/Land"}).status_code == 422
    assert anonymous.get(url, {"start": "soon"}).status_code == 422
    assert anonymous.get(url, {"start": "2027-03-01", "end": "2027-06-01"}).status_code == 422
    assert anonymous.get(url, {"session_type": 999999}).status_code == 404
    assert anonymous.get("/api/v1/therapists/nobody/slots").status_code == 404


def test_booking_through_the_api_and_a_409_when_the_slot_is_gone(
    client_user: Any, unrelated_client_user: Any, anonymous: Any
) -> None:
    _profile, session = make_bookable()
    body = {"session_type": session.pk, "start": START, "idempotency_key": str(uuid.uuid4())}
    assert post_json(anonymous, "/api/v1/bookings", body).status_code == 401
    created = post_json(api_client_for(client_user), "/api/v1/bookings", body)
    assert created.status_code == 201, created.content
    assert created.json()["status"] == BookingStatus.CONFIRMED
    again = post_json(api_client_for(client_user), "/api/v1/bookings", body)
    assert again.status_code == 201 and again.json()["id"] == created.json()["id"]
    gone = post_json(
        api_client_for(unrelated_client_user),
        "/api/v1/bookings",
        {**body, "idempotency_key": str(uuid.uuid4())},
    )
    assert gone.status_code == 409
    assert gone.json() == {"detail": "That time has just been booked by someone else."}
    past = post_json(
        api_client_for(unrelated_client_user),
        "/api/v1/bookings",
        {**body, "start": "2027-03-01T09:00:00Z"},
    )
    assert past.status_code == 409 and "passed" in past.json()["detail"]
    naive = post_json(
        api_client_for(unrelated_client_user),
        "/api/v1/bookings",
        {**body, "start": "2027-03-30T09:00:00"},
    )
    assert naive.status_code == 422
    assert (
        post_json(
            api_client_for(unrelated_client_user), "/api/v1/bookings", {"start": START}
        ).status_code
        == 422
    )
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(unrelated_client_user)
    no_csrf = strict.post(
        "/api/v1/bookings",
        {**body, "start": "2027-03-30T09:00:00Z"},
        content_type="application/json",
    )
    assert no_csrf.status_code == 403
    assert Booking.objects.count() == 1


def test_cancel_and_reschedule_through_the_api_only_for_the_two_people(
    client_user: Any, unrelated_client_user: Any
) -> None:
    _profile, session = make_bookable()
    created = post_json(
        api_client_for(client_user),
        "/api/v1/bookings",
        {"session_type": session.pk, "start": START},
    )
    booking_id = created.json()["id"]
    assert (
        post_json(
            api_client_for(unrelated_client_user),
            f"/api/v1/bookings/{booking_id}/cancel",
            {"reason": "x"},
        ).status_code
        == 404
    )
    assert (
        post_json(
            api_client_for(client_user), f"/api/v1/bookings/{booking_id}/cancel", {"reason": ""}
        ).status_code
        == 422
    )
    moved = post_json(
        api_client_for(client_user),
        f"/api/v1/bookings/{booking_id}/reschedule",
        {"start": "2027-03-30T09:00:00Z", "reason": "Work"},
    )
    assert moved.status_code == 200 and moved.json()["start"] == "2027-03-30T09:00:00Z"
    outside = post_json(
        api_client_for(client_user),
        f"/api/v1/bookings/{booking_id}/reschedule",
        {"start": "2027-03-30T03:00:00Z", "reason": "Early"},
    )
    assert outside.status_code == 409
    cancelled = post_json(
        api_client_for(client_user), f"/api/v1/bookings/{booking_id}/cancel", {"reason": "Better"}
    )
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert (
        post_json(
            api_client_for(client_user),
            f"/api/v1/bookings/{booking_id}/cancel",
            {"reason": "Again"},
        ).status_code
        == 409
    )
