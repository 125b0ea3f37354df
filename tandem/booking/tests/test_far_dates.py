"""Instants far from now (year 1, year 9999) are refused at every entry point, never a 500."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from tandem.booking.forms import SlotField
from tandem.booking.models import Booking
from tandem.booking.services import SlotTaken, booking_create, booking_reschedule
from tandem.booking.tests.helpers import START, make_bookable
from tandem.conftest import api_client_for, client_for, post_json

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_week")]

FAR_FUTURE = "9999-12-31T23:30Z"
FAR_PAST = "0001-01-01T00:00Z"


@pytest.mark.parametrize("raw", [FAR_FUTURE, FAR_PAST, "2028-05-01T09:00Z"])
def test_the_slot_field_refuses_a_time_more_than_400_days_away(raw: str) -> None:
    with pytest.raises(Exception, match="within about a year") as error:
        SlotField().clean(raw)
    assert type(error.value).__name__ == "ValidationError"


def test_the_slot_field_takes_a_time_within_reach() -> None:
    assert SlotField().clean("2028-04-01T09:00Z") == datetime(2028, 4, 1, 9, tzinfo=UTC)


@pytest.mark.parametrize(
    "start", ["9999-12-31T23:59:00Z", "0001-01-01T00:00:00+00:00", "0001-01-01T00:00:00+05:00"]
)
def test_booking_through_the_api_answers_422_for_a_far_date(
    bookable: Any, client_user: Any, start: str
) -> None:
    _profile, session = bookable
    response = post_json(
        api_client_for(client_user),
        "/api/v1/bookings",
        {"session_type": session.pk, "start": start, "idempotency_key": str(uuid.uuid4())},
    )
    assert response.status_code == 422
    assert "within about a year" in response.json()["detail"]
    assert not Booking.objects.exists()


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("9999-12-30", None),
        ("9999-12-31T00:00:00Z", None),
        ("0001-01-01T00:00:00+00:00", None),
        ("0001-01-01", None),
        ("2027-03-22", "9999-12-31"),
        (None, "0001-01-02"),
    ],
)
def test_the_slots_api_answers_422_for_a_far_range(
    anonymous: Any, bookable: Any, start: str | None, end: str | None
) -> None:
    profile, _session = bookable
    query = {key: value for key, value in (("start", start), ("end", end)) if value}
    response = anonymous.get(f"/api/v1/therapists/{profile.slug}/slots", query)
    assert response.status_code == 422
    assert "within about a year" in response.json()["detail"]


@pytest.mark.parametrize("start", [FAR_FUTURE, FAR_PAST])
def test_the_confirm_page_refuses_a_far_time_with_a_clear_message(
    bookable: Any, client_user: Any, start: str
) -> None:
    profile, session = bookable
    http = client_for(client_user)
    url = f"/bookings/with/{profile.slug}/confirm/"
    shown = http.get(url, {"session": session.pk, "start": start})
    assert shown.status_code == 400
    assert "within about a year" in shown.content.decode()
    posted = http.post(
        url,
        {
            "session": session.pk,
            "start": start,
            "idempotency_key": uuid.uuid4(),
            "client_name": "Casey",
        },
    )
    assert posted.status_code == 400
    assert "within about a year" in posted.content.decode()
    assert not Booking.objects.exists()


@pytest.mark.parametrize("start", ["9999-12-31", "0001-01-01"])
def test_the_book_page_refuses_a_far_first_day(anonymous: Any, bookable: Any, start: str) -> None:
    profile, session = bookable
    page = anonymous.get(f"/bookings/with/{profile.slug}/", {"session": session.pk, "start": start})
    assert page.status_code == 400
    assert "within about a year" in page.content.decode()


@pytest.mark.parametrize("start", [FAR_FUTURE, FAR_PAST])
def test_moving_on_the_site_refuses_a_far_time(
    booking: Booking, client_user: Any, start: str
) -> None:
    response = client_for(client_user).post(
        f"{booking.get_absolute_url()}reschedule/", {"start": start, "reason": "Work"}
    )
    assert response.status_code == 400
    assert "within about a year" in response.content.decode()
    booking.refresh_from_db()
    assert booking.starts_at == START


@pytest.mark.parametrize("start", ["9999-12-31T23:59:00Z", "0001-01-01T00:00:00+00:00"])
def test_moving_through_the_api_answers_422_for_a_far_date(
    booking: Booking, client_user: Any, start: str
) -> None:
    response = post_json(
        api_client_for(client_user),
        f"/api/v1/bookings/{booking.public_id}/reschedule",
        {"start": start, "reason": "Work"},
    )
    assert response.status_code == 422
    booking.refresh_from_db()
    assert booking.starts_at == START


@pytest.mark.parametrize(
    "start", [datetime(9999, 12, 31, 23, 59, tzinfo=UTC), datetime(1, 1, 1, tzinfo=UTC)]
)
def test_the_services_refuse_a_far_time_from_any_caller(
    booking: Booking, bookable: Any, unrelated_client_user: Any, start: datetime
) -> None:
    _profile, session = bookable
    with pytest.raises(SlotTaken, match="within about a year"):
        booking_create(
            slot_start=start,
            session_type=session,
            client=unrelated_client_user,
            idempotency_key=None,
        )
    with pytest.raises(SlotTaken, match="within about a year"):
        booking_reschedule(booking=booking, new_start=start, by="client", reason="Work")


def test_a_therapist_cannot_add_a_day_off_centuries_away(therapist_user: Any) -> None:
    make_bookable(therapist_user)
    response = client_for(therapist_user).post(
        "/bookings/practice/exceptions/", {"date": "9999-12-31", "kind": "day_off"}
    )
    assert response.status_code == 400
    assert "within about a year" in response.content.decode()
