from __future__ import annotations

import re
import uuid
from datetime import timedelta
from typing import Any

import pytest
import time_machine

from tandem.booking.forms import slot_key
from tandem.booking.models import (
    Booking,
    BookingSettings,
    BookingStatus,
    DateException,
    SessionType,
    WeeklyHours,
)
from tandem.booking.services import booking_create
from tandem.booking.tests.helpers import NOW, START, make_bookable
from tandem.conftest import client_for
from tandem.directory.tests.helpers import make_profile

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_week")]


@pytest.fixture
def bookable(therapist_user: Any) -> tuple[Any, Any]:
    return make_bookable(therapist_user, minimum_notice_minutes=24 * 60)


def test_the_book_page_shows_times_in_the_viewers_zone_and_remembers_it(
    anonymous: Any, bookable: Any
) -> None:
    profile, _session = bookable
    page = anonymous.get(f"/bookings/with/{profile.slug}/", {"tz": "America/New_York"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Monday 22 March 2027" in html
    assert "No times: within the minimum notice." in html
    assert 'value="2027-03-23T09:00Z"' in html  # 09:00 GMT Tuesday
    assert ">05:00<" in html  # ... which is 05:00 EDT in New York
    assert "Times are shown in America/New York time." in html
    again = anonymous.get(f"/bookings/with/{profile.slug}/").content.decode()
    assert ">05:00<" in again and 'data-chosen="true"' in again


def test_the_book_page_defaults_to_london_and_refuses_unknown_therapists(
    anonymous: Any, bookable: Any
) -> None:
    profile, _session = bookable
    html = anonymous.get(f"/bookings/with/{profile.slug}/").content.decode()
    assert ">09:00<" in html and "data-chosen" not in html
    assert anonymous.get("/bookings/with/nobody/").status_code == 404
    assert anonymous.post(f"/bookings/with/{profile.slug}/").status_code == 405
    draft = make_profile(status="draft")
    assert anonymous.get(f"/bookings/with/{draft.slug}/").status_code == 404


def test_booking_needs_sign_in_and_a_double_submit_makes_one_booking(
    anonymous: Any, bookable: Any, client_user: Any
) -> None:
    profile, session = bookable
    url = f"/bookings/with/{profile.slug}/confirm/"
    assert anonymous.get(url, {"session": session.pk, "start": slot_key(START)}).status_code == 302
    http = client_for(client_user)
    page = http.get(url, {"session": session.pk, "start": slot_key(START)})
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page.content.decode()).group(1)
    assert 'value="Casey Client"' in page.content.decode()  # the name the therapist will see
    form = {
        "session": session.pk,
        "start": slot_key(START),
        "idempotency_key": key,
        "client_name": "Casey",
        "note": "",
    }
    first = http.post(url, form)
    second = http.post(url, form)
    booking = Booking.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == booking.get_absolute_url()
    assert booking.client_name == "Casey"


def test_booking_refuses_a_taken_slot_a_past_slot_and_bad_input(
    bookable: Any, booking: Booking, unrelated_client_user: Any
) -> None:
    profile, session = bookable
    http = client_for(unrelated_client_user)
    url = f"/bookings/with/{profile.slug}/confirm/"
    name = {"client_name": "Uma"}
    taken = http.post(
        url,
        {"session": session.pk, "start": slot_key(START), "idempotency_key": uuid.uuid4(), **name},
    )
    assert taken.status_code == 409 and "just been booked" in taken.content.decode()
    past = http.post(
        url,
        {
            "session": session.pk,
            "start": slot_key(NOW - timedelta(days=1)),
            "idempotency_key": uuid.uuid4(),
            **name,
        },
    )
    assert past.status_code == 409 and "already passed" in past.content.decode()
    notice = http.post(
        url,
        {
            "session": session.pk,
            "start": slot_key(NOW + timedelta(hours=2)),
            "idempotency_key": uuid.uuid4(),
            **name,
        },
    )
    assert notice.status_code == 409 and "minimum notice" in notice.content.decode()
    bad = http.post(
        url, {"session": session.pk, "start": "tomorrow", "idempotency_key": uuid.uuid4(), **name}
    )
    assert bad.status_code == 400
    other = SessionType.objects.create(therapist=make_profile(), name="Other", minutes=50)
    assert (
        http.post(
            url,
            {
                "session": other.pk,
                "start": slot_key(START),
                "idempotency_key": uuid.uuid4(),
                **name,
            },
        ).status_code
        == 400
    )
    assert Booking.objects.count() == 1


def test_a_booking_page_is_for_its_two_people_only(
    booking: Booking,
    client_user: Any,
    therapist_user: Any,
    unrelated_client_user: Any,
    unrelated_therapist_user: Any,
    anonymous: Any,
) -> None:
    url = booking.get_absolute_url()
    assert client_for(client_user).get(url).status_code == 200
    assert client_for(therapist_user).get(url).status_code == 200
    assert client_for(unrelated_client_user).get(url).status_code == 404
    assert client_for(unrelated_therapist_user).get(url).status_code == 404
    assert anonymous.get(url).status_code == 302
    for action in ("cancel", "reschedule", "decide"):
        assert (
            client_for(unrelated_client_user).post(f"{url}{action}/", {"reason": "x"}).status_code
            == 404
        )
    assert client_for(client_user).get(f"{url}cancel/").status_code == 405
    assert client_for(client_user).post(f"{url}decide/", {"accept": "yes"}).status_code == 403


def test_the_room_link_shows_only_from_ten_minutes_before(
    booking: Booking, client_user: Any, unrelated_client_user: Any
) -> None:
    room = booking.room_url()
    assert room not in client_for(client_user).get(booking.get_absolute_url()).content.decode()
    # Sessions end after 30 idle minutes: each moment signs in afresh.
    with time_machine.travel(START - timedelta(minutes=11), tick=False):
        assert room not in client_for(client_user).get(booking.get_absolute_url()).content.decode()
    with time_machine.travel(START - timedelta(minutes=9), tick=False):
        assert room in client_for(client_user).get(booking.get_absolute_url()).content.decode()
        assert client_for(unrelated_client_user).get(booking.get_absolute_url()).status_code == 404
    with time_machine.travel(START + timedelta(minutes=51), tick=False):
        assert room not in client_for(client_user).get(booking.get_absolute_url()).content.decode()


def test_cancel_and_reschedule_on_the_site_need_a_reason(
    booking: Booking, client_user: Any
) -> None:
    http = client_for(client_user)
    url = booking.get_absolute_url()
    http.post(f"{url}cancel/", {"reason": ""})
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    page = http.get(f"{url}reschedule/", {"start": "2027-03-29"})
    assert page.status_code == 200
    new_start = START + timedelta(hours=2)
    assert slot_key(new_start) in page.content.decode()
    assert (
        http.post(f"{url}reschedule/", {"start": slot_key(new_start), "reason": ""}).status_code
        == 400
    )
    assert (
        http.post(f"{url}reschedule/", {"start": slot_key(new_start), "reason": "Work"}).status_code
        == 302
    )
    booking.refresh_from_db()
    assert booking.starts_at == new_start and booking.ical_sequence == 1
    http.post(f"{url}cancel/", {"reason": "Better"})
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED


def test_the_therapist_accepts_a_request_from_the_booking_page(
    therapist_user: Any, client_user: Any
) -> None:
    _profile, session = make_bookable(therapist_user, auto_confirm=False)
    booking = booking_create(
        slot_start=START, session_type=session, client=client_user, idempotency_key=None
    )
    http = client_for(therapist_user)
    assert (
        http.post(
            f"{booking.get_absolute_url()}decide/", {"accept": "no", "reason": ""}
        ).status_code
        == 302
    )
    booking.refresh_from_db()
    assert booking.status == BookingStatus.REQUESTED
    http.post(f"{booking.get_absolute_url()}decide/", {"accept": "yes"})
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_practice_pages_are_for_therapists_with_a_profile(
    client_user: Any, therapist_user: Any, anonymous: Any
) -> None:
    for path in (
        "/bookings/practice/",
        "/bookings/practice/hours/",
        "/bookings/practice/exceptions/",
        "/bookings/practice/sessions/",
        "/bookings/practice/agenda/",
    ):
        assert anonymous.get(path).status_code == 302
        assert client_for(client_user).get(path).status_code == 403
        assert client_for(therapist_user).get(path).status_code == 403  # no profile yet
    make_profile(therapist_user)
    http = client_for(therapist_user)
    assert http.get("/bookings/practice/").status_code == 200
    assert BookingSettings.objects.filter(therapist__user=therapist_user).exists()


def test_a_therapist_sets_hours_exceptions_sessions_and_rules(
    therapist_user: Any, unrelated_therapist_user: Any
) -> None:
    profile = make_profile(therapist_user)
    http = client_for(therapist_user)
    assert (
        http.post(
            "/bookings/practice/hours/", {"weekday": 0, "start": "17:00", "end": "09:00"}
        ).status_code
        == 400
    )
    assert (
        http.post(
            "/bookings/practice/hours/", {"weekday": 0, "start": "09:00", "end": "12:00"}
        ).status_code
        == 302
    )
    assert (
        http.post(
            "/bookings/practice/hours/", {"weekday": 0, "start": "13:00", "end": "17:00"}
        ).status_code
        == 302
    )
    assert WeeklyHours.objects.filter(therapist=profile).count() == 2
    assert (
        http.post(
            "/bookings/practice/exceptions/", {"date": "2027-04-05", "kind": "extra_hours"}
        ).status_code
        == 400
    )
    assert (
        http.post(
            "/bookings/practice/exceptions/", {"date": "2027-04-05", "kind": "day_off"}
        ).status_code
        == 302
    )
    assert (
        http.post(
            "/bookings/practice/sessions/",
            {
                "name": "Couple session",
                "minutes": 80,
                "price": "95.50",
                "format": "video",
                "cancellation_window_hours": 48,
                "is_active": "on",
                "for_couples": "on",
            },
        ).status_code
        == 302
    )
    created = SessionType.objects.get(therapist=profile)
    assert created.price_minor == 9550 and created.currency == profile.currency
    assert (
        http.post(
            "/bookings/practice/sessions/",
            {
                "name": "Long",
                "minutes": 900,
                "price": "1",
                "format": "video",
                "cancellation_window_hours": 1,
            },
        ).status_code
        == 400
    )
    assert (
        http.post(
            "/bookings/practice/",
            {
                "time_zone": "Mars/Olympus",
                "buffer_minutes": 10,
                "minimum_notice_minutes": 60,
                "horizon_days": 30,
            },
        ).status_code
        == 400
    )
    assert (
        http.post(
            "/bookings/practice/",
            {
                "time_zone": "America/New_York",
                "buffer_minutes": 15,
                "minimum_notice_minutes": 60,
                "horizon_days": 30,
                "auto_confirm": "on",
            },
        ).status_code
        == 302
    )
    assert BookingSettings.objects.get(therapist=profile).time_zone == "America/New_York"
    hours = WeeklyHours.objects.filter(therapist=profile).first()
    other = client_for(unrelated_therapist_user)
    make_profile(unrelated_therapist_user)
    assert other.post(f"/bookings/practice/hours/{hours.pk}/delete/").status_code == 404
    assert other.get(f"/bookings/practice/sessions/{created.pk}/").status_code == 404
    exception = DateException.objects.get(therapist=profile)
    assert other.post(f"/bookings/practice/exceptions/{exception.pk}/delete/").status_code == 404
    assert http.get(f"/bookings/practice/hours/{hours.pk}/delete/").status_code == 405
    # The therapist removes their own: gone, and back to the page it was on.
    removed = http.post(f"/bookings/practice/hours/{hours.pk}/delete/")
    assert removed.status_code == 302 and removed["Location"] == "/bookings/practice/hours/"
    removed = http.post(f"/bookings/practice/exceptions/{exception.pk}/delete/")
    assert removed.status_code == 302 and removed["Location"] == "/bookings/practice/exceptions/"
    assert WeeklyHours.objects.filter(therapist=profile).count() == 1
    assert not DateException.objects.filter(therapist=profile).exists()


def test_the_agenda_and_the_private_feed(
    booking: Booking, therapist_user: Any, anonymous: Any
) -> None:
    http = client_for(therapist_user)
    agenda = http.get("/bookings/practice/agenda/").content.decode()
    assert (
        "Casey Client" in agenda
        and "Monday 29 March 2027" in agenda
        and "10:00\u201310:50" in agenda
    )
    token = BookingSettings.objects.get(therapist__user=therapist_user).calendar_feed_token
    feed = anonymous.get(f"/bookings/feed/{token}.ics")
    assert feed.status_code == 200 and feed["Content-Type"].startswith("text/calendar")
    assert booking.ical_uid in feed.content.decode()
    assert anonymous.get("/bookings/feed/wrong.ics").status_code == 404
    assert http.get("/bookings/practice/feed/reset/").status_code == 405
    http.post("/bookings/practice/feed/reset/")
    assert anonymous.get(f"/bookings/feed/{token}.ics").status_code == 404


def test_my_sessions_lists_the_clients_own_bookings(
    booking: Booking, client_user: Any, unrelated_client_user: Any
) -> None:
    assert booking.therapist_name in client_for(client_user).get("/bookings/").content.decode()
    assert (
        booking.therapist_name
        not in client_for(unrelated_client_user).get("/bookings/").content.decode()
    )
