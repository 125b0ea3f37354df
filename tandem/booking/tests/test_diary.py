"""The Diary: one loader for a therapist's window, and the answers every caller shares."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest

from tandem.booking import background, tasks
from tandem.booking.models import DateException, ExceptionKind
from tandem.booking.slots import Diary, Reason
from tandem.booking.tests.helpers import NOW, START, make_bookable

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_week")]

LONDON = ZoneInfo("Europe/London")


def test_one_diary_loads_in_four_queries_whatever_the_window(
    bookable, django_assert_num_queries
) -> None:
    profile, _session = bookable
    with django_assert_num_queries(4):
        Diary.load(profile.pk, NOW, NOW + timedelta(days=60), now=NOW)


def test_a_page_of_diaries_loads_in_four_queries(
    bookable, unrelated_therapist_user, django_assert_num_queries
) -> None:
    profile, _session = bookable
    other, _other_session = make_bookable(unrelated_therapist_user)
    with django_assert_num_queries(4):
        diaries = Diary.load_many([profile.pk, other.pk], NOW, NOW + timedelta(days=7), now=NOW)
    assert set(diaries) == {profile.pk, other.pk}


def test_the_diary_holds_bookings_and_exceptions_a_day_beyond_its_window(bookable, booking) -> None:
    profile, _session = bookable
    DateException.objects.create(
        therapist=profile, date=date(2027, 3, 26), kind=ExceptionKind.DAY_OFF
    )
    # A window from Saturday 27th 09:00 that ends where the booking at START begins still
    # holds it, and Friday's day off: the slots of a day are laid out from the day before.
    diary = Diary.load(profile.pk, START - timedelta(days=2), START, now=NOW)
    assert diary.bookings == ((booking.starts_at, booking.blocked_until),)
    assert [exception.date for exception in diary.exceptions] == [date(2027, 3, 26)]
    assert Reason.DAY_OFF not in diary.day_reasons(50, LONDON).values()


def test_the_same_diary_answers_slots_reasons_and_refusals_alike(bookable, booking) -> None:
    profile, session = bookable
    diary = Diary.around(profile.pk, START, now=NOW)
    assert START not in [slot.start for slot in diary.free_slots(session.minutes)]
    assert (
        diary.refusal(START, session.minutes) == "That time has just been booked by someone else."
    )
    # Moving the booking may reuse its own time.
    moved = diary.without(booking)
    assert moved.refusal(START, session.minutes) is None
    assert START in [slot.start for slot in moved.free_slots(session.minutes)]


def test_services_reach_background_work_only_through_the_connected_worker() -> None:
    assert background.worker() is tasks.WORKER
