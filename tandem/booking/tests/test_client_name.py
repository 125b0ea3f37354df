"""The therapist sees the name the client chose on the confirm form, never part of their
email address (sign-up asks only for an address, so most clients have no name)."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from tandem.booking.forms import slot_key
from tandem.booking.models import Booking, BookingSettings, Party, WaitlistStatus
from tandem.booking.services import booking_cancel, booking_create, waitlist_join
from tandem.booking.tests.helpers import START, make_bookable
from tandem.conftest import api_client_for, client_for, make_user, post_json

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_week")]

# Whole words, so that "does" or "Janet" would not count as a leak.
ADDRESS_PARTS = re.compile(r"\b(jane|doe)\b", re.IGNORECASE)


@pytest.fixture
def nameless_client() -> Any:
    return make_user("jane.doe@example.com")


def _confirm_url(profile: Any) -> str:
    return f"/bookings/with/{profile.slug}/confirm/"


def _key(http: Client, profile: Any, session: Any) -> str:
    page = http.get(_confirm_url(profile), {"session": session.pk, "start": slot_key(START)})
    assert page.status_code == 200
    found = re.search(r'name="idempotency_key" value="([^"]+)"', page.content.decode())
    assert found is not None
    return found.group(1)


def _assert_no_address_part(text: str) -> None:
    assert not ADDRESS_PARTS.search(text), ADDRESS_PARTS.findall(text)


def test_the_confirm_form_asks_a_nameless_client_for_a_name_and_refuses_a_blank_one(
    therapist_user: Any, nameless_client: Any
) -> None:
    profile, session = make_bookable(therapist_user)
    http = client_for(nameless_client)
    page = http.get(_confirm_url(profile), {"session": session.pk, "start": slot_key(START)})
    html = page.content.decode()
    assert 'name="client_name"' in html and "required" in html
    assert "jane" not in html.split('name="client_name"', 1)[1].split(">", 1)[0]
    form = {
        "session": session.pk,
        "start": slot_key(START),
        "idempotency_key": _key(http, profile, session),
        "client_name": "   ",
    }
    refused = http.post(_confirm_url(profile), form)
    assert refused.status_code == 400
    assert "Please tell us the name" in refused.content.decode()
    assert not Booking.objects.exists()
    too_long = http.post(_confirm_url(profile), {**form, "client_name": "J" * 151})
    assert too_long.status_code == 400 and not Booking.objects.exists()


def test_the_confirm_form_is_prefilled_with_the_accounts_name(
    therapist_user: Any, client_user: Any
) -> None:
    profile, session = make_bookable(therapist_user)
    page = client_for(client_user).get(
        _confirm_url(profile), {"session": session.pk, "start": slot_key(START)}
    )
    assert 'value="Casey Client"' in page.content.decode()


def test_a_nameless_clients_email_never_reaches_what_the_therapist_sees(
    therapist_user: Any, nameless_client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    profile, session = make_bookable(therapist_user)
    http = client_for(nameless_client)
    form = {
        "session": session.pk,
        "start": slot_key(START),
        "idempotency_key": _key(http, profile, session),
        "client_name": "J.",
    }
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = http.post(_confirm_url(profile), form)
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert booking.client_name == "J."

    therapist = client_for(therapist_user)
    agenda = therapist.get("/bookings/practice/agenda/").content.decode()
    assert "J." in agenda
    _assert_no_address_part(agenda)
    _assert_no_address_part(therapist.get(booking.get_absolute_url()).content.decode())
    token = BookingSettings.objects.get(therapist=profile).calendar_feed_token
    feed = client_for(therapist_user).get(f"/bookings/feed/{token}.ics").content.decode()
    assert "with J." in feed
    _assert_no_address_part(feed)
    to_therapist = [m for m in mail.outbox if m.to == [therapist_user.email]]
    assert to_therapist
    for message in to_therapist:
        assert "J." in message.body
        parts = [
            part.get_payload(decode=True).decode()
            for part in message.message().walk()
            if not part.is_multipart()
        ]
        assert any("with J." in part for part in parts)  # the invite's title
        _assert_no_address_part(" ".join([str(message.subject), *parts]))


def test_the_service_never_falls_back_to_the_address(
    therapist_user: Any, nameless_client: Any
) -> None:
    _profile, session = make_bookable(therapist_user)
    booking = booking_create(
        slot_start=START, session_type=session, client=nameless_client, idempotency_key=None
    )
    assert booking.client_name == ""


def test_the_api_needs_a_name_from_a_nameless_client(
    therapist_user: Any, nameless_client: Any
) -> None:
    _profile, session = make_bookable(therapist_user)
    http = api_client_for(nameless_client)
    body = {"session_type": session.pk, "start": "2027-03-29T09:00:00Z"}

    def post(extra: dict[str, Any]) -> Any:
        return post_json(http, "/api/v1/bookings", {**body, **extra})

    missing = post({})
    assert missing.status_code == 422 and "client_name" in missing.json()["detail"]
    assert post({"client_name": "J" * 151}).status_code == 422
    assert post({"client_name": "Jay"}).status_code == 201
    assert Booking.objects.get().client_name == "Jay"


def test_taking_a_waitlist_offer_asks_for_the_name_too(
    therapist_user: Any,
    client_user: Any,
    nameless_client: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    profile, session = make_bookable(therapist_user)
    booking = booking_create(
        slot_start=START, session_type=session, client=client_user, idempotency_key=uuid.uuid4()
    )
    entry = waitlist_join(therapist=profile, client=nameless_client, session_type=session)
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=booking, by=Party.CLIENT, reason="Cannot come")
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.OFFERED
    http = client_for(nameless_client)
    page = http.get("/bookings/waitlist/").content.decode()
    assert 'name="client_name"' in page
    blank = http.post(f"/bookings/waitlist/{entry.pk}/take/", {"client_name": ""})
    assert blank.status_code == 302
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.OFFERED  # nothing booked without a name
    http.post(f"/bookings/waitlist/{entry.pk}/take/", {"client_name": "J."})
    taken = Booking.objects.get(client=nameless_client)
    assert taken.client_name == "J." and taken.starts_at == START
    assert taken.ends_at - taken.starts_at == timedelta(minutes=50)
