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
    assert TherapistProfile.objects.filter(next_free_at__isnull=False).count() == 2


def test_the_profile_offers_the_book_button(anonymous: Any) -> None:
    profile, _s = make_bookable()
    page = anonymous.get(profile.get_absolute_url()).content.decode()
    assert f'href="/bookings/with/{profile.slug}/"' in page


def test_the_sort_reads_the_profile_alone_without_a_join(anonymous: Any) -> None:
    make_bookable(weekdays=(1,), town="York")
    anonymous.get("/therapists/", {"sort": "soonest"})  # fresh now: nothing to refresh
    with CaptureQueriesContext(connection) as queries:
        response = anonymous.get("/therapists/", {"sort": "soonest"})
    assert response.status_code == 200
    ordered = [q["sql"] for q in queries.captured_queries if "next_free_at" in q["sql"]]
    assert ordered
    assert not [sql for sql in ordered if "booking_bookingsettings" in sql]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the index plan is PostgreSQL's")
def test_the_first_page_is_read_from_the_soonest_index() -> None:
    from tandem.directory.search import SearchParams, _ordered

    for _ in range(3):
        make_bookable(weekdays=(1,), town="York")
    queryset = _ordered(TherapistProfile.objects.public(), SearchParams(sort="soonest"))
    sql, values = queryset.values_list("id", "user_id")[:21].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table would be scanned
        cursor.execute(f"EXPLAIN {sql}", values)
        plan = " ".join(row[0] for row in cursor.fetchall())
    assert "directory_soonest_idx" in plan
    assert "Sort" not in plan.split("directory_soonest_idx")[0]


def test_a_stale_slot_at_the_top_is_worked_out_again_before_the_page_is_shown(
    anonymous: Any,
) -> None:
    from datetime import timedelta

    passed, _s = make_bookable(weekdays=(3,), town="York")
    # Stored long ago, and already in the past: it sorts first and must not stay there.
    TherapistProfile.objects.filter(pk=passed.pk).update(
        next_free_at=NOW - timedelta(days=2), next_free_checked_at=NOW - timedelta(days=3)
    )
    sooner, _s = make_bookable(weekdays=(1,), town="York")
    response = anonymous.get("/therapists/", {"sort": "soonest"})
    listed = [listing.profile.pk for listing in response.context["results"].listings]
    assert listed.index(sooner.pk) < listed.index(passed.pk)
    passed.refresh_from_db()
    assert passed.next_free_at == datetime(2027, 3, 25, 9, tzinfo=UTC)
    assert passed.next_free_checked_at == NOW


def test_a_fresh_slot_is_not_worked_out_again(anonymous: Any) -> None:
    _profile, _s = make_bookable(weekdays=(1,), town="York")
    anonymous.get("/therapists/", {"sort": "soonest"})
    with CaptureQueriesContext(connection) as queries:
        anonymous.get("/therapists/", {"sort": "soonest"})
    assert not [q for q in queries.captured_queries if "booking_weeklyhours" in q["sql"]]


def test_cron_refreshes_every_stale_therapist_who_takes_bookings() -> None:
    from io import StringIO

    from django.core.management import call_command

    from tandem.directory.tests.helpers import make_profile

    bookable, _s = make_bookable(weekdays=(1,))
    listed_only = make_profile(name="No booking")
    out = StringIO()
    call_command("refresh_soonest_slots", stdout=out)
    assert "refreshed: 1" in out.getvalue()
    bookable.refresh_from_db()
    listed_only.refresh_from_db()
    assert bookable.next_free_at == datetime(2027, 3, 23, 9, tzinfo=UTC)
    assert listed_only.next_free_checked_at is None
    out = StringIO()
    call_command("refresh_soonest_slots", stdout=out)
    assert "refreshed: 0" in out.getvalue()
