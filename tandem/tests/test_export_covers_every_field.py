"""Every field of a model that holds someone's data is either in their "My data" export or
left out for a stated reason, so a field added later cannot be forgotten silently.

Each table maps a model field to the key it is exported under, or to why it is left out.
A new field fails ``test_every_field_is_classified`` until someone decides which it is.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.db import models

from tandem.accounts.models import User
from tandem.accounts.personal_data import erase_user, export_user
from tandem.booking.models import Booking, BookingEvent, WaitlistEntry
from tandem.booking.services import booking_create, waitlist_join
from tandem.booking.tests.helpers import make_bookable
from tandem.directory.models import TherapistProfile

pytestmark = pytest.mark.django_db

NOW = datetime(2027, 3, 22, 8, tzinfo=UTC)
START = datetime(2027, 3, 29, 9, tzinfo=UTC)

INTERNAL = "an internal number or link, no information about the person"
BOOKKEEPING = "the site's own bookkeeping, not about the person"


def _left_out(reason: str) -> tuple[None, str]:
    return None, reason


# field: (export key, None) or (None, why it is left out)
BOOKING_AS_CLIENT: dict[str, tuple[str | None, str | None]] = {
    "id": _left_out(INTERNAL),
    "public_id": ("id", None),
    "therapist": _left_out("named by therapist_name"),
    "therapist_name": ("therapist", None),
    "client": _left_out("the person exporting"),
    "partner": _left_out("a couple session's partner; their own export lists it under as_partner"),
    "client_name": ("client_name", None),
    "client_time_zone": ("client_time_zone", None),
    "session_type": _left_out("named by session_name"),
    "session_name": ("session", None),
    "format": ("format", None),
    "price_minor": ("price_minor", None),
    "currency": ("currency", None),
    "starts_at": ("starts_at", None),
    "ends_at": ("ends_at", None),
    "blocked_until": _left_out("the therapist's break after the session"),
    "status": ("status", None),
    "client_note": ("note", None),
    "ical_uid": _left_out(BOOKKEEPING),
    "ical_sequence": _left_out(BOOKKEEPING),
    "room_name": _left_out("the key to the video room, shown on the booking's page"),
    "idempotency_key": _left_out(BOOKKEEPING),
    "created_at": ("created_at", None),
    "confirmed_at": ("confirmed_at", None),
    "cancelled_at": ("cancelled_at", None),
    "cancelled_by": ("cancelled_by", None),
    "cancel_reason": ("cancel_reason", None),
    "reminder_24h_sent_at": ("reminder_24h_sent_at", None),
    "reminder_1h_sent_at": ("reminder_1h_sent_at", None),
}

BOOKING_EVENT: dict[str, tuple[str | None, str | None]] = {
    "id": _left_out(INTERNAL),
    "booking": _left_out("exported inside its booking"),
    "kind": ("what", None),
    "by": ("by", None),
    "reason": ("reason", None),
    "previous_start": ("previous_start", None),
    "at": ("at", None),
}

WAITLIST_ENTRY: dict[str, tuple[str | None, str | None]] = {
    "id": _left_out(INTERNAL),
    "therapist": ("therapist", None),
    "client": _left_out("the person exporting"),
    "session_type": ("session", None),
    "wanted_before": ("wanted_before", None),
    "status": ("status", None),
    "offered_start": ("offered_start", None),
    "offer_expires_at": ("offer_expires_at", None),
    "booking": _left_out("the booking itself is exported"),
    "created_at": ("joined_at", None),
}

USER: dict[str, tuple[str | None, str | None]] = {
    "id": _left_out(INTERNAL),
    "password": _left_out("a one-way hash: a secret, and no use to anyone"),
    "last_login": ("last_login", None),
    "is_superuser": _left_out("told by role"),
    "email": ("email", None),
    "name": ("name", None),
    "role": ("role", None),
    "is_active": _left_out("an account that exports is active"),
    "is_staff": _left_out("told by role"),
    "date_joined": ("date_joined", None),
}

PROFILE: dict[str, tuple[str | None, str | None]] = {
    "id": _left_out(INTERNAL),
    "user": _left_out("the person exporting"),
    "statement_html": _left_out("the statement, rendered"),
    "specialty_bits": ("specialties", None),
    "approach_bits": ("approaches", None),
    "language_bits": ("languages", None),
    "offers_video": ("formats", None),
    "offers_phone": ("formats", None),
    "offers_in_person": ("formats", None),
    "lowest_fee_minor": _left_out("worked out from the fees"),
    "shown_fee_minor": _left_out("worked out from the fees"),
    "next_free_at": _left_out("worked out from the hours and bookings, for the soonest sort"),
    "next_free_checked_at": _left_out("when the soonest free slot was worked out"),
    "search_text": _left_out("the profile's words, kept for search"),
    **{
        name: (name, None)
        for name in [
            "slug",
            "status",
            "name",
            "pronouns",
            "gender",
            "gender_description",
            "photo",
            "statement",
            "qualifications",
            "registration_body",
            "registration_number",
            "years_in_practice",
            "sees_individuals",
            "sees_couples",
            "place",
            "town",
            "country",
            "latitude",
            "longitude",
            "currency",
            "fee_individual_minor",
            "fee_couple_minor",
            "sliding_scale_min_minor",
            "accepting_new_clients",
            "tier",
            "created_at",
            "updated_at",
            "submitted_at",
            "verified_at",
        ]
    },
}

TABLES: list[tuple[type[models.Model], dict[str, tuple[str | None, str | None]]]] = [
    (Booking, BOOKING_AS_CLIENT),
    (BookingEvent, BOOKING_EVENT),
    (WaitlistEntry, WAITLIST_ENTRY),
    (User, USER),
    (TherapistProfile, PROFILE),
]


@pytest.mark.parametrize(
    ("model", "table"), TABLES, ids=lambda value: getattr(value, "__name__", "")
)
def test_every_field_is_classified(model: type[models.Model], table: dict[str, Any]) -> None:
    fields = {field.name for field in model._meta.concrete_fields}

    assert set(table) == fields, "classify the new field: exported under a key, or left out why"


def _exported_keys(table: dict[str, tuple[str | None, str | None]]) -> set[str]:
    return {key for key, _reason in table.values() if key is not None}


@pytest.fixture
def clients_export(client_user: User) -> dict[str, Any]:
    _profile, session = make_bookable()
    with time_machine.travel(NOW, tick=False):
        booking_create(
            slot_start=START,
            session_type=session,
            client=client_user,
            idempotency_key=uuid.uuid4(),
            client_name="Case",
            client_time_zone="America/New_York",
        )
        waitlist_join(therapist=session.therapist, session_type=session, client=client_user)
        return export_user(client_user)["sections"]


def test_a_clients_export_holds_every_exported_field(clients_export: dict[str, Any]) -> None:
    booking = clients_export["bookings"]["as_client"][0]
    assert _exported_keys(BOOKING_AS_CLIENT) <= set(booking)
    assert booking["client_name"] == "Case"
    assert booking["client_time_zone"] == "America/New_York"
    assert _exported_keys(BOOKING_EVENT) <= set(booking["history"][0])
    assert _exported_keys(WAITLIST_ENTRY) <= set(clients_export["bookings"]["waitlist"][0])
    assert _exported_keys(USER) <= set(clients_export["account"])


def test_a_therapists_export_holds_every_exported_profile_field() -> None:
    profile, _session = make_bookable()

    exported = export_user(profile.user)["sections"]["therapist_profile"]["profile"]

    assert _exported_keys(PROFILE) <= set(exported)


def test_erasure_clears_the_zone_a_client_booked_in(client_user: User) -> None:
    _profile, session = make_bookable()
    with time_machine.travel(START - timedelta(days=30), tick=False):
        booking = booking_create(
            slot_start=START - timedelta(days=20),
            session_type=session,
            client=client_user,
            idempotency_key=uuid.uuid4(),
            client_time_zone="America/New_York",
        )
    with time_machine.travel(NOW, tick=False):
        erase_user(client_user)

    booking.refresh_from_db()
    assert booking.client is None
    assert booking.client_time_zone == ""
