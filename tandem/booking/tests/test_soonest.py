from __future__ import annotations

import uuid
from datetime import UTC, datetime, time
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.booking.services import booking_create
from tandem.booking.soonest import soonest_free_slot_for_many
from tandem.booking.tests.helpers import make_bookable
from tandem.directory.models import TherapistProfile

pytestmark = pytest.mark.django_db

NOW = datetime(2027, 3, 22, 8, tzinfo=UTC)  # Monday 08:00 GMT


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def test_it_finds_each_therapists_soonest_slot_in_a_few_queries(client_user: Any) -> None:
    today, _s = make_bookable()
    later, _s = make_bookable(weekdays=(3,))
    far, _s = make_bookable(weekdays=(0,), hours=((time(9), time(10)),))
    none, _s = make_bookable(weekdays=())
    with CaptureQueriesContext(connection) as queries:
        found = soonest_free_slot_for_many([today, later, far, none], NOW)
    assert len(queries) <= 8
    assert found[today.pk].start == datetime(2027, 3, 22, 9, tzinfo=UTC)
    assert found[later.pk].start == datetime(2027, 3, 25, 9, tzinfo=UTC)
    assert found[far.pk].start == datetime(2027, 3, 22, 9, tzinfo=UTC)
    assert found[none.pk] is None


def test_a_booked_day_pushes_the_soonest_slot_on(client_user: Any) -> None:
    profile, session = make_bookable(weekdays=(0,), hours=((time(9), time(10)),))
    booking_create(
        slot_start=datetime(2027, 3, 22, 9, tzinfo=UTC),
        session_type=session,
        client=client_user,
        idempotency_key=uuid.uuid4(),
    )
    assert soonest_free_slot_for_many([profile], NOW)[profile.pk].start == datetime(
        2027, 3, 29, 8, tzinfo=UTC
    )


def test_the_directory_sorts_by_soonest_free_slot(anonymous: Any) -> None:
    later, _s = make_bookable(weekdays=(3,), town="York")
    sooner, _s = make_bookable(weekdays=(1,), town="York")
    nothing, _s = make_bookable(weekdays=(), town="York")
    response = anonymous.get("/therapists/", {"sort": "soonest"})
    assert response.status_code == 200
    listed = [listing.profile.pk for listing in response.context["results"].listings]
    assert listed.index(sooner.pk) < listed.index(later.pk) < listed.index(nothing.pk)
    assert (
        TherapistProfile.objects.filter(booking_settings__next_free_at__isnull=False).count() == 2
    )


def test_the_profile_offers_the_book_button(anonymous: Any) -> None:
    profile, _s = make_bookable()
    page = anonymous.get(profile.get_absolute_url()).content.decode()
    assert f'href="/bookings/with/{profile.slug}/"' in page
